/**
 * The minibatch gradient as a sum over shards of its sequences (model.batch_shards): shard s
 * holds sequences ⌊sB/S⌋ … ⌊(s+1)B/S⌋ − 1 of the minibatch, its loss is divided by the whole
 * minibatch's frame count B·L, so that
 *
 *   ∇L = Σ_s ∇L_s   (added in shard order, s = 0, 1, …)
 *
 * and the SVI statistics are likewise Σ_s t_s, each shard's accumulated from zero. Sequences
 * are independent given the networks and q(θ) (the latent op couples frames only within a
 * sequence), so a shard needs nothing from the others. Shards run here one after another, or
 * on other threads through `ShardWorkers` (run/shard-pool.ts under Node; Web Workers would
 * implement the same interface in a browser); either way the same floating-point operations
 * happen in the same order, so a seed gives the same run on one thread or several.
 */
import * as tf from '@tensorflow/tfjs';
import { allocTransitionStats, type TransitionStats } from '../gaussian/index.js';
import { concatFloat32 } from '../util/concat.js';
import { stackFrames } from './dataset.js';
import { boundTerms, networkLoss, potentialScale } from './losses.js';
import type { SolarModel } from './model.js';
import type { ShardInput, ShardOutput } from './shard-workers.js';

export type { ShardInput, ShardOutput, ShardWorkers } from './shard-workers.js';

/** The sequence ranges [lo, hi) of `shards` shards of a B-sequence minibatch. */
export function shardBounds(B: number, shards: number): Array<[number, number]> {
  const S = Math.max(1, Math.min(shards, B));
  return Array.from({ length: S }, (_, s) => [Math.floor((s * B) / S), Math.floor(((s + 1) * B) / S)]);
}

/** The gradient of one shard's part of the SVAE loss, on this thread. */
export function shardGradients(model: SolarModel, input: ShardInput): ShardOutput<tf.Tensor[]> {
  const c = model.config;
  const L = model.shape.length;
  const ds = c.latent_dim;
  const [H, W, C] = model.shape.imageShape;
  const B = input.images.length;
  const lds = c.prior === 'lds';
  const encIn = tf.tensor4d(stackFrames(input.images, L, [H, W, C], c.frame_stack), [B * L, H, W, C * c.frame_stack]);
  // The decoder reconstructs o_t: with k = 1 that is the encoder's input itself.
  const targets = c.frame_stack === 1 ? encIn : tf.tensor4d(concatFloat32(input.images), [B * L, H, W, C]);
  const costs = model.costHead ? costTensors(input.costs, L) : null;
  const opInputs = { u: input.u, eps: input.eps, dyn: lds ? input.dyn! : (null as never) };
  let recon = 0, kl = 0, costLl = 0;
  const vars = model.variables();
  try {
    const { value, grads } = tf.variableGrads(() => {
      const { mean, rawScale } = model.encoder.apply(encIn);
      const t = boundTerms({
        B, L, ds, prior: c.prior, mean, scale: potentialScale(rawScale), targets,
        decode: (x) => model.decoder.apply(x), op: model.op ?? undefined, opInputs,
        cost: model.costHead && costs ? { W: model.costHead.W as tf.Tensor2D, c: model.costHead.c as tf.Tensor1D, b: model.costHead.b as tf.Tensor1D, ...costs, std: c.cost_std } : undefined,
      });
      recon = t.recon.sum().dataSync()[0];
      kl = t.kl.sum().dataSync()[0];
      costLl = t.costLl.sum().dataSync()[0];
      return networkLoss(t, input.beta, input.frames);
    }, vars);
    value.dispose();
    let stats: TransitionStats | null = null;
    if (lds && input.stats) {
      stats = allocTransitionStats(ds, model.shape.actionDim, model.posterior!.count);
      model.op!.batch.accumulateStats(input.u, stats);
    }
    return { grads: vars.map((v) => grads[v.name]), recon, kl, costLl, stats };
  } finally {
    tf.dispose([...new Set([encIn, targets]), ...(costs ? [costs.observed, costs.mask] : [])]);
  }
}

/** a += b, element-wise, for every array of the statistics. */
export function addStats(a: TransitionStats, b: TransitionStats): void {
  for (const k of ['Sxx', 'Sxz', 'Szz', 'n'] as const) {
    const x = a[k];
    const y = b[k];
    for (let i = 0; i < x.length; i++) x[i] += y[i];
  }
}

/** Tensors' values end to end, in order, as one flat array. */
function flatten(ts: readonly tf.Tensor[]): Float32Array {
  const out = new Float32Array(ts.reduce((n, t) => n + t.size, 0));
  let at = 0;
  for (const t of ts) {
    out.set(t.dataSync() as Float32Array, at);
    at += t.size;
  }
  return out;
}

/** The inverse of `flatten` for the model's variables: one tensor per variable, its shape. */
export function unflatten(model: SolarModel, flat: Float32Array): tf.Tensor[] {
  let at = 0;
  const out = model.variables().map((v) => {
    const t = tf.tensor(flat.subarray(at, at + v.size), v.shape);
    at += v.size;
    return t;
  });
  if (at !== flat.length) {
    tf.dispose(out);
    throw new Error(`shards: ${flat.length} values for a model with ${at}`);
  }
  return out;
}

/** The networks' weights, all variables in order, flat (what a worker's replica is set to). */
export function flatWeights(model: SolarModel): Float32Array {
  return flatten(model.variables());
}

/** A shard's gradients as one flat array, variables in order (what a worker sends back); disposes them. */
export function flatGradients(grads: tf.Tensor[]): Float32Array {
  const out = flatten(grads);
  tf.dispose(grads);
  return out;
}

/** Sets the networks' weights from `flatWeights`' layout. */
export function setFlatWeights(model: SolarModel, weights: Float32Array): void {
  const values = unflatten(model, weights);
  model.variables().forEach((v, i) => v.assign(values[i]));
  tf.dispose(values);
}

/** Observed costs [B·L] and the mask that drops each sequence's padded last frame. */
function costTensors(costs: readonly Float64Array[], L: number): { observed: tf.Tensor1D; mask: tf.Tensor1D } {
  const obs = new Float32Array(costs.length * L);
  const mask = new Float32Array(costs.length * L);
  costs.forEach((cs, b) => {
    for (let t = 0; t < L; t++) {
      obs[b * L + t] = cs[t];
      mask[b * L + t] = t < L - 1 ? 1 : 0;
    }
  });
  return { observed: tf.tensor1d(obs), mask: tf.tensor1d(mask) };
}
