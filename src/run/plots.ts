/**
 * Learning curves as self-contained SVG (no DOM, no fonts to load): lines with optional
 * shaded bands (mean ± spread over seeds), linear or log-scaled axes with readable ticks,
 * horizontal reference lines (success distance, random policy) and shaded x spans
 * (pretraining). A run's curve also says where its reference lines come from (`curveReferences`).
 */
import { makeEnv } from '../envs/registry.js';
import { randomPolicyReference } from './rollout-job.js';

export interface Series {
  label: string;
  /** (x, y) points; non-finite points are skipped. */
  points: readonly (readonly [number, number])[];
  /** Optional band (x, low, high), e.g. min–max over seeds. */
  band?: readonly (readonly [number, number, number])[];
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
  /** Horizontal dashed lines across the plot (e.g. the success distance), each with a legend entry. */
  refLines?: readonly RefLine[];
  /** Shaded x intervals labelled inside the plot (e.g. the pretraining steps before iteration 0). */
  spans?: readonly XSpan[];
  /** Machine-readable text stored in the SVG's <desc> (the reference lines' numbers). */
  desc?: string;
}

export interface RefLine {
  y: number;
  label: string;
  color: string;
  /** SVG stroke-dasharray. */
  dash: string;
}

export interface XSpan {
  from: number;
  to: number;
  label: string;
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** v without the float noise of tick arithmetic (0.1 · 3 → 0.3), so labels and tests see the intended value. */
const clean = (v: number) => Number(v.toPrecision(12));

/**
 * Tick values. Linear axis: 1-2-5 steps. Log axis: decades when three or more fall in the
 * range, else 1, 2 and 5 × 10^k (a curve within one or two decades still gets numbers); a
 * range between two of those gets 1…9 × 10^k, and a narrower one linear 1-2-5 steps.
 */
export function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const inRange = (v: number) => v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9);
    const decades: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) decades.push(clean(10 ** e));
    const major = decades.filter(inRange);
    if (major.length >= 3) return major;
    for (const mults of [[1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
      const out = decades.flatMap((d) => mults.map((k) => clean(k * d))).filter(inRange);
      if (out.length >= 2) return out;
    }
    return ticks(lo, hi, false).filter((v) => v > 0);
  }
  if (hi === lo) return [lo];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  // k · step rather than a running sum, whose rounding error grows with every tick.
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + 1e-9 * step; k++) out.push(k === 0 ? 0 : clean(k * step));
  return out;
}

/**
 * A tick's label, exact: 15000 → "15k", 2500000 → "2.5M", 0.00015 → "1.5e-4", 0.25 → "0.25",
 * never rounded to fewer digits than the value has (below 10,000, plain digits).
 */
export function tickLabel(v: number): string {
  const c = clean(v);
  if (c === 0) return '0';
  const a = Math.abs(c);
  for (const [unit, suffix] of [[1e9, 'G'], [1e6, 'M'], [1e4, 'k']] as const) {
    const scale = suffix === 'k' ? 1e3 : unit;
    if (a >= unit) return `${clean(c / scale)}${suffix}`;
  }
  if (a < 1e-3) return c.toExponential().replace('e+', 'e');
  return String(c);
}

