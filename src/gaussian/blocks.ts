/**
 * Offset-addressed small dense kernels for the block-tridiagonal Gaussian's hot loops.
 *
 * Why not `src/linalg`: its kernels take whole arrays (no offsets), so using them here would
 * mean one `subarray` view per block per call — allocations in the inner loop of a kernel that
 * runs ~10⁴ times per training step. These take (array, offset) pairs into the workspace's
 * flat block storage instead. All matrices are row-major; `acc` adds into the destination
 * instead of overwriting it; the destination must not alias an operand.
 */

/**
 * The one general product: C (m×n, row-major) (+)= α op(A) op(B), with op(A)_ip at
 * A[ao + i·ars + p·acs] and op(B)_pj at B[bo + p·brs + j·bcs]. Dot-product form, two output
 * columns per pass (measured ~2× faster in V8 than the axpy form for 10×10 blocks: fewer
 * loads/stores of C, two independent accumulators).
 */
export function gemm(
  C: Float64Array, co: number,
  A: ArrayLike<number>, ao: number, ars: number, acs: number,
  B: ArrayLike<number>, bo: number, brs: number, bcs: number,
  m: number, k: number, n: number, alpha: number, acc: boolean,
): void {
  for (let i = 0; i < m; i++) {
    const ai = ao + i * ars;
    const ci = co + i * n;
    let j = 0;
    for (; j + 1 < n; j += 2) {
      let s0 = 0;
      let s1 = 0;
      let pa = ai;
      let pb = bo + j * bcs;
      for (let p = 0; p < k; p++) {
        const x = A[pa];
        s0 += x * B[pb];
        s1 += x * B[pb + bcs];
        pa += acs;
        pb += brs;
      }
      if (acc) {
        C[ci + j] += alpha * s0;
        C[ci + j + 1] += alpha * s1;
      } else {
        C[ci + j] = alpha * s0;
        C[ci + j + 1] = alpha * s1;
      }
    }
    if (j < n) {
      let s = 0;
      let pa = ai;
      let pb = bo + j * bcs;
      for (let p = 0; p < k; p++) {
        s += A[pa] * B[pb];
        pa += acs;
        pb += brs;
      }
      C[ci + j] = acc ? C[ci + j] + alpha * s : alpha * s;
    }
  }
}

/** C (m×n) (+)= α A B, A m×k, B k×n. */
export function mulNN(
  C: Float64Array, co: number, A: ArrayLike<number>, ao: number, B: ArrayLike<number>, bo: number,
  m: number, k: number, n: number, alpha: number, acc: boolean,
): void {
  gemm(C, co, A, ao, k, 1, B, bo, n, 1, m, k, n, alpha, acc);
}

/** C (m×n) (+)= α A Bᵀ, A m×k, B n×k. */
export function mulNT(
  C: Float64Array, co: number, A: ArrayLike<number>, ao: number, B: ArrayLike<number>, bo: number,
  m: number, k: number, n: number, alpha: number, acc: boolean,
): void {
  gemm(C, co, A, ao, k, 1, B, bo, 1, k, m, k, n, alpha, acc);
}

/** C (m×n) (+)= α Aᵀ B, A k×m, B k×n. */
export function mulTN(
  C: Float64Array, co: number, A: ArrayLike<number>, ao: number, B: ArrayLike<number>, bo: number,
  m: number, k: number, n: number, alpha: number, acc: boolean,
): void {
  gemm(C, co, A, ao, 1, m, B, bo, n, 1, m, k, n, alpha, acc);
}

/**
 * As `gemm` for a square n×n result known to be symmetric: computes the lower triangle
 * (two entries per pass where possible) and mirrors it. With `acc`, C must be symmetric.
 */
export function gemmSym(
  C: Float64Array, co: number,
  A: ArrayLike<number>, ao: number, ars: number, acs: number,
  B: ArrayLike<number>, bo: number, brs: number, bcs: number,
  n: number, k: number, alpha: number, acc: boolean,
): void {
  for (let i = 0; i < n; i++) {
    const ai = ao + i * ars;
    let j = 0;
    for (; j + 1 <= i; j += 2) {
      let s0 = 0;
      let s1 = 0;
      let pa = ai;
      let pb = bo + j * bcs;
      for (let p = 0; p < k; p++) {
        const x = A[pa];
        s0 += x * B[pb];
        s1 += x * B[pb + bcs];
        pa += acs;
        pb += brs;
      }
      const v0 = acc ? C[co + i * n + j] + alpha * s0 : alpha * s0;
      const v1 = acc ? C[co + i * n + j + 1] + alpha * s1 : alpha * s1;
      C[co + i * n + j] = v0;
      C[co + j * n + i] = v0;
      C[co + i * n + j + 1] = v1;
      C[co + (j + 1) * n + i] = v1;
    }
    if (j === i) {
      let s = 0;
      let pa = ai;
      let pb = bo + j * bcs;
      for (let p = 0; p < k; p++) {
        s += A[pa] * B[pb];
        pa += acs;
        pb += brs;
      }
      C[co + i * n + i] = acc ? C[co + i * n + i] + alpha * s : alpha * s;
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

/** C (n×n) (+)= α A Bᵀ when the product is known to be symmetric (A, B n×k). */
export function mulNTSym(
  C: Float64Array, co: number, A: Float64Array, ao: number, B: Float64Array, bo: number,
  n: number, k: number, alpha: number, acc: boolean,
): void {
  gemmSym(C, co, A, ao, k, 1, B, bo, 1, k, n, k, alpha, acc);
}

/** C (n×n) += α sym(A Bᵀ) = α(A Bᵀ + B Aᵀ)/2, A and B n×k. */
export function addSymNT(
  C: Float64Array, co: number, A: Float64Array, ao: number, B: Float64Array, bo: number,
  n: number, k: number, alpha: number,
): void {
  const h = 0.5 * alpha;
  for (let i = 0; i < n; i++) {
    const ai = ao + i * k;
    const bi = bo + i * k;
    for (let j = 0; j <= i; j++) {
      const aj = ao + j * k;
      const bj = bo + j * k;
      let s = 0;
      for (let p = 0; p < k; p++) s += A[ai + p] * B[bj + p] + A[aj + p] * B[bi + p];
      C[co + i * n + j] += h * s;
      if (j !== i) C[co + j * n + i] += h * s;
    }
  }
}

/** C (n×n) = α Aᵀ B when the product is known to be symmetric (A, B k×n). */
export function mulTNSym(
  C: Float64Array, co: number, A: Float64Array, ao: number, B: Float64Array, bo: number, n: number, k: number, alpha: number,
): void {
  gemmSym(C, co, A, ao, 1, n, B, bo, n, 1, n, k, alpha, false);
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
