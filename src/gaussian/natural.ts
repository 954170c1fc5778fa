/**
 * Information-form (natural) parameters of p̄(x | u)·Π_t ψ_t(x_t) over x_{0..T−1} ∈ R^ds:
 *
 *   log p̄(x)Πψ = −½ xᵀJx + hᵀx + c,  J block-tridiagonal with diagonal blocks D_t and
 *   sub-diagonal blocks O_t = J_{t+1,t}.
 *
 * Factors and what each adds:
 * - prior x_0 ~ N(μ0, P0):          D_0 += P0⁻¹, h_0 += P0⁻¹μ0,
 *                                   c += −½ds·log2π − ½log|P0| − ½μ0ᵀP0⁻¹μ0
 * - node potential ψ_t = N(x_t; m_t, diag(s_t²)), λ = 1/s²:
 *                                   D_t += diag(λ), h_t += λ⊙m, c += Σ_i −½log2π − log s_i − ½λ_i m_i²
 * - transition t (x_t → x_{t+1}), with P = E[Σ⁻¹], Q = E[Σ⁻¹F] = [Qx | Qu],
 *   R = E[FᵀΣ⁻¹F] = [[Rxx, Rxu], [Rux, Ruu]], z = [x_t; u_t]:
 *   E_q(θ)[log N(x_{t+1}; Fz, Σ)] = −½ds·log2π − ½E[log|Σ|] − ½(x'ᵀPx' − 2x'ᵀQz + zᵀRz), so
 *                                   D_{t+1} += P, D_t += Rxx, O_t = −Qx,
 *                                   h_{t+1} += Qu u_t, h_t −= Rxu u_t,
 *                                   c += −½ds·log2π − ½E[log|Σ|] − ½u_tᵀRuu u_t.
 * Then log Z = c + ½T·ds·log2π − ½log|J| + ½hᵀJ⁻¹h exactly.
 */
import type { DynamicsExpectations, InitialState } from './types.js';
import { chol, invFromChol } from './block-chol.js';
import { mv } from './blocks.js';

const LOG_2PI = Math.log(2 * Math.PI);

/** The initial-state prior in information form: P0⁻¹, P0⁻¹μ0 and its constant. */
export interface InitialInfo {
  readonly Jinit: Float64Array;
  readonly hinit: Float64Array;
  readonly cinit: number;
}

/** Converts x_0 ~ N(mean, cov) to information form; errors if cov is not positive definite. */
export function initialInfo(init: InitialState, ds: number): InitialInfo {
  if (init.mean.length !== ds || init.cov.length !== ds * ds) {
    throw new Error(`gaussian: initial state must have mean of length ${ds} and cov ${ds}×${ds}`);
  }
  for (let i = 0; i < ds * ds; i++) {
    if (!Number.isFinite(init.cov[i])) throw new Error(`gaussian: initial cov[${i}] is ${init.cov[i]}`);
  }
  const L = new Float64Array(ds * ds);
  const W = new Float64Array(ds * ds);
  const Jinit = new Float64Array(ds * ds);
  const p = chol(init.cov, 0, L, 0, ds);
  if (p >= 0) throw new Error(`gaussian: initial covariance is not positive definite (pivot ${p})`);
  const logdet = invFromChol(L, 0, W, 0, Jinit, 0, ds);
  const hinit = new Float64Array(ds);
  mv(hinit, 0, Jinit, 0, init.mean, 0, ds, ds, 1, false);
  let quad = 0;
  for (let i = 0; i < ds; i++) {
    if (!Number.isFinite(init.mean[i])) throw new Error(`gaussian: initial mean[${i}] is ${init.mean[i]}`);
    quad += init.mean[i] * hinit[i];
  }
  return { Jinit, hinit, cinit: -0.5 * ds * LOG_2PI - 0.5 * logdet - 0.5 * quad };
}

/** N(0, I) in information form. */
export function standardInitialInfo(ds: number): InitialInfo {
  const Jinit = new Float64Array(ds * ds);
  for (let i = 0; i < ds; i++) Jinit[i * ds + i] = 1;
  return { Jinit, hinit: new Float64Array(ds), cinit: -0.5 * ds * LOG_2PI };
}

/** Throws a clear error unless every m is finite and every s is finite and > 0. */
export function validatePotentials(m: ArrayLike<number>, s: ArrayLike<number>, T: number, ds: number): void {
  if (m.length !== T * ds || s.length !== T * ds) {
    throw new Error(`gaussian: potentials must have length T·ds = ${T * ds}, got m ${m.length}, s ${s.length}`);
  }
  for (let k = 0; k < T * ds; k++) {
    const t = Math.floor(k / ds);
    const i = k - t * ds;
    if (!Number.isFinite(m[k])) throw new Error(`gaussian: potential mean m[t=${t}][i=${i}] is ${m[k]}`);
    if (!Number.isFinite(s[k])) throw new Error(`gaussian: potential scale s[t=${t}][i=${i}] is ${s[k]}`);
    if (!(s[k] > 0)) throw new Error(`gaussian: potential scale s[t=${t}][i=${i}] = ${s[k]} must be > 0`);
  }
}

