/**
 * agent.keep_best: the policy whose rollouts ended best, kept (with the filter dynamics SOLAR's
 * policy acted with) for the final evaluation, scored only by what the agent observes:
 *   dense:  J_end = (1/N) Σ_n [c^n_{T−1} − w‖clip(u^n_{T−1})‖²], the mean state cost of the last
 *           observed step (the task is judged on where the episode ends; the state after the
 *           last action has no observed cost);
 *   sparse: J_end = −(successes / N), the success signal the agent learns from.
 * Lower is better; a tie keeps the earlier policy. The iterations still go on from the latest
 * policy: only what is evaluated (and saved as final) changes.
 *
 * Why: on the reacher the rollouts reached the target and then drifted off again (README), so
 * the last update's policy was often not the best one the run had found.
 */
import { createPolicy, type LinearGaussianPolicy } from '../../control/index.js';
import type { EnvSpec } from '../../envs/types.js';
import type { DynamicsExpectations } from '../../gaussian/index.js';
import { stateCostFn } from '../../envs/state-cost.js';

/** What an iteration reports of its rollouts' ends (metrics.jsonl). */
export interface EndReport {
  /** J_end of this iteration's rollouts. */
  end_score: number;
  /** agent.keep_best: the iteration whose rollouts' policy the evaluation uses so far. */
  best_iteration?: number;
}

/** What J_end needs of an episode. */
export interface EndedEpisode {
  readonly actions: Float64Array;
  readonly costs: Float64Array;
  readonly success: boolean;
}

/** J_end of a batch of episodes (see above). */
export function endScore(episodes: readonly EndedEpisode[], spec: EnvSpec): number {
  if (episodes.length === 0) throw new Error('endScore: no episodes');
  if (spec.cost.kind === 'sparse') return -episodes.filter((e) => e.success).length / episodes.length;
  const stateCost = stateCostFn(spec);
  const T = spec.horizon, da = spec.action.dim;
  let sum = 0;
  for (const e of episodes) sum += stateCost(e.costs[T - 1], e.actions.subarray((T - 1) * da, T * da));
  return sum / episodes.length;
}

export interface PolicyArrays {
  K: Float64Array; k: Float64Array; S: Float64Array; cholS: Float64Array; invS: Float64Array; logDetS: Float64Array;
}
export interface FilterArrays {
  Einv: Float64Array; EinvF: Float64Array; EFinvF: Float64Array; Elogdet: Float64Array;
}

export const policyArrays = (p: LinearGaussianPolicy): PolicyArrays => ({ K: p.K, k: p.k, S: p.S, cholS: p.cholS, invS: p.invS, logDetS: p.logDetS });
export const filterArrays = (d: DynamicsExpectations): FilterArrays => ({ Einv: d.Einv, EinvF: d.EinvF, EFinvF: d.EFinvF, Elogdet: d.Elogdet });

/**
 * A saved policy, validated through createPolicy but with the saved factors kept: recomputing
 * chol(S), S⁻¹ from S differs from the update's own in the last bits, and resume must be exact.
 */
export function restorePolicy(a: PolicyArrays, T: number, ds: number, da: number): LinearGaussianPolicy {
  const checked = createPolicy(T, ds, da, Float64Array.from(a.K), Float64Array.from(a.k), Float64Array.from(a.S));
  return { ...checked, cholS: Float64Array.from(a.cholS), invS: Float64Array.from(a.invS), logDetS: Float64Array.from(a.logDetS) };
}

/** Saved filter dynamics, whose inputs are the actions. */
export function restoreFilter(a: FilterArrays, ds: number, da: number, who: string): DynamicsExpectations {
  const count = a.Elogdet.length;
  const filterDa = a.EinvF.length / (count * ds) - ds;
  if (filterDa !== da) throw new Error(`${who}: agent state's filter dynamics have ${filterDa} inputs; expected ${da}`);
  return { ds, da, count, Einv: Float64Array.from(a.Einv), EinvF: Float64Array.from(a.EinvF), EFinvF: Float64Array.from(a.EFinvF), Elogdet: Float64Array.from(a.Elogdet) };
}

export interface BestPolicyMeta {
  iteration: number;
  score: number;
}

/** The arrays of the kept policy in the agent state (absent until one is kept, and in older states). */
export type BestPolicyState = { [K in keyof PolicyArrays | keyof FilterArrays as `best_${K}`]?: Float64Array };

/** A kept policy; `filter`: the dynamics SOLAR's policy filtered with (the VAE ablation acts on encoder means, without). */
export interface KeptPolicy {
  readonly policy: LinearGaussianPolicy;
  readonly filter?: DynamicsExpectations;
}

export class BestPolicy {
  private kept: { meta: BestPolicyMeta } & KeptPolicy | null = null;

  /** Keeps the policy that produced rollouts scoring J_end = `score` at `iteration` if it beats the kept one. */
  offer(iteration: number, score: number, policy: LinearGaussianPolicy, filter?: DynamicsExpectations): void {
    if (!Number.isFinite(score)) throw new Error(`keep_best: iteration ${iteration}'s rollouts scored ${score}`);
    if (this.kept === null || score < this.kept.meta.score) this.kept = { meta: { iteration, score }, policy, filter };
  }

  get iteration(): number | undefined {
    return this.kept?.meta.iteration;
  }

  /** The kept policy (with its filter dynamics, if it had them), if any. */
  get(): KeptPolicy | null {
    return this.kept;
  }

  meta(): BestPolicyMeta | null {
    return this.kept?.meta ?? null;
  }

  arrays(): BestPolicyState {
    if (!this.kept) return {};
    const all: Record<string, Float64Array> = { ...policyArrays(this.kept.policy), ...(this.kept.filter ? filterArrays(this.kept.filter) : {}) };
    return Object.fromEntries(Object.entries(all).map(([k, v]) => [`best_${k}`, v]));
  }

  /** From the agent state; `withFilter`: the kept policy has filter dynamics (SOLAR). */
  restore(meta: BestPolicyMeta | null | undefined, arrays: BestPolicyState, T: number, ds: number, da: number, who: string, withFilter: boolean): void {
    if (!meta) {
      this.kept = null;
      return;
    }
    const a = arrays as Record<string, Float64Array | undefined>;
    const get = (k: string) => {
      const v = a[`best_${k}`];
      if (!v) throw new Error(`${who}: agent state keeps iteration ${meta.iteration}'s policy but lacks its array '${k}'`);
      return v;
    };
    const policy = restorePolicy({ K: get('K'), k: get('k'), S: get('S'), cholS: get('cholS'), invS: get('invS'), logDetS: get('logDetS') }, T, ds, da);
    const filter = withFilter ? restoreFilter({ Einv: get('Einv'), EinvF: get('EinvF'), EFinvF: get('EFinvF'), Elogdet: get('Elogdet') }, ds, da, who) : undefined;
    this.kept = { meta: { ...meta }, policy, filter };
  }
}
