/**
 * The MPC ablation's learned latent forward model (parasol's: an MLP ds+da → 200 → 200 →
 * Gaussian over Δx): with inputs and targets standardised by statistics of the first data it
 * is fitted on (z̃ = (z − μ_z)/σ_z, z = [x; u]; Δ̃ = (x' − x − μ_Δ)/σ_Δ),
 *
 *   [m(z̃), ℓ(z̃)] = W₃ relu(W₂ relu(W₁ z̃ + b₁) + b₂) + b₃,
 *   log σ²(z̃) = lo + softplus(hi − softplus(hi − ℓ) − lo)      (soft bounds lo < log σ² < hi, as PETS)
 *
 * trained by minimising the Gaussian negative log-likelihood per transition
 *   ½ Σ_i [(Δ̃_i − m_i)² e^{−log σ²_i} + log σ²_i]  (+ const)
 * with Adam (global-norm clip) on minibatches drawn by a seeded RNG. Planning uses the mean:
 *   x' = x + μ_Δ + σ_Δ ⊙ m(z̃).
 */
import * as tf from '@tensorflow/tfjs';
import { ClippedAdam } from '../../model/adam.js';
import { ParamSet, type NamedWeights } from '../../nn/params.js';
import { deriveSeed, Rng } from '../../random/rng.js';

const LOGVAR_HI = 0.5;
const LOGVAR_LO = -10;

export interface Transitions {
  /** M × ds states, M × da actions, M × ds next states. */
  readonly x: Float64Array;
  readonly u: Float64Array;
  readonly next: Float64Array;
  readonly count: number;
}

export interface ForwardModelState {
  meta: { kind: 'mpc-forward-model'; ds: number; da: number; hidden: number; adamStep: number; rng: (number | null)[]; norm: number[] | null; weights: { name: string; shape: number[] }[] };
  arrays: Record<string, Float32Array>;
}

export class ForwardModel {
  readonly params: ParamSet;
  private readonly layers: { w: tf.Variable; b: tf.Variable }[];
  private readonly adam: ClippedAdam;
  private rng: Rng;
  /** μ_z, σ_z (ds+da each), μ_Δ, σ_Δ (ds each); set by the first fit. */
  private norm: { muZ: Float32Array; sdZ: Float32Array; muD: Float32Array; sdD: Float32Array } | null = null;
  private normT: tf.Tensor1D[] | null = null;

  constructor(readonly ds: number, readonly da: number, readonly hidden: number, seed: number, opts: { learningRate: number; clipNorm: number }) {
    this.params = new ParamSet(seed);
    const dims = [ds + da, hidden, hidden, 2 * ds];
    this.layers = dims.slice(1).map((nout, i) => ({ w: this.params.glorot(`fwd.fc${i}.w`, [dims[i], nout]), b: this.params.zeros(`fwd.fc${i}.b`, [nout]) }));
    this.adam = new ClippedAdam(this.params.variables(), { lr: opts.learningRate, clipNorm: opts.clipNorm });
    this.rng = new Rng(deriveSeed(seed, 1));
  }

  get fitted(): boolean {
    return this.norm !== null;
  }

