/**
 * The comparison's learning curves: one line per method (mean over seeds) with its min–max
 * band, against environment steps on a log axis; the distance plot also draws the task's
 * success distance. Built on `lineChartSvg` (one colour per series, in method order, so a
 * method has the same colour in every plot).
 */
import { meanCurve, type CurvePoint, type MeanCurve } from './compare-stats.js';
import { lineChartSvg, type Series } from './plots.js';

export interface MethodCurves {
  /** Legend label, e.g. "solar (pixels)". */
  label: string;
  /** One metrics history per seed. */
  runs: readonly (readonly CurvePoint[])[];
}

/** A method's line and band; `label` gets "(n=K)" when only K of the seeds are averaged. */
export function curveSeries(label: string, c: MeanCurve, seeds = c.seeds): Series {
  const n = c.seeds;
  return {
    label: n !== seeds ? `${label} (n=${n})` : label,
    points: c.x.map((x, i) => [x, c.mean[i]] as const),
    band: n > 1 ? c.x.map((x, i) => [x, c.min[i], c.max[i]] as const) : undefined,
  };
}

/**
 * Learning-curve SVG of `field` for every method; log-scaled x (env steps), and log y when
 * every value is positive. `threshold` adds a flat line at the success distance.
 */
export function compareCurveSvg(
  methods: readonly MethodCurves[],
  field: 'mean_final_distance' | 'mean_cost',
  opts: { title: string; threshold?: number },
): string {
  const curves = methods.map((m) => ({ label: m.label, curve: meanCurve(m.runs, field) }));
  const seeds = Math.max(0, ...methods.map((m) => m.runs.length));
  const series = curves.map((c) => curveSeries(c.label, c.curve, seeds));
  const xs = curves.flatMap((c) => c.curve.x).filter((x) => x > 0);
  if (opts.threshold !== undefined && xs.length > 0) {
    series.push({ label: `success ≤ ${opts.threshold}`, points: [[Math.min(...xs), opts.threshold], [Math.max(...xs), opts.threshold]] });
  }
  const ys = series.flatMap((s) => [...s.points.map((p) => p[1]), ...(s.band ?? []).map((b) => b[1])]).filter(Number.isFinite);
  const logY = ys.length > 0 && ys.every((y) => y > 0);
  return lineChartSvg(series, {
    title: opts.title,
    xLabel: 'environment steps',
    yLabel: field === 'mean_final_distance' ? 'final distance' : 'cost per episode',
    logX: true,
    logY,
    width: 760,
    height: 420,
  });
}
