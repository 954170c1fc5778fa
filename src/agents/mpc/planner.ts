/**
 * The batched sequence cost CEM minimises in latent space: from the current latent x_0 (the
 * encoder mean of the current image), the forward model's mean predictions
 *   x_{h+1} = f(x_h, u_h),   J(U) = Σ_{h<H} [ℓ(x_{h+1}) + w‖u_h‖²],   ℓ(x) = ½xᵀCx + cᵀx + c0,
 * for all S sequences at once: one tfjs forward of the MLP per horizon step over the whole
 * [S, ·] batch, and one read-back of the S costs per CEM iteration.
 */
import * as tf from '@tensorflow/tfjs';
import type { StateQuadratic } from '../../control/index.js';

/** Anything that maps latents [S, ds] and actions [S, da] to next latents [S, ds] in tfjs. */
export interface BatchedDynamics {
  readonly ds: number;
  readonly da: number;
  predictMean(x: tf.Tensor2D, u: tf.Tensor2D): tf.Tensor2D;
}

export function latentSequenceCost(dyn: BatchedDynamics, q: StateQuadratic, actionWeight: number, x0: ArrayLike<number>): (U: Float32Array, S: number, H: number) => Float64Array {
  const { ds, da } = dyn;
  if (x0.length !== ds || q.cx.length !== ds || q.Cx.length !== ds * ds) throw new Error(`planner: x0 (${x0.length}) and cost (${q.cx.length}) must have ds = ${ds} components`);
  return (U: Float32Array, S: number, H: number) => {
    if (U.length !== S * H * da) throw new Error(`planner: ${U.length} action values for S=${S}, H=${H}, da=${da}`);
    const out = tf.tidy(() => {
      const C = tf.tensor2d(Float32Array.from(q.Cx), [ds, ds]);
      const c = tf.tensor2d(Float32Array.from(q.cx), [ds, 1]);
      const Ut = tf.tensor3d(U, [S, H, da]);
      let x = tf.tile(tf.tensor2d(Float32Array.from(x0), [1, ds]), [S, 1]) as tf.Tensor2D;
      let cost = tf.zeros([S]) as tf.Tensor1D;
      for (let h = 0; h < H; h++) {
        const u = Ut.slice([0, h, 0], [S, 1, da]).reshape([S, da]) as tf.Tensor2D;
        x = dyn.predictMean(x, u);
        const state = x.matMul(C).mul(x).sum(1).mul(0.5).add(x.matMul(c).reshape([S])).add(q.c0);
        cost = cost.add(state).add(u.square().sum(1).mul(actionWeight)) as tf.Tensor1D;
      }
      return cost;
    });
    const v = Float64Array.from(out.dataSync());
    out.dispose();
    return v;
  };
}