  /** Standardisation from data (called once, by the first fit). */
  private setNorm(d: Transitions): void {
    const { ds, da } = this;
    const dz = ds + da;
    const muZ = new Float64Array(dz), sdZ = new Float64Array(dz), muD = new Float64Array(ds), sdD = new Float64Array(ds);
    const M = d.count;
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < ds; i++) {
        muZ[i] += d.x[m * ds + i] / M;
        muD[i] += (d.next[m * ds + i] - d.x[m * ds + i]) / M;
      }
      for (let i = 0; i < da; i++) muZ[ds + i] += d.u[m * da + i] / M;
    }
    for (let m = 0; m < M; m++) {
      for (let i = 0; i < ds; i++) {
        sdZ[i] += (d.x[m * ds + i] - muZ[i]) ** 2 / M;
        sdD[i] += (d.next[m * ds + i] - d.x[m * ds + i] - muD[i]) ** 2 / M;
      }
      for (let i = 0; i < da; i++) sdZ[ds + i] += (d.u[m * da + i] - muZ[ds + i]) ** 2 / M;
    }
    const sd = (v: Float64Array) => Float32Array.from(v, (s) => Math.sqrt(s) + 1e-6);
    this.setNormArrays({ muZ: Float32Array.from(muZ), sdZ: sd(sdZ), muD: Float32Array.from(muD), sdD: sd(sdD) });
  }

  private setNormArrays(n: { muZ: Float32Array; sdZ: Float32Array; muD: Float32Array; sdD: Float32Array }): void {
    this.norm = n;
    tf.dispose(this.normT ?? []);
    this.normT = [tf.tensor1d(n.muZ), tf.tensor1d(n.sdZ), tf.tensor1d(n.muD), tf.tensor1d(n.sdD)];
  }

  /** Network outputs (normalised mean, log-variance) for raw x [B, ds], u [B, da]. */
  private heads(x: tf.Tensor2D, u: tf.Tensor2D): { mean: tf.Tensor2D; logvar: tf.Tensor2D } {
    const [muZ, sdZ] = this.normT!;
    let h = tf.concat([x, u], 1).sub(muZ).div(sdZ) as tf.Tensor2D;
    this.layers.forEach(({ w, b }, i) => {
      h = tf.fused.matMul({ a: h, b: w as tf.Tensor2D, bias: b, activation: i + 1 < this.layers.length ? 'relu' : 'linear' }) as tf.Tensor2D;
    });
    const ds = this.ds;
    const raw = h.slice([0, ds], [-1, ds]);
    const upper = tf.scalar(LOGVAR_HI).sub(tf.softplus(tf.scalar(LOGVAR_HI).sub(raw)));
    const logvar = tf.scalar(LOGVAR_LO).add(tf.softplus(upper.sub(LOGVAR_LO))) as tf.Tensor2D;
    return { mean: h.slice([0, 0], [-1, ds]) as tf.Tensor2D, logvar };
  }

  /** Mean next state x + μ_Δ + σ_Δ ⊙ m (tensors in, tensor out; the caller tidies). */
  predictMean(x: tf.Tensor2D, u: tf.Tensor2D): tf.Tensor2D {
    if (!this.normT) throw new Error('forward model: predict before the first fit');
    const [, , muD, sdD] = this.normT;
    return x.add(this.heads(x, u).mean.mul(sdD).add(muD)) as tf.Tensor2D;
  }

  /** Mean next states for plain arrays (rows of ds and da). */
  predict(x: Float64Array, u: Float64Array): Float64Array {
    const B = x.length / this.ds;
    return Float64Array.from(tf.tidy(() => this.predictMean(tf.tensor2d(Float32Array.from(x), [B, this.ds]), tf.tensor2d(Float32Array.from(u), [B, this.da]))).dataSync());
  }

  /** Mean Gaussian NLL per transition (normalised units, without ½ log 2π) of the given transitions. */
  nll(d: Transitions): number {
    return tf.tidy(() => this.loss(d, Int32Array.from({ length: d.count }, (_, i) => i)).dataSync()[0]);
  }

  private loss(d: Transitions, idx: Int32Array): tf.Scalar {
    const { ds, da } = this;
    const B = idx.length;
    const xb = new Float32Array(B * ds), ub = new Float32Array(B * da), tb = new Float32Array(B * ds);
    const { muD, sdD } = this.norm!;
    idx.forEach((m, b) => {
      for (let i = 0; i < ds; i++) {
        xb[b * ds + i] = d.x[m * ds + i];
        tb[b * ds + i] = (d.next[m * ds + i] - d.x[m * ds + i] - muD[i]) / sdD[i];
      }
      for (let i = 0; i < da; i++) ub[b * da + i] = d.u[m * da + i];
    });
    const { mean, logvar } = this.heads(tf.tensor2d(xb, [B, ds]), tf.tensor2d(ub, [B, da]));
    const r = tf.tensor2d(tb, [B, ds]).sub(mean);
    return r.square().mul(tf.exp(logvar.neg())).add(logvar).sum(1).mean().mul(0.5) as tf.Scalar;
  }

  /** `steps` Adam steps on minibatches of `batch` transitions drawn (without replacement within a batch) from all of `d`. Returns the last minibatch loss. */
  fit(d: Transitions, steps: number, batch: number): number {
    if (d.count < 1) throw new Error('forward model: no transitions to fit');
    if (!this.norm) this.setNorm(d);
    let last = Number.NaN;
    const B = Math.min(batch, d.count);
    for (let s = 0; s < steps; s++) {
      const idx = d.count <= B ? this.rng.permutation(d.count) : Int32Array.from({ length: B }, () => this.rng.int(d.count));
      const vars = this.params.variables();
      const { value, grads } = tf.variableGrads(() => this.loss(d, idx), vars);
      last = value.dataSync()[0];
      if (!Number.isFinite(last)) throw new Error(`forward model: the loss became ${last} at fit step ${s}`);
      this.adam.apply(vars.map((v) => grads[v.name]));
      tf.dispose([value, ...Object.values(grads)]);
    }
    return last;
  }

  getState(): ForwardModelState {
    const weights = this.params.getWeights();
    const adam = this.adam.getState();
    const arrays: Record<string, Float32Array> = {};
    for (const w of weights) arrays[`w/${w.name}`] = w.values;
    adam.m.forEach((a, i) => (arrays[`adam_m/${i}`] = a));
    adam.v.forEach((a, i) => (arrays[`adam_v/${i}`] = a));
    const n = this.norm;
    if (n) arrays.norm = Float32Array.from([...n.muZ, ...n.sdZ, ...n.muD, ...n.sdD]);
    return {
      meta: { kind: 'mpc-forward-model', ds: this.ds, da: this.da, hidden: this.hidden, adamStep: adam.step, rng: this.rng.getState(), norm: n ? [] : null, weights: weights.map((w) => ({ name: w.name, shape: w.shape })) },
      arrays,
    };
  }

  setState(st: ForwardModelState): void {
    const { meta, arrays } = st;
    if (meta.kind !== 'mpc-forward-model' || meta.ds !== this.ds || meta.da !== this.da || meta.hidden !== this.hidden) {
      throw new Error(`forward model: state is for ds=${meta.ds}, da=${meta.da}, hidden=${meta.hidden}; this model has ds=${this.ds}, da=${this.da}, hidden=${this.hidden}`);
    }
    const weights: NamedWeights[] = meta.weights.map((w) => ({ ...w, values: Float32Array.from(arrays[`w/${w.name}`] ?? []) }));
    this.params.setWeights(weights);
    const nv = this.params.variables().length;
    this.adam.setState({ step: meta.adamStep, m: Array.from({ length: nv }, (_, i) => arrays[`adam_m/${i}`]), v: Array.from({ length: nv }, (_, i) => arrays[`adam_v/${i}`]) });
    this.rng = Rng.fromState(meta.rng as number[]);
    if (meta.norm) {
      const a = arrays.norm, dz = this.ds + this.da, ds = this.ds;
      this.setNormArrays({ muZ: a.slice(0, dz), sdZ: a.slice(dz, 2 * dz), muD: a.slice(2 * dz, 2 * dz + ds), sdD: a.slice(2 * dz + ds, 2 * dz + 2 * ds) });
    } else {
      this.norm = null;
    }
  }

  dispose(): void {
    this.params.dispose();
    this.adam.dispose();
    tf.dispose(this.normT ?? []);
  }
}
