/**
 * Online (causal) filtering in the SVAE's latent model, for acting: after absorbing the node
 * potentials ψ_0..ψ_t, the filtered marginal q(x_t | ψ_{0:t}) of the same model as the
 * smoother (block-tridiag.ts) restricted to those factors — so at the last step it equals the
 * smoother's last marginal. Information form, O(ds³) per step, no allocations.
 *
 *   t = 0:    J = P0⁻¹ + diag(λ_0),  h = P0⁻¹μ0 + λ_0⊙m_0                      (λ = 1/s²)
 *   predict:  A = J + Rxx,  b = h − Rxu u_{t−1}                (integrate x_{t−1} out of
 *             J⁻ = P − Qx A⁻¹ Qxᵀ,  h⁻ = Qu u_{t−1} + Qx A⁻¹ b   the expected transition)
 *   update:   J = J⁻ + diag(λ_t),  h = h⁻ + λ_t⊙m_t
 *   output:   Cov = J⁻¹, mean = J⁻¹h
 * with P = E[Σ⁻¹], Q = E[Σ⁻¹F] = [Qx | Qu], R = E[FᵀΣ⁻¹F] of transition t−1 → t.
 */
import type { DynamicsExpectations, InitialState } from './types.js';
import { initialInfo, standardInitialInfo, type InitialInfo } from './natural.js';
import { chol, invFromChol } from './block-chol.js';
import { gemm, mv } from './blocks.js';

export class GaussianFilter {
  readonly ds: number;
  readonly da: number;
  /** Number of potentials absorbed so far (the filtered marginal is of x_{t−1}). */
  t = 0;
  /** Filtered E[x_t | ψ_{0:t}] (valid after a step). */
  readonly mean: Float64Array;
  /** Filtered Cov(x_t | ψ_{0:t}), ds×ds. */
  readonly cov: Float64Array;
  private readonly J: Float64Array;
  private readonly h: Float64Array;
  private readonly L: Float64Array;
  private readonly W: Float64Array;
  private readonly Ainv: Float64Array;
  private readonly K: Float64Array;
  private readonly b: Float64Array;
  private readonly v: Float64Array;
  private init: InitialInfo;

  constructor(ds: number, da: number, init?: InitialState) {
    if (!Number.isInteger(ds) || ds < 1) throw new Error(`gaussian filter: ds must be an integer ≥ 1, got ${ds}`);
    if (!Number.isInteger(da) || da < 0) throw new Error(`gaussian filter: da must be an integer ≥ 0, got ${da}`);
    this.ds = ds;
    this.da = da;
    const ds2 = ds * ds;
    this.mean = new Float64Array(ds);
    this.cov = new Float64Array(ds2);
    this.J = new Float64Array(ds2);
    this.h = new Float64Array(ds);
    this.L = new Float64Array(ds2);
    this.W = new Float64Array(ds2);
    this.Ainv = new Float64Array(ds2);
    this.K = new Float64Array(ds2);
    this.b = new Float64Array(ds);
    this.v = new Float64Array(ds);
    this.init = init ? initialInfo(init, ds) : standardInitialInfo(ds);
  }

  /** Starts a new episode (optionally with a new initial-state prior). */
  reset(init?: InitialState): void {
    if (init) this.init = initialInfo(init, this.ds);
    this.t = 0;
  }

