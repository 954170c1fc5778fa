import { describe, expect, it } from 'vitest';
import { compareCurveSvg, logTicks } from './compare-plots.js';
import { formatBounded, meanCurve, meanStd, medianSteps, stepsRatio, stepsToThreshold, type CurvePoint } from './compare-stats.js';

const curve = (pts: [number, number, number?][]): CurvePoint[] => pts.map(([env_steps, d, c]) => ({ env_steps, mean_final_distance: d, mean_cost: c ?? 10 * d }));

describe('steps to the success distance', () => {
  it('is the first env steps whose mean final distance is at most the threshold (not a later dip)', () => {
    const h = curve([[500, 1.2], [1000, 0.4], [1500, 0.1], [2000, 0.3], [2500, 0.05]]);
    expect(stepsToThreshold(h, 0.1)).toEqual({ value: 1500, bound: 'exact' });
    expect(stepsToThreshold(h, 0.5)).toEqual({ value: 1000, bound: 'exact' });
    expect(stepsToThreshold(h, 2)).toEqual({ value: 500, bound: 'exact' });
  });

  it('is a lower bound at the last env steps when never reached, 0 for no metrics', () => {
    expect(stepsToThreshold(curve([[500, 1.2], [1000, 0.4]]), 0.1)).toEqual({ value: 1000, bound: 'lower' });
    expect(stepsToThreshold([], 0.1)).toEqual({ value: 0, bound: 'lower' });
  });

  it('takes the median over seeds, a lower bound when unreached seeds could move it', () => {
    const e = (value: number) => ({ value, bound: 'exact' as const });
    const l = (value: number) => ({ value, bound: 'lower' as const });
    expect(medianSteps([e(3000), e(1000), e(2000)])).toEqual(e(2000));
    expect(medianSteps([e(1000), e(2000)])).toEqual(e(1500));
    // One seed not reached within 5000: the two reached ones fix the median of three.
    expect(medianSteps([e(1000), l(5000), e(2000)])).toEqual(e(2000));
    // Two of three not reached: the median is > their smaller bound.
    expect(medianSteps([e(1000), l(5000), l(4000)])).toEqual(l(4000));
    // An unreached seed with a small bound could still land anywhere above it.
    expect(medianSteps([e(3000), l(500), e(2000)])).toEqual(l(2000));
    expect(medianSteps([l(1000), l(1000)])).toEqual(l(1000));
  });

  it('divides bounded steps: lower over exact is a lower bound, exact over lower an upper one, lower over lower unknown', () => {
    const e = (value: number) => ({ value, bound: 'exact' as const });
    const l = (value: number) => ({ value, bound: 'lower' as const });
    expect(stepsRatio(e(100_000), e(1000))).toEqual(e(100));
    expect(stepsRatio(l(100_000), e(1000))).toEqual(l(100));
    expect(stepsRatio(e(1000), l(4000))).toEqual({ value: 0.25, bound: 'upper' });
    expect(stepsRatio(l(1000), l(4000)).bound).toBe('unknown');
    expect(formatBounded(l(100_000))).toBe('> 100,000');
    expect(formatBounded({ value: 0.25, bound: 'upper' }, String)).toBe('< 0.25');
    expect(formatBounded({ value: Number.NaN, bound: 'unknown' })).toBe('n/a');
  });

  it('gives the mean and the sample standard deviation', () => {
    expect(meanStd([1, 2, 3])).toEqual({ mean: 2, std: 1 });
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: 0 });
  });
});