export function lineChartSvg(series: readonly Series[], opts: PlotOptions): string {
  const W = opts.width ?? 640, H = opts.height ?? 400;
  const m = { l: 70, r: 160, t: 40, b: 50 };
  const ok = (x: number, y: number) => Number.isFinite(x) && Number.isFinite(y) && (!opts.logX || x > 0) && (!opts.logY || y > 0);
  const xs: number[] = [], ys: number[] = [];
  for (const s of series) {
    for (const [x, y] of s.points) if (ok(x, y)) { xs.push(x); ys.push(y); }
    for (const [x, lo, hi] of s.band ?? []) if (ok(x, lo) && ok(x, hi)) { xs.push(x); ys.push(lo, hi); }
  }
  const okX = (x: number) => Number.isFinite(x) && (!opts.logX || x > 0);
  const okY = (y: number) => Number.isFinite(y) && (!opts.logY || y > 0);
  const refLines = (opts.refLines ?? []).filter((r) => okY(r.y));
  const spans = (opts.spans ?? []).filter((sp) => okX(sp.from) && okX(sp.to) && sp.to > sp.from);
  if (xs.length > 0) {
    // The reference lines and spans are drawn whole, so the axes reach them.
    for (const r of refLines) ys.push(r.y);
    for (const sp of spans) xs.push(sp.from, sp.to);
  }
  if (xs.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="20" y="30" font-family="sans-serif">${esc(opts.title)}: no data</text></svg>`;
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) { x0 = opts.logX ? x0 / 2 : x0 - 1; x1 = opts.logX ? x1 * 2 : x1 + 1; }
  if (y0 === y1) { y0 = opts.logY ? y0 / 2 : y0 - 1; y1 = opts.logY ? y1 * 2 : y1 + 1; }
  const tx = (v: number) => (opts.logX ? Math.log10(v) : v);
  const ty = (v: number) => (opts.logY ? Math.log10(v) : v);
  if (refLines.length > 0) {
    // A margin of 5% of the axis each side: a reference line at the end of the range (the
    // success distance under a curve that reached it) would otherwise lie on the frame.
    const pad = 0.05 * (ty(y1) - ty(y0));
    [y0, y1] = opts.logY ? [10 ** (ty(y0) - pad), 10 ** (ty(y1) + pad)] : [y0 - pad, y1 + pad];
  }
  const px = (x: number) => m.l + ((tx(x) - tx(x0)) / (tx(x1) - tx(x0))) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0))) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    ...(opts.desc !== undefined ? [`<desc>${esc(opts.desc)}</desc>`] : []),
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="24" font-size="15">${esc(opts.title)}</text>`,
  ];
  for (const sp of spans) {
    const a = px(sp.from), b = px(sp.to);
    parts.push(`<rect class="span" x="${a.toFixed(1)}" y="${m.t}" width="${(b - a).toFixed(1)}" height="${H - m.t - m.b}" fill="#c8c8c8" fill-opacity="0.35" stroke="none"/>`);
    // Inside the band: across it when it is wide enough, else along it.
    const mid = ((a + b) / 2).toFixed(1);
    if (b - a >= sp.label.length * 6.5 + 8) parts.push(`<text class="span-label" x="${mid}" y="${m.t + 14}" text-anchor="middle" fill="#555" font-size="11">${esc(sp.label)}</text>`);
    else parts.push(`<text class="span-label" transform="translate(${mid} ${m.t + 6}) rotate(90)" dominant-baseline="middle" fill="#555" font-size="11">${esc(sp.label)}</text>`);
  }
  for (const v of ticks(x0, x1, !!opts.logX)) {
    const x = px(v).toFixed(1);
    parts.push(`<line x1="${x}" y1="${m.t}" x2="${x}" y2="${H - m.b}" stroke="#eee"/>`, `<text class="xtick" x="${x}" y="${H - m.b + 16}" text-anchor="middle">${tickLabel(v)}</text>`);
  }
  for (const v of ticks(y0, y1, !!opts.logY)) {
    const y = py(v).toFixed(1);
    parts.push(`<line x1="${m.l}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#eee"/>`, `<text class="ytick" x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tickLabel(v)}</text>`);
  }
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}${opts.logX ? ' (log)' : ''}</text>`,
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}${opts.logY ? ' (log)' : ''}</text>`,
  );
  // The legend sits in its own box, apart from the plot frame: a bare swatch of the curve's
  // colour just right of the frame, at the height of a falling curve's first point, looks
  // like the line jumping from its last point back up to the first iterations.
  const entries = series.length + refLines.length;
  parts.push(`<rect class="legend" x="${W - m.r + 8}" y="${m.t}" width="${m.r - 14}" height="${entries * 18 + 4}" fill="white" stroke="#bbb"/>`);
  const legend = (i: number, color: string, label: string, line: string) => {
    const ly = m.t + 11 + i * 18;
    parts.push(`<line x1="${W - m.r + 14}" y1="${ly}" x2="${W - m.r + 34}" y2="${ly}" stroke="${color}" ${line}/>`, `<text x="${W - m.r + 40}" y="${ly}" dominant-baseline="middle" font-size="11">${esc(label)}</text>`);
  };
  refLines.forEach((r, i) => {
    const y = py(r.y).toFixed(1);
    parts.push(`<line class="ref" data-y="${r.y}" x1="${m.l}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="${r.color}" stroke-width="1.5" stroke-dasharray="${r.dash}"/>`);
    legend(series.length + i, r.color, r.label, `stroke-width="1.5" stroke-dasharray="${r.dash}"`);
  });
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const band = (s.band ?? []).filter(([x, lo, hi]) => ok(x, lo) && ok(x, hi)).sort((p, q) => p[0] - q[0]);
    if (band.length > 1) {
      const upper = band.map(([x, , hi]) => `${px(x).toFixed(1)},${py(hi).toFixed(1)}`);
      const lower = band.map(([x, lo]) => `${px(x).toFixed(1)},${py(lo).toFixed(1)}`).reverse();
      parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${c}" fill-opacity="0.18" stroke="none"/>`);
    }
    // In step order whatever order the points came in, so the line never runs back.
    const pts = s.points.filter(([x, y]) => ok(x, y)).sort((p, q) => p[0] - q[0]).map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`);
    if (pts.length > 1) parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${c}"/>`);
    legend(i, c, s.label, 'stroke-width="2"');
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** What a run's learning curve is read against; every field optional. */
export interface CurveReferences {
  /** The task's success distance (env.spec.successDistance): a dashed line. */
  successDistance?: number;
  /** The random policy u ~ N(0, std²) on the task (`randomPolicyReference`): a dotted line at its mean final distance. */
  randomPolicy?: { mean_final_distance: number; episodes: number; seed: number; std: number };
  /** Env steps of random rollouts before iteration 0 (SOLAR, VAE, MPC pretraining): a shaded band from 0. */
  pretrainSteps?: number;
}

