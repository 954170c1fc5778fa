import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { addActionQuadratic, addStateQuadratic, checkQuadraticCost, evaluateCost, zeroCost } from './cost.js';
import { fitQuadraticStateCost, stateCostR2 } from './cost-fit.js';
import { addNormExpansion } from './cost-expansion.js';
import type { TrajectoryBatch } from './types.js';

describe('quadratic costs', () => {
  it('nav2d-style ‖s − g‖² + w‖u‖² evaluates as by hand', () => {
    // x = [px, py, gx, gy]; ‖p − g‖² = ½ xᵀ C x with C = 2 [[I, −I], [−I, I]].
    const Cx = new Float64Array(16);
    for (let i = 0; i < 2; i++) {
      Cx[i * 4 + i] = Cx[(i + 2) * 4 + i + 2] = 2;
      Cx[i * 4 + i + 2] = Cx[(i + 2) * 4 + i] = -2;
    }
    const cost = addActionQuadratic(addStateQuadratic(zeroCost(3, 4, 2), { Cx, cx: new Float64Array(4), c0: 0 }), new Float64Array([2e-3, 0, 0, 2e-3]));
    const x = [0.5, -1, 0.2, 0.3];
    const u = [1, -0.5];
    const ref = (0.5 - 0.2) ** 2 + (-1 - 0.3) ** 2 + 1e-3 * (1 + 0.25);
    expect(evaluateCost(cost, 1, x, u)).toBeCloseTo(ref, 14);
    expect(evaluateCost(cost, 3, x, u)).toBeCloseTo(ref - 1e-3 * 1.25, 14); // terminal: no action
    expect(() => checkQuadraticCost(cost, 'nav2d')).not.toThrow();
  });

  it('checkQuadraticCost rejects NaN, asymmetry and concave action costs, naming t', () => {
    const c1 = addActionQuadratic(zeroCost(2, 1, 1), new Float64Array([1]));
    c1.c[2 * 2] = Number.NaN;
    expect(() => checkQuadraticCost(c1, 'X')).toThrow(/X: cost c is not finite at t=2/);
    const c2 = addActionQuadratic(zeroCost(2, 1, 1), new Float64Array([1]));
    c2.C[1] = 1; // C_xu ≠ C_ux
    expect(() => checkQuadraticCost(c2, 'X')).toThrow(/not symmetric/);
    const c3 = addActionQuadratic(zeroCost(2, 1, 1), new Float64Array([-1]));
    expect(() => checkQuadraticCost(c3, 'X')).toThrow(/not positive semi-definite in the action at t=0/);
    const c4 = addStateQuadratic(zeroCost(2, 1, 1), { Cx: new Float64Array([-1]), cx: new Float64Array(1), c0: 0 });
    expect(() => checkQuadraticCost(c4, 'X')).not.toThrow();
    expect(() => checkQuadraticCost(c4, 'X', true)).toThrow(/C_t at t=0 is not positive semi-definite/);
  });

  it('ridge-fitted quadratic recovers a known quadratic state cost (action cost removed)', () => {
    const rng = new Rng(41);
    const [N, T, dx, du] = [10, 20, 3, 2];
    const C = [[2, 0.5, 0], [0.5, 1, -0.3], [0, -0.3, 3]];
    const c = [0.1, -0.4, 0.2];
    const c0 = 1.5;
    const w = 0.01;
    const X = new Float64Array(N * (T + 1) * dx).map(() => rng.normal());
    const U = new Float64Array(N * T * du).map(() => rng.normal());
    const cost = new Float64Array(N * T);
    for (let n = 0; n < N; n++)
      for (let t = 0; t < T; t++) {
        const x = X.subarray((n * (T + 1) + t) * dx);
        let v = c0 + w * (U[(n * T + t) * du] ** 2 + U[(n * T + t) * du + 1] ** 2);
        for (let i = 0; i < dx; i++) {
          v += c[i] * x[i];
          for (let j = 0; j < dx; j++) v += 0.5 * x[i] * C[i][j] * x[j];
        }
        cost[n * T + t] = v;
      }
    const batch: TrajectoryBatch = { N, T, dx, du, X, U, cost };
    const q = fitQuadraticStateCost(batch, w);
    for (let i = 0; i < dx; i++) {
      for (let j = 0; j < dx; j++) expect(q.Cx[i * dx + j]).toBeCloseTo(C[i][j], 5);
      expect(q.cx[i]).toBeCloseTo(c[i], 5);
    }
    expect(q.c0).toBeCloseTo(c0, 5);
    expect(stateCostR2(batch, q, w)).toBeCloseTo(1, 9);
    // A constant fit at the mean explains nothing; half the residual variance left is R² = 1 − ¼ (residual halved).
    let mean = 0;
    for (let k = 0; k < N * T; k++) mean += cost[k] - w * (U[2 * k] ** 2 + U[2 * k + 1] ** 2);
    mean /= N * T;
    const zero = { Cx: new Float64Array(dx * dx), cx: new Float64Array(dx), c0: mean };
    expect(stateCostR2(batch, zero, w)).toBeCloseTo(0, 12);
    const half = { Cx: q.Cx.map((v) => v / 2), cx: q.cx.map((v) => v / 2), c0: (q.c0 + mean) / 2 };
    expect(stateCostR2(batch, half, w)).toBeCloseTo(0.75, 6);
  });

  it('convex fit: keeps a PSD C as fitted; an indefinite one is projected (negative eigenvalue → 0) and c, c0 solve the least squares with it fixed', () => {
    const rng = new Rng(7);
    const [N, T, dx, du] = [8, 25, 2, 1];
    const X = new Float64Array(N * (T + 1) * dx).map(() => rng.normal());
    const U = new Float64Array(N * T * du).map(() => rng.normal());
    const make = (C: number[][], c: number[], c0: number) => {
      const cost = new Float64Array(N * T);
      for (let n = 0; n < N; n++)
        for (let t = 0; t < T; t++) {
          const x = X.subarray((n * (T + 1) + t) * dx);
          cost[n * T + t] = c0 + 0.5 * (C[0][0] * x[0] ** 2 + 2 * C[0][1] * x[0] * x[1] + C[1][1] * x[1] ** 2) + c[0] * x[0] + c[1] * x[1];
        }
      return { N, T, dx, du, X, U, cost } satisfies TrajectoryBatch;
    };
    const psd = make([[2, 0.5], [0.5, 1]], [0.3, -0.2], 1);
    const a = fitQuadraticStateCost(psd, 0, 0, false), b = fitQuadraticStateCost(psd, 0, 0, true);
    for (let i = 0; i < 4; i++) expect(b.Cx[i]).toBeCloseTo(a.Cx[i], 9);
    expect(b.c0).toBeCloseTo(1, 9);
    // C = R diag(3, −1) Rᵀ with R a rotation by 30°: C⁺ = 3 r rᵀ, r = (cos 30°, sin 30°).
    const [co, si] = [Math.cos(Math.PI / 6), Math.sin(Math.PI / 6)];
    const C = [[3 * co * co - si * si, 4 * co * si], [4 * co * si, 3 * si * si - co * co]];
    const q = fitQuadraticStateCost(make(C, [0.3, -0.2], 1), 0, 0, true);
    const Cplus = [3 * co * co, 3 * co * si, 3 * co * si, 3 * si * si];
    for (let i = 0; i < 4; i++) expect(q.Cx[i]).toBeCloseTo(Cplus[i], 9);
    // Normal equations of the refit: the residual is orthogonal to x_1, x_2 and 1.
    const grad = [0, 0, 0];
    const batch = make(C, [0.3, -0.2], 1);
    for (let n = 0; n < N; n++)
      for (let t = 0; t < T; t++) {
        const x = X.subarray((n * (T + 1) + t) * dx);
        const pred = q.c0 + q.cx[0] * x[0] + q.cx[1] * x[1] + 0.5 * (Cplus[0] * x[0] ** 2 + 2 * Cplus[1] * x[0] * x[1] + Cplus[3] * x[1] ** 2);
        const r = batch.cost[n * T + t] - pred;
        grad[0] += r * x[0];
        grad[1] += r * x[1];
        grad[2] += r;
      }
    for (const g of grad) expect(Math.abs(g)).toBeLessThan(1e-9);
  });

  it('norm expansion matches the smoothed norm, its gradient and Hessian at the sample (finite differences)', () => {
    const dx = 4;
    const T = 1;
    const x0 = [0.3, 0.03, -0.04, 7];
    const X = new Float64Array([...x0, ...x0]);
    const batch: TrajectoryBatch = { N: 1, T, dx, du: 1, X, U: new Float64Array(1), cost: new Float64Array(1) };
    const alpha = 0.01;
    const cost = addNormExpansion(zeroCost(T, dx, 1), batch, { indices: [1, 2], weight: 2, alpha });
    const f = (x: number[]) => 2 * Math.sqrt(x[1] ** 2 + x[2] ** 2 + alpha ** 2);
    const q = (x: number[]) => evaluateCost(cost, 0, x);
    expect(q(x0)).toBeCloseTo(f(x0), 12);
    const shifted = (i: number, h: number) => {
      const xp = x0.slice();
      const xm = x0.slice();
      xp[i] += h;
      xm[i] -= h;
      return [xp, xm];
    };
    for (let i = 0; i < dx; i++) {
      const [gp, gm] = shifted(i, 1e-5);
      expect((q(gp) - q(gm)) / 2e-5).toBeCloseTo((f(gp) - f(gm)) / 2e-5, 6); // gradient
      const [hp, hm] = shifted(i, 1e-4);
      expect((q(hp) - 2 * q(x0) + q(hm)) / 1e-8).toBeCloseTo((f(hp) - 2 * f(x0) + f(hm)) / 1e-8, 1); // curvature
    }
    expect(() => checkQuadraticCost(cost, 'cone', true)).not.toThrow(); // convex
  });

  it('norm expansion with minus indices and an offset matches value and gradient (finite differences)', () => {
    const x0 = [0.4, -0.1, 0.25, 0.05, 3];
    const dx = 5;
    const batch: TrajectoryBatch = { N: 1, T: 1, dx, du: 1, X: new Float64Array([...x0, ...x0]), U: new Float64Array(1), cost: new Float64Array(1) };
    const off = [0.1, -0.2];
    const alpha = 0.02;
    const cost = addNormExpansion(zeroCost(1, dx, 1), batch, { indices: [0, 1], minus: [2, 3], offset: off, weight: 1.5, alpha });
    const f = (x: number[]) => 1.5 * Math.sqrt((x[0] - x[2] - off[0]) ** 2 + (x[1] - x[3] - off[1]) ** 2 + alpha ** 2);
    const q = (x: number[]) => evaluateCost(cost, 1, x);
    expect(q(x0)).toBeCloseTo(f(x0), 12);
    for (let i = 0; i < dx; i++) {
      const xp = x0.slice();
      const xm = x0.slice();
      xp[i] += 1e-5;
      xm[i] -= 1e-5;
      expect((q(xp) - q(xm)) / 2e-5).toBeCloseTo((f(xp) - f(xm)) / 2e-5, 6);
    }
  });
});
