/**
 * Triangular and SPD solves for small dense matrices (row-major Float64Array).
 *
 * Right-hand sides are n×m matrices B (m = 1 for a vector). Every solver accepts
 * `out === b` (in place): row i of the solution only depends on b's row i and on rows
 * already solved.
 */

/**
 * Forward substitution: solves L X = B for lower-triangular L (n×n), B n×m.
 *   X_i = (B_i − Σ_{k<i} L_ik X_k) / L_ii
 */
export function solveLower(
  L: Float64Array,
  n: number,
  b: Float64Array,
  m: number,
  out?: Float64Array,
): Float64Array {
  const x = out ?? new Float64Array(n * m);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const inv = 1 / L[ri + i];
    for (let c = 0; c < m; c++) {
      let s = b[i * m + c];
      for (let k = 0; k < i; k++) s -= L[ri + k] * x[k * m + c];
      x[i * m + c] = s * inv;
    }
  }
  return x;
}

/**
 * Backward substitution with the transpose of a lower factor: solves Lᵀ X = B using L.
 *   X_i = (B_i − Σ_{k>i} L_ki X_k) / L_ii
 */
export function solveLowerTransposed(
  L: Float64Array,
  n: number,
  b: Float64Array,
  m: number,
  out?: Float64Array,
): Float64Array {
  const x = out ?? new Float64Array(n * m);
  for (let i = n - 1; i >= 0; i--) {
    const inv = 1 / L[i * n + i];
    for (let c = 0; c < m; c++) {
      let s = b[i * m + c];
      for (let k = i + 1; k < n; k++) s -= L[k * n + i] * x[k * m + c];
      x[i * m + c] = s * inv;
    }
  }
  return x;
}

/**
 * Backward substitution: solves U X = B for upper-triangular U (n×n).
 *   X_i = (B_i − Σ_{k>i} U_ik X_k) / U_ii
 */
export function solveUpper(
  U: Float64Array,
  n: number,
  b: Float64Array,
  m: number,
  out?: Float64Array,
): Float64Array {
  const x = out ?? new Float64Array(n * m);
  for (let i = n - 1; i >= 0; i--) {
    const ri = i * n;
    const inv = 1 / U[ri + i];
    for (let c = 0; c < m; c++) {
      let s = b[i * m + c];
      for (let k = i + 1; k < n; k++) s -= U[ri + k] * x[k * m + c];
      x[i * m + c] = s * inv;
    }
  }
  return x;
}

/**
 * Solves A X = B given the Cholesky factor L of A (A = L Lᵀ): L Y = B, then Lᵀ X = Y.
 * `out` may alias `B`.
 */
export function choleskySolve(
  L: Float64Array,
  n: number,
  B: Float64Array,
  m: number,
  out?: Float64Array,
): Float64Array {
  const x = out ?? new Float64Array(n * m);
  solveLower(L, n, B, m, x);
  return solveLowerTransposed(L, n, x, m, x);
}
