/**
 * Symmetric eigendecomposition by the cyclic Jacobi method: A = V diag(λ) Vᵀ.
 *
 * Each rotation zeroes one off-diagonal pair (p, q): with θ = (A_qq − A_pp) / (2 A_pq),
 * t = sign(θ) / (|θ| + sqrt(θ² + 1)), c = 1/sqrt(t² + 1), s = t c, the update
 * A ← Jᵀ A J leaves A_pq = 0. Sweeps repeat until the off-diagonal mass is below
 * tol · ‖A‖_F. Accurate to working precision for the small matrices here (n ≤ ~70), and
 * simple enough to trust; cost O(n³) per sweep, a handful of sweeps.
 */

export interface SymmetricEigen {
  /** Eigenvalues, ascending. */
  readonly values: Float64Array;
  /** n×n, column j is the eigenvector of values[j]. */
  readonly vectors: Float64Array;
}

/** Eigen-decomposes symmetric A (n×n, only read). Throws if it does not converge in `maxSweeps`. */
export function symmetricEigen(A: Float64Array, n: number, tol = 1e-15, maxSweeps = 60): SymmetricEigen {
  const a = A.slice(0, n * n);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  let norm = 0;
  for (let i = 0; i < n * n; i++) norm += a[i] * a[i];
  norm = Math.sqrt(norm);
  let sweep = 0;
  for (; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (Math.sqrt(2 * off) <= tol * norm || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J on rows/columns p and q.
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  if (sweep === maxSweeps) throw new Error(`symmetricEigen: no convergence in ${maxSweeps} sweeps (n=${n})`);
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[i * n + i] - a[j * n + j]);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n);
  order.forEach((src, dst) => {
    values[dst] = a[src * n + src];
    for (let k = 0; k < n; k++) vectors[k * n + dst] = v[k * n + src];
  });
  return { values, vectors };
}

/**
 * The nearest (Frobenius) symmetric matrix with eigenvalues ≥ minEig: V diag(max(λ, minEig)) Vᵀ.
 * Used to make a fitted quadratic cost convex.
 */
export function projectPSD(A: Float64Array, n: number, minEig = 0, out?: Float64Array): Float64Array {
  const { values, vectors } = symmetricEigen(A, n);
  const B = out ?? new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * Math.max(values[k], minEig) * vectors[j * n + k];
      B[i * n + j] = s;
      B[j * n + i] = s;
    }
  }
  return B;
}
