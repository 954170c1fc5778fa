/**
 * Cholesky factorisation of small dense symmetric positive-definite matrices.
 *
 * All matrices are Float64Array, row-major, n×n. Only the lower triangle of A is read, so a
 * matrix whose upper triangle is stale (or not exactly symmetric) factors as its lower part.
 *
 * Cholesky–Banachiewicz, row by row:
 *   L_ij = (A_ij − Σ_{k<j} L_ik L_jk) / L_jj          (j < i)
 *   L_ii = sqrt(A_ii − Σ_{k<i} L_ik²)
 * A is positive definite iff every radicand ("pivot") is > 0.
 */

/**
 * Factors A = L Lᵀ into `L` (may be the same array as A: in-place is supported because entry
 * (i, j) of A is read just before L's (i, j) is written). The strict upper triangle of L is
 * zeroed. Returns −1 on success, else the index i of the first non-positive or non-finite
 * pivot; in that case L[i·n+i] holds the failing pivot value and the rest of L is garbage.
 */
export function choleskyInPlace(A: Float64Array, n: number, L: Float64Array): number {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = A[ri + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        // `!(s > 0)` also catches NaN.
        if (!(s > 0) || !Number.isFinite(s)) {
          L[ri + i] = s;
          return i;
        }
        L[ri + i] = Math.sqrt(s);
      } else {
        L[ri + j] = s / L[rj + j];
      }
    }
    for (let j = i + 1; j < n; j++) L[ri + j] = 0;
  }
  return -1;
}

/**
 * Lower Cholesky factor L with A = L Lᵀ, written into `L` (allocated when omitted; may alias
 * A). Returns null when A is not (numerically) positive definite.
 */
export function cholesky(A: Float64Array, n: number, L?: Float64Array): Float64Array | null {
  const out = L ?? new Float64Array(n * n);
  return choleskyInPlace(A, n, out) < 0 ? out : null;
}

/**
 * As `cholesky`, but throws an Error naming `what`, the failing pivot index and its value
 * when A is not positive definite.
 */
export function choleskyOrThrow(A: Float64Array, n: number, what: string, L?: Float64Array): Float64Array {
  const out = L ?? new Float64Array(n * n);
  const i = choleskyInPlace(A, n, out);
  if (i >= 0) {
    throw new Error(
      `${what}: matrix (${n}×${n}) is not positive definite: Cholesky pivot ${i} is ${out[i * n + i]}`,
    );
  }
  return out;
}

/** log det A = 2 Σ_i log L_ii for A = L Lᵀ. */
export function logDetFromCholesky(L: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log(L[i * n + i]);
  return 2 * s;
}
