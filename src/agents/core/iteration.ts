/**
 * Pieces of one improvement iteration that SOLAR and its ablations (VAE, MPC) share, so that
 * the methods differ only in what they learn from the rollouts: the episode seeds, the
 * rollout loop, the time split of the stages, and the progress every iteration reports.
 */
import { episodeStats, type EpisodeOutcome } from '../../envs/rollout.js';
import type { Env } from '../../envs/types.js';

// Every method's episode seeds (LQR-FLM's from the state too): the same task instances.
export { evalEpisodeSeed, trainEpisodeSeed } from '../../envs/episode-seeds.js';

/** Seconds since the previous call (the first call: since `from`), for the time split of an iteration's stages. */
export function stageClock(from = performance.now()): () => number {
  let last = from;
  return () => {
    const now = performance.now();
    const dt = (now - last) / 1000;
    last = now;
    return dt;
  };
}

/** `count` episodes played one after another (they draw from the agent's one RNG stream), each reported as it ends. */
export async function playEpisodes<E>(count: number, play: (n: number) => Promise<E>, onEpisode?: (e: E) => void): Promise<E[]> {
  const out: E[] = [];
  for (let n = 0; n < count; n++) {
    const e = await play(n);
    out.push(e);
    onEpisode?.(e);
  }
  return out;
}

/** What every iteration reports first: its index, env steps so far (pretraining included), how its rollouts went. */
export interface IterationProgress {
  iteration: number;
  env_steps: number;
  mean_cost: number;
  mean_final_distance: number;
  success_rate: number;
}

/** The KL-constrained LQR-FLM step (SOLAR, VAE ablation): KL reached, its bound ε = kl_step · T · step_mult, the dual η. */
export interface LqrflmStepReport {
  kl: number;
  kl_bound: number;
  eta: number;
  step_mult: number;
}

/** The step's report from the update it took and the multiplier it used (control/kl-step.ts). */
export function lqrflmStepReport(r: { kl: number; klBound: number; eta: number }, stepMult: number): LqrflmStepReport {
  return { kl: r.kl, kl_bound: r.klBound, eta: r.eta, step_mult: stepMult };
}

/** The fields an iteration's cost fit adds when it has them: successes labelled (sparse), the fit's R² (dense). */
export function costFitReport(fit: { successLabels?: number; fitR2?: number }): { success_labels?: number; cost_fit_r2?: number } {
  return { ...(fit.successLabels !== undefined ? { success_labels: fit.successLabels } : {}), ...(fit.fitR2 !== undefined ? { cost_fit_r2: fit.fitR2 } : {}) };
}

/** The first fields of every iteration's metrics line, in their order there. */
export function iterationProgress(iteration: number, envSteps: number, episodes: readonly EpisodeOutcome[]): IterationProgress {
  const s = episodeStats(episodes);
  return { iteration, env_steps: envSteps, mean_cost: s.mean_cost, mean_final_distance: s.mean_final_distance, success_rate: s.success_rate };
}

/** What a self-contained trainer (LQR-FLM on the state, PPO) is given: the task, the settings, the seed, progress callbacks. */
export interface TrainerOptions<C, M, E> {
  /** Makes the task (a trainer may call it more than once, e.g. one env per parallel rollout). */
  readonly makeEnv: () => Env | Promise<Env>;
  /** Overrides of the defaults in the method's config.ts (validated), or a resolved config. */
  readonly config?: Partial<C> | Record<string, unknown>;
  readonly seed: number;
  readonly onIteration?: (m: M) => void | Promise<void>;
  /** Called after each evaluation episode (for a progress bar). */
  readonly onEvalEpisode?: (index: number, e: E) => void;
}
