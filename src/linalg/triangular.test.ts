import { describe, expect, it } from 'vitest';
import { choleskySolve, solveLower, solveLowerTransposed, solveUpper } from './triangular.js';
import { cholesky } from './cholesky.js';
import { Rng } from '../random/rng.js';
import { gaussJordanInverse, maxAbsDiff, naiveMul, randomMatrix, randomSPD, toNested } from './test-helpers.js';

describe('triangular solves', () => {
  const L = new Float64Array([2, 0, 0, 1, 3, 0, -1, 2, 1]);

  it('solveLower: hand-checked', () => {
    // L x = b with x = (1, 2, 3): b = (2, 1+6, -1+4+3) = (2, 7, 6).
    expect(Array.from(solveLower(L, 3, new Float64Array([2, 7, 6]), 1))).toEqual([1, 2, 3]);
  });

  it('solveLowerTransposed: hand-checked', () => {
    // Lᵀ = [[2,1,-1],[0,3,2],[0,0,1]]; x = (1,2,3): b = (2+2-3, 6+6, 3) = (1, 12, 3).
    expect(Array.from(solveLowerTransposed(L, 3, new Float64Array([1, 12, 3]), 1))).toEqual([1, 2, 3]);
  });

  it('solveUpper: hand-checked, in place', () => {
    const U = new Float64Array([2, 1, -1, 0, 3, 2, 0, 0, 1]);
    const b = new Float64Array([1, 12, 3]);
    expect(solveUpper(U, 3, b, 1, b)).toBe(b);
    expect(Array.from(b)).toEqual([1, 2, 3]);
  });

  it('choleskySolve matches a Gauss–Jordan inverse for matrix right-hand sides', () => {
    const rng = new Rng(2);
    for (const [n, m] of [[2, 1], [5, 3], [12, 4], [20, 2]]) {
      const A = randomSPD(rng, n);
      const B = randomMatrix(rng, n, m);
      const Lf = cholesky(A, n)!;
      const X = choleskySolve(Lf, n, B, m);
      const ref = naiveMul(gaussJordanInverse(A, n), toNested(B, n, m)).flat();
      expect(maxAbsDiff(X, ref)).toBeLessThan(1e-10);
      const Bc = B.slice();
      choleskySolve(Lf, n, Bc, m, Bc); // in place
      expect(maxAbsDiff(Bc, X)).toBe(0);
    }
  });
});
