/**
 * Cholesky factor and inverse of one ds×ds block at an offset (see blocks.ts for why these
 * do not use src/linalg's whole-array kernels).
 */

/**
 * Lower Cholesky factor L of the n×n block S (only its lower triangle is read):
 *   L_ij = (S_ij − Σ_{k<j} L_ik L_jk) / L_jj,  L_ii = sqrt(S_ii − Σ_{k<i} L_ik²).
 * Returns −1 on success, else the first pivot index whose radicand is not > 0 (or not finite).
 */
export function chol(S: Float64Array, so: number, L: Float64Array, lo: number, n: number): number {
  for (let i = 0; i < n; i++) {
    const ri = lo + i * n;
    for (let j = 0; j <= i; j++) {
      const rj = lo + j * n;
      let s = S[so + i * n + j];
      for (let k = 0; k < j; k++) s -= L[ri + k] * L[rj + k];
      if (i === j) {
        if (!(s > 0) || s === Infinity) return i;
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
 * From a lower factor L (S = L Lᵀ): W = L⁻¹ (lower; W_ii = 1/L_ii,
 * W_ij = −(Σ_{j≤k<i} L_ik W_kj)/L_ii) and S⁻¹ = Wᵀ W, both written. Returns log|S| = 2 Σ log L_ii.
 */
export function invFromChol(
  L: Float64Array, lo: number, W: Float64Array, wo: number, Sinv: Float64Array, io: number, n: number,
): number {
  let logdet = 0;
  for (let i = 0; i < n; i++) {
    const lii = L[lo + i * n + i];
    logdet += Math.log(lii);
    const wi = wo + i * n;
    for (let j = 0; j < i; j++) {
      let s = 0;
      for (let k = j; k < i; k++) s += L[lo + i * n + k] * W[wo + k * n + j];
      W[wi + j] = -s / lii;
    }
    W[wi + i] = 1 / lii;
    for (let j = i + 1; j < n; j++) W[wi + j] = 0;
  }
  // (WᵀW)_ij = Σ_{k ≥ max(i,j)} W_ki W_kj
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += W[wo + k * n + i] * W[wo + k * n + j];
      Sinv[io + i * n + j] = s;
      Sinv[io + j * n + i] = s;
    }
  }
  return 2 * logdet;
}
