import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { fitGaussianMixture, responsibilities } from './gmm.js';
import { fitGmmDynamicsPrior } from './dynamics-prior-gmm.js';
import { fitGaussianDynamicsPrior } from './dynamics-prior.js';
import { fitLocalDynamics } from './dynamics.js';
import type { TrajectoryBatch } from './types.js';

/**
 * Two regimes in 2-D: step 0 maps x ~ N((5,5), I) by A1 = 0.5 I, a1 = (−7.5, −7.5) to
 * around (−5, −5); step 1 maps that by A2 = [[0, 1], [−1, 0]] (a rotation), a2 = 0.
 */
const A1 = [[0.5, 0], [0, 0.5]];
const a1 = [-7.5, -7.5];
const A2 = [[0, 1], [-1, 0]];
const B = [[1, 0], [0, 1]];

function rollouts(rng: Rng, N: number): TrajectoryBatch {
  const [T, dx, du] = [2, 2, 2];
  const X = new Float64Array(N * 3 * dx);
  const U = new Float64Array(N * T * du);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < 2; i++) X[n * 6 + i] = 5 + rng.normal();
    for (let t = 0; t < T; t++) {
      const [A, a] = t === 0 ? [A1, a1] : [A2, [0, 0]];
      for (let j = 0; j < du; j++) U[(n * T + t) * du + j] = rng.normal();
      for (let i = 0; i < dx; i++) {
        let s = a[i] + 0.01 * rng.normal();
        for (let j = 0; j < dx; j++) s += A[i][j] * X[n * 6 + t * 2 + j] + B[i][j] * U[(n * T + t) * du + j];
        X[n * 6 + (t + 1) * 2 + i] = s;
      }
    }
  }
  return { N, T, dx, du, X, U, cost: new Float64Array(N * T) };
}

describe('Gaussian mixture and the GMM dynamics prior', () => {
  it('EM separates two well-separated clusters and recovers their means and weights', () => {
    const rng = new Rng(61);
    const M = 600;
    const Y = new Float64Array(M * 2);
    for (let m = 0; m < M; m++) {
      const c = m < 200 ? -4 : 3;
      Y[m * 2] = c + rng.normal();
      Y[m * 2 + 1] = -c + 0.5 * rng.normal();
    }
    const g = fitGaussianMixture(Y, M, 2, { K: 2, seed: 1 });
    const order = g.means[0] < g.means[2] ? [0, 1] : [1, 0];
    expect(g.means[order[0] * 2]).toBeCloseTo(-4, 0);
    expect(g.means[order[1] * 2 + 1]).toBeCloseTo(-3, 0);
    expect(Math.exp(g.logWeights[order[0]])).toBeCloseTo(1 / 3, 2);
    expect(g.covs[order[1] * 4 + 3]).toBeCloseTo(0.25, 1);
    const { R } = responsibilities(g, new Float64Array([-4, 4]), 1);
    expect(R[order[0]]).toBeGreaterThan(0.999);
  });

  it('follows the local regime where a single Gaussian prior averages regimes', () => {
    const rng = new Rng(62);
    const all = rollouts(rng, 200);
    const few = rollouts(rng, 3); // fewer rollouts than regressors (5): the prior decides
    const gmm = fitGmmDynamicsPrior([all], { strength: 1000, maxClusters: 2, minSamplesPerCluster: 40, seed: 2 });
    const single = fitGaussianDynamicsPrior([all], { strength: 1000 });
    const err = (prior: typeof gmm | typeof single): number => {
      const d = fitLocalDynamics(few, { prior });
      let e = 0;
      for (let t = 0; t < 2; t++) {
        const A = t === 0 ? A1 : A2;
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) e = Math.max(e, Math.abs(d.F[(t * 2 + i) * 4 + j] - A[i][j]));
      }
      return e;
    };
    expect(err(gmm)).toBeLessThan(0.05);
    expect(err(single)).toBeGreaterThan(0.3);
  });
});
