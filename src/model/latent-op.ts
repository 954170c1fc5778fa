/**
 * The block-tridiagonal Gaussian q(x) ∝ p̄(x | u)·Π_t ψ_t(x_t) as ONE tfjs custom-gradient op
 * (docs/method.md, 'The model'): node potentials (m, s) [B, T, ds] in, and out one [B, T·ds + 1] tensor
 * holding, per sequence, the reparameterised sample x̃ = μ + L⁻ᵀε (flattened) and then the
 * local KL(q(x) ‖ p̄(x)) = Σ_t E_q[log ψ_t(x_t)] − log Z. (tf.customGrad has one output, so
 * the two are concatenated; slicing them apart hands each its cotangent.)
 *
 * Forward and VJP run in Float64 in src/gaussian (BlockTridiagBatch): gradients reach m and
 * s through log Z, the mean and the sample. The VJP differentiates the op's *last* forward,
 * which is what tf.variableGrads does (one forward, then its backward); anything else is an
 * error rather than a silently wrong gradient.
 */
import * as tf from '@tensorflow/tfjs';
import { BlockTridiagBatch, type BlockTridiagBatchOutputs, type DynamicsExpectations } from '../gaussian/index.js';

export interface LatentOpInputs {
  /** Actions [B][T][da] flat (u_{T−1} unused). */
  readonly u: Float64Array;
  readonly dyn: DynamicsExpectations;
  /** ε ~ N(0, I), B·T·ds. */
  readonly eps: Float64Array;
}

/** Checks potentials before they reach the kernel, naming sequence, time and dimension. */
export function checkPotentials(m: ArrayLike<number>, s: ArrayLike<number>, T: number, ds: number): void {
  for (let k = 0; k < m.length; k++) {
    if (!Number.isFinite(m[k]) || !(s[k] > 0) || !Number.isFinite(s[k])) {
      const b = Math.floor(k / (T * ds));
      const t = Math.floor((k % (T * ds)) / ds);
      throw new Error(`latent potentials are not finite at sequence ${b}, t=${t}, dim ${k % ds}: m=${m[k]}, s=${s[k]} (diverged training or bad input images?)`);
    }
  }
}

export class LatentOp {
  readonly batch: BlockTridiagBatch;
  /** Outputs of the last forward (mean, cov, crossCov, … for the SVI statistics). */
  last: BlockTridiagBatchOutputs | null = null;
  private forwards = 0;

  constructor(readonly T: number, readonly ds: number, readonly da: number) {
    this.batch = new BlockTridiagBatch(T, ds, da);
  }

  /** Returns [B, T·ds + 1]: sample then local KL per sequence. */
  apply(m: tf.Tensor3D, s: tf.Tensor3D, inputs: LatentOpInputs): tf.Tensor2D {
    const { T, ds } = this;
    const op = tf.customGrad((mIn, sIn, save) => {
      void save;
      const mt = mIn as tf.Tensor3D;
      const st = sIn as tf.Tensor3D;
      const B = mt.shape[0];
      const mv = mt.dataSync();
      const sv = st.dataSync();
      checkPotentials(mv, sv, T, ds);
      const out = this.batch.forward(mv, sv, inputs.u, inputs.dyn, inputs.eps);
      this.last = out;
      const id = ++this.forwards;
      const n = T * ds;
      const value = new Float32Array(B * (n + 1));
      for (let b = 0; b < B; b++) {
        for (let k = 0; k < n; k++) value[b * (n + 1) + k] = out.sample[b * n + k];
        value[b * (n + 1) + n] = out.kl[b];
      }
      return {
        value: tf.tensor2d(value, [B, n + 1]),
        gradFunc: (dy: tf.Tensor) => {
          if (id !== this.forwards) throw new Error('latent op: the gradient must follow its own forward (another forward ran in between)');
          const d = dy.dataSync();
          const gs = new Float64Array(B * n);
          const gk = new Float64Array(B);
          for (let b = 0; b < B; b++) {
            for (let k = 0; k < n; k++) gs[b * n + k] = d[b * (n + 1) + k];
            gk[b] = d[b * (n + 1) + n];
          }
          const { gradM, gradS } = this.batch.vjp({ sample: gs, kl: gk });
          return [tf.tensor3d(Float32Array.from(gradM), mt.shape), tf.tensor3d(Float32Array.from(gradS), st.shape)];
        },
      };
    });
    return op(m, s) as tf.Tensor2D;
  }
}
