import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { lqrflmUpdate } from './lqrflm.js';
import { createPolicy, expectedPolicyKL, initialPolicy } from './policy.js';
import { emptyStateDistribution, forwardPass } from './forward.js';
import { randomConvexCost, randomDynamics } from './test-helpers.js';
import { gaussJordanInverse } from '../linalg/test-helpers.js';
import type { LinearDynamics, QuadraticCost } from './types.js';

type M = number[][];
const mul = (A: M, B: M): M => A.map((r) => B[0].map((_, j) => r.reduce((s, a, p) => s + a * B[p][j], 0)));
const tr = (A: M): M => A[0].map((_, j) => A.map((r) => r[j]));
const add = (A: M, B: M): M => A.map((r, i) => r.map((v, j) => v + B[i][j]));
const neg = (A: M): M => A.map((r) => r.map((v) => -v));
const block = (A: Float64Array, off: number, stride: number, r0: number, c0: number, m: number, n: number): M =>
  Array.from({ length: m }, (_, i) => Array.from({ length: n }, (_, j) => A[off + (r0 + i) * stride + c0 + j]));
const col = (a: Float64Array, off: number, r0: number, m: number): M => Array.from({ length: m }, (_, i) => [a[off + r0 + i]]);
const inv = (A: M): M => gaussJordanInverse(A.flat(), A.length);

/** Textbook finite-horizon Riccati recursion with affine terms, on nested arrays. */
function riccati(dyn: LinearDynamics, cost: QuadraticCost): { K: M[]; k: M[] } {
  const { T, dx, du } = dyn;
  const dz = dx + du;
  let P = block(cost.C, T * dz * dz, dz, 0, 0, dx, dx);
  let p = col(cost.c, T * dz, 0, dx);
  const K: M[] = [];
  const k: M[] = [];
  for (let t = T - 1; t >= 0; t--) {
    const A = block(dyn.F, t * dx * dz, dz, 0, 0, dx, dx);
    const B = block(dyn.F, t * dx * dz, dz, 0, dx, dx, du);
    const a = col(dyn.f, t * dx, 0, dx);
    const o = t * dz * dz;
    const Cxx = block(cost.C, o, dz, 0, 0, dx, dx);
    const Cux = block(cost.C, o, dz, dx, 0, du, dx);
    const Cuu = block(cost.C, o, dz, dx, dx, du, du);
    const g = add(mul(P, a), p);
    const Qxx = add(Cxx, mul(tr(A), mul(P, A)));
    const Qux = add(Cux, mul(tr(B), mul(P, A)));
    const Quu = add(Cuu, mul(tr(B), mul(P, B)));
    const qx = add(col(cost.c, t * dz, 0, dx), mul(tr(A), g));
    const qu = add(col(cost.c, t * dz, dx, du), mul(tr(B), g));
    const Qi = inv(Quu);
    K[t] = neg(mul(Qi, Qux));
    k[t] = neg(mul(Qi, qu));
    P = add(Qxx, mul(tr(Qux), K[t]));
    p = add(qx, mul(tr(Qux), k[t]));
  }
  return { K, k };
}

