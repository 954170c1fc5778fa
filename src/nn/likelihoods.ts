/**
 * The two per-frame terms of a VAE-style bound that every model variant needs, per example
 * (summed over pixels / latent dimensions, not averaged, so they have the bound's scale).
 */
import * as tf from '@tensorflow/tfjs';
import { BERNOULLI, bernoulliLoglikKernel } from './kernels/bernoulli.js';

/**
 * log Bernoulli(x | sigmoid(l)) summed over all but the batch axis: x·l − softplus(l), which
 * is exact for targets in [0, 1] (the "continuous Bernoulli" without its normaliser, as usual).
 * On wasm one SIMD kernel (kernels/bernoulli.ts), elsewhere tfjs ops.
 */
export function bernoulliLogLik(logits: tf.Tensor, targets: tf.Tensor): tf.Tensor1D {
  if (logits.shape.join() !== targets.shape.join()) {
    throw new Error(`bernoulliLogLik: logits [${logits.shape}] and targets [${targets.shape}] differ`);
  }
  const rows = logits.shape[0] ?? 1;
  const cols = logits.size / rows;
  if (bernoulliLoglikKernel(cols) && logits.dtype === 'float32' && targets.dtype === 'float32') {
    return tf.tidy(() => tf.engine().runKernel(BERNOULLI, { logits: logits.reshape([rows, cols]), targets: targets.reshape([rows, cols]) }) as tf.Tensor1D);
  }
  return tf.tidy(() => {
    const ll = targets.mul(logits).sub(tf.softplus(logits));
    return ll.reshape([ll.shape[0], -1]).sum(1) as tf.Tensor1D;
  });
}

/** KL(N(mean, diag(scale²)) ‖ N(0, I)) per row: ½ Σ (m² + s² − 1 − 2 log s). */
export function klToStandardNormal(mean: tf.Tensor2D, scale: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() =>
    mean.square().add(scale.square()).sub(1).sub(scale.log().mul(2)).sum(1).mul(0.5) as tf.Tensor1D,
  );
}