/** Random-policy episodes behind a run's reference line: `solar rollout --seed <seed>`'s first 20 (cheap beside any training). */
export const CURVE_RANDOM_EPISODES = 20;

/** The reference lines, pretraining band and <desc> numbers of `refs`, as lineChartSvg options. */
export function curveReferenceOptions(refs: CurveReferences): Pick<PlotOptions, 'refLines' | 'spans' | 'desc'> {
  const refLines: RefLine[] = [];
  if (refs.successDistance !== undefined) refLines.push({ y: refs.successDistance, label: `success ≤ ${refs.successDistance}`, color: '#2a2a2a', dash: '6 4' });
  const r = refs.randomPolicy;
  if (r) refLines.push({ y: r.mean_final_distance, label: `random policy ${Number(r.mean_final_distance.toPrecision(3))}`, color: '#999', dash: '2 3' });
  const spans: XSpan[] = refs.pretrainSteps ? [{ from: 0, to: refs.pretrainSteps, label: 'pretraining' }] : [];
  // The numbers behind the lines, for a reader of the file (nothing else in the run stores them).
  const desc = JSON.stringify({
    ...(refs.successDistance !== undefined ? { success_distance: refs.successDistance } : {}),
    ...(r ? { random_policy: { mean_final_distance: r.mean_final_distance, episodes: r.episodes, action_std: r.std, as: `solar rollout --seed ${r.seed} --episodes ${r.episodes}` } } : {}),
    ...(refs.pretrainSteps ? { pretrain_env_steps: refs.pretrainSteps } : {}),
  });
  return { refLines, spans, desc };
}

/**
 * A run's reference lines: the task's success distance (`opts.successDistance`, else the
 * registry task's spec) and the random policy's mean final distance over
 * `CURVE_RANDOM_EPISODES` episodes of `solar rollout --seed <seed>` (the compare report's
 * `randomPolicyReference`, on its own env instance and RNGs, so the run's training and
 * metrics stay as they were). `randomPolicy: false` for a task the registry does not make
 * (a job's injected task, e.g. a real robot: no random episodes on it, no line); then the
 * success line needs `opts.successDistance`.
 */
export async function curveReferences(
  envConfig: { name: string } & Record<string, unknown>, seed: number,
  opts: { successDistance?: number; randomPolicy?: boolean; pretrainSteps?: number } = {},
): Promise<CurveReferences> {
  const refs: CurveReferences = opts.pretrainSteps ? { pretrainSteps: opts.pretrainSteps } : {};
  if (opts.randomPolicy === false) return opts.successDistance !== undefined ? { ...refs, successDistance: opts.successDistance } : refs;
  let successDistance = opts.successDistance;
  if (successDistance === undefined) {
    const { name, ...params } = envConfig;
    const env = await makeEnv(name, { ...params, render: false });
    successDistance = env.spec.successDistance;
    env.close();
  }
  const std = 0.5;
  const r = await randomPolicyReference(envConfig, [seed], CURVE_RANDOM_EPISODES, std);
  return { ...refs, successDistance, randomPolicy: { mean_final_distance: r.mean_final_distance, episodes: r.episodes, seed, std } };
}

/** A run's learning curve: mean final distance of each iteration's rollouts against env steps, with its references. */
export function learningCurveSvg(history: readonly { env_steps: number; mean_final_distance: number; mean_cost: number }[], title: string, refs: CurveReferences = {}): string {
  return lineChartSvg(
    [{ label: 'mean final distance', points: history.map((m) => [m.env_steps, m.mean_final_distance] as const) }],
    { title, xLabel: 'environment steps', yLabel: 'final distance', logY: true, ...curveReferenceOptions(refs) },
  );
}
