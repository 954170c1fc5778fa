import { describe, expect, it } from 'vitest';
import {
  addScaledIdentity,
  bilinear,
  inverseSPD,
  matmul,
  matmulAT,
  matmulBT,
  matvec,
  matvecT,
  symmetrize,
  traceOfProduct,
  transpose,
} from './matrix.js';
import { Rng } from '../random/rng.js';
import { gaussJordanInverse, maxAbsDiff, naiveMul, randomMatrix, randomSPD, toNested } from './test-helpers.js';

describe('matrix kernels', () => {
  it('matmul: hand-checked 2×3 · 3×2', () => {
    const A = new Float64Array([1, 2, 3, 4, 5, 6]);
    const B = new Float64Array([7, 8, 9, 10, 11, 12]);
    expect(Array.from(matmul(A, B, 2, 3, 2))).toEqual([58, 64, 139, 154]);
  });

  it('matmul, matmulAT, matmulBT agree with a naive product', () => {
    const rng = new Rng(3);
    const [m, k, n] = [4, 7, 3];
    const A = randomMatrix(rng, m, k);
    const B = randomMatrix(rng, k, n);
    const ref = naiveMul(toNested(A, m, k), toNested(B, k, n)).flat();
    expect(maxAbsDiff(matmul(A, B, m, k, n), ref)).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmulAT(transpose(A, m, k), B, m, k, n), ref)).toBeLessThan(1e-12);
    expect(maxAbsDiff(matmulBT(A, transpose(B, k, n), m, k, n), ref)).toBeLessThan(1e-12);
    const out = new Float64Array(m * n).fill(99); // stale output must be overwritten
    expect(maxAbsDiff(matmulAT(transpose(A, m, k), B, m, k, n, out), ref)).toBeLessThan(1e-12);
  });

  it('matvec, matvecT, bilinear, traceOfProduct: hand-checked', () => {
    const A = new Float64Array([1, 2, 3, 4, 5, 6]); // 2×3
    expect(Array.from(matvec(A, [1, 0, -1], 2, 3))).toEqual([-2, -2]);
    expect(Array.from(matvecT(A, [1, -1], 2, 3))).toEqual([-3, -3, -3]);
    expect(bilinear([1, 2], A, [1, 1, 1], 2, 3)).toBe(6 + 2 * 15);
    const S = new Float64Array([1, 2, 3, 4]);
    expect(traceOfProduct(S, S, 2)).toBe(1 + 6 + 6 + 16); // tr(S²) = 29
  });

  it('symmetrize and addScaledIdentity', () => {
    const A = new Float64Array([1, 2, 4, 3]);
    symmetrize(A, 2);
    expect(Array.from(A)).toEqual([1, 3, 3, 3]);
    addScaledIdentity(A, 2, 0.5);
    expect(Array.from(A)).toEqual([1.5, 3, 3, 3.5]);
  });

  it('inverseSPD matches Gauss–Jordan, is symmetric, may alias, returns null when not PD', () => {
    const rng = new Rng(4);
    for (const n of [2, 3, 10, 20]) {
      const A = randomSPD(rng, n);
      const inv = inverseSPD(A, n)!;
      expect(maxAbsDiff(inv, gaussJordanInverse(A, n).flat())).toBeLessThan(1e-12);
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(inv[i * n + j]).toBe(inv[j * n + i]);
      const B = A.slice();
      inverseSPD(B, n, B);
      expect(maxAbsDiff(B, inv)).toBe(0);
    }
    expect(inverseSPD(new Float64Array([1, 2, 2, 1]), 2)).toBeNull();
  });
});
