/**
 * Local second-order expansion of a smoothed norm cost, as guided policy search does for
 * non-quadratic costs. The reacher's cost ‖d‖ (d = fingertip − target, a linear function of
 * the state) is a cone: a global quadratic fit pulls too weakly near the target. Instead,
 * around each sample d̄ of the current rollouts,
 *
 *   f(d) = sqrt(‖d‖² + α²),   g = d̄ / f(d̄),   H = (I − g gᵀ) / f(d̄)
 *   f(d) ≈ f(d̄) + gᵀ(d − d̄) + ½ (d − d̄)ᵀ H (d − d̄)
 *        = ½ dᵀ H d + (g − H d̄)ᵀ d + (f(d̄) − gᵀ d̄ + ½ d̄ᵀ H d̄),
 *
 * and the per-time-step cost is the average of these quadratics over the N rollouts (H is
 * PSD, so the result is convex). α > 0 smooths the apex (H ≤ I/α).
 */
import type { QuadraticCost, TrajectoryBatch } from './types.js';

export interface NormExpansionOptions {
  /**
   * d_a = x[indices[a]] − x[minus[a]] − offset[a] (e.g. indices [8, 9] alone for the reacher's
   * fingertip − target; [0, 1] minus [2, 3] for nav2d; [0, 1] with offset = goal for the car).
   */
  readonly indices: readonly number[];
  readonly minus?: readonly number[];
  readonly offset?: readonly number[];
  /** Multiplies the norm (default 1). */
  readonly weight?: number;
  /** Smoothing α of sqrt(‖d‖² + α²) (default 0.01). */
  readonly alpha?: number;
  /** Extra multiplier of the terminal term t = T (default 1). */
  readonly terminalWeight?: number;
}

/**
 * Adds weight · (expansion of f at time t) to the x-block of cost ℓ_t, t = 0..T, expanding
 * around every rollout's x_t in `batch` (batch.T must equal cost.T). Returns `cost`.
 */
export function addNormExpansion(cost: QuadraticCost, batch: TrajectoryBatch, opts: NormExpansionOptions): QuadraticCost {
  const { T, dx, du } = cost;
  if (batch.T !== T || batch.dx !== dx) throw new Error(`addNormExpansion: batch (T=${batch.T}, dx=${batch.dx}) vs cost (T=${T}, dx=${dx})`);
  const idx = opts.indices;
  const m = idx.length;
  const minus = opts.minus;
  const offset = opts.offset;
  if ((minus && minus.length !== m) || (offset && offset.length !== m)) throw new Error('addNormExpansion: indices, minus and offset differ in length');
  for (const i of [...idx, ...(minus ?? [])]) if (!(i >= 0 && i < dx)) throw new Error(`addNormExpansion: index ${i} outside the state (dx=${dx})`);
  // d = S x − offset with S the signed selection; the expansion in d maps to x by
  // C_x += Sᵀ H S, c_x += Sᵀ (g − H d̄), constants unchanged (d̄ includes the offset).
  const sel = (a: number): [number, number][] => (minus ? [[idx[a], 1], [minus[a], -1]] : [[idx[a], 1]]);
  const alpha = opts.alpha ?? 0.01;
  if (!(alpha > 0)) throw new Error(`addNormExpansion: alpha must be > 0, got ${alpha}`);
  const dz = dx + du;
  const N = batch.N;
  const d = new Float64Array(m);
  const g = new Float64Array(m);
  const Hd = new Float64Array(m);
  for (let t = 0; t <= T; t++) {
    const wt = ((opts.weight ?? 1) * (t === T ? opts.terminalWeight ?? 1 : 1)) / N;
    const Co = t * dz * dz;
    for (let n = 0; n < N; n++) {
      const xo = (n * (T + 1) + t) * dx;
      let r2 = alpha * alpha;
      for (let a = 0; a < m; a++) {
        d[a] = batch.X[xo + idx[a]] - (minus ? batch.X[xo + minus[a]] : 0) - (offset ? offset[a] : 0);
        r2 += d[a] * d[a];
      }
      const f = Math.sqrt(r2);
      for (let a = 0; a < m; a++) g[a] = d[a] / f;
      let gd = 0;
      for (let a = 0; a < m; a++) gd += g[a] * d[a];
      // H d̄ = (d̄ − g (gᵀ d̄)) / f
      let dHd = 0;
      for (let a = 0; a < m; a++) {
        Hd[a] = (d[a] - g[a] * gd) / f;
        dHd += d[a] * Hd[a];
      }
      // In d: ½ dᵀ H d + (g − H d̄)ᵀ d + const, with d = S x − offset:
      //   ½ xᵀ Sᵀ H S x + (Sᵀ (g − H d̄) − Sᵀ H offset)ᵀ x + const + ½ offᵀ H off − (g − H d̄)ᵀ off.
      let constOff = 0;
      for (let a = 0; a < m; a++) {
        const oa = offset ? offset[a] : 0;
        let Hoa = 0;
        for (let b = 0; b < m; b++) {
          const H = ((a === b ? 1 : 0) - g[a] * g[b]) / f;
          const ob = offset ? offset[b] : 0;
          Hoa += H * ob;
          constOff += 0.5 * oa * H * ob;
          for (const [i, si] of sel(a)) for (const [j, sj] of sel(b)) cost.C[Co + i * dz + j] += wt * si * sj * H;
        }
        const lin = g[a] - Hd[a] - Hoa;
        for (const [i, si] of sel(a)) cost.c[t * dz + i] += wt * si * lin;
        constOff -= (g[a] - Hd[a]) * oa;
      }
      cost.c0[t] += wt * (f - gd + 0.5 * dHd + constOff);
    }
  }
  return cost;
}
