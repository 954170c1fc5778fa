import { describe, expect, it } from 'vitest';
import { potentialNoise } from './potential-noise.js';

describe('potentialNoise', () => {
  it('hand-checked: two rollouts, two frames, ds = 1', () => {
    // Frame 0: m = (0, 2), mean 1, spread 2; frame 1: m = (1, 1), spread 0. Σ s² = 0.25 + 0.25 + 1 + 1 = 2.5.
    const a = { m: Float64Array.from([0, 1]), s: Float64Array.from([0.5, 1]) };
    const b = { m: Float64Array.from([2, 1]), s: Float64Array.from([0.5, 1]) };
    expect(potentialNoise([a, b], 1)).toBeCloseTo(Math.sqrt(2.5 / 2), 12);
  });

  it('the median over coordinates, skipping constant ones; NaN without spread or a second rollout', () => {
    // ds = 4, one frame: coordinate 0 spread 2 (±1), noise 2·0.01 → 0.1; coordinate 1 spread 200 (±10),
    // noise 2·1 → 0.1; coordinate 2 spread 0.02 (±0.1), noise 2·0.01 → 1; coordinate 3 constant (left out).
    const a = { m: Float64Array.from([1, 10, 0.1, 5]), s: Float64Array.from([0.1, 1, 0.1, 0.1]) };
    const b = { m: Float64Array.from([-1, -10, -0.1, 5]), s: Float64Array.from([0.1, 1, 0.1, 0.1]) };
    expect(potentialNoise([a, b], 4)).toBeCloseTo(0.1, 12);
    expect(Number.isNaN(potentialNoise([a, a], 4))).toBe(true);
    expect(Number.isNaN(potentialNoise([a], 4))).toBe(true);
    expect(() => potentialNoise([a, { m: a.m.subarray(2), s: a.s.subarray(2) }], 2)).toThrow(/unequal length/);
  });
});
