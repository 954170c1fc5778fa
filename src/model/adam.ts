/**
 * Adam (Kingma & Ba 2015) with global gradient-norm clipping, written out so that its whole
 * state (step count, first and second moments) is plain data a checkpoint can hold and
 * restore synchronously:
 *   g ← g · min(1, clip / ‖g‖₂)          (‖g‖₂ over all variables together)
 *   m ← β₁m + (1 − β₁)g,  v ← β₂v + (1 − β₂)g²
 *   θ ← θ − lr · m̂ / (√v̂ + ε),  m̂ = m / (1 − β₁ᵏ),  v̂ = v / (1 − β₂ᵏ)
 * with m and v below float32's smallest normal magnitude set to 0: the moments of a weight
 * whose gradient stays 0 decay into subnormals, which wasm computes with slow microcode on x86
 * (nn/kernels/native/conv-grads.c adam_update says how slow); θ moves the same to float32.
 */
import * as tf from '@tensorflow/tfjs';
import { ADAM, adamKernel } from '../nn/kernels/adam.js';

export interface AdamOptions {
  lr: number;
  clipNorm: number;
  beta1?: number;
  beta2?: number;
  epsilon?: number;
}

export class ClippedAdam {
  step = 0;
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly b1: number;
  private readonly b2: number;
  private readonly eps: number;

  constructor(private readonly vars: tf.Variable[], private readonly opts: AdamOptions) {
    this.b1 = opts.beta1 ?? 0.9;
    this.b2 = opts.beta2 ?? 0.999;
    this.eps = opts.epsilon ?? 1e-8;
    this.m = vars.map((x) => tf.variable(tf.zerosLike(x), false));
    this.v = vars.map((x) => tf.variable(tf.zerosLike(x), false));
  }

  /** Applies one update from gradients in `vars` order; returns the (unclipped) global norm. */
  apply(grads: tf.Tensor[]): number {
    if (grads.length !== this.vars.length) throw new Error(`adam: ${grads.length} gradients for ${this.vars.length} variables`);
    const norm = Math.sqrt(tf.tidy(() => tf.addN(grads.map((g) => g.square().sum())).dataSync()[0]));
    if (!Number.isFinite(norm)) throw new Error(`adam: gradient norm is ${norm}; refusing the update (NaN/Inf in the loss?)`);
    const scale = norm > this.opts.clipNorm ? this.opts.clipNorm / norm : 1;
    this.step += 1;
    const k = this.step;
    const lrHat = this.opts.lr * Math.sqrt(1 - Math.pow(this.b2, k)) / (1 - Math.pow(this.b1, k));
    if (adamKernel()) {
      // One kernel per variable on wasm, the same floats as the ops below (nn/kernels/adam.ts).
      const attrs = { scale, beta1: this.b1, beta2: this.b2, lrHat, epsilon: this.eps };
      grads.forEach((g, i) => {
        const [theta, m, v] = tf.engine().runKernel(ADAM, { theta: this.vars[i], m: this.m[i], v: this.v[i], g }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor[];
        this.m[i].assign(m);
        this.v[i].assign(v);
        this.vars[i].assign(theta);
        tf.dispose([theta, m, v]);
      });
      return norm;
    }
    tf.tidy(() => {
      grads.forEach((g0, i) => {
        const g = scale === 1 ? g0 : g0.mul(scale);
        const m = flushSubnormal(this.m[i].mul(this.b1).add(g.mul(1 - this.b1)));
        const v = flushSubnormal(this.v[i].mul(this.b2).add(g.square().mul(1 - this.b2)));
        this.m[i].assign(m);
        this.v[i].assign(v);
        // ε scaled as in Keras/tfjs's Adam (ε added to √v̂ through the bias-corrected lr).
        this.vars[i].assign(this.vars[i].sub(m.mul(lrHat).div(v.sqrt().add(this.eps))));
      });
    });
    return norm;
  }

  /** Moments as Float32Arrays in variable order. */
  getState(): { step: number; m: Float32Array[]; v: Float32Array[] } {
    return {
      step: this.step,
      m: this.m.map((x) => Float32Array.from(x.dataSync() as Float32Array)),
      v: this.v.map((x) => Float32Array.from(x.dataSync() as Float32Array)),
    };
  }

  setState(s: { step: number; m: ArrayLike<number>[]; v: ArrayLike<number>[] }): void {
    if (s.m.length !== this.m.length || s.v.length !== this.v.length) throw new Error('adam: state has the wrong number of moments');
    s.m.forEach((a, i) => {
      if (a.length !== this.m[i].size || s.v[i].length !== this.v[i].size) throw new Error(`adam: moment ${i} has the wrong size`);
    });
    this.step = s.step;
    tf.tidy(() => {
      s.m.forEach((a, i) => this.m[i].assign(tf.tensor(Float32Array.from(a), this.m[i].shape)));
      s.v.forEach((a, i) => this.v[i].assign(tf.tensor(Float32Array.from(a), this.v[i].shape)));
    });
  }

  dispose(): void {
    tf.dispose([...this.m, ...this.v]);
  }
}

/** FLT_MIN, the smallest normal float32. */
const FLOAT32_MIN_NORMAL = 1.1754943508222875e-38;

/** x with entries of magnitude below FLT_MIN set to +0 (NaN stays NaN), as adam_update does. */
function flushSubnormal(x: tf.Tensor): tf.Tensor {
  return tf.where(x.abs().less(FLOAT32_MIN_NORMAL), tf.zerosLike(x), x);
}
