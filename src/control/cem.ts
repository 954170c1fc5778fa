/**
 * The cross-entropy method over open-loop action sequences U = (u_0..u_{H−1}) (the MPC
 * ablation's planner; parasol: 1024 samples, 15 elites, 10 iterations, horizon 20). Each
 * iteration samples S sequences U_s = clip(μ + σ ⊙ ε_s, low, high), ε_s ~ N(0, I), scores all
 * of them in ONE call of `evaluate` (the caller batches the model rollouts), and refits
 *   μ ← mean of the E lowest-cost sequences,  σ ← max(min_std, their std).
 * The plan is the final μ (clipped); MPC executes its first action and re-plans.
 */
import type { Rng } from '../random/rng.js';

export interface CemOptions {
  readonly samples: number;
  readonly elites: number;
  readonly iterations: number;
  readonly initStd: number;
  readonly minStd: number;
  readonly low: ArrayLike<number>;
  readonly high: ArrayLike<number>;
}

/** Costs of S sequences given as S × H × da (row-major); must return S finite costs. */
export type SequenceCost = (U: Float32Array, S: number, H: number) => Float64Array | Promise<Float64Array>;

export interface CemResult {
  /** The planned sequence μ, H × da. */
  readonly plan: Float64Array;
  /** Cost of the best sequence sampled in the last iteration. */
  readonly bestCost: number;
}

export async function cemPlan(evaluate: SequenceCost, H: number, da: number, init: Float64Array | null, opts: CemOptions, rng: Rng): Promise<CemResult> {
  const { samples: S, elites: E, iterations } = opts;
  if (!(E >= 1 && E <= S)) throw new Error(`cem: elites (${E}) must be in 1..samples (${S})`);
  if (init && init.length !== H * da) throw new Error(`cem: initial plan has ${init.length} values, expected H·da = ${H * da}`);
  const n = H * da;
  const mu = init ? Float64Array.from(init) : new Float64Array(n);
  const sd = new Float64Array(n).fill(opts.initStd);
  const U = new Float32Array(S * n);
  let bestCost = Number.POSITIVE_INFINITY;
  for (let it = 0; it < iterations; it++) {
    for (let s = 0; s < S; s++) {
      for (let j = 0; j < n; j++) {
        const a = j % da;
        const v = mu[j] + sd[j] * rng.normal();
        U[s * n + j] = Math.min(opts.high[a], Math.max(opts.low[a], v));
      }
    }
    const cost = await evaluate(U, S, H);
    if (cost.length !== S) throw new Error(`cem: evaluate returned ${cost.length} costs for ${S} sequences`);
    const order = Array.from({ length: S }, (_, i) => i).sort((a, b) => cost[a] - cost[b] || a - b);
    if (!Number.isFinite(cost[order[0]])) throw new Error(`cem: every sampled sequence has a non-finite cost (iteration ${it})`);
    bestCost = cost[order[0]];
    mu.fill(0);
    for (let e = 0; e < E; e++) for (let j = 0; j < n; j++) mu[j] += U[order[e] * n + j] / E;
    sd.fill(0);
    for (let e = 0; e < E; e++) for (let j = 0; j < n; j++) sd[j] += (U[order[e] * n + j] - mu[j]) ** 2 / E;
    for (let j = 0; j < n; j++) sd[j] = Math.max(opts.minStd, Math.sqrt(sd[j]));
  }
  for (let j = 0; j < n; j++) mu[j] = Math.min(opts.high[j % da], Math.max(opts.low[j % da], mu[j]));
  return { plan: mu, bestCost };
}
