import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { emptyStateDistribution, forwardPass } from './forward.js';
import { createPolicy, sampleAction } from './policy.js';
import { evaluateCost } from './cost.js';
import { cholesky } from '../linalg/cholesky.js';
import { randomConvexCost, randomDynamics } from './test-helpers.js';
import { randomMatrix } from '../linalg/test-helpers.js';

describe('forwardPass', () => {
  it('state moments and expected cost agree with Monte Carlo rollouts', () => {
    const rng = new Rng(51);
    const [T, dx, du] = [5, 3, 2];
    const dyn = randomDynamics(rng, T, dx, du, 0.05);
    const cost = randomConvexCost(rng, T, dx, du);
    const S = new Float64Array(T * du * du);
    for (let t = 0; t < T; t++) S.set([0.2, 0.05, 0.05, 0.1], t * 4);
    const K = randomMatrix(rng, T * du, dx).map((v) => 0.3 * v);
    const p = createPolicy(T, dx, du, K, randomMatrix(rng, T, du), S);
    const dist = emptyStateDistribution(T, dx, du);
    const J = forwardPass(p, dyn, dist, cost);

    const n = 20000;
    const L0 = cholesky(dyn.Sigma0, dx)!;
    const LW = Array.from({ length: T }, (_, t) => cholesky(dyn.W.slice(t * dx * dx, (t + 1) * dx * dx), dx)!);
    const mT = new Float64Array(dx);
    const costs: number[] = [];
    const dz = dx + du;
    for (let i = 0; i < n; i++) {
      const e = new Float64Array(dx);
      rng.fillNormal(e);
      let x = Array.from(dyn.mu0, (m, a) => m + L0.slice(a * dx, a * dx + dx).reduce((s, l, b) => s + l * e[b], 0));
      let c = 0;
      for (let t = 0; t < T; t++) {
        const u = sampleAction(p, t, x, rng);
        c += evaluateCost(cost, t, x, u);
        rng.fillNormal(e);
        x = Array.from({ length: dx }, (_, a) => {
          let s = dyn.f[t * dx + a];
          for (let b = 0; b < dx; b++) s += dyn.F[(t * dx + a) * dz + b] * x[b];
          for (let b = 0; b < du; b++) s += dyn.F[(t * dx + a) * dz + dx + b] * u[b];
          for (let b = 0; b < dx; b++) s += LW[t][a * dx + b] * e[b];
          return s;
        });
      }
      c += evaluateCost(cost, T, x);
      costs.push(c);
      for (let a = 0; a < dx; a++) mT[a] += x[a] / n;
    }
    const mean = costs.reduce((s, v) => s + v, 0) / n;
    const sd = Math.sqrt(costs.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
    expect(Math.abs(J - mean)).toBeLessThan(4 * (sd / Math.sqrt(n)));
    for (let a = 0; a < dx; a++) {
      const sdA = Math.sqrt(dist.Sigma[T * dx * dx + a * dx + a]);
      expect(Math.abs(dist.mu[T * dx + a] - mT[a])).toBeLessThan(4 * (sdA / Math.sqrt(n)));
    }
  });
});
