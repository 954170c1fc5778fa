/**
 * One training step of the model on a minibatch of B sequences (docs/method.md, 'Learning the model'):
 * 1. Adam (global-norm clip) on −(bound with the local KL weighted by the warm-up β) for the
 *    encoder, decoder and cost head, gradients through the latent op into (m, s);
 * 2. for the lds prior, once step ≥ dynamics_start_step, the SVI natural-gradient step
 *      η ← (1 − ρ)η + ρ(η_prior + (N/B) Σ_batch E_q(x)[t(x_t, u_t, x_{t+1})])
 *    with the statistics of the same forward pass (q(x) under the current q(θ)).
 * Minibatches are B distinct sequences drawn by the model's RNG, so a restored checkpoint
 * continues with exactly the minibatches and ε an uninterrupted run would have used. The
 * gradient and statistics are sums over `batch_shards` shards of the minibatch (shards.ts),
 * run on the model's shard workers when it has them.
 */
import * as tf from '@tensorflow/tfjs';
import { allocTransitionStats } from '../gaussian/index.js';
import { klWeight, sviStepSize } from './config.js';
import type { SequenceSet } from './dataset.js';
import { addStats, flatWeights, shardBounds, shardGradients, unflatten, type ShardInput, type ShardOutput } from './shards.js';
import type { SolarModel } from './model.js';

export interface StepMetrics {
  step: number;
  /** Per sequence, β = 1: recon + cost − KL_local − KL(q(θ)‖p(θ))/N. */
  elbo: number;
  recon: number;
  kl: number;
  /** KL(q(θ) ‖ p(θ)) / N (0 for the VAE ablation, or when not computed this step). */
  kl_global: number;
  cost_ll: number;
  beta: number;
  grad_norm: number;
  rho: number;
}

/** Checks the data fits the model (shapes), so errors name the problem before any tensor work. */
export function checkData(model: SolarModel, data: SequenceSet): void {
  const { imageShape, actionDim, length } = model.shape;
  if (data.imageShape.join() !== imageShape.join()) throw new Error(`model: images are ${data.imageShape.join('×')}, the model expects ${imageShape.join('×')}`);
  if (data.actionDim !== actionDim) throw new Error(`model: actions have ${data.actionDim} components, the model expects ${actionDim}`);
  if (data.length !== length) throw new Error(`model: sequences have ${data.length} frames, the model expects ${length}`);
  if (data.sequences.length < 1) throw new Error('model: no training sequences');
}

/** Takes one step; `withGlobalKL` also computes KL(q(θ)‖p(θ)) for the metrics (costs O(count·ds³)). */
export function trainStep(model: SolarModel, data: SequenceSet, withGlobalKL = false): StepMetrics {
  checkData(model, data);
  const c = model.config;
  const N = data.sequences.length;
  const B = Math.min(c.batch_sequences, N);
  const L = model.shape.length;
  const ds = c.latent_dim;
  const da = model.shape.actionDim;
  const perm = model.rng.permutation(N);
  const batch = Array.from(perm.subarray(0, B), (i) => data.sequences[i]);
  const eps = model.rng.fillNormal(new Float64Array(B * L * ds)) as Float64Array;
  const beta = klWeight(c, model.step);
  const lds = c.prior === 'lds';
  const svi = lds && model.step >= c.dynamics_start_step;
  const dyn = lds ? model.dynamicsExpectations() : null;
  const inputs: ShardInput[] = shardBounds(B, c.batch_shards).map(([lo, hi]) => {
    const u = new Float64Array((hi - lo) * L * da);
    for (let b = lo; b < hi; b++) u.set(batch[b].actions, (b - lo) * L * da);
    return {
      images: batch.slice(lo, hi).map((s) => s.images),
      costs: batch.slice(lo, hi).map((s) => s.costs),
      u, eps: eps.subarray(lo * L * ds, hi * L * ds), dyn, beta, frames: B * L, stats: svi,
    };
  });
  const outputs = runShards(model, inputs);
  const vars = model.variables();
  let gradNorm: number;
  try {
    const sum = tf.tidy(() => vars.map((_, i) => outputs.slice(1).reduce((g, o) => g.add(o.grads[i]), outputs[0].grads[i])));
    try {
      gradNorm = model.adam.apply(sum);
    } finally {
      tf.dispose(sum);
    }
  } finally {
    tf.dispose(outputs.flatMap((o) => o.grads));
  }
  const total = (f: (o: ShardOutput<tf.Tensor[]>) => number) => outputs.reduce((a, o) => a + f(o), 0) / B;
  const recon = total((o) => o.recon);
  const kl = total((o) => o.kl);
  const costLl = total((o) => o.costLl);
  let rho = 0;
  if (svi) {
    const post = model.posterior!;
    const stats = allocTransitionStats(ds, da, post.count);
    for (const o of outputs) addStats(stats, o.stats!);
    rho = sviStepSize(c, model.sviSteps);
    post.sviStep(stats, rho, N / B);
    model.sviSteps += 1;
    model.invalidateDynamics();
  }
  model.step += 1;
  const klGlobal = lds && withGlobalKL ? model.posterior!.kl() / N : 0;
  return { step: model.step, elbo: recon + costLl - kl - klGlobal, recon, kl, kl_global: klGlobal, cost_ll: costLl, beta, grad_norm: gradNorm, rho };
}

/**
 * Every shard's gradient: the last ones on the model's workers (if any), started first, the
 * rest here; returned in shard order.
 */
function runShards(model: SolarModel, inputs: ShardInput[]): ShardOutput<tf.Tensor[]>[] {
  const workers = model.shardWorkers;
  const remote = workers ? Math.min(workers.size, inputs.length - 1) : 0;
  const local = inputs.length - remote;
  if (remote > 0) {
    const weights = flatWeights(model);
    for (let w = 0; w < remote; w++) workers!.start(w, weights, inputs[local + w]);
  }
  const outputs: ShardOutput<tf.Tensor[]>[] = [];
  try {
    for (let s = 0; s < local; s++) outputs.push(shardGradients(model, inputs[s]));
  } finally {
    // Collect every started shard even if ours failed, so no worker is left mid-job.
    for (let w = 0; w < remote; w++) {
      const out = workers!.wait(w);
      outputs.push({ ...out, grads: unflatten(model, out.grads) });
    }
  }
  return outputs;
}
