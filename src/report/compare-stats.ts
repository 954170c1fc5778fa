/**
 * The numbers of a `solar compare` report, from run directories' metrics and summaries:
 * steps to reach the task's success distance (with lower bounds for runs that never reach
 * it), medians and ratios that keep track of those bounds, and learning curves averaged over
 * seeds with a min–max band.
 */

/** One metrics.jsonl line, the fields the report reads. */
export interface CurvePoint {
  env_steps: number;
  mean_final_distance: number;
  mean_cost: number;
}

/**
 * Steps needed, exact or bounded: `{ value: N, bound: 'exact' }` — reached at N env steps;
 * `'lower'` — not reached, the true value is > N; `'upper'` — at most N (a ratio over a
 * lower bound); `'unknown'` — no information (e.g. neither of two compared runs reached it).
 */
export interface Bounded {
  value: number;
  bound: 'exact' | 'lower' | 'upper' | 'unknown';
}

/**
 * First `env_steps` at which `mean_final_distance ≤ threshold`; when no line reaches it,
 * a lower bound at the last line's env steps (0 for an empty history).
 */
export function stepsToThreshold(history: readonly CurvePoint[], threshold: number): Bounded {
  for (const m of history) if (m.mean_final_distance <= threshold) return { value: m.env_steps, bound: 'exact' };
  const last = history.length > 0 ? Math.max(...history.map((m) => m.env_steps)) : 0;
  return { value: last, bound: 'lower' };
}

function plainMedian(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n % 2 === 1 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/**
 * Median over seeds of exact values and lower bounds. The median is monotone in every
 * element, so substituting each lower bound gives a lower bound of the true median, and
 * substituting +∞ an upper one; when both agree the median is exact.
 */
export function medianSteps(values: readonly Bounded[]): Bounded {
  if (values.length === 0) return { value: 0, bound: 'unknown' };
  if (values.some((v) => v.bound === 'upper' || v.bound === 'unknown')) throw new Error('medianSteps takes exact values and lower bounds only');
  const lo = plainMedian(values.map((v) => v.value));
  const hi = plainMedian(values.map((v) => (v.bound === 'lower' ? Number.POSITIVE_INFINITY : v.value)));
  return { value: lo, bound: hi === lo ? 'exact' : 'lower' };
}

/** a / b for steps that may be lower bounds: exact/exact exact, lower/exact lower, exact/lower upper, lower/lower unknown. */
export function stepsRatio(a: Bounded, b: Bounded): Bounded {
  if (a.bound === 'unknown' || b.bound === 'unknown' || a.bound === 'upper' || b.bound === 'upper') return { value: Number.NaN, bound: 'unknown' };
  if (a.bound === 'lower' && b.bound === 'lower') return { value: Number.NaN, bound: 'unknown' };
  if (b.value <= 0) return { value: Number.NaN, bound: 'unknown' };
  const value = a.value / b.value;
  if (a.bound === 'lower') return { value, bound: 'lower' };
  if (b.bound === 'lower') return { value, bound: 'upper' };
  return { value, bound: 'exact' };
}

/** Mean and sample standard deviation (n − 1; 0 for a single value). */
export function meanStd(xs: readonly number[]): { mean: number; std: number } {
  if (xs.length === 0) return { mean: Number.NaN, std: Number.NaN };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  if (xs.length === 1) return { mean, std: 0 };
  const v = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (xs.length - 1);
  return { mean, std: Math.sqrt(v) };
}

/** A curve averaged over seeds: x, mean, min, max at each x. */
export interface MeanCurve {
  x: number[];
  mean: number[];
  min: number[];
  max: number[];
  /** Seeds averaged (those whose curve covers x). */
  seeds: number;
}

function interpolate(xs: readonly number[], ys: readonly number[], x: number): number {
  if (x <= xs[0]) return ys[0];
  for (let i = 1; i < xs.length; i++) {
    if (x === xs[i]) return ys[i];
    if (x < xs[i]) {
      const t = (x - xs[i - 1]) / (xs[i] - xs[i - 1]);
      return ys[i - 1] + t * (ys[i] - ys[i - 1]);
    }
  }
  return ys[ys.length - 1];
}

/**
 * Mean and min–max over seeds of `y(env_steps)`. When every seed logged the same env steps
 * (iteration-based methods), the values are averaged point by point; otherwise each seed is
 * interpolated linearly onto the union of their env steps within the range all seeds cover.
 * Non-finite values are dropped per seed.
 */
export function meanCurve(runs: readonly (readonly CurvePoint[])[], field: 'mean_final_distance' | 'mean_cost'): MeanCurve {
  const curves = runs
    .map((h) => h.filter((m) => Number.isFinite(m.env_steps) && Number.isFinite(m[field])).map((m) => [m.env_steps, m[field]] as const).sort((a, b) => a[0] - b[0]))
    .filter((c) => c.length > 0);
  const empty: MeanCurve = { x: [], mean: [], min: [], max: [], seeds: 0 };
  if (curves.length === 0) return empty;
  const key = (c: readonly (readonly [number, number])[]) => c.map((p) => p[0]).join(',');
  let grid: number[];
  if (curves.every((c) => key(c) === key(curves[0]))) {
    grid = curves[0].map((p) => p[0]);
  } else {
    const lo = Math.max(...curves.map((c) => c[0][0]));
    const hi = Math.min(...curves.map((c) => c[c.length - 1][0]));
    if (lo > hi) return empty;
    grid = [...new Set(curves.flatMap((c) => c.map((p) => p[0])))].filter((x) => x >= lo && x <= hi).sort((a, b) => a - b);
  }
  const out: MeanCurve = { x: grid, mean: [], min: [], max: [], seeds: curves.length };
  for (const x of grid) {
    const ys = curves.map((c) => interpolate(c.map((p) => p[0]), c.map((p) => p[1]), x));
    out.mean.push(ys.reduce((a, b) => a + b, 0) / ys.length);
    out.min.push(Math.min(...ys));
    out.max.push(Math.max(...ys));
  }
  return out;
}

/** "1,500", "> 1,500", "< 3.2" — a bounded number for tables. */
export function formatBounded(b: Bounded, fmt: (v: number) => string = (v) => Math.round(v).toLocaleString('en-US')): string {
  switch (b.bound) {
    case 'exact':
      return fmt(b.value);
    case 'lower':
      return `> ${fmt(b.value)}`;
    case 'upper':
      return `< ${fmt(b.value)}`;
    default:
      return 'n/a';
  }
}
