/**
 * Independent references for linalg tests (deliberately naive, allocation-happy code sharing
 * nothing with the kernels under test).
 */
import { Rng } from '../random/rng.js';

/** Dense inverse by Gauss–Jordan elimination with partial pivoting. */
export function gaussJordanInverse(A: ArrayLike<number>, n: number): number[][] {
  const M = Array.from({ length: n }, (_, i) =>
    Array.from({ length: 2 * n }, (_, j) => (j < n ? A[i * n + j] : i === j - n ? 1 : 0)),
  );
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
    [M[c], M[p]] = [M[p], M[c]];
    const d = M[c][c];
    for (let j = 0; j < 2 * n; j++) M[c][j] /= d;
    for (let r = 0; r < n; r++) {
      if (r === c) continue;
      const f = M[r][c];
      for (let j = 0; j < 2 * n; j++) M[r][j] -= f * M[c][j];
    }
  }
  return M.map((row) => row.slice(n));
}

/** Naive triple-loop product of nested arrays. */
export function naiveMul(A: number[][], B: number[][]): number[][] {
  return A.map((row) => B[0].map((_, j) => row.reduce((s, a, p) => s + a * B[p][j], 0)));
}

export function toNested(A: ArrayLike<number>, m: number, n: number): number[][] {
  return Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => A[i * n + j]));
}

export function randomMatrix(rng: Rng, m: number, n: number): Float64Array {
  const A = new Float64Array(m * n);
  for (let i = 0; i < A.length; i++) A[i] = rng.normal();
  return A;
}

/** A random SPD matrix G Gᵀ + n·I (well conditioned). */
export function randomSPD(rng: Rng, n: number, ridge = n): Float64Array {
  const G = randomMatrix(rng, n, n);
  const A = new Float64Array(n * n);
  for (let i = 0; i < n; i++)
    for (let j = 0; j < n; j++) {
      let s = i === j ? ridge : 0;
      for (let k = 0; k < n; k++) s += G[i * n + k] * G[j * n + k];
      A[i * n + j] = s;
    }
  return A;
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}
