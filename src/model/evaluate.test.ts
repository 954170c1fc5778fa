import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../nn/backend.js';
import { Rng } from '../random/rng.js';
import { changeR2, evaluateLatents, fitLinear, groupValues, predictLinear, rSquared } from './evaluate.js';
import { tinyData, tinyModel } from './test-helpers.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('latent evaluation', () => {
  it('least squares with intercept recovers an exact affine map; R² is 1 for it and 0 for the mean', () => {
    const rng = new Rng(1);
    const X = Array.from({ length: 50 }, () => [rng.normal(), rng.normal(), rng.normal()]);
    const Y = X.map((x) => [2 * x[0] - x[2] + 0.5, x[1] + 3]);
    const W = fitLinear(X, Y);
    const P = X.map((x) => predictLinear(W, x, 2));
    P.forEach((p, n) => Y[n].forEach((y, j) => expect(p[j]).toBeCloseTo(y, 6)));
    expect(rSquared(Y, P)).toBeCloseTo(1, 9);
    const mean = [Y.reduce((a, y) => a + y[0], 0) / 50, Y.reduce((a, y) => a + y[1], 0) / 50];
    expect(rSquared(Y, Y.map(() => mean))).toBeCloseTo(0, 9);
    expect(rSquared([[1], [1]], [[1], [1]])).toBeNaN();
  });

  it('R² of the change per step: 1 when x_t holds y_t and y_{t−1}, ≈ 0 when it holds only y_{t−1} of a random walk', () => {
    const rng = new Rng(3);
    const L = 20;
    const walk = (n: number) => Array.from({ length: n }, () => {
      const ys: Float64Array[] = [Float64Array.of(rng.normal())];
      for (let t = 1; t < L; t++) ys.push(Float64Array.of(ys[t - 1][0] + rng.normal()));
      return ys;
    }).flat();
    const Ytr = walk(30), Yte = walk(20);
    const both = (Y: Float64Array[]) => Y.map((y, i) => [y[0], i % L === 0 ? y[0] : Y[i - 1][0]]);
    expect(changeR2(both(Ytr), Ytr, both(Yte), Yte, L)).toBeCloseTo(1, 9);
    const previous = (Y: Float64Array[]) => Y.map((y, i) => [i % L === 0 ? y[0] : Y[i - 1][0]]);
    expect(Math.abs(changeR2(previous(Ytr), Ytr, previous(Yte), Yte, L))).toBeLessThan(0.05);
  });

  it('compares headings as (cos, sin)', () => {
    expect(Array.from(groupValues([0, 0, Math.PI], [2], ['x', 'y', 'heading']))).toEqual([-1, Math.sin(Math.PI)]);
  });

  it('reports a group without variance as absent, not NaN, and a finite one-step error', () => {
    for (const prior of ['lds', 'normal'] as const) {
      const model = tinyModel({ prior });
      const ev = evaluateLatents(model, tinyData(4, 4, [3, 3, 1], 1, 5), tinyData(3, 4, [3, 3, 1], 1, 6), { time: [0], fixed: [1] }, ['t', 'c']);
      expect(ev.absent).toEqual(['fixed']);
      expect(Object.keys(ev.r2)).toEqual(['time']);
      expect(Object.keys(ev.r2_change)).toEqual(['time']);
      expect(Number.isFinite(ev.r2.time)).toBe(true);
      expect(Number.isFinite(ev.one_step_error)).toBe(true);
      model.dispose();
    }
  });
});
