/**
 * Local time-varying linear-Gaussian dynamics fitted per time step from N rollouts:
 *   x_{t+1} = A_t x_t + B_t u_t + a_t + w,  w ~ N(0, W_t),
 * by conjugate Bayesian linear regression of x_{t+1} on z̃ = [x_t; u_t; 1] (see
 * regression.ts). The prior is pluggable: it supplies pseudo-statistics per time step
 * (SOLAR's learned global dynamics, or a Gaussian prior fitted on all transitions).
 */
import type { LinearDynamics, TrajectoryBatch } from './types.js';
import { checkTrajectoryBatch } from './batch.js';
import { accumulate, addStats, emptyStats, finishStats, solveRegression, type RegressionStats } from './regression.js';

/** A conjugate prior for the regression of x_{t+1} on [x_t; u_t; 1]. */
export interface DynamicsPrior {
  readonly name: string;
  /**
   * Pseudo-statistics (dy = dx, p = dx+du+1) for time step t. `data` are the statistics of
   * the rollouts at t and `batch` the rollouts themselves (a mixture prior weights its
   * components by the responsibilities of the step's transitions).
   */
  at(t: number, data: RegressionStats, batch?: TrajectoryBatch): RegressionStats;
}

export interface FitDynamicsOptions {
  readonly prior?: DynamicsPrior;
  /** Weight of each rollout's statistics relative to the prior (SOLAR's λ); default 1. */
  readonly dataWeight?: number;
  /** Floor on the initial-state variances (default 1e-6). */
  readonly minInitVariance?: number;
}

/** Per-time-step statistics of the transitions (x_t, u_t) → x_{t+1} of a batch. */
export function transitionStats(batch: TrajectoryBatch, t: number, out?: RegressionStats): RegressionStats {
  const { N, T, dx, du, X, U } = batch;
  const p = dx + du + 1;
  const s = out ?? emptyStats(dx, p);
  const z = new Float64Array(dx + du);
  for (let n = 0; n < N; n++) {
    const xo = (n * (T + 1) + t) * dx;
    for (let i = 0; i < dx; i++) z[i] = X[xo + i];
    for (let i = 0; i < du; i++) z[dx + i] = U[(n * T + t) * du + i];
    accumulate(s, z, 0, X, xo + dx);
  }
  return finishStats(s);
}

/** Mean and covariance (1/N, diagonal floored at minVar) of the initial states x_0. */
export function fitInitialState(batch: TrajectoryBatch, minVar = 1e-6): { mu0: Float64Array; Sigma0: Float64Array } {
  const { N, T, dx, X } = batch;
  const mu0 = new Float64Array(dx);
  const Sigma0 = new Float64Array(dx * dx);
  for (let n = 0; n < N; n++) for (let i = 0; i < dx; i++) mu0[i] += X[n * (T + 1) * dx + i] / N;
  for (let n = 0; n < N; n++) {
    const o = n * (T + 1) * dx;
    for (let i = 0; i < dx; i++) {
      const di = X[o + i] - mu0[i];
      for (let j = 0; j < dx; j++) Sigma0[i * dx + j] += (di * (X[o + j] - mu0[j])) / N;
    }
  }
  for (let i = 0; i < dx; i++) if (Sigma0[i * dx + i] < minVar) Sigma0[i * dx + i] = minVar;
  return { mu0, Sigma0 };
}

/**
 * Fits [A_t B_t], a_t and W_t for t = 0..T−1, and the initial-state Gaussian. Throws on bad
 * data (via checkTrajectoryBatch) and on a singular regression (too few rollouts and no
 * prior), naming the time step.
 */
export function fitLocalDynamics(batch: TrajectoryBatch, opts: FitDynamicsOptions = {}): LinearDynamics {
  checkTrajectoryBatch(batch, 'fitLocalDynamics');
  const { T, dx, du, N } = batch;
  const dz = dx + du;
  const p = dz + 1;
  const F = new Float64Array(T * dx * dz);
  const f = new Float64Array(T * dx);
  const W = new Float64Array(T * dx * dx);
  const data = emptyStats(dx, p);
  const post = emptyStats(dx, p);
  const work = new Float64Array(p * p);
  const w = opts.dataWeight ?? 1;
  for (let t = 0; t < T; t++) {
    data.Szz.fill(0);
    data.Syz.fill(0);
    data.Syy.fill(0);
    data.n = 0;
    transitionStats(batch, t, data);
    post.Szz.fill(0);
    post.Syz.fill(0);
    post.Syy.fill(0);
    post.n = 0;
    if (opts.prior) addStats(post, opts.prior.at(t, data, batch));
    addStats(post, data, w);
    const advice = opts.prior ? '' : ` from ${N} rollouts without a prior; use more rollouts or a dynamics prior`;
    const { M, noise } = solveRegression(post, `fitLocalDynamics: t=${t}${advice}`, 1e-10, work);
    for (let i = 0; i < dx; i++) {
      for (let j = 0; j < dz; j++) F[(t * dx + i) * dz + j] = M[i * p + j];
      f[t * dx + i] = M[i * p + dz];
    }
    W.set(noise, t * dx * dx);
  }
  const { mu0, Sigma0 } = fitInitialState(batch, opts.minInitVariance ?? 1e-6);
  return { T, dx, du, F, f, W, mu0, Sigma0 };
}