describe('learning curves over seeds', () => {
  it('averages seeds point by point on a shared grid, with the min–max band', () => {
    const c = meanCurve([curve([[100, 1], [200, 0.5], [400, 0.1]]), curve([[100, 3], [200, 0.7], [400, 0.3]])], 'mean_final_distance');
    expect(c.x).toEqual([100, 200, 400]);
    expect(c.mean.map((v) => Number(v.toFixed(12)))).toEqual([2, 0.6, 0.2]);
    expect(c.min).toEqual([1, 0.5, 0.1]);
    expect(c.max).toEqual([3, 0.7, 0.3]);
    expect(c.seeds).toBe(2);
  });

  it('interpolates seeds with different env steps onto the range they all cover', () => {
    const c = meanCurve([curve([[100, 1], [300, 3], [500, 5]]), curve([[200, 2], [400, 4]])], 'mean_final_distance');
    expect(c.x).toEqual([200, 300, 400]);
    expect(c.mean).toEqual([2, 3, 4]);
  });

  it('draws each method as a line with its band on a log-x axis, the success distance and a legend', () => {
    const solar = [curve([[1000, 2], [3000, 0.5], [10_000, 0.05]]), curve([[1000, 2.4], [3000, 0.7], [10_000, 0.08]])];
    const ppo = [curve([[10_000, 3], [100_000, 1], [1_000_000, 0.2]]), curve([[10_000, 3.2], [100_000, 1.5], [1_000_000, 0.4]])];
    const svg = compareCurveSvg([{ label: 'solar-pixels', runs: solar }, { label: 'ppo-state', runs: ppo }], 'mean_final_distance', { title: 'nav2d: final distance', threshold: 0.1 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('environment steps (log)');
    // Decade ticks of the log x axis from 1,000 to 1,000,000.
    for (const t of ['>1000<', '>10k<', '>100k<', '>1M<']) expect(svg).toContain(t);
    expect((svg.match(/<polygon/g) ?? []).length).toBe(2);
    expect((svg.match(/<polyline/g) ?? []).length).toBe(2);
    expect(svg).toContain('stroke-dasharray="6 4"');
    for (const label of ['solar-pixels', 'ppo-state', 'success ≤ 0.1']) expect(svg).toContain(`>${label}</text>`);
    // x = 1000 is the left edge (70) and 1e6 the right edge (760 − 180 = 580) of the plot.
    const solarLine = svg.match(/<polyline points="([^"]+)" fill="none" stroke="#1f77b4"/)![1].split(' ');
    expect(solarLine[0].startsWith('70.0,')).toBe(true);
    const ppoLine = svg.match(/<polyline points="([^"]+)" fill="none" stroke="#d62728"/)![1].split(' ');
    expect(ppoLine[2].startsWith('580.0,')).toBe(true);
    // 10,000 steps is one decade of the three: a third of the way.
    expect(solarLine[2].startsWith(`${(70 + 510 / 3).toFixed(1)},`)).toBe(true);
    // The band of the solar curve spans the two seeds: its upper edge at 1000 steps is 2.4, above the mean 2.2.
    const band = svg.match(/<polygon points="([^"]+)" fill="#1f77b4"/)![1].split(' ');
    expect(band).toHaveLength(6);
    expect(Number(band[0].split(',')[1])).toBeLessThan(Number(solarLine[0].split(',')[1]));
    expect(Number(band[5].split(',')[1])).toBeGreaterThan(Number(solarLine[0].split(',')[1]));
  });

  it('ticks a log axis at decades, adding 2× and 5× when it spans less than three', () => {
    expect(logTicks(1000, 1e6)).toEqual([1000, 1e4, 1e5, 1e6]);
    expect(logTicks(500, 1500)).toEqual([500, 1000]);
    expect(logTicks(300, 5000)).toEqual([500, 1000, 2000, 5000]);
    expect(logTicks(0.02, 3)).toEqual([0.02, 0.05, 0.1, 0.2, 0.5, 1, 2]);
  });

  it('falls back to a linear y axis when a value is not positive (a sparse task\'s zero cost)', () => {
    const svg = compareCurveSvg([{ label: 'a', runs: [curve([[100, 1, 0], [200, 0.5, 2]])] }], 'mean_cost', { title: 't' });
    expect(svg).not.toContain('cost per episode (log)');
    expect(svg).toContain('cost per episode');
    expect(svg).not.toContain('<polygon');
  });
});
