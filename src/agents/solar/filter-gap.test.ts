import { describe, expect, it } from 'vitest';
import { filterR2 } from './filter-gap.js';

describe('filterR2', () => {
  it('hand-checked: two rollouts, T = 1, ds = 1', () => {
    // Smoothed x̄_{·,0} = (0, 2) (x_T ignored), mean 1, spread 2; filtered (0.5, 1.5), gap 0.5.
    expect(filterR2([Float64Array.from([0.5]), Float64Array.from([1.5])], Float64Array.from([0, 9, 2, 9]), 1, 1)).toBeCloseTo(0.75, 12);
  });

  it('1 when the filter equals the smoother, and negative when it errs more than rollouts differ', () => {
    // N = 2, T = 2, ds = 2: each episode (T + 1)·ds = 6 values, the last pair x_T unused.
    const sm = Float64Array.from([1, 2, 3, 0, 7, 7, -1, 0, 9, 9, 7, 7]);
    const exact = [Float64Array.from([1, 2, 3, 0]), Float64Array.from([-1, 0, 9, 9])];
    expect(filterR2(exact, sm, 2, 2)).toBe(1);
    // Spread: t = 0 (±1, ±1) → 4, t = 1 (∓3, ∓4.5) → 58.5; an error of 20 in one value: 1 − 400 / 62.5.
    expect(filterR2([Float64Array.from([21, 2, 3, 0]), exact[1]], sm, 2, 2)).toBeCloseTo(1 - 400 / 62.5, 12);
    expect(() => filterR2(exact, sm.subarray(1), 2, 2)).toThrow(/11 smoothed values for 2 episodes/);
    expect(Number.isNaN(filterR2([exact[0]], sm.subarray(0, 6), 2, 2))).toBe(true);
  });
});
