import { describe, expect, it } from 'vitest';
import { cholesky, choleskyInPlace, choleskyOrThrow, logDetFromCholesky } from './cholesky.js';
import { Rng } from '../random/rng.js';
import { maxAbsDiff, randomSPD } from './test-helpers.js';

describe('cholesky', () => {
  it('factors a hand-checked 3×3 matrix', () => {
    // A = L Lᵀ with L = [[2,0,0],[1,3,0],[-1,2,1]] (computed by hand).
    const A = new Float64Array([4, 2, -2, 2, 10, 5, -2, 5, 6]);
    const L = cholesky(A, 3)!;
    expect(Array.from(L)).toEqual([2, 0, 0, 1, 3, 0, -1, 2, 1]);
    expect(logDetFromCholesky(L, 3)).toBeCloseTo(Math.log(36), 14); // det = (2·3·1)²
  });

  it('reconstructs random SPD matrices for n = 2..20, in place too', () => {
    const rng = new Rng(1);
    for (let n = 2; n <= 20; n++) {
      const A = randomSPD(rng, n);
      const L = cholesky(A, n)!;
      const R = new Float64Array(n * n);
      for (let i = 0; i < n; i++)
        for (let j = 0; j < n; j++) {
          let s = 0;
          for (let k = 0; k < n; k++) s += L[i * n + k] * L[j * n + k];
          R[i * n + j] = s;
          if (j > i) expect(L[i * n + j]).toBe(0);
        }
      expect(maxAbsDiff(R, A)).toBeLessThan(1e-10 * n);
      const B = A.slice();
      expect(choleskyInPlace(B, n, B)).toBe(-1);
      expect(maxAbsDiff(B, L)).toBe(0);
    }
  });

  it('only reads the lower triangle', () => {
    const A = new Float64Array([4, 999, -2, 2, 10, 999, -2, 5, 6]);
    expect(Array.from(cholesky(A, 3)!)).toEqual([2, 0, 0, 1, 3, 0, -1, 2, 1]);
  });

  it('returns null for indefinite, singular and NaN matrices', () => {
    expect(cholesky(new Float64Array([1, 2, 2, 1]), 2)).toBeNull(); // eigenvalues 3, −1
    expect(cholesky(new Float64Array([1, 1, 1, 1]), 2)).toBeNull(); // singular
    expect(cholesky(new Float64Array([1, 0, 0, NaN]), 2)).toBeNull();
  });

  it('choleskyOrThrow names what, the pivot index and its value', () => {
    const A = new Float64Array([4, 2, 2, -3]); // pivot 1: −3 − 1 = −4
    expect(() => choleskyOrThrow(A, 2, 'Q_uu at t=7')).toThrow(/Q_uu at t=7.*pivot 1 is -4/);
    expect(Array.from(choleskyOrThrow(new Float64Array([9, 3, 3, 5]), 2, 'x'))).toEqual([3, 0, 1, 2]);
  });
});
