import { describe, expect, it } from 'vitest';
import { lineChartSvg, ticks } from './plots.js';

describe('learning-curve SVG', () => {
  it('chooses 1-2-5 ticks inside the range, and decades on a log axis', () => {
    const unit = ticks(0, 1, false);
    expect(unit.length).toBe(6);
    unit.forEach((v, i) => expect(v).toBeCloseTo(0.2 * i, 12));
    expect(ticks(0, 10, false)).toEqual([0, 2, 4, 6, 8, 10]);
    expect(ticks(3, 97, false)).toEqual([20, 40, 60, 80]);
    expect(ticks(50, 20000, true)).toEqual([100, 1000, 10000]);
  });

  it('places points by the axis mapping: the first and last x at the plot edges', () => {
    const svg = lineChartSvg([{ label: 'solar', points: [[100, 1], [1000, 0.1], [10000, 0.01]] }], { title: 't', xLabel: 'env steps', yLabel: 'distance', logX: true, logY: true, width: 640, height: 400 });
    // margins: left 70, right 160, top 40, bottom 50 → x from 70 to 480, y from 350 to 40.
    expect(svg).toContain('points="70.0,40.0 275.0,195.0 480.0,350.0"');
    expect(svg).toContain('env steps (log)');
    expect(svg.startsWith('<svg')).toBe(true);
  });

  it('draws a band polygon, skips non-finite points and escapes labels', () => {
    const svg = lineChartSvg([{ label: 'a<b', points: [[0, 1], [1, Number.NaN], [2, 3]], band: [[0, 0.5, 1.5], [2, 2, 4]] }], { title: 'x', xLabel: 'x', yLabel: 'y' });
    expect(svg).toContain('<polygon');
    expect(svg).toContain('a&lt;b');
    expect((svg.match(/<circle/g) ?? []).length).toBe(2);
  });

  it('says so when there is no data', () => {
    expect(lineChartSvg([], { title: 'empty', xLabel: 'x', yLabel: 'y' })).toContain('no data');
  });
});