/** Throws unless the actions have (T−1)·da or T·da finite entries. */
export function validateActions(u: ArrayLike<number>, T: number, da: number): void {
  if (u.length !== (T - 1) * da && u.length !== T * da) {
    throw new Error(`gaussian: actions must have length (T−1)·da = ${(T - 1) * da} or T·da = ${T * da}, got ${u.length}`);
  }
  for (let k = 0; k < u.length; k++) {
    if (!Number.isFinite(u[k])) throw new Error(`gaussian: action u[t=${Math.floor(k / da)}][j=${k % da}] is ${u[k]}`);
  }
}

/** Throws unless the expectations fit (ds, da, T) and are finite. */
export function validateDynamics(dyn: DynamicsExpectations, T: number, ds: number, da: number): void {
  if (dyn.ds !== ds || dyn.da !== da) {
    throw new Error(`gaussian: dynamics are for ds=${dyn.ds}, da=${dyn.da}; expected ds=${ds}, da=${da}`);
  }
  if (dyn.count !== 1 && dyn.count !== T - 1) {
    throw new Error(`gaussian: dynamics have ${dyn.count} blocks; expected 1 (shared) or T−1 = ${T - 1}`);
  }
  const q = ds + da;
  checkFinite('Einv', dyn.Einv, dyn.count * ds * ds);
  checkFinite('EinvF', dyn.EinvF, dyn.count * ds * q);
  checkFinite('EFinvF', dyn.EFinvF, dyn.count * q * q);
  checkFinite('Elogdet', dyn.Elogdet, dyn.count);
}

function checkFinite(name: string, arr: Float64Array, len: number): void {
  if (arr.length < len) throw new Error(`gaussian: dynamics ${name} has length ${arr.length}, expected ${len}`);
  for (let k = 0; k < len; k++) {
    if (!Number.isFinite(arr[k])) throw new Error(`gaussian: dynamics ${name}[${k}] is ${arr[k]}`);
  }
}

/**
 * Writes D (T·ds²), O ((T−1)·ds²), h (T·ds) and returns c, per the table above.
 * Inputs are assumed validated.
 */
export function assembleNatural(
  m: ArrayLike<number>, s: ArrayLike<number>, u: ArrayLike<number>, dyn: DynamicsExpectations,
  init: InitialInfo, T: number, ds: number, da: number,
  D: Float64Array, O: Float64Array, h: Float64Array,
): number {
  const ds2 = ds * ds;
  const q = ds + da;
  D.fill(0, 0, T * ds2);
  let c = 0;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < ds; i++) {
      const k = t * ds + i;
      const lam = 1 / (s[k] * s[k]);
      D[t * ds2 + i * ds + i] = lam;
      h[k] = lam * m[k];
      c += -0.5 * LOG_2PI - Math.log(s[k]) - 0.5 * lam * m[k] * m[k];
    }
  }
  for (let k = 0; k < ds2; k++) D[k] += init.Jinit[k];
  for (let i = 0; i < ds; i++) h[i] += init.hinit[i];
  c += init.cinit;
  const shared = dyn.count === 1;
  for (let t = 0; t < T - 1; t++) {
    const j = shared ? 0 : t;
    const P = j * ds2;
    const Q = j * ds * q;
    const R = j * q * q;
    const d0 = t * ds2;
    const d1 = (t + 1) * ds2;
    for (let a = 0; a < ds; a++) {
      for (let b = 0; b < ds; b++) {
        D[d1 + a * ds + b] += dyn.Einv[P + a * ds + b];
        D[d0 + a * ds + b] += dyn.EFinvF[R + a * q + b];
        O[d0 + a * ds + b] = -dyn.EinvF[Q + a * q + b];
      }
    }
    let quad = 0;
    for (let a = 0; a < ds; a++) {
      let up = 0; // (Qu u)_a
      let dn = 0; // (Rxu u)_a
      for (let b = 0; b < da; b++) {
        const ub = u[t * da + b];
        up += dyn.EinvF[Q + a * q + ds + b] * ub;
        dn += dyn.EFinvF[R + a * q + ds + b] * ub;
      }
      h[(t + 1) * ds + a] += up;
      h[t * ds + a] -= dn;
    }
    for (let a = 0; a < da; a++) {
      let row = 0;
      for (let b = 0; b < da; b++) row += dyn.EFinvF[R + (ds + a) * q + ds + b] * u[t * da + b];
      quad += u[t * da + a] * row;
    }
    c += -0.5 * ds * LOG_2PI - 0.5 * dyn.Elogdet[j] - 0.5 * quad;
  }
  // J is symmetric by definition; average away any asymmetry of the given statistics.
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < ds; i++) {
      for (let k = 0; k < i; k++) {
        const v = 0.5 * (D[t * ds2 + i * ds + k] + D[t * ds2 + k * ds + i]);
        D[t * ds2 + i * ds + k] = v;
        D[t * ds2 + k * ds + i] = v;
      }
    }
  }
  return c;
}
