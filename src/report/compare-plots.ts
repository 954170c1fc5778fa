/**
 * The comparison's learning curves as self-contained SVG: one line per method (mean over
 * seeds, with a dot per point) and its min–max band, against environment steps on a log
 * axis; the distance plot also draws the task's success distance as a dashed line. Colours
 * follow the method order, so a method has the same colour in every plot. Unlike the
 * single-run `lineChartSvg` of plots.ts (whose linear `ticks` it reuses), a log axis spanning
 * less than three decades also gets 2× and 5× ticks, since a short comparison would
 * otherwise show a single tick.
 */
import { meanCurve, type CurvePoint, type MeanCurve } from './compare-stats.js';
import { tickLabel, ticks } from '../run/plots.js';

export interface MethodCurves {
  /** Legend label, e.g. "solar-pixels". */
  label: string;
  /** One metrics history per seed. */
  runs: readonly (readonly CurvePoint[])[];
}

export const METHOD_COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Ticks of a log axis: decades; with fewer than three in range, 1, 2 and 5 × 10^k (plots.ts). */
export function logTicks(lo: number, hi: number): number[] {
  return ticks(lo, hi, true);
}

interface Line {
  label: string;
  color: string;
  points: [number, number][];
  band: [number, number, number][];
}

/**
 * Learning-curve SVG of `field` for every method; x (env steps) on a log axis, y on a log
 * axis when every value is positive. `threshold` adds a dashed line at the success distance.
 */
