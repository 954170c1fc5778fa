/**
 * The SVAE bound of a minibatch of B sequences of L frames (docs/method.md, 'The model'):
 *
 *   L = E_q(x)[Σ_t log p(o_t | x_t) (+ log p(c_t | x_t))] − KL(q(x) ‖ p̄(x)) − KL(q(θ) ‖ p(θ))/N
 *
 * with a single reparameterised sample x̃ ~ q(x) for the expectation. The networks see only
 * the first two terms (q(θ) is fitted by SVI, not by gradients), with the local KL weighted by
 * the warm-up β. Prior 'lds': q(x) and its KL come from the latent op (latent-op.ts);
 * prior 'normal' (VAE ablation): q(x_t) = N(m_t, diag s_t²) per frame and
 *   KL = Σ_t ½ Σ_i (m_ti² + s_ti² − 1 − 2 log s_ti)   (closed form against N(0, I)).
 * Log-likelihoods: Bernoulli, log p(o | l) = Σ_pixels o·l − softplus(l) (exact for o ∈ [0, 1]
 * up to the continuous-Bernoulli normaliser, as usual); the cost head's Gaussian with standard
 * deviation σ_c (`cost_std`), −½((c − ĉ)/σ_c)² − log σ_c − ½ log 2π, ĉ = ½xᵀCx + cᵀx + b,
 * C = ½(W + Wᵀ).
 */
import * as tf from '@tensorflow/tfjs';
import type { LatentOp, LatentOpInputs } from './latent-op.js';
import { bernoulliLogLik } from '../nn/likelihoods.js';

export const SCALE_FLOOR = 0.01;


/** KL(N(m, diag s²) ‖ N(0, I)) per row. */
export function klStandardNormal(m: tf.Tensor2D, s: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => m.square().add(s.square()).sub(1).sub(s.log().mul(2)).sum(1).mul(0.5) as tf.Tensor1D);
}

/** Potential scale s = softplus(raw) + 0.01 (docs/method.md, 'The model'). */
export function potentialScale(raw: tf.Tensor2D): tf.Tensor2D {
  return tf.softplus(raw).add(SCALE_FLOOR) as tf.Tensor2D;
}

/** ĉ = ½xᵀCx + cᵀx + b per row, C = ½(W + Wᵀ). x [n, ds]. */
export function quadraticCost(x: tf.Tensor2D, W: tf.Tensor2D, c: tf.Tensor1D, b: tf.Tensor1D): tf.Tensor1D {
  return tf.tidy(() => {
    const C = W.add(W.transpose()).mul(0.5) as tf.Tensor2D;
    const quad = x.matMul(C).mul(x).sum(1).mul(0.5);
    return quad.add(x.matMul(c.reshape([-1, 1])).reshape([-1])).add(b) as tf.Tensor1D;
  });
}

export interface BoundInputs {
  B: number;
  L: number;
  ds: number;
  prior: 'lds' | 'normal';
  /** Encoder output for the B·L frames. */
  mean: tf.Tensor2D;
  scale: tf.Tensor2D;
  /** Targets [B·L, H, W, C]. */
  targets: tf.Tensor4D;
  decode: (x: tf.Tensor2D) => tf.Tensor4D;
  op?: LatentOp;
  opInputs: LatentOpInputs;
  /** Cost head (optional): params and observed costs [B·L] with a 0/1 mask. */
  cost?: { W: tf.Tensor2D; c: tf.Tensor1D; b: tf.Tensor1D; observed: tf.Tensor1D; mask: tf.Tensor1D; std?: number };
}

export interface BoundTerms {
  /** Per sequence [B]: Σ_t log p(o_t | x̃_t). */
  recon: tf.Tensor1D;
  /** Per sequence [B]: the local KL. */
  kl: tf.Tensor1D;
  /** Per sequence [B]: Σ_t log p(c_t | x̃_t) (zeros without a cost head). */
  costLl: tf.Tensor1D;
  /** The sample x̃ [B·L, ds]. */
  sample: tf.Tensor2D;
}

export function boundTerms(p: BoundInputs): BoundTerms {
  const { B, L, ds } = p;
  let sample: tf.Tensor2D;
  let kl: tf.Tensor1D;
  if (p.prior === 'lds') {
    if (!p.op) throw new Error('bound: the lds prior needs the latent op');
    const out = p.op.apply(p.mean.reshape([B, L, ds]) as tf.Tensor3D, p.scale.reshape([B, L, ds]) as tf.Tensor3D, p.opInputs);
    sample = out.slice([0, 0], [B, L * ds]).reshape([B * L, ds]) as tf.Tensor2D;
    kl = out.slice([0, L * ds], [B, 1]).reshape([B]) as tf.Tensor1D;
  } else {
    const eps = tf.tensor2d(Float32Array.from(p.opInputs.eps), [B * L, ds]);
    sample = p.mean.add(p.scale.mul(eps)) as tf.Tensor2D;
    kl = klStandardNormal(p.mean, p.scale).reshape([B, L]).sum(1) as tf.Tensor1D;
  }
  const recon = bernoulliLogLik(p.decode(sample), p.targets).reshape([B, L]).sum(1) as tf.Tensor1D;
  let costLl: tf.Tensor1D = tf.zeros([B]);
  if (p.cost) {
    const pred = quadraticCost(sample, p.cost.W, p.cost.c, p.cost.b);
    const std = p.cost.std ?? 1;
    const ll = p.cost.observed.sub(pred).div(std).square().mul(-0.5).sub(Math.log(std) + 0.5 * Math.log(2 * Math.PI)).mul(p.cost.mask);
    costLl = ll.reshape([B, L]).sum(1) as tf.Tensor1D;
  }
  return { recon, kl, costLl, sample };
}

/** Loss for Adam: −(Σ recon + Σ costLl − β Σ KL) per frame (so the clip norm is size-independent). */
export function networkLoss(t: BoundTerms, beta: number, frames: number): tf.Scalar {
  return t.recon.sum().add(t.costLl.sum()).sub(t.kl.sum().mul(beta)).div(-frames) as tf.Scalar;
}
