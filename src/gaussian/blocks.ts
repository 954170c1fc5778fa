/**
 * Offset-addressed small dense kernels for the block-tridiagonal Gaussian's hot loops.
 *
 * Why not `src/linalg`: its kernels take whole arrays (no offsets), so using them here would
 * mean one `subarray` view per block per call — allocations in the inner loop of a kernel that
 * runs ~10⁴ times per training step. These take (array, offset) pairs into the workspace's
 * flat block storage instead. All matrices are row-major; `acc` adds into the destination
 * instead of overwriting it; the destination must not alias an operand.
 */

/** C (m×n) (+)= α A B, A m×k, B k×n. */
export function mulNN(
  C: Float64Array, co: number, A: ArrayLike<number>, ao: number, B: ArrayLike<number>, bo: number,
  m: number, k: number, n: number, alpha: number, acc: boolean,
): void {
  if (!acc) C.fill(0, co, co + m * n);
  for (let i = 0; i < m; i++) {
    const ci = co + i * n;
    const ai = ao + i * k;
    for (let p = 0; p < k; p++) {
      const a = alpha * A[ai + p];
      const bp = bo + p * n;
      for (let j = 0; j < n; j++) C[ci + j] += a * B[bp + j];
    }
  }
}

/** C (m×n) (+)= α A Bᵀ, A m×k, B n×k. */
export function mulNT(
  C: Float64Array, co: number, A: Float64Array, ao: number, B: Float64Array, bo: number,
  m: number, k: number, n: number, alpha: number, acc: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const ci = co + i * n;
    const ai = ao + i * k;
    for (let j = 0; j < n; j++) {
      const bj = bo + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p];
      C[ci + j] = acc ? C[ci + j] + alpha * s : alpha * s;
    }
  }
}

/** C (m×n) (+)= α Aᵀ B, A k×m, B k×n. */
export function mulTN(
  C: Float64Array, co: number, A: ArrayLike<number>, ao: number, B: ArrayLike<number>, bo: number,
  m: number, k: number, n: number, alpha: number, acc: boolean,
): void {
  if (!acc) C.fill(0, co, co + m * n);
  for (let p = 0; p < k; p++) {
    const ap = ao + p * m;
    const bp = bo + p * n;
    for (let i = 0; i < m; i++) {
      const a = alpha * A[ap + i];
      const ci = co + i * n;
      for (let j = 0; j < n; j++) C[ci + j] += a * B[bp + j];
    }
  }
}

/** y (m) (+)= α A x, A m×n. */
export function mv(
  y: Float64Array, yo: number, A: Float64Array, ao: number, x: ArrayLike<number>, xo: number,
  m: number, n: number, alpha: number, acc: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const ai = ao + i * n;
    let s = 0;
    for (let j = 0; j < n; j++) s += A[ai + j] * x[xo + j];
    y[yo + i] = acc ? y[yo + i] + alpha * s : alpha * s;
  }
}

/** y (n) (+)= α Aᵀ x, A m×n. */
export function mtv(
  y: Float64Array, yo: number, A: Float64Array, ao: number, x: ArrayLike<number>, xo: number,
  m: number, n: number, alpha: number, acc: boolean,
): void {
  if (!acc) y.fill(0, yo, yo + n);
  for (let i = 0; i < m; i++) {
    const a = alpha * x[xo + i];
    const ai = ao + i * n;
    for (let j = 0; j < n; j++) y[yo + j] += a * A[ai + j];
  }
}

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

/** A ← (A + Aᵀ)/2 for the n×n block at `ao`. */
export function symmetrizeBlock(A: Float64Array, ao: number, n: number): void {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < i; j++) {
      const v = 0.5 * (A[ao + i * n + j] + A[ao + j * n + i]);
      A[ao + i * n + j] = v;
      A[ao + j * n + i] = v;
    }
  }
}

/** dst[do..do+len) = src[so..so+len). */
export function copyBlock(dst: Float64Array, dOff: number, src: ArrayLike<number>, sOff: number, len: number): void {
  for (let i = 0; i < len; i++) dst[dOff + i] = src[sOff + i];
}
