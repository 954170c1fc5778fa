import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { fromEigen, symmetricEigen } from './eig.js';
import { randSPD } from './testutil.js';

describe('symmetricEigen', () => {
  it('reconstructs A = V diag(λ) Vᵀ with orthonormal V (indefinite A)', () => {
    const n = 6;
    const A = randSPD(new Rng(6), n, -1);
    const { values, vectors } = symmetricEigen(A, n);
    const B = fromEigen(values, vectors, n);
    for (let i = 0; i < n * n; i++) expect(B[i]).toBeCloseTo(A[i], 10);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let d = 0;
      for (let k = 0; k < n; k++) d += vectors[k * n + i] * vectors[k * n + j];
      expect(d).toBeCloseTo(i === j ? 1 : 0, 10);
    }
  });
});