export function compareCurveSvg(
  methods: readonly MethodCurves[],
  field: 'mean_final_distance' | 'mean_cost',
  opts: { title: string; threshold?: number; reference?: { value: number; label: string }; width?: number; height?: number },
): string {
  const W = opts.width ?? 760, H = opts.height ?? 420;
  const m = { l: 70, r: 180, t: 40, b: 50 };
  const seeds = Math.max(0, ...methods.map((x) => x.runs.length));
  const lines: Line[] = methods.map((x, i) => {
    const c: MeanCurve = meanCurve(x.runs, field);
    return {
      label: c.seeds !== seeds ? `${x.label} (n=${c.seeds})` : x.label,
      color: METHOD_COLORS[i % METHOD_COLORS.length],
      points: c.x.map((v, k) => [v, c.mean[k]] as [number, number]),
      band: c.seeds > 1 ? c.x.map((v, k) => [v, c.min[k], c.max[k]] as [number, number, number]) : [],
    };
  });
  const yName = field === 'mean_final_distance' ? 'final distance' : 'cost per episode';
  const allY = lines.flatMap((l) => [...l.points.map((p) => p[1]), ...l.band.flatMap((b) => [b[1], b[2]])]).filter(Number.isFinite);
  if (opts.threshold !== undefined) allY.push(opts.threshold);
  const logY = allY.length > 0 && allY.every((y) => y > 0);
  const okX = (x: number) => Number.isFinite(x) && x > 0;
  const okY = (y: number) => Number.isFinite(y) && (!logY || y > 0);
  for (const l of lines) {
    l.points = l.points.filter(([x, y]) => okX(x) && okY(y));
    l.band = l.band.filter(([x, lo, hi]) => okX(x) && okY(lo) && okY(hi));
  }
  const xs = lines.flatMap((l) => [...l.points.map((p) => p[0]), ...l.band.map((b) => b[0])]);
  const ys = lines.flatMap((l) => [...l.points.map((p) => p[1]), ...l.band.flatMap((b) => [b[1], b[2]])]);
  const head = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`;
  if (xs.length === 0) return `${head}\n<rect width="${W}" height="${H}" fill="white"/>\n<text x="20" y="30">${esc(opts.title)}: no data</text>\n</svg>`;
  if (opts.threshold !== undefined && okY(opts.threshold)) ys.push(opts.threshold);
  if (opts.reference !== undefined && okY(opts.reference.value)) ys.push(opts.reference.value);
  let [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  let [y0, y1] = [Math.min(...ys), Math.max(...ys)];
  if (x0 === x1) [x0, x1] = [x0 / 2, x1 * 2];
  if (y0 === y1) [y0, y1] = logY ? [y0 / 2, y1 * 2] : [y0 - 1, y1 + 1];
  const ty = (v: number) => (logY ? Math.log10(v) : v);
  const px = (x: number) => m.l + ((Math.log10(x) - Math.log10(x0)) / (Math.log10(x1) - Math.log10(x0))) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((ty(y) - ty(y0)) / (ty(y1) - ty(y0))) * (H - m.t - m.b);
  const f = (v: number) => v.toFixed(1);
  const out: string[] = [head, `<rect width="${W}" height="${H}" fill="white"/>`, `<text x="${m.l}" y="24" font-size="15">${esc(opts.title)}</text>`];
  for (const v of logTicks(x0, x1)) {
    out.push(`<line x1="${f(px(v))}" y1="${m.t}" x2="${f(px(v))}" y2="${H - m.b}" stroke="#eee"/>`, `<text x="${f(px(v))}" y="${H - m.b + 16}" text-anchor="middle">${tickLabel(v)}</text>`);
  }
  for (const v of logY ? logTicks(y0, y1) : ticks(y0, y1, false)) {
    out.push(`<line x1="${m.l}" y1="${f(py(v))}" x2="${W - m.r}" y2="${f(py(v))}" stroke="#eee"/>`, `<text x="${m.l - 6}" y="${f(py(v))}" text-anchor="end" dominant-baseline="middle">${tickLabel(v)}</text>`);
  }
  out.push(
    `<rect x="${m.l}" y="${m.t}" width="${W - m.l - m.r}" height="${H - m.t - m.b}" fill="none" stroke="#333"/>`,
    `<text x="${(m.l + W - m.r) / 2}" y="${H - 12}" text-anchor="middle">environment steps (log)</text>`,
    `<text transform="translate(16 ${(m.t + H - m.b) / 2}) rotate(-90)" text-anchor="middle">${yName}${logY ? ' (log)' : ''}</text>`,
  );
  const legend = (i: number, color: string, label: string, dash = '') => {
    const y = m.t + 10 + i * 18;
    out.push(`<line x1="${W - m.r + 12}" y1="${y}" x2="${W - m.r + 32}" y2="${y}" stroke="${color}" stroke-width="3"${dash}/>`, `<text x="${W - m.r + 38}" y="${y}" dominant-baseline="middle">${esc(label)}</text>`);
  };
  lines.forEach((l, i) => {
    if (l.band.length > 1) {
      const upper = l.band.map(([x, , hi]) => `${f(px(x))},${f(py(hi))}`);
      const lower = l.band.map(([x, lo]) => `${f(px(x))},${f(py(lo))}`).reverse();
      out.push(`<polygon points="${[...upper, ...lower].join(' ')}" fill="${l.color}" fill-opacity="0.18" stroke="none"/>`);
    }
    const pts = l.points.map(([x, y]) => [f(px(x)), f(py(y))]);
    if (pts.length > 1) out.push(`<polyline points="${pts.map((p) => p.join(',')).join(' ')}" fill="none" stroke="${l.color}" stroke-width="2"/>`);
    for (const [cx, cy] of pts) out.push(`<circle cx="${cx}" cy="${cy}" r="2.5" fill="${l.color}"/>`);
    legend(i, l.color, l.label);
  });
  if (opts.threshold !== undefined && okY(opts.threshold)) {
    const y = f(py(opts.threshold));
    out.push(`<line x1="${m.l}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#555" stroke-width="1.5" stroke-dasharray="6 4"/>`);
    legend(lines.length, '#555', `success ≤ ${opts.threshold}`, ' stroke-dasharray="6 4"');
  }
  if (opts.reference !== undefined && okY(opts.reference.value)) {
    const y = f(py(opts.reference.value));
    out.push(`<line x1="${m.l}" y1="${y}" x2="${W - m.r}" y2="${y}" stroke="#999" stroke-width="1.5" stroke-dasharray="2 3"/>`);
    legend(lines.length + (opts.threshold !== undefined && okY(opts.threshold) ? 1 : 0), '#999', opts.reference.label, ' stroke-dasharray="2 3"');
  }
  out.push('</svg>');
  return out.join('\n');
}
