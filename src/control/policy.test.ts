import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { createPolicy, expectedPolicyKL, initialPolicy, policyLogDensity, sampleAction } from './policy.js';
import { gaussJordanInverse, randomMatrix, randomSPD } from '../linalg/test-helpers.js';

type M = number[][];
const mul = (A: M, B: M): M => A.map((r) => B[0].map((_, j) => r.reduce((s, a, p) => s + a * B[p][j], 0)));
const tr = (A: M): M => A[0].map((_, j) => A.map((r) => r[j]));
const nest = (a: ArrayLike<number>, m: number, n: number): M => Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => a[i * n + j]));

/** log det by Gaussian elimination with partial pivoting (independent of Cholesky). */
function logDet(A: M): number {
  const B = A.map((r) => r.slice());
  const n = B.length;
  let s = 0;
  for (let c = 0; c < n; c++) {
    let p = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(B[r][c]) > Math.abs(B[p][c])) p = r;
    [B[c], B[p]] = [B[p], B[c]];
    s += Math.log(Math.abs(B[c][c]));
    for (let r = c + 1; r < n; r++) {
      const f = B[r][c] / B[c][c];
      for (let j = c; j < n; j++) B[r][j] -= f * B[c][j];
    }
  }
  return s;
}

/** KL(N(m1,S1) ‖ N(m2,S2)) of dense Gaussians. */
function denseKL(m1: number[], S1: M, m2: number[], S2: M): number {
  const n = m1.length;
  const P2 = gaussJordanInverse(S2.flat(), n);
  const d = m1.map((v, i) => v - m2[i]);
  let trace = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) trace += P2[i][j] * S1[j][i];
  const quad = d.reduce((s, di, i) => s + di * d.reduce((r, dj, j) => r + P2[i][j] * dj, 0), 0);
  return 0.5 * (trace - n + logDet(S2) - logDet(S1) + quad);
}

/** Joint Gaussian of (x, u) with x ~ N(μ, Σ), u | x ~ N(Kx + k, S). */
function joint(K: M, k: number[], S: M, mu: number[], Sig: M): { m: number[]; C: M } {
  const Km = mul(K, mu.map((v) => [v])).map((r, i) => r[0] + k[i]);
  const KS = mul(K, Sig);
  const KSK = mul(KS, tr(K)).map((r, i) => r.map((v, j) => v + S[i][j]));
  const C = [...Sig.map((r, i) => [...r, ...tr(KS)[i]]), ...KS.map((r, i) => [...r, ...KSK[i]])];
  return { m: [...mu, ...Km], C };
}

function randomPolicy(rng: Rng, T: number, dx: number, du: number) {
  const S = new Float64Array(T * du * du);
  for (let t = 0; t < T; t++) S.set(randomSPD(rng, du, 0.5), t * du * du);
  return createPolicy(T, dx, du, randomMatrix(rng, T * du, dx), randomMatrix(rng, T, du), S);
}

describe('linear-Gaussian policy', () => {
  it('expected KL equals the KL of the dense joint Gaussians over (x, u)', () => {
    const rng = new Rng(21);
    const [T, dx, du] = [4, 3, 2];
    const p = randomPolicy(rng, T, dx, du);
    const q = randomPolicy(rng, T, dx, du);
    const mu = randomMatrix(rng, T, dx);
    const Sigma = new Float64Array(T * dx * dx);
    for (let t = 0; t < T; t++) Sigma.set(randomSPD(rng, dx, 1), t * dx * dx);
    const per = new Float64Array(T);
    const total = expectedPolicyKL(p, q, mu, Sigma, per);
    let sum = 0;
    for (let t = 0; t < T; t++) {
      const muT = Array.from(mu.subarray(t * dx, (t + 1) * dx));
      const SigT = nest(Sigma.subarray(t * dx * dx), dx, dx);
      const a = joint(nest(p.K.subarray(t * du * dx), du, dx), Array.from(p.k.subarray(t * du, t * du + du)), nest(p.S.subarray(t * du * du), du, du), muT, SigT);
      const b = joint(nest(q.K.subarray(t * du * dx), du, dx), Array.from(q.k.subarray(t * du, t * du + du)), nest(q.S.subarray(t * du * du), du, du), muT, SigT);
      const ref = denseKL(a.m, a.C, b.m, b.C);
      expect(per[t]).toBeCloseTo(ref, 9);
      sum += ref;
    }
    expect(total).toBeCloseTo(sum, 9);
    expect(expectedPolicyKL(p, p, mu, Sigma)).toBeCloseTo(0, 12);
  });

  it('samples have mean K x + k and covariance S (Monte Carlo), and the log-density is Gaussian', () => {
    const rng = new Rng(22);
    const p = randomPolicy(rng, 1, 2, 2);
    const x = [0.3, -1.2];
    const n = 40000;
    const m = [0, 0];
    const C = [0, 0, 0, 0];
    const mean = [p.K[0] * x[0] + p.K[1] * x[1] + p.k[0], p.K[2] * x[0] + p.K[3] * x[1] + p.k[1]];
    for (let i = 0; i < n; i++) {
      const u = sampleAction(p, 0, x, rng);
      for (let a = 0; a < 2; a++) {
        m[a] += u[a] / n;
        for (let b = 0; b < 2; b++) C[a * 2 + b] += ((u[a] - mean[a]) * (u[b] - mean[b])) / n;
      }
    }
    for (let a = 0; a < 2; a++) expect(Math.abs(m[a] - mean[a])).toBeLessThan(5 * Math.sqrt(p.S[a * 3] / n));
    for (let i = 0; i < 4; i++) expect(Math.abs(C[i] - p.S[i])).toBeLessThan(0.05 * Math.max(p.S[0], p.S[3]));
    // log N(u; mean, S) by hand for a 2×2 covariance.
    const u = [mean[0] + 0.5, mean[1] - 0.25];
    const [s00, s01, s11] = [p.S[0], p.S[1], p.S[3]];
    const det = s00 * s11 - s01 * s01;
    const q = (s11 * 0.25 - 2 * s01 * 0.5 * -0.25 + s00 * 0.0625) / det;
    expect(policyLogDensity(p, 0, x, u)).toBeCloseTo(-0.5 * (q + Math.log(det) + 2 * Math.log(2 * Math.PI)), 12);
  });

  it('initialPolicy: zero gains, isotropic covariance; rejects bad variance', () => {
    const p = initialPolicy(3, 4, 2, 0.25);
    expect(Array.from(p.S.subarray(0, 4))).toEqual([0.25, 0, 0, 0.25]);
    expect(p.K.every((v) => v === 0)).toBe(true);
    expect(p.logDetS[2]).toBeCloseTo(2 * Math.log(0.25), 14);
    expect(() => initialPolicy(3, 4, 2, 0)).toThrow(/variance/);
  });
});
