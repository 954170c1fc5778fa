import { describe, expect, it } from 'vitest';
import { projectPSD, symmetricEigen } from './eigen.js';
import { Rng } from '../random/rng.js';
import { maxAbsDiff, randomMatrix } from './test-helpers.js';

describe('symmetricEigen', () => {
  it('hand-checked 2×2: [[2,1],[1,2]] has eigenvalues 1, 3 with vectors (1,−1)/√2, (1,1)/√2', () => {
    const { values, vectors } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2);
    expect(values[0]).toBeCloseTo(1, 14);
    expect(values[1]).toBeCloseTo(3, 14);
    expect(Math.abs(vectors[0] * vectors[2] + vectors[1] * vectors[3])).toBeLessThan(1e-14);
    expect(Math.abs(vectors[1])).toBeCloseTo(Math.SQRT1_2, 14);
    expect(vectors[1] * vectors[3]).toBeCloseTo(0.5, 14); // second column ∝ (1, 1)
  });

  it('reconstructs random symmetric matrices (n = 3..30) with orthonormal vectors; trace = Σλ', () => {
    const rng = new Rng(7);
    for (const n of [3, 10, 30]) {
      const G = randomMatrix(rng, n, n);
      const A = new Float64Array(n * n);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) A[i * n + j] = G[i * n + j] + G[j * n + i];
      const { values, vectors } = symmetricEigen(A, n);
      const R = new Float64Array(n * n);
      const I = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let r = 0;
          let o = 0;
          for (let k = 0; k < n; k++) {
            r += vectors[i * n + k] * values[k] * vectors[j * n + k];
            o += vectors[k * n + i] * vectors[k * n + j];
          }
          R[i * n + j] = r;
          I[i * n + j] = o - (i === j ? 1 : 0);
        }
      expect(maxAbsDiff(R, A)).toBeLessThan(1e-12 * n);
      expect(Math.max(...Array.from(I, Math.abs))).toBeLessThan(1e-13 * n);
      let tr = 0;
      for (let i = 0; i < n; i++) tr += A[i * n + i];
      expect(values.reduce((s, v) => s + v, 0)).toBeCloseTo(tr, 10);
      for (let i = 1; i < n; i++) expect(values[i]).toBeGreaterThanOrEqual(values[i - 1]);
    }
  });

  it('projectPSD clips negative eigenvalues: diag(3, −1) rotated → rotated diag(3, 0)', () => {
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    // A = R diag(3, −1) Rᵀ
    const A = new Float64Array([3 * c * c - s * s, (3 + 1) * c * s, (3 + 1) * c * s, 3 * s * s - c * c]);
    const P = projectPSD(A, 2);
    expect(maxAbsDiff(P, [3 * c * c, 3 * c * s, 3 * c * s, 3 * s * s])).toBeLessThan(1e-14);
    const spd = new Float64Array([2, 1, 1, 2]);
    expect(maxAbsDiff(projectPSD(spd, 2), spd)).toBeLessThan(1e-14);
  });
});
