/**
 * The rollout loop shared by every method: it awaits each step, so a simulated task and a
 * robot behind a network connection are driven the same way.
 */
import { deriveSeed, Rng } from '../random/rng.js';
import { episodeSeed } from './episode-seeds.js';
import type { Env, StepInfo, TimeStep } from './types.js';

/** Chooses u_t from the latest time step; may be asynchronous (e.g. online filtering on a worker). */
export type Policy = (ts: TimeStep, t: number) => ArrayLike<number> | Promise<ArrayLike<number>>;

export interface Episode {
  readonly seed: number;
  /** o_0..o_T (T + 1 images; empty arrays when the env does not render). */
  readonly observations: Float32Array[];
  /** s_0..s_T. */
  readonly states: Float64Array[];
  /** u_0..u_{T−1}, as given to the env (before its clipping). */
  readonly actions: Float64Array[];
  /** c_0..c_{T−1}, c_t = ℓ(s_t, u_t). */
  readonly costs: number[];
  /** info after each step (length T); the last is the final state's. */
  readonly infos: StepInfo[];
  readonly totalCost: number;
  readonly finalDistance: number;
  readonly success: boolean;
}

export interface RolloutOptions {
  /** Keep the images (default true); false saves memory for state-only methods. */
  keepObservations?: boolean;
  /** Called after every step, e.g. to advance a progress bar. */
  onStep?: (ts: TimeStep, t: number) => void;
}

export async function rollout(env: Env, policy: Policy, seed: number, options: RolloutOptions = {}): Promise<Episode> {
  const keep = options.keepObservations ?? true;
  const empty = new Float32Array(0);
  let ts = await env.reset(seed);
  const observations = [keep ? ts.observation : empty];
  const states = [ts.state];
  const actions: Float64Array[] = [];
  const costs: number[] = [];
  const infos: StepInfo[] = [];
  for (let t = 0; t < env.spec.horizon; t++) {
    const u = Float64Array.from(await policy(ts, t));
    ts = await env.step(u);
    actions.push(u);
    costs.push(ts.cost);
    infos.push(ts.info);
    observations.push(keep ? ts.observation : empty);
    states.push(ts.state);
    options.onStep?.(ts, t);
  }
  const last = infos[infos.length - 1] ?? ts.info;
  return {
    seed,
    observations,
    states,
    actions,
    costs,
    infos,
    totalCost: costs.reduce((a, b) => a + b, 0),
    finalDistance: last.distance,
    success: last.success,
  };
}

/** What every method's episodes report (the run-directory contract's evaluation fields). */
export interface EpisodeOutcome {
  readonly totalCost: number;
  readonly finalDistance: number;
  readonly success: boolean;
}

export interface EpisodeStats {
  readonly mean_cost: number;
  readonly mean_final_distance: number;
  readonly median_final_distance: number;
  readonly success_rate: number;
}

/** A method's final evaluation as its summary.json holds it (run-directory contract). */
export interface EvaluationSummary extends EpisodeStats {
  /** Training env steps plus the evaluation's. */
  readonly env_steps: number;
  readonly episodes: number;
  readonly wall_s: number;
}

/** Mean and median final distance, success rate and mean total cost over episodes. */
export function episodeStats(episodes: readonly EpisodeOutcome[]): EpisodeStats {
  const n = episodes.length;
  if (n === 0) throw new Error('episodeStats: no episodes');
  const d = episodes.map((e) => e.finalDistance).sort((a, b) => a - b);
  return {
    mean_cost: episodes.reduce((a, e) => a + e.totalCost, 0) / n,
    mean_final_distance: d.reduce((a, v) => a + v, 0) / n,
    median_final_distance: n % 2 ? d[(n - 1) / 2] : 0.5 * (d[n / 2 - 1] + d[n / 2]),
    success_rate: episodes.filter((e) => e.success).length / n,
  };
}

/** n episodes of u ~ N(0, std² I), each seeded by `episodeSeed(seed, split, i)`. */
export async function collectRandomRollouts(env: Env, seed: number, split: 'train' | 'test', n: number, std: number, onEpisode?: () => void): Promise<Episode[]> {
  const out: Episode[] = [];
  const da = env.spec.action.dim;
  for (let i = 0; i < n; i++) {
    const epSeed = episodeSeed(seed, split, i);
    const rng = new Rng(deriveSeed(epSeed, 7));
    out.push(await rollout(env, () => Array.from({ length: da }, () => std * rng.normal()), epSeed));
    onEpisode?.();
  }
  return out;
}
