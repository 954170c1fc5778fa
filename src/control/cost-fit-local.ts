/**
 * Time-local quadratic state costs fitted in a local chart of the data:
 *   for each t = 0..T, the samples S_t = { x^n_s : |s − t'| ≤ window }, t' = min(t, T − 1)
 *   (costs exist for s < T only), their mean μ_t and the top-k eigenvectors P_t (dx × k) of
 *   their covariance give chart coordinates z = P_tᵀ(x − μ_t); a quadratic
 *   ½zᵀHz + hᵀz + b is fitted there by ridge regression of c_s − w‖u_s‖² (optionally convex:
 *   H projected onto the PSD cone, h, b refitted), and mapped back to
 *   ℓ_t(x) = ½xᵀC_t x + c_tᵀx + c0_t,  C_t = P H Pᵀ,  c_t = P h − C_t μ_t,
 *   c0_t = b − hᵀPᵀμ_t + ½μ_tᵀC_t μ_t.
 *
 * Why: rollouts lie on a curved low-dimensional manifold of the state (or latent) space, and a
 * quadratic in all dx coordinates fitted on it is not identified — any quadratic vanishing on
 * the manifold can be added. On the reacher's true state (cos q, sin q, target, q̇, d),
 * ‖d‖² equals a *linear* function of the state on the manifold (‖tip‖² = l0² + l1² + 2 l0 l1 cos q1),
 * and the regression prefers it: LQR then follows a fixed gradient past the target (measured,
 * README). Over a short window the rollouts stay close to a k-dimensional affine patch, where
 * the quadratic is identified, and LQR's local time-varying dynamics live in the same patch.
 * k should be the intrinsic dimension of the task's state (the reacher: 4, q and q̇).
 */
import { symmetricEigen } from '../linalg/index.js';
import { checkTrajectoryBatch } from './batch.js';
import type { StateQuadratic } from './cost.js';
import { fitQuadraticRows, stateCostTargets } from './cost-fit.js';
import type { TrajectoryBatch } from './types.js';

export interface LocalCostOptions {
  /** Half-width of the time window (0: one step). */
  readonly window: number;
  /** Chart dimension k ≤ dx. */
  readonly dim: number;
  readonly ridge: number;
  readonly convex: boolean;
}

/** ℓ_t for t = 0..T (the last for the terminal state), fitted as described above. */
export function fitLocalChartCosts(batch: TrajectoryBatch, actionWeight: number, opts: LocalCostOptions): StateQuadratic[] {
  checkTrajectoryBatch(batch, 'fitLocalChartCosts');
  const { N, T, dx, X } = batch;
  const k = opts.dim;
  if (!Number.isInteger(k) || k < 1 || k > dx) throw new Error(`fitLocalChartCosts: chart dimension ${k} must be an integer in [1, dx = ${dx}]`);
  if (!Number.isInteger(opts.window) || opts.window < 0) throw new Error(`fitLocalChartCosts: window ${opts.window} must be a non-negative integer`);
  const ys = stateCostTargets(batch, actionWeight);
  const out: StateQuadratic[] = [];
  for (let t = 0; t < T; t++) {
    const lo = Math.max(0, t - opts.window), hi = Math.min(T - 1, t + opts.window);
    const M = N * (hi - lo + 1);
    const rows = new Float64Array(M * dx), y = new Float64Array(M);
    let m = 0;
    for (let n = 0; n < N; n++) {
      for (let s = lo; s <= hi; s++, m++) {
        rows.set(X.subarray((n * (T + 1) + s) * dx, (n * (T + 1) + s + 1) * dx), m * dx);
        y[m] = ys[n * T + s];
      }
    }
    const { mu, P } = chart(rows, M, dx, k);
    const Z = new Float64Array(M * k);
    for (let r = 0; r < M; r++) {
      for (let a = 0; a < k; a++) {
        let v = 0;
        for (let i = 0; i < dx; i++) v += P[i * k + a] * (rows[r * dx + i] - mu[i]);
        Z[r * k + a] = v;
      }
    }
    const q = fitQuadraticRows(Z, y, k, opts.ridge, opts.convex, `fitLocalChartCosts (t = ${t}, steps ${lo}..${hi})`);
    out.push(fromChart(q, mu, P, dx, k));
  }
  out.push(out[T - 1]); // x_T has no cost of its own: the terminal ℓ_T is ℓ_{T−1}'s (same window)
  return out;
}

/** Mean and top-k principal directions (columns of P, dx × k) of M rows. */
function chart(rows: Float64Array, M: number, dx: number, k: number): { mu: Float64Array; P: Float64Array } {
  const mu = new Float64Array(dx);
  for (let r = 0; r < M; r++) for (let i = 0; i < dx; i++) mu[i] += rows[r * dx + i] / M;
  const S = new Float64Array(dx * dx);
  for (let r = 0; r < M; r++) {
    for (let i = 0; i < dx; i++) {
      const di = rows[r * dx + i] - mu[i];
      for (let j = 0; j <= i; j++) S[i * dx + j] += (di * (rows[r * dx + j] - mu[j])) / M;
    }
  }
  for (let i = 0; i < dx; i++) for (let j = 0; j < i; j++) S[j * dx + i] = S[i * dx + j];
  const { vectors } = symmetricEigen(S, dx); // eigenvalues ascending: the last k columns
  const P = new Float64Array(dx * k);
  for (let a = 0; a < k; a++) for (let i = 0; i < dx; i++) P[i * k + a] = vectors[i * dx + (dx - 1 - a)];
  return { mu, P };
}

/** ½zᵀHz + hᵀz + b with z = Pᵀ(x − μ), as ½xᵀCx + cᵀx + c0. */
function fromChart(q: StateQuadratic, mu: Float64Array, P: Float64Array, dx: number, k: number): StateQuadratic {
  const HPt = new Float64Array(k * dx); // H Pᵀ
  for (let a = 0; a < k; a++) for (let j = 0; j < dx; j++) { let v = 0; for (let b = 0; b < k; b++) v += q.Cx[a * k + b] * P[j * k + b]; HPt[a * dx + j] = v; }
  const Cx = new Float64Array(dx * dx);
  for (let i = 0; i < dx; i++) for (let j = 0; j < dx; j++) { let v = 0; for (let a = 0; a < k; a++) v += P[i * k + a] * HPt[a * dx + j]; Cx[i * dx + j] = v; }
  for (let i = 0; i < dx; i++) for (let j = 0; j < i; j++) Cx[i * dx + j] = Cx[j * dx + i] = 0.5 * (Cx[i * dx + j] + Cx[j * dx + i]);
  const Ph = new Float64Array(dx);
  for (let i = 0; i < dx; i++) for (let a = 0; a < k; a++) Ph[i] += P[i * k + a] * q.cx[a];
  const cx = new Float64Array(dx);
  let c0 = q.c0;
  for (let i = 0; i < dx; i++) {
    let Cmu = 0;
    for (let j = 0; j < dx; j++) Cmu += Cx[i * dx + j] * mu[j];
    cx[i] = Ph[i] - Cmu;
    c0 += -Ph[i] * mu[i] + 0.5 * mu[i] * Cmu;
  }
  return { Cx, cx, c0 };
}