  /**
   * Absorbs ψ_t = N(m_t, diag(s_t²)). For t ≥ 1 it first predicts through transition t−1 with
   * action u_{t−1} (length da) and the expected dynamics (block t−1, or block 0 if shared).
   */
  step(m: ArrayLike<number>, s: ArrayLike<number>, uPrev?: ArrayLike<number>, dyn?: DynamicsExpectations): this {
    const { ds, da, J, h } = this;
    const t = this.t;
    if (m.length !== ds || s.length !== ds) throw new Error(`gaussian filter: potentials must have length ds = ${ds}`);
    for (let i = 0; i < ds; i++) {
      if (!Number.isFinite(m[i])) throw new Error(`gaussian filter: potential mean m[t=${t}][i=${i}] is ${m[i]}`);
      if (!Number.isFinite(s[i])) throw new Error(`gaussian filter: potential scale s[t=${t}][i=${i}] is ${s[i]}`);
      if (!(s[i] > 0)) throw new Error(`gaussian filter: potential scale s[t=${t}][i=${i}] = ${s[i]} must be > 0`);
    }
    if (t === 0) {
      J.set(this.init.Jinit);
      h.set(this.init.hinit);
    } else {
      if (!dyn || !uPrev) throw new Error(`gaussian filter: step t=${t} needs the previous action and the dynamics`);
      if (uPrev.length !== da) throw new Error(`gaussian filter: action must have length da = ${da}, got ${uPrev.length}`);
      for (let j = 0; j < da; j++) if (!Number.isFinite(uPrev[j])) throw new Error(`gaussian filter: action u[t=${t - 1}][j=${j}] is ${uPrev[j]}`);
      const k = dyn.count === 1 ? 0 : t - 1;
      checkDynamicsBlock(dyn, k, ds, da);
      this.predict(uPrev, dyn, k);
    }
    for (let i = 0; i < ds; i++) {
      const lam = 1 / (s[i] * s[i]);
      J[i * ds + i] += lam;
      h[i] += lam * m[i];
    }
    const p = chol(J, 0, this.L, 0, ds);
    if (p >= 0) throw new Error(`gaussian filter: filtered precision is not positive definite at t=${t} (pivot ${p})`);
    invFromChol(this.L, 0, this.W, 0, this.cov, 0, ds);
    mv(this.mean, 0, this.cov, 0, h, 0, ds, ds, 1, false);
    this.t = t + 1;
    return this;
  }

  private predict(u: ArrayLike<number>, dyn: DynamicsExpectations, k: number): void {
    const { ds, da, J, h, b, v, K, Ainv } = this;
    const q = ds + da;
    const R = k * q * q;
    const Q = k * ds * q;
    // A = J + Rxx, b = h − Rxu u
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < ds; j++) J[i * ds + j] += 0.5 * (dyn.EFinvF[R + i * q + j] + dyn.EFinvF[R + j * q + i]);
      let ru = 0;
      for (let j = 0; j < da; j++) ru += dyn.EFinvF[R + i * q + ds + j] * u[j];
      b[i] = h[i] - ru;
    }
    const p = chol(J, 0, this.L, 0, ds);
    if (p >= 0) throw new Error(`gaussian filter: precision is not positive definite predicting into t=${this.t} (pivot ${p})`);
    invFromChol(this.L, 0, this.W, 0, Ainv, 0, ds);
    // K = Qx A⁻¹ (ds×ds); J⁻ = P − K Qxᵀ; h⁻ = Qu u + K b
    gemm(K, 0, dyn.EinvF, Q, q, 1, Ainv, 0, ds, 1, ds, ds, ds, 1, false);
    mv(v, 0, K, 0, b, 0, ds, ds, 1, false);
    for (let i = 0; i < ds; i++) {
      let qu = 0;
      for (let j = 0; j < da; j++) qu += dyn.EinvF[Q + i * q + ds + j] * u[j];
      h[i] = qu + v[i];
    }
    gemm(J, 0, K, 0, ds, 1, dyn.EinvF, Q, 1, q, ds, ds, ds, -1, false);
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < ds; j++) J[i * ds + j] += dyn.Einv[k * ds * ds + i * ds + j];
    }
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < i; j++) {
        const x = 0.5 * (J[i * ds + j] + J[j * ds + i]);
        J[i * ds + j] = x;
        J[j * ds + i] = x;
      }
    }
  }
}

/** Shape and finiteness of the one transition block the filter uses. */
function checkDynamicsBlock(dyn: DynamicsExpectations, k: number, ds: number, da: number): void {
  if (dyn.ds !== ds || dyn.da !== da) throw new Error(`gaussian filter: dynamics are for ds=${dyn.ds}, da=${dyn.da}; expected ${ds}, ${da}`);
  if (k >= dyn.count) throw new Error(`gaussian filter: no dynamics block for transition ${k} (have ${dyn.count})`);
  const q = ds + da;
  const parts: Array<[string, Float64Array, number]> = [
    ['Einv', dyn.Einv, ds * ds], ['EinvF', dyn.EinvF, ds * q], ['EFinvF', dyn.EFinvF, q * q],
  ];
  for (const [name, arr, size] of parts) {
    for (let i = k * size; i < (k + 1) * size; i++) if (!Number.isFinite(arr[i])) throw new Error(`gaussian filter: dynamics ${name}[${i}] is ${arr[i]}`);
  }
}
