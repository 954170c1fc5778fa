/**
 * What the SOLAR agent needs from a trained model (no gradients, Float64 outputs):
 * - encode: images → node potentials ψ_t = N(m_t, diag s_t²);
 * - smooth: q(x) of whole sequences under the current global dynamics (means, Cov(x_t),
 *   Cov(x_t, x_{t+1})) and their expected transition statistics;
 * - dynamics: E[F_t] = [A_t | B_t] and E[Σ_t] per transition from q(θ_t);
 * - decode: latents → images (Bernoulli means σ(logits), for pictures).
 * The online filter for acting is in filter.ts. For the VAE ablation (prior 'normal') a
 * "smoothed" sequence is just the per-frame posterior N(m_t, diag s_t²), with no coupling.
 */
import * as tf from '@tensorflow/tfjs';
import {
  accumulateTransitionStats, allocTransitionStats, BlockTridiagGaussian, mniwMeanDynamics, type TransitionStats,
} from '../gaussian/index.js';
import { checkImage, stackFrames } from './dataset.js';
import { checkPotentials } from './latent-op.js';
import { potentialScale } from './losses.js';
import type { SolarModel } from './model.js';

export interface Potentials {
  /** L·ds, frame t at t·ds. */
  readonly m: Float64Array;
  readonly s: Float64Array;
}

export interface Smoothed {
  /** E[x_t], L·ds. */
  readonly mean: Float64Array;
  /** Cov(x_t), L·ds². */
  readonly cov: Float64Array;
  /** Cov(x_t, x_{t+1}), (L−1)·ds². */
  readonly crossCov: Float64Array;
  readonly potentials: Potentials;
}

const CHUNK = 256;

/**
 * Potentials of a sequence of L frames (flat L·H·W·C). With a frame stack, frame t's input
 * stacks o_{t−k+1..t}, frames before o_0 repeating o_0 — as in training.
 */
export function encodeSequence(model: SolarModel, images: Float32Array): Potentials {
  const [H, W, C] = model.shape.imageShape;
  const hwc = H * W * C;
  if (images.length % hwc !== 0 || images.length === 0) {
    throw new Error(`model.encode: ${images.length} values is not a whole number of ${H}×${W}×${C} images`);
  }
  const L = images.length / hwc;
  checkImage(images, [H, W, C * L] as never, 'model.encode input');
  const k = model.config.frame_stack;
  const stacked = stackFrames([images], L, [H, W, C], k);
  const ds = model.latentDim;
  const m = new Float64Array(L * ds);
  const s = new Float64Array(L * ds);
  for (let t0 = 0; t0 < L; t0 += CHUNK) {
    const n = Math.min(CHUNK, L - t0);
    const [mv, sv] = tf.tidy(() => {
      const x = tf.tensor4d(stacked.subarray(t0 * hwc * k, (t0 + n) * hwc * k), [n, H, W, C * k]);
      const { mean, rawScale } = model.encoder.apply(x);
      return [mean.dataSync(), potentialScale(rawScale).dataSync()];
    });
    m.set(mv, t0 * ds);
    s.set(sv, t0 * ds);
  }
  checkPotentials(m, s, L, ds);
  return { m, s };
}

/** q(x) of one sequence (L frames, L·da actions with the last one unused). */
export function smoothSequence(model: SolarModel, images: Float32Array, actions: ArrayLike<number>): Smoothed {
  const p = encodeSequence(model, images);
  return smoothPotentials(model, p, actions);
}

const workspaces = new WeakMap<SolarModel, Map<number, BlockTridiagGaussian>>();

function workspace(model: SolarModel, L: number): BlockTridiagGaussian {
  let byL = workspaces.get(model);
  if (!byL) workspaces.set(model, (byL = new Map()));
  let g = byL.get(L);
  if (!g) byL.set(L, (g = new BlockTridiagGaussian(L, model.latentDim, model.shape.actionDim)));
  return g;
}

