/**
 * One training step of the model on a minibatch of B sequences (method doc §1):
 * 1. Adam (global-norm clip) on −(bound with the local KL weighted by the warm-up β) for the
 *    encoder, decoder and cost head, gradients through the latent op into (m, s);
 * 2. for the lds prior, once step ≥ dynamics_start_step, the SVI natural-gradient step
 *      η ← (1 − ρ)η + ρ(η_prior + (N/B) Σ_batch E_q(x)[t(x_t, u_t, x_{t+1})])
 *    with the statistics of the same forward pass (q(x) under the current q(θ)).
 * Minibatches are B distinct sequences drawn by the model's RNG, so a restored checkpoint
 * continues with exactly the minibatches and ε an uninterrupted run would have used.
 */
import * as tf from '@tensorflow/tfjs';
import { allocTransitionStats } from '../gaussian/index.js';
import { klWeight, sviStepSize } from './config.js';
import { concatFloat32 } from '../util/concat.js';
import { stackFrames, type SequenceSet } from './dataset.js';
import { boundTerms, networkLoss, potentialScale } from './losses.js';
import { decodedFrames } from './networks.js';
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
  const [H, W, C] = model.shape.imageShape;
  const perm = model.rng.permutation(N);
  const batch = Array.from(perm.subarray(0, B), (i) => data.sequences[i]);
  const eps = model.rng.fillNormal(new Float64Array(B * L * ds)) as Float64Array;
  const u = new Float64Array(B * L * da);
  batch.forEach((s, b) => u.set(s.actions, b * L * da));
  const beta = klWeight(c, model.step);
  const lds = c.prior === 'lds';
  const opInputs = { u, eps, dyn: lds ? model.dynamicsExpectations() : (null as never) };

  const encIn = tf.tensor4d(stackFrames(batch.map((s) => s.images), L, [H, W, C], c.frame_stack), [B * L, H, W, C * c.frame_stack]);
  // The targets are the encoder's input when the decoder reconstructs the whole stack (or k = 1).
  const targets = decodedFrames(c) === c.frame_stack ? encIn : tf.tensor4d(concatFloat32(batch.map((s) => s.images)), [B * L, H, W, C]);
  const costs = model.costHead ? costTensors(batch.map((s) => s.costs), L) : null;
  let recon = 0, kl = 0, costLl = 0;
  const vars = model.variables();
  const { value, grads } = tf.variableGrads(() => {
    const { mean, rawScale } = model.encoder.apply(encIn);
    const t = boundTerms({
      B, L, ds, prior: c.prior, mean, scale: potentialScale(rawScale), targets,
      decode: (x) => model.decoder.apply(x), op: model.op ?? undefined, opInputs,
      cost: model.costHead && costs ? { W: model.costHead.W as tf.Tensor2D, c: model.costHead.c as tf.Tensor1D, b: model.costHead.b as tf.Tensor1D, ...costs, std: c.cost_std } : undefined,
    });
    recon = t.recon.mean().dataSync()[0];
    kl = t.kl.mean().dataSync()[0];
    costLl = t.costLl.mean().dataSync()[0];
    return networkLoss(t, beta, B * L);
  }, vars);
  const gradList = vars.map((v) => grads[v.name]);
  let gradNorm: number;
  try {
    gradNorm = model.adam.apply(gradList);
  } finally {
    tf.dispose([value, ...Object.values(grads), ...new Set([encIn, targets]), ...(costs ? [costs.observed, costs.mask] : [])]);
  }
  let rho = 0;
  if (lds && model.step >= c.dynamics_start_step) {
    const post = model.posterior!;
    const stats = allocTransitionStats(ds, da, post.count);
    model.op!.batch.accumulateStats(u, stats);
    rho = sviStepSize(c, model.sviSteps);
    post.sviStep(stats, rho, N / B);
    model.sviSteps += 1;
    model.invalidateDynamics();
  }
  model.step += 1;
  const klGlobal = lds && withGlobalKL ? model.posterior!.kl() / N : 0;
  return { step: model.step, elbo: recon + costLl - kl - klGlobal, recon, kl, kl_global: klGlobal, cost_ll: costLl, beta, grad_norm: gradNorm, rho };
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
