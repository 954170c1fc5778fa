import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.js';
import { checkDenseCostSettings, fitSuccessModel, latentCost } from './latent-cost.js';
import { evaluateCost } from '../../control/index.js';

describe('success model (sparse reward)', () => {
  it('recovers a known concave quadratic logit from Bernoulli labels', () => {
    // p(success | x) = σ(3 − 4‖x − g‖²): W = −8I, w = 8g, b = 3 − 4‖g‖².
    const g = [0.3, -0.5];
    const rng = new Rng(4);
    const n = 6000;
    const X = new Float64Array(2 * n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const x0 = rng.uniformRange(-1.5, 1.5), x1 = rng.uniformRange(-1.5, 1.5);
      X[2 * i] = x0;
      X[2 * i + 1] = x1;
      const z = 3 - 4 * ((x0 - g[0]) ** 2 + (x1 - g[1]) ** 2);
      y[i] = rng.uniform() < 1 / (1 + Math.exp(-z)) ? 1 : 0;
    }
    const m = fitSuccessModel(X, y, 2, 1e-6)!;
    expect(m).not.toBeNull();
    // ℓ = −g: Cx ≈ 8I, cx ≈ −8g, c0 ≈ −(3 − 4‖g‖²).
    expect(m.cost.Cx[0]).toBeGreaterThan(6);
    expect(m.cost.Cx[0]).toBeLessThan(10);
    expect(Math.abs(m.cost.Cx[1])).toBeLessThan(1);
    // The cost's minimiser −C⁻¹c is the goal.
    const [a, b, , d] = m.cost.Cx;
    const det = a * d - b * b;
    const xs = [-(d * m.cost.cx[0] - b * m.cost.cx[1]) / det, -(-b * m.cost.cx[0] + a * m.cost.cx[1]) / det];
    expect(Math.hypot(xs[0] - g[0], xs[1] - g[1])).toBeLessThan(0.1);
    expect(m.cost.c0).toBeCloseTo(-(3 - 4 * (g[0] ** 2 + g[1] ** 2)), 0);
  });

  it('projects a convex (bowl-up) logit so the cost stays convex', () => {
    // Success far from the origin: the best quadratic logit has W ⪰ 0; −W is clipped to ⪰ 0.
    const rng = new Rng(5);
    const n = 2000;
    const X = new Float64Array(2 * n), y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[2 * i] = rng.uniformRange(-2, 2);
      X[2 * i + 1] = rng.uniformRange(-2, 2);
      y[i] = Math.hypot(X[2 * i], X[2 * i + 1]) > 1.5 ? 1 : 0;
    }
    const m = fitSuccessModel(X, y, 2)!;
    const [a, b, , d] = m.cost.Cx;
    expect(a).toBeGreaterThanOrEqual(-1e-9);
    expect(a * d - b * b).toBeGreaterThanOrEqual(-1e-9);
  });

  it('has no signal when every label is the same, and rejects bad labels', () => {
    expect(fitSuccessModel(new Float64Array(4), [0, 0], 2)).toBeNull();
    expect(fitSuccessModel(new Float64Array(4), [1, 1], 2)).toBeNull();
    expect(() => fitSuccessModel(new Float64Array(4), [0, 0.5], 2)).toThrow(/label 1 is 0.5/);
    expect(() => fitSuccessModel(new Float64Array(3), [0, 1], 2)).toThrow(/3 latent values for 2 labels/);
  });
});

describe('latent cost assembly', () => {
  it('adds the action cost w‖u‖² for t < T and the terminal state cost at T', () => {
    const q = { Cx: Float64Array.from([2, 0, 0, 4]), cx: Float64Array.from([1, 0]), c0: 0.5 };
    const cost = latentCost(q, 3, 2, 1, 0.1, 5);
    const x = [0.5, -1], u = [2];
    const state = 0.5 * (2 * 0.25 + 4 * 1) + 0.5 + 0.5;
    expect(evaluateCost(cost, 1, x, u)).toBeCloseTo(state + 0.1 * 4, 12);
    expect(evaluateCost(cost, 3, x)).toBeCloseTo(5 * state, 12);
  });
});

describe('the dense cost settings', () => {
  it('names the problem when the local chart does not fit in the latent', () => {
    const s = { cost_ridge: 1e-6, cost_convex: true, cost_fit: 'local' as const, cost_window: 5, cost_chart_dim: 4, terminal_weight: 1 };
    expect(() => checkDenseCostSettings(s, 3, 'vae')).toThrow(/vae: agent.cost_chart_dim = 4 exceeds the latent dimension 3/);
    expect(() => checkDenseCostSettings(s, 4, 'solar')).not.toThrow();
    expect(() => checkDenseCostSettings({ ...s, cost_fit: 'global' }, 3, 'solar')).not.toThrow();
  });
});
