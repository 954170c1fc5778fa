/**
 * Conjugate Bayesian linear regression y = M z̃ + noise, z̃ = [z; 1], in the sufficient-
 * statistics ("natural parameter") form shared by the matrix-normal-inverse-Wishart prior:
 *
 *   Szz = Σ z̃ z̃ᵀ (p×p),  Syz = Σ y z̃ᵀ (dy×p),  Syy = Σ y yᵀ (dy×dy),  n = Σ 1.
 *
 * A prior MNIW(M0, V, Ψ0, ν) is the pseudo-data Szz = V⁻¹, Syz = M0 V⁻¹,
 * Syy = Ψ0 + M0 V⁻¹ M0ᵀ, and the posterior simply adds the data's statistics (weighted). The
 * posterior mean and residual scatter are
 *
 *   E[M] = Syz Szz⁻¹,   Ψ = Syy − Syz Szz⁻¹ Syzᵀ,
 *
 * and the noise covariance is estimated as Ψ / n, the MAP-like choice of guided policy
 * search's gauss_fit_joint_prior (which divides the pooled scatter by N + n0).
 */
import { choleskyInPlace, choleskySolve, symmetrize } from '../linalg/index.js';

export interface RegressionStats {
  /** Output dimension dy. */
  readonly dy: number;
  /** Input dimension p including the trailing constant 1. */
  readonly p: number;
  readonly Szz: Float64Array;
  readonly Syz: Float64Array;
  readonly Syy: Float64Array;
  /** Total weight (count) of the data and pseudo-data. */
  n: number;
}

export function emptyStats(dy: number, p: number): RegressionStats {
  return { dy, p, Szz: new Float64Array(p * p), Syz: new Float64Array(dy * p), Syy: new Float64Array(dy * dy), n: 0 };
}

/** acc ← acc + w · s (same shapes); returns acc. */
export function addStats(acc: RegressionStats, s: RegressionStats, w = 1): RegressionStats {
  if (acc.dy !== s.dy || acc.p !== s.p) throw new Error(`addStats: shapes (${acc.dy},${acc.p}) vs (${s.dy},${s.p})`);
  for (let i = 0; i < acc.Szz.length; i++) acc.Szz[i] += w * s.Szz[i];
  for (let i = 0; i < acc.Syz.length; i++) acc.Syz[i] += w * s.Syz[i];
  for (let i = 0; i < acc.Syy.length; i++) acc.Syy[i] += w * s.Syy[i];
  acc.n += w * s.n;
  return acc;
}

/**
 * Accumulates one observation (z without the constant, y) with weight w. Only the lower
 * triangles of Szz and Syy are updated (symmetric); `finishStats` mirrors them.
 */
export function accumulate(acc: RegressionStats, z: Float64Array, zOff: number, y: Float64Array, yOff: number, w = 1): void {
  const { p, dy, Szz, Syz, Syy } = acc;
  const dz = p - 1;
  for (let i = 0; i < dz; i++) {
    const zi = w * z[zOff + i];
    const r = i * p;
    for (let j = 0; j <= i; j++) Szz[r + j] += zi * z[zOff + j];
  }
  const last = dz * p;
  for (let j = 0; j < dz; j++) Szz[last + j] += w * z[zOff + j];
  Szz[last + dz] += w;
  for (let i = 0; i < dy; i++) {
    const yi = w * y[yOff + i];
    const r = i * p;
    for (let j = 0; j < dz; j++) Syz[r + j] += yi * z[zOff + j];
    Syz[r + dz] += yi;
    const q = i * dy;
    for (let j = 0; j <= i; j++) Syy[q + j] += yi * y[yOff + j];
  }
  acc.n += w;
}

/** Copies the lower triangles of Szz and Syy to the upper ones (after `accumulate`). */
export function finishStats(acc: RegressionStats): RegressionStats {
  const mirror = (A: Float64Array, n: number): void => {
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) A[j * n + i] = A[i * n + j];
  };
  mirror(acc.Szz, acc.p);
  mirror(acc.Syy, acc.dy);
  return acc;
}

export interface RegressionResult {
  /** dy × p posterior mean of M = [F f]. */
  readonly M: Float64Array;
  /** dy × dy noise covariance Ψ / n. */
  readonly noise: Float64Array;
}

/**
 * Solves for E[M] and the noise covariance. A design whose Cholesky pivot falls below
 * `relTol` times its diagonal entry is singular: throws, naming `what` (callers add the time
 * step and the advice to use a prior).
 */
export function solveRegression(s: RegressionStats, what: string, relTol = 1e-10, work?: Float64Array): RegressionResult {
  const { p, dy } = s;
  const L = work ?? new Float64Array(p * p);
  const i = choleskyInPlace(s.Szz, p, L);
  if (i >= 0) throw new Error(`${what}: singular regression (input ${i} of ${p} is linearly dependent; pivot ${L[i * p + i]})`);
  for (let j = 0; j < p; j++) {
    const piv = L[j * p + j] * L[j * p + j];
    if (piv < relTol * s.Szz[j * p + j]) {
      throw new Error(`${what}: singular regression (input ${j} of ${p} is linearly dependent; relative pivot ${piv / s.Szz[j * p + j]})`);
    }
  }
  // Mᵀ = Szz⁻¹ Syzᵀ (p × dy).
  const Mt = new Float64Array(p * dy);
  for (let r = 0; r < dy; r++) for (let c = 0; c < p; c++) Mt[c * dy + r] = s.Syz[r * p + c];
  choleskySolve(L, p, Mt, dy, Mt);
  const M = new Float64Array(dy * p);
  for (let r = 0; r < dy; r++) for (let c = 0; c < p; c++) M[r * p + c] = Mt[c * dy + r];
  // Ψ = Syy − Syz Mᵀ.
  const noise = new Float64Array(dy * dy);
  const inv = 1 / s.n;
  for (let a = 0; a < dy; a++) {
    for (let b = 0; b < dy; b++) {
      let v = s.Syy[a * dy + b];
      for (let c = 0; c < p; c++) v -= s.Syz[a * p + c] * Mt[c * dy + b];
      noise[a * dy + b] = v * inv;
    }
  }
  symmetrize(noise, dy);
  // Round-off can leave tiny negative variances when a component is exactly predictable.
  for (let a = 0; a < dy; a++) if (noise[a * dy + a] < 0) noise[a * dy + a] = 0;
  return { M, noise };
}
