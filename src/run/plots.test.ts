import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveConfig } from '../config/resolve-config.js';
import { makeEnv } from '../envs/registry.js';
import { CURVE_RANDOM_EPISODES, curveReferences, learningCurveSvg, lineChartSvg, tickLabel, ticks } from './plots.js';
import { rolloutConfigSchema, rolloutDefaults, runRolloutJob } from './rollout-job.js';
import { RunDir } from './run-dir.js';

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

/** A tick label's value: "15k" → 15000, "2.5M" → 2.5e6, "1.5e-4" → 0.00015. */
function labelValue(label: string): number {
  const m = /^(-?[\d.]+(?:e-?\d+)?)([kMG]?)$/.exec(label);
  if (!m) throw new Error(`not a tick label: ${label}`);
  return Number(m[1]) * { '': 1, k: 1e3, M: 1e6, G: 1e9 }[m[2] as '' | 'k' | 'M' | 'G'];
}
const texts = (svg: string, cls: string) => [...svg.matchAll(new RegExp(`<text class="${cls}"[^>]*>([^<]*)</text>`, 'g'))].map((m) => m[1]);
const polylineXs = (svg: string) => svg.match(/<polyline points="([^"]+)"/)![1].split(' ').map((p) => Number(p.split(',')[0]));
const polylineYs = (svg: string) => svg.match(/<polyline points="([^"]+)"/)![1].split(' ').map((p) => Number(p.split(',')[1]));
/** The y coordinate of the reference line drawn at value v. */
const refLineY = (svg: string, v: number) => Number(new RegExp(`<line class="ref" data-y="${v}" x1="[^"]+" y1="([^"]+)"`).exec(svg)![1]);

describe('axis ticks and labels', () => {
  it('labels ticks exactly: 15,000 is "15k", never a rounded "2e4"', () => {
    expect(tickLabel(15000)).toBe('15k');
    expect(tickLabel(25000)).toBe('25k');
    expect(tickLabel(2500000)).toBe('2.5M');
    expect(tickLabel(0.00015)).toBe('1.5e-4');
    expect(tickLabel(0.1 * 3)).toBe('0.3');
    expect(tickLabel(1200)).toBe('1200');
    // Every tick of many linear ranges reads back as its value.
    for (const [lo, hi] of [[7000, 25000], [0, 25000], [1200, 2000], [3, 97], [0.013, 0.0171], [0.00011, 0.00047], [0, 3.3e6], [-2.5, 17.5]]) {
      for (const v of ticks(lo, hi, false)) expect(labelValue(tickLabel(v)), `${v} in [${lo}, ${hi}]`).toBeCloseTo(v, 12);
    }
  });

  it('puts 1, 2, 5 × 10^k ticks on a log axis spanning under three decades, and numbers inside a single decade', () => {
    // Independent reference: every k · 10^e with k in {1, 2, 5} inside the range.
    const oneTwoFive = (lo: number, hi: number) => {
      const out: number[] = [];
      for (let e = -6; e <= 9; e++) for (const k of [1, 2, 5]) { const v = Number((k * 10 ** e).toPrecision(12)); if (v >= lo && v <= hi) out.push(v); }
      return out;
    };
    for (const [lo, hi] of [[0.047, 2.44], [0.15, 0.9], [1200, 25000], [0.11, 0.6]]) expect(ticks(lo, hi, true), `[${lo}, ${hi}]`).toEqual(oneTwoFive(lo, hi));
    // One 1-2-5 tick or none in range: the other integer multiples of the decade.
    expect(ticks(0.06, 0.095, true)).toEqual([0.06, 0.07, 0.08, 0.09]);
    expect(ticks(0.3, 0.85, true)).toEqual([0.3, 0.4, 0.5, 0.6, 0.7, 0.8]);
    // Narrower still: linear steps, still at least two numbers.
    expect(ticks(0.061, 0.069, true).length).toBeGreaterThanOrEqual(2);
    // Three decades or more: decades only.
    expect(ticks(0.001, 5, true)).toEqual([0.001, 0.01, 0.1, 1]);
  });

  it('gives a curve that stays within one decade numbered y ticks', () => {
    const svg = lineChartSvg([{ label: 'a', points: [[1, 0.3], [2, 0.5], [3, 0.8]] }], { title: 't', xLabel: 'x', yLabel: 'y', logY: true });
    expect(texts(svg, 'ytick')).toEqual(['0.3', '0.4', '0.5', '0.6', '0.7', '0.8']);
    const narrow = lineChartSvg([{ label: 'a', points: [[1, 0.06], [2, 0.09]] }], { title: 't', xLabel: 'x', yLabel: 'y', logY: true });
    expect(texts(narrow, 'ytick')).toEqual(['0.06', '0.07', '0.08', '0.09']);
  });
});

