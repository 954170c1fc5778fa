/**
 * Learning curves as self-contained SVG (no DOM, no fonts to load): lines with optional
 * shaded bands (mean ± spread over seeds), linear or log-scaled axes with readable ticks.
 */

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
}

const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Tick values: 1-2-5 steps on a linear axis, decades on a log axis. */
export function ticks(lo: number, hi: number, log: boolean): number[] {
  if (log) {
    const out: number[] = [];
    for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) out.push(10 ** e);
    return out.filter((v) => v >= lo * 0.999 && v <= hi * 1.001);
  }
  if (hi === lo) return [lo];
  const raw = (hi - lo) / 5;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-9 * step; v += step) out.push(Math.abs(v) < 1e-12 * step ? 0 : v);
  return out;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(3)));
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
  if (xs.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><text x="20" y="30" font-family="sans-serif">${esc(opts.title)}: no data</text></svg>`;
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) { x0 = opts.logX ? x0 / 2 : x0 - 1; x1 = opts.logX ? x1 * 2 : x1 + 1; }
  if (y0 === y1) { y0 = opts.logY ? y0 / 2 : y0 - 1; y1 = opts.logY ? y1 * 2 : y1 + 1; }
  const tx = (v: number) => (opts.logX ? Math.log10(v) : v);
  const ty = (v: number) => (opts.logY ? Math.log10(v) : v);
  const px = (x: number) => m.l + ((tx(x) - tx(x0)) / (tx(x1) - tx(x0))) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0))) * (H - m.t - m.b);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l}" y="24" font-size="15">${esc(opts.title)}</text>`,
  ];
  for (const v of ticks(x0, x1, !!opts.logX)) {
    const x = px(v).toFixed(1);
    parts.push(`<line x1="${x}" y1="${m.t}" x2="${x}" y2="${H - m.b}" stroke="#eee"/>`, `<text x="${x}" y="${H - m.b + 16}" text-anchor="middle">${fmt(v)}</text>`);
  }
  for (const v of ticks(y0, y1, !!opts.logY)) {
    const y = py(v).toFixed(1);
    parts.push(`<line x1="${m.l}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#eee"/>`, `<text x="${m.l - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${fmt(v)}</text>`);
  }
  parts.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}${opts.logX ? ' (log)' : ''}</text>`,
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}${opts.logY ? ' (log)' : ''}</text>`,
  );
  series.forEach((s, i) => {
    const c = COLORS[i % COLORS.length];
    const band = (s.band ?? []).filter(([x, lo, hi]) => ok(x, lo) && ok(x, hi));
    if (band.length > 1) {
      const upper = band.map(([x, , hi]) => `${px(x).toFixed(1)},${py(hi).toFixed(1)}`);
      const lower = band.map(([x, lo]) => `${px(x).toFixed(1)},${py(lo).toFixed(1)}`).reverse();
      parts.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${c}" fill-opacity="0.18" stroke="none"/>`);
    }
    const pts = s.points.filter(([x, y]) => ok(x, y)).map(([x, y]) => `${px(x).toFixed(1)},${py(y).toFixed(1)}`);
    if (pts.length > 1) parts.push(`<polyline points="${pts.join(' ')}" fill="none" stroke="${c}" stroke-width="2"/>`);
    for (const p of pts) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="2.5" fill="${c}"/>`);
    const ly = m.t + 10 + i * 18;
    parts.push(`<line x1="${W - m.r + 12}" y1="${ly}" x2="${W - m.r + 32}" y2="${ly}" stroke="${c}" stroke-width="3"/>`, `<text x="${W - m.r + 38}" y="${ly}" dominant-baseline="middle">${esc(s.label)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

/** A run's learning curve: mean final distance of each iteration's rollouts against env steps. */
export function learningCurveSvg(history: readonly { env_steps: number; mean_final_distance: number; mean_cost: number }[], title: string): string {
  return lineChartSvg(
    [{ label: 'mean final distance', points: history.map((m) => [m.env_steps, m.mean_final_distance] as const) }],
    { title, xLabel: 'environment steps', yLabel: 'final distance', logY: true },
  );
}
