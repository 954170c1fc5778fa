import { describe, expect, it } from 'vitest';
import type { LinearDynamics } from '../../control/index.js';
import { allocDynamicsExpectations } from '../../gaussian/index.js';
import { dynamicsR2, meanTransitions } from './dynamics-r2.js';

/** x' = a·x + b·u + f, dx = du = 1, the same at every t. */
function scalar(T: number, a: number, b: number, f: number): LinearDynamics {
  const F = new Float64Array(2 * T), fv = new Float64Array(T).fill(f);
  for (let t = 0; t < T; t++) [F[2 * t], F[2 * t + 1]] = [a, b];
  return { T, dx: 1, du: 1, F, f: fv, W: new Float64Array(T).fill(1), mu0: new Float64Array(1), Sigma0: Float64Array.of(1) };
}

describe('dynamicsR2', () => {
  it('1 for rollouts the dynamics generated exactly; hand-checked when they do not', () => {
    // Two rollouts, T = 2: x' = 0.5x + u + 1.
    const U = Float64Array.of(1, -1, 0, 2);
    const X = new Float64Array(6);
    [X[0], X[3]] = [2, -2];
    for (let n = 0; n < 2; n++) for (let t = 0; t < 2; t++) X[n * 3 + t + 1] = 0.5 * X[n * 3 + t] + U[n * 2 + t] + 1;
    expect(dynamicsR2(scalar(2, 0.5, 1, 1), X, U, 2)).toBeCloseTo(1, 12);
    // X = [2, 3, 1.5 | −2, −0, 3]: next states t=1 (3, 0) mean 1.5 spread 4.5; t=2 (1.5, 3) mean 2.25 spread 1.125.
    // The model x' = x predicts (2, 3 | −2, 0): errors (1, −1.5 | 2, 3) → 1 + 2.25 + 4 + 9 = 16.25.
    expect(dynamicsR2(scalar(2, 1, 0, 0), X, U, 2)).toBeCloseTo(1 - 16.25 / 5.625, 12);
  });

  it('0 for a model that predicts only the mean path; NaN for one rollout; checks sizes', () => {
    const U = Float64Array.of(0.3, -0.7);
    const X = Float64Array.of(1, 4, -1, 2);
    // T = 1: next states 4 and 2, mean 3; x' = 0·x + 0·u + 3 predicts the mean.
    expect(dynamicsR2(scalar(1, 0, 0, 3), X, U, 2)).toBe(0);
    expect(Number.isNaN(dynamicsR2(scalar(1, 1, 0, 0), X.subarray(0, 2), U.subarray(0, 1), 1))).toBe(true);
    expect(() => dynamicsR2(scalar(1, 1, 0, 0), X.subarray(1), U, 2)).toThrow(/3 latent values for 2 episodes/);
    expect(() => dynamicsR2(scalar(1, 1, 0, 0), X, U.subarray(1), 2)).toThrow(/1 action values/);
  });

  it("recovers the filter's mean transitions M = E[Σ⁻¹]⁻¹E[Σ⁻¹F], shared or per t, and scores only those", () => {
    // ds = 2, da = 1: Σ⁻¹ = [[2, 1], [1, 3]], M = [[1, 2, 3], [4, 5, 6]] → E[Σ⁻¹F] = Σ⁻¹M = [[6, 9, 12], [13, 17, 21]].
    const exp = allocDynamicsExpectations(2, 1, 1);
    exp.Einv.set([2, 1, 1, 3]);
    exp.EinvF.set([6, 9, 12, 13, 17, 21]);
    const m = meanTransitions(exp, 4);
    expect(m.T).toBe(3);
    for (let t = 0; t < 3; t++) Array.from(m.F.subarray(t * 6, t * 6 + 6)).forEach((v, i) => expect(v).toBeCloseTo([1, 2, 3, 4, 5, 6][i], 12));
    const perT = allocDynamicsExpectations(2, 1, 2);
    perT.Einv.set([2, 1, 1, 3, 1, 0, 0, 1]);
    perT.EinvF.set([6, 9, 12, 13, 17, 21, 0, 1, 0, 1, 0, 0]);
    expect(Array.from(meanTransitions(perT, 3).F.subarray(6)).map((v) => v + 0)).toEqual([0, 1, 0, 1, 0, 0]);
    expect(() => meanTransitions(perT, 4)).toThrow(/no dynamics block for transition 2/);
    // Scored on T = 2 episodes with one transition: x' = x matches the first step exactly, the second is ignored.
    const one = { T: 1, dx: 1, du: 1, F: Float64Array.of(1, 0), f: Float64Array.of(0) };
    expect(dynamicsR2(one, Float64Array.of(1, 1, 50, 3, 3, -50), Float64Array.of(0, 0, 0, 0), 2, 2)).toBe(1);
  });
});
