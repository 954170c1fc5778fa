import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import type { StateQuadratic } from './cost.js';
import { fitQuadraticStateCost, stateCostR2 } from './cost-fit.js';
import { fitLocalChartCosts } from './cost-fit-local.js';
import type { TrajectoryBatch } from './types.js';

function quad(q: StateQuadratic, x: ArrayLike<number>): number {
  const d = q.cx.length;
  let v = q.c0;
  for (let i = 0; i < d; i++) {
    v += q.cx[i] * x[i];
    for (let j = 0; j < d; j++) v += 0.5 * x[i] * q.Cx[i * d + j] * x[j];
  }
  return v;
}

/** A batch whose states x = g(n, t) and costs y(n, t) + w‖u‖² come from the given functions. */
function batchOf(N: number, T: number, dx: number, state: (n: number, t: number) => number[], y: (x: number[], n: number, t: number) => number, w: number, rng: Rng): TrajectoryBatch {
  const X = new Float64Array(N * (T + 1) * dx), U = new Float64Array(N * T).map(() => rng.normal()), cost = new Float64Array(N * T);
  for (let n = 0; n < N; n++) {
    for (let t = 0; t <= T; t++) {
      const x = state(n, t);
      X.set(x, (n * (T + 1) + t) * dx);
      if (t < T) cost[n * T + t] = y(x, n, t) + w * U[n * T + t] ** 2;
    }
  }
  return { N, T, dx, du: 1, X, U, cost };
}

describe('time-local chart cost fit', () => {
  it('recovers a quadratic on a flat 2-D patch of R⁵ exactly, and ignores the directions off the patch', () => {
    const rng = new Rng(3);
    const [N, T, dx, w] = [6, 12, 5, 0.1];
    const A = Array.from({ length: dx }, () => [rng.normal(), rng.normal()]);
    const x0 = Array.from({ length: dx }, () => rng.normal());
    const Z = Array.from({ length: N * (T + 1) }, () => [rng.normal(), rng.normal()]);
    const embed = (z: number[]) => A.map((a, i) => x0[i] + a[0] * z[0] + a[1] * z[1]);
    const cost = (z: number[]) => 1.5 * z[0] ** 2 + 0.4 * z[0] * z[1] + 0.5 * z[1] ** 2 - 0.3 * z[0] + 2;
    const zOf = new Map<string, number[]>();
    const batch = batchOf(N, T, dx, (n, t) => { const z = Z[n * (T + 1) + t]; const x = embed(z); zOf.set(x.join(), z); return x; }, (x) => cost(zOf.get(x.join())!), w, rng);
    const fits = fitLocalChartCosts(batch, w, { window: 2, dim: 2, ridge: 1e-9, convex: false });
    expect(fits).toHaveLength(T + 1);
    expect(stateCostR2(batch, fits, w)).toBeCloseTo(1, 8);
    // A normal of the patch: orthogonal to both columns of A (Gram–Schmidt of a random vector).
    const cols = [A.map((a) => a[0]), A.map((a) => a[1])];
    const dotv = (a: number[], b: number[]) => a.reduce((s, v, i) => s + v * b[i], 0);
    const e0 = cols[0].map((v) => v / Math.sqrt(dotv(cols[0], cols[0])));
    const r1 = cols[1].map((v, i) => v - dotv(cols[1], e0) * e0[i]);
    const e1 = r1.map((v) => v / Math.sqrt(dotv(r1, r1)));
    let nrm = Array.from({ length: dx }, () => rng.normal());
    nrm = nrm.map((v, i) => v - dotv(nrm, e0) * e0[i] - dotv(nrm, e1) * e1[i]);
    for (const t of [0, 5, T]) {
      const z = [rng.normal(), rng.normal()];
      const x = embed(z);
      expect(quad(fits[t], x)).toBeCloseTo(cost(z), 6); // a point of the patch the fit never saw
      expect(quad(fits[t], x.map((v, i) => v + 3 * nrm[i]))).toBeCloseTo(cost(z), 6);
    }
  });

  it('on a parabola x = (θ, θ²) with cost θ²: the global fit puts most of it on the linear x₂, the chart fit at θ = 0 is x₁² (hand-solved)', () => {
    // On the data y = θ² = x₂ = x₁² exactly. The global min-norm fit splits it: a·½x₁² + b·x₂ with
    // a/2 + b = 1 and a² + b² least: a = 0.4, b = 0.8. In the chart at θ = 0 (symmetric window),
    // the principal direction is (1, 0), z = θ and y = z²: ℓ(x) = x₁², nothing on x₂.
    const rng = new Rng(5);
    const [N, T] = [5, 41];
    const theta = (n: number, t: number) => (t - 20) / 20 + 0.002 * (n - 2);
    const batch = batchOf(N, T, 2, (n, t) => [theta(n, t), theta(n, t) ** 2], (x) => x[1], 0, rng);
    const global = fitQuadraticStateCost(batch, 0, 1e-9);
    expect(global.Cx[0]).toBeCloseTo(0.4, 3);
    expect(global.cx[1]).toBeCloseTo(0.8, 3);
    const local = fitLocalChartCosts(batch, 0, { window: 2, dim: 1, ridge: 1e-9, convex: true })[20];
    expect(local.Cx[0]).toBeCloseTo(2, 4); // the ridge shrinks it by ~1e-5 at this scale
    for (const v of [local.Cx[1], local.Cx[2], local.Cx[3], local.cx[0], local.cx[1], local.c0]) expect(Math.abs(v)).toBeLessThan(1e-5);
  });

  it('rejects a chart dimension outside [1, dx] and a negative window', () => {
    const batch = batchOf(2, 3, 2, (n, t) => [n, t], () => 0, 0, new Rng(1));
    expect(() => fitLocalChartCosts(batch, 0, { window: 1, dim: 3, ridge: 1e-6, convex: false })).toThrow(/chart dimension 3 must be an integer in \[1, dx = 2\]/);
    expect(() => fitLocalChartCosts(batch, 0, { window: 1, dim: 0, ridge: 1e-6, convex: false })).toThrow(/chart dimension 0/);
    expect(() => fitLocalChartCosts(batch, 0, { window: -1, dim: 1, ridge: 1e-6, convex: false })).toThrow(/window -1 must be a non-negative integer/);
  });
});
