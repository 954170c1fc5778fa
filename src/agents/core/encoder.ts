/**
 * Acting on encodings, shared by the ablations (VAE: LQR-FLM on the encoder's means; MPC:
 * CEM planning from them). The state the agent acts on at step t is the encoder's mean
 * m_t = μ_φ(o_{t−k+1..t}) of the current image (k = the model's frame stack): no filtering,
 * no temporal model — exactly what the VAE ablation's per-frame N(0, I) prior offers.
 */
import type { Env } from '../../envs/types.js';
import type { EpisodeOutcome } from '../../envs/rollout.js';
import { encodeSequence, type SolarModel } from '../../model/index.js';
import type { TrajectoryBatch } from '../../control/index.js';
import type { Potentials } from './latent-model.js';
import { concatFloat32 } from '../../util/concat.js';

/** Images → per-frame Gaussian potentials N(m_t, diag s_t²) (a frame-stacking encoder sees only frames ≤ t). */
export interface FrameEncoder {
  readonly ds: number;
  readonly frameStack: number;
  encode(frames: readonly Float32Array[]): Potentials | Promise<Potentials>;
}

/** The encoder of a trained SolarModel (either prior: the VAE ablation's 'normal' or SOLAR's 'lds'). */
export class ModelEncoder implements FrameEncoder {
  readonly ds: number;
  readonly frameStack: number;
  constructor(readonly model: SolarModel) {
    this.ds = model.latentDim;
    this.frameStack = model.config.frame_stack;
  }

  encode(frames: readonly Float32Array[]): Potentials {
    return encodeSequence(this.model, concatFloat32(frames));
  }
}

export interface EncodedEpisode extends EpisodeOutcome {
  readonly seed: number;
  /** o_0..o_T. */
  readonly frames: Float32Array[];
  readonly states: Float64Array[];
  /** Executed (clipped) actions, T·da. */
  readonly actions: Float64Array;
  readonly costs: Float64Array;
  /** Encoder means m_0..m_T, (T+1)·ds (the agent acted on m_0..m_{T−1}). */
  readonly latents: Float64Array;
}

/** Chooses u_t from the encoder mean m_t (may be asynchronous). */
export type LatentController = (t: number, m: Float64Array) => Float64Array | Promise<Float64Array>;

/** Encoder mean of the last frame of `frames` (the encoder looks at most frameStack frames back). */
async function meanOfLast(encoder: FrameEncoder, frames: readonly Float32Array[]): Promise<Float64Array> {
  const window = frames.slice(Math.max(0, frames.length - encoder.frameStack));
  const pot = await encoder.encode(window);
  const last = window.length - 1;
  return Float64Array.from(pot.m.subarray(last * encoder.ds, (last + 1) * encoder.ds));
}

/** One episode: u_t = control(t, m_t), clipped to the task's bounds; m_T is encoded too (for the fits). */
export async function actOnEncodings(env: Env, encoder: FrameEncoder, control: LatentController, seed: number): Promise<EncodedEpisode> {
  const T = env.spec.horizon, ds = encoder.ds, da = env.spec.action.dim;
  const { low, high } = env.spec.action;
  let ts = await env.reset(seed);
  const frames = [ts.observation];
  const states = [ts.state];
  const actions = new Float64Array(T * da);
  const costs = new Float64Array(T);
  const latents = new Float64Array((T + 1) * ds);
  let total = 0;
  for (let t = 0; t < T; t++) {
    const m = await meanOfLast(encoder, frames);
    latents.set(m, t * ds);
    const u = await control(t, m);
    if (u.length !== da) throw new Error(`controller returned ${u.length} action components at t=${t}, the task has ${da}`);
    for (let i = 0; i < da; i++) actions[t * da + i] = Math.min(high[i], Math.max(low[i], u[i]));
    ts = await env.step(actions.subarray(t * da, (t + 1) * da));
    frames.push(ts.observation);
    states.push(ts.state);
    costs[t] = ts.cost;
    total += ts.cost;
  }
  latents.set(await meanOfLast(encoder, frames), T * ds);
  return { seed, frames, states, actions, costs, latents, totalCost: total, finalDistance: ts.info.distance, success: ts.info.success };
}

/** Encodes whole episodes (e.g. the random pretraining rollouts) to a batch of means, actions clipped to the task's bounds. */
export async function encodeEpisodes(
  env: Env, encoder: FrameEncoder, episodes: readonly { observations: readonly Float32Array[]; actions: readonly ArrayLike<number>[]; costs: readonly number[] }[],
): Promise<TrajectoryBatch> {
  const T = env.spec.horizon, dx = encoder.ds, du = env.spec.action.dim;
  const { low, high } = env.spec.action;
  const N = episodes.length;
  const X = new Float64Array(N * (T + 1) * dx), U = new Float64Array(N * T * du), cost = new Float64Array(N * T);
  for (let n = 0; n < N; n++) {
    const e = episodes[n];
    if (e.observations.length !== T + 1 || e.actions.length !== T) throw new Error(`encodeEpisodes: episode ${n} has ${e.observations.length} frames and ${e.actions.length} actions, expected ${T + 1} and ${T}`);
    const pot = await encoder.encode(e.observations);
    X.set(pot.m, n * (T + 1) * dx);
    for (let t = 0; t < T; t++) {
      for (let i = 0; i < du; i++) U[(n * T + t) * du + i] = Math.min(high[i], Math.max(low[i], e.actions[t][i]));
      cost[n * T + t] = e.costs[t];
    }
  }
  return { N, T, dx, du, X, U, cost };
}

/** The episodes as one trajectory batch (X = encoder means). */
export function batchOf(episodes: readonly EncodedEpisode[], T: number, dx: number, du: number): TrajectoryBatch {
  const N = episodes.length;
  const X = new Float64Array(N * (T + 1) * dx), U = new Float64Array(N * T * du), cost = new Float64Array(N * T);
  episodes.forEach((e, n) => {
    X.set(e.latents, n * (T + 1) * dx);
    U.set(e.actions, n * T * du);
    cost.set(e.costs, n * T);
  });
  return { N, T, dx, du, X, U, cost };
}