describe("a run's learning curve", () => {
  // A default nav2d SOLAR run's shape: 5000 pretraining steps, then 2000 per iteration.
  const history = Array.from({ length: 10 }, (_, i) => ({ env_steps: 7000 + 2000 * i, mean_final_distance: 2.4 * 0.7 ** i, mean_cost: 100 }));
  const refs = { successDistance: 0.1, randomPolicy: { mean_final_distance: 3.1, episodes: 20, seed: 0, std: 0.5 }, pretrainSteps: 5000 };
  const W = 640, H = 400, L = 70, R = 160, T = 40, B = 50;

  it('draws the points in step order, whatever order the history holds them in', () => {
    const shuffled = [history[3], history[9], history[0], history[5], history[1], history[8], history[2], history[7], history[4], history[6]];
    const xs = polylineXs(learningCurveSvg(shuffled, 't', refs));
    expect(xs).toHaveLength(10);
    for (let i = 1; i < xs.length; i++) expect(xs[i]).toBeGreaterThan(xs[i - 1]);
    // The same picture as from the ordered history.
    expect(learningCurveSvg(shuffled, 't', refs)).toBe(learningCurveSvg(history, 't', refs));
  });

  it('labels the env-step axis exactly and shades the pretraining steps from 0', () => {
    const svg = learningCurveSvg(history, 't', refs);
    // 0 … 25,000 (pretraining included) in steps of 5000.
    expect(texts(svg, 'xtick')).toEqual(['0', '5000', '10k', '15k', '20k', '25k']);
    expect(texts(svg, 'xtick').map(labelValue)).toEqual([0, 5000, 10000, 15000, 20000, 25000]);
    const px = (x: number) => L + (x / 25000) * (W - L - R);
    const span = /<rect class="span" x="([^"]+)" y="[^"]+" width="([^"]+)"/.exec(svg)!;
    expect(Number(span[1])).toBeCloseTo(px(0), 1);
    expect(Number(span[1]) + Number(span[2])).toBeCloseTo(px(5000), 0);
    expect(svg).toMatch(/class="span-label"[^>]*>pretraining</);
    // The first iteration's point is right of the band: its steps include the pretraining.
    expect(polylineXs(svg)[0]).toBeCloseTo(px(7000), 1);
  });

  it('draws the success distance and the random policy as horizontal lines at their values on the log axis', () => {
    const svg = learningCurveSvg(history, 't', refs);
    const ds = history.map((m) => m.mean_final_distance);
    // The log axis as the curve's first and last points give it: y = a + b · log10(d).
    const ys = polylineYs(svg);
    const b = (ys[9] - ys[0]) / (Math.log10(ds[9]) - Math.log10(ds[0])), a = ys[0] - b * Math.log10(ds[0]);
    const py = (v: number) => a + b * Math.log10(v);
    ys.forEach((y, i) => expect(y).toBeCloseTo(py(ds[i]), 0));
    // Both lines on that axis (to the rounding of coordinates to 0.1 px)…
    expect(refLineY(svg, 0.1)).toBeCloseTo(py(0.1), 0);
    expect(refLineY(svg, 3.1)).toBeCloseTo(py(3.1), 0);
    // …and inside the frame, off its edges, though they are the ends of the y range here.
    for (const v of [0.1, 3.1]) {
      expect(refLineY(svg, v)).toBeGreaterThan(T + 5);
      expect(refLineY(svg, v)).toBeLessThan(H - B - 5);
    }
    expect(svg).toContain('success ≤ 0.1');
    expect(svg).toContain('random policy 3.1');
    // Its numbers in the file, machine-readable.
    const desc = JSON.parse(svg.match(/<desc>([^<]*)<\/desc>/)![1].replace(/&quot;/g, '"'));
    expect(desc).toMatchObject({ success_distance: 0.1, random_policy: { mean_final_distance: 3.1, episodes: 20 }, pretrain_env_steps: 5000 });
  });

  it('keeps the legend in its own box, right of the plot frame', () => {
    const svg = learningCurveSvg(history, 't', refs);
    const box = /<rect class="legend" x="([^"]+)"/.exec(svg)!;
    expect(Number(box[1])).toBeGreaterThan(W - R);
  });
});

describe('curveReferences', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it("gives the task's success distance and the random policy as `solar rollout --episodes 20` measures it", async () => {
    const refs = await curveReferences({ name: 'nav2d' }, 3, { pretrainSteps: 800 });
    const env = await makeEnv('nav2d', { render: false });
    const successDistance = env.spec.successDistance;
    env.close();
    expect(refs.successDistance).toBe(successDistance);
    // Independent reference: the rollout command's own summary over the same seed and episode count.
    const dir = mkdtempSync(join(tmpdir(), 'solar-plots-'));
    dirs.push(dir);
    const config = resolveConfig(rolloutConfigSchema, { defaults: rolloutDefaults('nav2d', 3, CURVE_RANDOM_EPISODES), sets: ['env.render=false', 'output.png_frames=false', 'output.gif=false'] });
    const summary = await runRolloutJob(config, RunDir.create(join(dir, 'rollout')));
    expect(refs.randomPolicy!.episodes).toBe(CURVE_RANDOM_EPISODES);
    expect(refs.randomPolicy!.mean_final_distance).toBeCloseTo(summary.mean_final_distance, 12);
    expect(refs.pretrainSteps).toBe(800);
  });
});