/** q(x) from given potentials (e.g. to re-smooth under updated dynamics without re-encoding). */
export function smoothPotentials(model: SolarModel, p: Potentials, actions: ArrayLike<number>): Smoothed {
  const ds = model.latentDim;
  const da = model.shape.actionDim;
  const L = p.m.length / ds;
  if (actions.length !== L * da) throw new Error(`model.smooth: ${actions.length} action values for ${L} frames; expected L·da = ${L * da}`);
  const ds2 = ds * ds;
  if (!model.posterior) {
    const cov = new Float64Array(L * ds2);
    for (let t = 0; t < L; t++) for (let i = 0; i < ds; i++) cov[t * ds2 + i * ds + i] = p.s[t * ds + i] ** 2;
    return { mean: Float64Array.from(p.m), cov, crossCov: new Float64Array((L - 1) * ds2), potentials: p };
  }
  if (model.posterior.count !== 1 && L !== model.shape.length) {
    throw new Error(`model.smooth: time-varying dynamics cover ${model.shape.length} frames; got a sequence of ${L}`);
  }
  const g = workspace(model, L);
  g.forward(p.m, p.s, actions, model.dynamicsExpectations());
  return { mean: g.mean.slice(), cov: g.cov.slice(), crossCov: g.crossCov.slice(), potentials: p };
}

/**
 * Expected transition statistics Σ_n E_q(x_n)[t(x_t, u_t, x_{t+1})] of smoothed sequences, in
 * the shape of q(θ) (time-varying or shared), e.g. for LQR-FLM's local dynamics fit.
 */
export function transitionStats(model: SolarModel, sequences: readonly { images: Float32Array; actions: ArrayLike<number> }[], weight = 1): TransitionStats {
  if (!model.posterior) throw new Error('model: the VAE ablation has no dynamics posterior to fit statistics for');
  const stats = allocTransitionStats(model.latentDim, model.shape.actionDim, model.posterior.count);
  for (const seq of sequences) {
    const p = encodeSequence(model, seq.images);
    const g = workspace(model, p.m.length / model.latentDim);
    g.forward(p.m, p.s, seq.actions, model.dynamicsExpectations());
    accumulateTransitionStats(g, seq.actions, stats, weight);
  }
  return stats;
}

export interface LatentDynamics {
  /** Number of transition blocks (L − 1 time-varying, or 1 shared). */
  readonly count: number;
  /** E[A_t] ds×ds per block, row-major. */
  readonly A: Float64Array[];
  /** E[B_t] ds×da per block. */
  readonly B: Float64Array[];
  /** E[Σ_t] = Ψ_t / (ν_t − ds − 1) per block. */
  readonly Sigma: Float64Array[];
}

/** Mean dynamics E[F_t] = M_t split into [A_t | B_t], and the mean noise covariance. */
export function expectedDynamics(model: SolarModel): LatentDynamics {
  const post = model.posterior;
  if (!post) throw new Error('model: the VAE ablation (prior normal) has no learned dynamics');
  const ds = model.latentDim;
  const da = model.shape.actionDim;
  const A: Float64Array[] = [], B: Float64Array[] = [], Sigma: Float64Array[] = [];
  for (let k = 0; k < post.count; k++) {
    const std = post.standard(k);
    const d = mniwMeanDynamics(std);
    const a = new Float64Array(ds * ds), b = new Float64Array(ds * da);
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < ds; j++) a[i * ds + j] = d.F[i * (ds + da) + j];
      for (let j = 0; j < da; j++) b[i * da + j] = d.F[i * (ds + da) + ds + j];
    }
    A.push(a);
    B.push(b);
    Sigma.push(d.Sigma);
  }
  return { count: post.count, A, B, Sigma };
}

/** Images σ(decoder(x)) for n latents (flat n·ds) → flat n·H·W·C (o_t, the stack's last frame). */
export function decodeLatents(model: SolarModel, latents: ArrayLike<number>): Float32Array {
  const ds = model.latentDim;
  if (latents.length % ds !== 0) throw new Error(`model.decode: ${latents.length} values is not a multiple of ds = ${ds}`);
  for (let i = 0; i < latents.length; i++) if (!Number.isFinite(latents[i])) throw new Error(`model.decode: latent value ${i} is ${latents[i]}`);
  const n = latents.length / ds;
  return tf.tidy(() => tf.sigmoid(model.decoder.apply(tf.tensor2d(Float32Array.from(latents), [n, ds]))).dataSync() as Float32Array);
}