describe('lqrflmUpdate', () => {
  it('with a very large KL bound equals the finite-horizon Riccati LQR solution to 1e-8', () => {
    const rng = new Rng(11);
    const [T, dx, du] = [12, 4, 2];
    const dyn = randomDynamics(rng, T, dx, du);
    const cost = randomConvexCost(rng, T, dx, du);
    // A broad old policy (S̄ = 1e4 I) so that its KL pull, η·S̄⁻¹ at η_min = 1e-8, is negligible.
    const old = initialPolicy(T, dx, du, 1e4);
    const r = lqrflmUpdate(old, dyn, cost, { klBound: 1e12 });
    expect(r.converged).toBe(true);
    expect(r.reason).toMatch(/constraint inactive/);
    expect(r.eta).toBeCloseTo(1e-8, 15);
    const ref = riccati(dyn, cost);
    let err = 0;
    for (let t = 0; t < T; t++) {
      for (let a = 0; a < du; a++) {
        for (let j = 0; j < dx; j++) err = Math.max(err, Math.abs(r.policy.K[(t * du + a) * dx + j] - ref.K[t][a][j]));
        err = Math.max(err, Math.abs(r.policy.k[t * du + a] - ref.k[t][a][0]));
      }
    }
    expect(err).toBeLessThan(1e-8);
    // Sanity of the reference itself: the gains are far from the old policy's zeros.
    expect(Math.max(...ref.K.flat(2).map(Math.abs))).toBeGreaterThan(0.1);
  });

  it('meets the KL target within 10% for bounds across five orders of magnitude', () => {
    const rng = new Rng(12);
    const [T, dx, du] = [20, 5, 2];
    const dyn = randomDynamics(rng, T, dx, du);
    const cost = randomConvexCost(rng, T, dx, du);
    const old = initialPolicy(T, dx, du, 0.25);
    for (const eps of [0.01, 0.1, 1, 10, 100]) {
      const r = lqrflmUpdate(old, dyn, cost, { klBound: eps });
      expect(r.converged, r.reason).toBe(true);
      expect(Math.abs(r.kl - eps)).toBeLessThan(0.1 * eps);
      // The reported KL is the KL of the returned policy under its own state distribution.
      const dist = emptyStateDistribution(T, dx, du);
      forwardPass(r.policy, dyn, dist);
      expect(expectedPolicyKL(r.policy, old, dist.mu, dist.Sigma)).toBeCloseTo(r.kl, 10);
      // A constrained step improves the expected cost.
      expect(r.expectedCostNew).toBeLessThan(r.expectedCostOld);
    }
    // Here even η_min (the unconstrained optimum, up to the entropy) has KL < 1000: inactive.
    const r = lqrflmUpdate(old, dyn, cost, { klBound: 1000 });
    expect(r.converged).toBe(true);
    expect(r.reason).toMatch(/constraint inactive/);
    expect(r.kl).toBeLessThan(1000);
    expect(r.tries).toBeLessThan(15);
  });

  it('reports why when the target cannot be met within the tries', () => {
    const rng = new Rng(13);
    const [T, dx, du] = [10, 3, 2];
    const r = lqrflmUpdate(initialPolicy(T, dx, du, 0.25), randomDynamics(rng, T, dx, du), randomConvexCost(rng, T, dx, du), {
      klBound: 5,
      maxTries: 2,
      etaInit: 1e12,
    });
    expect(r.converged).toBe(false);
    expect(r.reason).toMatch(/2 tries/);
    expect(r.kl).toBeLessThanOrEqual(5);
  });

  it('raises η past non-PD Q_uu of a concave state cost, and errors clearly when it cannot', () => {
    const rng = new Rng(14);
    const [T, dx, du] = [10, 3, 2];
    const dyn = randomDynamics(rng, T, dx, du);
    const cost = randomConvexCost(rng, T, dx, du);
    const dz = dx + du;
    for (let t = 0; t <= T; t++) for (let i = 0; i < dx; i++) cost.C[t * dz * dz + i * dz + i] -= 20; // concave in x
    const old = initialPolicy(T, dx, du, 0.25);
    const r = lqrflmUpdate(old, dyn, cost, { klBound: 2, etaInit: 1e-6 });
    expect(r.nonPDCount).toBeGreaterThan(0);
    expect(r.converged, r.reason).toBe(true);
    expect(() => lqrflmUpdate(old, dyn, cost, { klBound: 2, etaInit: 1e-6, etaMax: 1e-3, iteration: 7 })).toThrow(
      /iteration 7: Q_uu is not positive definite at time step t=\d+ even for eta=/,
    );
  });

  it('rejects a cost that is not positive semi-definite in the action, and mismatched shapes', () => {
    const rng = new Rng(15);
    const [T, dx, du] = [5, 3, 2];
    const dyn = randomDynamics(rng, T, dx, du);
    const cost = randomConvexCost(rng, T, dx, du);
    const dz = dx + du;
    cost.C[2 * dz * dz + dx * dz + dx] = -5;
    const old = initialPolicy(T, dx, du, 0.25);
    expect(() => lqrflmUpdate(old, dyn, cost, { klBound: 1, iteration: 3 })).toThrow(/iteration 3.*not positive semi-definite in the action at t=2/);
    expect(() => lqrflmUpdate(initialPolicy(T + 1, dx, du, 1), dyn, randomConvexCost(rng, T, dx, du), { klBound: 1 })).toThrow(/shape/);
  });

  it('never returns a non-finite policy: NaN dynamics are reported', () => {
    const rng = new Rng(16);
    const [T, dx, du] = [5, 3, 2];
    const dyn = randomDynamics(rng, T, dx, du);
    dyn.F[3] = Number.NaN;
    expect(() => lqrflmUpdate(initialPolicy(T, dx, du, 0.25), dyn, randomConvexCost(rng, T, dx, du), { klBound: 1 })).toThrow();
    // createPolicy validates too.
    expect(() => createPolicy(1, 1, 1, new Float64Array([Number.NaN]), new Float64Array(1), new Float64Array([1]))).toThrow(/K is not finite at t=0/);
  });
});
