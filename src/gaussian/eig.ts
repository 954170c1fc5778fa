/**
 * Symmetric eigendecomposition by cyclic Jacobi rotations, for small matrices (ds ≲ 20) off
 * the hot path. Kept because src/agents/solar imports it; src/linalg now has the same
 * (symmetricEigen, projectPSD), which svi.ts uses — prefer that in new code.
 *
 * Each rotation zeroes A_pq with θ chosen so tan 2θ = 2A_pq / (A_qq − A_pp); sweeps repeat
 * until the off-diagonal mass is negligible. A = V diag(λ) Vᵀ.
 */

/** Returns eigenvalues λ (n) and eigenvectors as columns of V (n×n, row-major). */
export function symmetricEigen(A: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(A.subarray(0, n * n));
  const V = new Float64Array(n * n);
  for (let i = 0; i < n; i++) V[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let total = 0;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        const v = a[i * n + j] * a[i * n + j];
        total += v;
        if (i !== j) off += v;
      }
    }
    // Off-diagonal norm below 1e-12 of the total: eigenvalues are then within 1e-12·‖A‖ (Weyl),
    // and rounding could keep a much stricter test from ever passing.
    if (off <= 1e-24 * total || off === 0) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (apq === 0) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          // columns p, q of A ← A J
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          // rows p, q of A ← Jᵀ A
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = V[k * n + p];
          const vkq = V[k * n + q];
          V[k * n + p] = c * vkp - s * vkq;
          V[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i];
  return { values, vectors: V };
}

/** V diag(λ) Vᵀ. */
export function fromEigen(values: Float64Array, vectors: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += vectors[i * n + k] * values[k] * vectors[j * n + k];
      out[i * n + j] = s;
      out[j * n + i] = s;
    }
  }
  return out;
}
