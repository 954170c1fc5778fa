import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { chol, invFromChol } from './block-chol.js';
import { addSymNT, gemmSym, mtv, mulNN, mulNT, mulTN, mv } from './blocks.js';
import { randSPD } from './test-helpers.js';

/** Naive op(A) op(B) with explicit index functions. */
function naive(m: number, k: number, n: number, a: (i: number, p: number) => number, b: (p: number, j: number) => number): Float64Array {
  const C = new Float64Array(m * n);
  for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) C[i * n + j] += a(i, p) * b(p, j);
  return C;
}

describe('block kernels vs naive loops (odd and even sizes, offsets, accumulate)', () => {
  const rng = new Rng(77);
  const rand = (len: number): Float64Array => Float64Array.from({ length: len }, () => rng.normal());
  for (const [m, k, n] of [[1, 1, 1], [2, 3, 4], [5, 4, 3], [3, 5, 5], [6, 2, 7]]) {
    it(`${m}×${k}×${n}`, () => {
      const off = 3;
      const A = rand(off + m * k);
      const At = rand(off + k * m);
      const B = rand(off + k * n);
      const Bt = rand(off + n * k);
      const C0 = rand(off + m * n);
      const check = (got: Float64Array, want: Float64Array): void => {
        for (let i = 0; i < want.length; i++) expect(got[off + i]).toBeCloseTo(want[i], 12);
      };
      const nn = naive(m, k, n, (i, p) => A[off + i * k + p], (p, j) => B[off + p * n + j]);
      let C = Float64Array.from(C0);
      mulNN(C, off, A, off, B, off, m, k, n, -2, true);
      check(C, nn.map((v, i) => C0[off + i] - 2 * v));
      C = Float64Array.from(C0);
      mulNT(C, off, A, off, Bt, off, m, k, n, 1, false);
      check(C, naive(m, k, n, (i, p) => A[off + i * k + p], (p, j) => Bt[off + j * k + p]));
      mulTN(C, off, At, off, B, off, m, k, n, 0.5, false);
      check(C, naive(m, k, n, (i, p) => 0.5 * At[off + p * m + i], (p, j) => B[off + p * n + j]));
      const x = rand(off + n);
      const y = rand(off + m);
      const y0 = Float64Array.from(y);
      mv(y, off, C, off, x, off, m, n, 1, true);
      for (let i = 0; i < m; i++) {
        let v = y0[off + i];
        for (let j = 0; j < n; j++) v += C[off + i * n + j] * x[off + j];
        expect(y[off + i]).toBeCloseTo(v, 12);
      }
      mtv(x, off, C, off, y0, off, m, n, -1, false);
      for (let j = 0; j < n; j++) {
        let v = 0;
        for (let i = 0; i < m; i++) v -= C[off + i * n + j] * y0[off + i];
        expect(x[off + j]).toBeCloseTo(v, 12);
      }
      // symmetric products: A Aᵀ (m×m) via gemmSym, accumulated onto a symmetric matrix
      const S0 = randSPD(rng, m, 1);
      const S = new Float64Array(off + m * m);
      S.set(S0, off);
      gemmSym(S, off, A, off, k, 1, A, off, 1, k, m, k, 3, true);
      check(S, naive(m, k, m, (i, p) => A[off + i * k + p], (p, j) => A[off + j * k + p]).map((v, i) => S0[i] + 3 * v));
      const S2 = new Float64Array(off + m * m);
      addSymNT(S2, off, A, off, A, off, m, k, 1);
      check(S2, naive(m, k, m, (i, p) => A[off + i * k + p], (p, j) => A[off + j * k + p]));
    });
  }
  it('chol / invFromChol: L Lᵀ = S, S⁻¹ S = I, log|S|; non-PD returns the pivot', () => {
    const n = 5;
    const S = randSPD(rng, n, 0.3);
    const L = new Float64Array(n * n);
    const W = new Float64Array(n * n);
    const Si = new Float64Array(n * n);
    expect(chol(S, 0, L, 0, n)).toBe(-1);
    const ld = invFromChol(L, 0, W, 0, Si, 0, n);
    const LLt = naive(n, n, n, (i, p) => L[i * n + p], (p, j) => L[j * n + p]);
    for (let i = 0; i < n * n; i++) expect(LLt[i]).toBeCloseTo(S[i], 12);
    const I = naive(n, n, n, (i, p) => Si[i * n + p], (p, j) => S[p * n + j]);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(I[i * n + j]).toBeCloseTo(i === j ? 1 : 0, 10);
    let ld2 = 0;
    for (let i = 0; i < n; i++) ld2 += 2 * Math.log(L[i * n + i]);
    expect(ld).toBeCloseTo(ld2, 12);
    const bad = Float64Array.from(S);
    bad[2 * n + 2] = -1;
    expect(chol(bad, 0, L, 0, n)).toBe(2);
  });
});
