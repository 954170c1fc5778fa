/**
 * Small dense matrix kernels on row-major Float64Array. Shapes are passed explicitly
 * (no wrapper objects) so the hot loops stay monomorphic and allocation-free when `out`
 * is supplied. Unless stated, `out` must not alias an input.
 */
import { choleskyInPlace } from './cholesky.js';

/** C = A B with A m×k, B k×n, C m×n. */
export function matmul(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
  out?: Float64Array,
): Float64Array {
  const C = out ?? new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ci = i * n;
    for (let j = 0; j < n; j++) C[ci + j] = 0;
    for (let p = 0; p < k; p++) {
      const a = A[i * k + p];
      if (a === 0) continue;
      const bp = p * n;
      for (let j = 0; j < n; j++) C[ci + j] += a * B[bp + j];
    }
  }
  return C;
}

/** C = Aᵀ B with A k×m (so Aᵀ is m×k), B k×n, C m×n. */
export function matmulAT(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
  out?: Float64Array,
): Float64Array {
  const C = out ?? new Float64Array(m * n);
  C.fill(0, 0, m * n);
  for (let p = 0; p < k; p++) {
    const ap = p * m;
    const bp = p * n;
    for (let i = 0; i < m; i++) {
      const a = A[ap + i];
      if (a === 0) continue;
      const ci = i * n;
      for (let j = 0; j < n; j++) C[ci + j] += a * B[bp + j];
    }
  }
  return C;
}

/** C = A Bᵀ with A m×k, B n×k, C m×n. */
export function matmulBT(
  A: Float64Array,
  B: Float64Array,
  m: number,
  k: number,
  n: number,
  out?: Float64Array,
): Float64Array {
  const C = out ?? new Float64Array(m * n);
  for (let i = 0; i < m; i++) {
    const ai = i * k;
    for (let j = 0; j < n; j++) {
      const bj = j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
      C[i * n + j] = s;
    }
  }
  return C;
}

/** y = A x with A m×n. */
export function matvec(A: Float64Array, x: ArrayLike<number>, m: number, n: number, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    const ai = i * n;
    for (let j = 0; j < n; j++) s += A[ai + j] * x[j];
    y[i] = s;
  }
  return y;
}

/** y = Aᵀ x with A m×n (y has n entries). */
export function matvecT(A: Float64Array, x: ArrayLike<number>, m: number, n: number, out?: Float64Array): Float64Array {
  const y = out ?? new Float64Array(n);
  y.fill(0, 0, n);
  for (let i = 0; i < m; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    const ai = i * n;
    for (let j = 0; j < n; j++) y[j] += A[ai + j] * xi;
  }
  return y;
}

/** Aᵀ (n×m) of A (m×n). */
export function transpose(A: Float64Array, m: number, n: number, out?: Float64Array): Float64Array {
  const T = out ?? new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) T[j * m + i] = A[i * n + j];
  return T;
}

/** A ← (A + Aᵀ)/2 in place; returns A. Removes round-off asymmetry before a Cholesky. */
export function symmetrize(A: Float64Array, n: number): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = 0.5 * (A[i * n + j] + A[j * n + i]);
      A[i * n + j] = v;
      A[j * n + i] = v;
    }
  }
  return A;
}

/** A ← A + s I in place (A n×n); returns A. */
export function addScaledIdentity(A: Float64Array, n: number, s: number): Float64Array {
  for (let i = 0; i < n; i++) A[i * n + i] += s;
  return A;
}

/** The n×n identity times s (default 1). */
export function identity(n: number, s = 1, out?: Float64Array): Float64Array {
  const I = out ?? new Float64Array(n * n);
  I.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) I[i * n + i] = s;
  return I;
}

/** y ← y + a x elementwise over the first `len` entries (default all of x); returns y. */
export function axpy(a: number, x: ArrayLike<number>, y: Float64Array, len = x.length): Float64Array {
  for (let i = 0; i < len; i++) y[i] += a * x[i];
  return y;
}

/** Σ_i x_i y_i. */
export function dot(x: ArrayLike<number>, y: ArrayLike<number>, len = x.length): number {
  let s = 0;
  for (let i = 0; i < len; i++) s += x[i] * y[i];
  return s;
}

/** xᵀ A y with A m×n, x length m, y length n. */
export function bilinear(x: ArrayLike<number>, A: Float64Array, y: ArrayLike<number>, m: number, n: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) {
    const xi = x[i];
    if (xi === 0) continue;
    let r = 0;
    const ai = i * n;
    for (let j = 0; j < n; j++) r += A[ai + j] * y[j];
    s += xi * r;
  }
  return s;
}

/** tr(A B) for A, B n×n: Σ_ij A_ij B_ji. */
export function traceOfProduct(A: Float64Array, B: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) s += A[i * n + j] * B[j * n + i];
  return s;
}

/** true when every entry is finite (no NaN/±Inf). */
export function allFinite(x: ArrayLike<number>): boolean {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) return false;
  return true;
}

/**
 * A⁻¹ for symmetric positive-definite A (n×n) via A = L Lᵀ: A⁻¹ = L⁻ᵀ L⁻¹.
 * `out` may alias A. `work` (n×n) avoids an allocation. Returns null when A is not
 * positive definite. The result is exactly symmetric.
 */
export function inverseSPD(A: Float64Array, n: number, out?: Float64Array, work?: Float64Array): Float64Array | null {
  const L = work ?? new Float64Array(n * n);
  if (choleskyInPlace(A, n, L) >= 0) return null;
  const X = out ?? new Float64Array(n * n);
  // Invert L in place, row by row: W = L⁻¹ is lower with W_ii = 1/L_ii and, from (L W)_ij = 0,
  // W_ij = −(Σ_{j≤k<i} L_ik W_kj) / L_ii for j < i (rows k < i already hold W; row i's
  // entries k ≥ j still hold L because j increases).
  for (let i = 0; i < n; i++) {
    const lii = L[i * n + i];
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += L[i * n + k] * L[k * n + j];
      L[i * n + j] = -s / lii;
    }
    L[i * n + i] = 1 / lii;
  }
  // A⁻¹_ij = Σ_{k ≥ max(i,j)} W_ki W_kj with W = L⁻¹ lower.
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += L[k * n + i] * L[k * n + j];
      X[i * n + j] = s;
      X[j * n + i] = s;
    }
  }
  return X;
}
