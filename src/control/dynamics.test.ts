import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { fitLocalDynamics } from './dynamics.js';
import { fitGaussianDynamicsPrior } from './dynamics-prior.js';
import type { TrajectoryBatch } from './types.js';

/** Rollouts of x' = A x + B u + a + σ ε with random x_0 and u (the truth is known). */
function simulate(rng: Rng, N: number, T: number, A: number[][], B: number[][], a: number[], sigma: number): TrajectoryBatch {
  const dx = A.length;
  const du = B[0].length;
  const X = new Float64Array(N * (T + 1) * dx);
  const U = new Float64Array(N * T * du);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < dx; i++) X[n * (T + 1) * dx + i] = rng.normal();
    for (let t = 0; t < T; t++) {
      const xo = (n * (T + 1) + t) * dx;
      const uo = (n * T + t) * du;
      for (let j = 0; j < du; j++) U[uo + j] = rng.normal();
      for (let i = 0; i < dx; i++) {
        let s = a[i] + sigma * rng.normal();
        for (let j = 0; j < dx; j++) s += A[i][j] * X[xo + j];
        for (let j = 0; j < du; j++) s += B[i][j] * U[uo + j];
        X[xo + dx + i] = s;
      }
    }
  }
  return { N, T, dx, du, X, U, cost: new Float64Array(N * T) };
}

const A = [[1, 0.1, 0], [0, 0.9, 0.2], [-0.1, 0, 1]];
const B = [[0.5, 0], [0, 1], [0.3, -0.2]];
const a = [0.1, -0.2, 0.05];

describe('fitLocalDynamics', () => {
  it('recovers known A, B, a and the noise covariance from noisy data', () => {
    const rng = new Rng(31);
    const sigma = 0.05;
    const b = simulate(rng, 400, 3, A, B, a, sigma);
    const d = fitLocalDynamics(b);
    const dz = 5;
    for (let t = 0; t < 3; t++) {
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) expect(Math.abs(d.F[(t * 3 + i) * dz + j] - A[i][j])).toBeLessThan(0.015);
        for (let j = 0; j < 2; j++) expect(Math.abs(d.F[(t * 3 + i) * dz + 3 + j] - B[i][j])).toBeLessThan(0.015);
        expect(Math.abs(d.f[t * 3 + i] - a[i])).toBeLessThan(0.015);
        for (let j = 0; j < 3; j++) {
          expect(Math.abs(d.W[t * 9 + i * 3 + j] - (i === j ? sigma * sigma : 0))).toBeLessThan(0.25 * sigma * sigma);
        }
      }
    }
    // Initial state: x_0 ~ N(0, I).
    for (let i = 0; i < 3; i++) expect(Math.abs(d.mu0[i])).toBeLessThan(0.2);
    expect(Math.abs(d.Sigma0[0] - 1)).toBeLessThan(0.2);
  });

  it('noise-free data give the exact model', () => {
    const d = fitLocalDynamics(simulate(new Rng(32), 10, 2, A, B, a, 0));
    expect(Math.abs(d.F[1] - 0.1)).toBeLessThan(1e-10);
    expect(Math.abs(d.f[1] + 0.2)).toBeLessThan(1e-10);
  });

  it('a singular regression without prior is a clear error; a Gaussian prior makes it well posed', () => {
    const rng = new Rng(33);
    const few = simulate(rng, 4, 5, A, B, a, 0.05); // 4 rollouts, 6 regressors
    expect(() => fitLocalDynamics(few)).toThrow(/t=0.*4 rollouts without a prior.*singular regression/);
    const prior = fitGaussianDynamicsPrior([simulate(rng, 30, 5, A, B, a, 0.05)]);
    const d = fitLocalDynamics(few, { prior });
    expect(d.F.every(Number.isFinite)).toBe(true);
    // With a strong prior fitted on the same system the fit approaches the truth.
    const strong = fitGaussianDynamicsPrior([simulate(rng, 200, 5, A, B, a, 0.05)], { strength: 1000 });
    const ds = fitLocalDynamics(few, { prior: strong });
    expect(Math.abs(ds.F[0] - 1)).toBeLessThan(0.03);
    expect(Math.abs(ds.F[3] - 0.5)).toBeLessThan(0.03);
  });

  it('NaN in the data is reported with its rollout, time and component', () => {
    const b = simulate(new Rng(34), 10, 4, A, B, a, 0.05);
    b.X[(2 * 5 + 3) * 3 + 1] = Number.NaN;
    expect(() => fitLocalDynamics(b)).toThrow(/state of rollout 2 at t=3, component 1 is NaN/);
  });
});
