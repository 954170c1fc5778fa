/**
 * Guided policy search's DynamicsPriorGMM: a Gaussian mixture over y = (x_t, u_t, x_{t+1})
 * fitted on all transitions given. For time step t, the clusters are weighted by the mean
 * responsibility of that step's data, w_k ∝ Σ_n r_nk, and the mixture is moment-matched:
 *
 *   μ0 = Σ_k w_k μ_k,   Σ0 = Σ_k w_k (Σ_k + (μ_k − μ0)(μ_k − μ0)ᵀ),
 *
 * which enters the regression as `strength` virtual transitions from N(μ0, Σ0) (as in
 * dynamics_prior.ts). Unlike the single Gaussian, the prior follows the local regime of the
 * system at t. K = clamp(floor(points / minSamplesPerCluster), 1, maxClusters).
 */
import type { TrajectoryBatch } from './types.js';
import type { DynamicsPrior } from './dynamics.js';
import { emptyStats, type RegressionStats } from './regression.js';
import { fitGaussianMixture, responsibilities, type GaussianMixture } from './gmm.js';

export interface GmmPriorOptions {
  readonly strength?: number; // 1
  readonly maxClusters?: number; // 20
  readonly minSamplesPerCluster?: number; // 40
  readonly ridge?: number; // 1e-6
  readonly seed?: number;
  readonly maxIters?: number; // 20 (the mean log-likelihood has converged to ~1e-3 of its range by then)
}

/** Rows (x_t, u_t, x_{t+1}) of every transition of the batches. */
export function transitionPoints(batches: readonly TrajectoryBatch[]): { Y: Float64Array; M: number; D: number } {
  const { dx, du } = batches[0];
  const D = 2 * dx + du;
  const M = batches.reduce((s, b) => s + b.N * b.T, 0);
  const Y = new Float64Array(M * D);
  let m = 0;
  for (const b of batches) {
    if (b.dx !== dx || b.du !== du) throw new Error('transitionPoints: batches of different dimensions');
    for (let n = 0; n < b.N; n++) {
      for (let t = 0; t < b.T; t++, m++) {
        const xo = (n * (b.T + 1) + t) * dx;
        Y.set(b.X.subarray(xo, xo + dx), m * D);
        Y.set(b.U.subarray((n * b.T + t) * du, (n * b.T + t + 1) * du), m * D + dx);
        Y.set(b.X.subarray(xo + dx, xo + 2 * dx), m * D + dx + du);
      }
    }
  }
  return { Y, M, D };
}

/** Rows (x_t, u_t, x_{t+1}) of the batch's transitions at step t. */
export function transitionPointsAt(b: TrajectoryBatch, t: number): Float64Array {
  const { dx, du, N, T } = b;
  const D = 2 * dx + du;
  const Y = new Float64Array(N * D);
  for (let n = 0; n < N; n++) {
    const xo = (n * (T + 1) + t) * dx;
    Y.set(b.X.subarray(xo, xo + dx), n * D);
    Y.set(b.U.subarray((n * T + t) * du, (n * T + t + 1) * du), n * D + dx);
    Y.set(b.X.subarray(xo + dx, xo + 2 * dx), n * D + dx + du);
  }
  return Y;
}

/** Regression pseudo-statistics of `strength` points from N(μ, Σ) over (z, y), z = (x, u). */
export function gaussianPseudoStats(mu: Float64Array, Sigma: Float64Array, dx: number, du: number, strength: number): RegressionStats {
  const dz = dx + du;
  const p = dz + 1;
  const D = dz + dx;
  const s = emptyStats(dx, p);
  // Second moments E[v wᵀ] = Σ_vw + μ_v μ_wᵀ; the constant input 1 contributes the means.
  const mom = (i: number, j: number): number => Sigma[i * D + j] + mu[i] * mu[j];
  for (let i = 0; i < dz; i++) {
    for (let j = 0; j < dz; j++) s.Szz[i * p + j] = strength * mom(i, j);
    s.Szz[i * p + dz] = s.Szz[dz * p + i] = strength * mu[i];
  }
  s.Szz[dz * p + dz] = strength;
  for (let a = 0; a < dx; a++) {
    for (let j = 0; j < dz; j++) s.Syz[a * p + j] = strength * mom(dz + a, j);
    s.Syz[a * p + dz] = strength * mu[dz + a];
    for (let b = 0; b < dx; b++) s.Syy[a * dx + b] = strength * mom(dz + a, dz + b);
  }
  s.n = strength;
  return s;
}

export function fitGmmDynamicsPrior(batches: readonly TrajectoryBatch[], opts: GmmPriorOptions = {}): DynamicsPrior & { readonly gmm: GaussianMixture } {
  if (batches.length === 0) throw new Error('fitGmmDynamicsPrior: no data');
  const { dx, du } = batches[0];
  const { Y, M, D } = transitionPoints(batches);
  const K = Math.max(1, Math.min(opts.maxClusters ?? 20, Math.floor(M / (opts.minSamplesPerCluster ?? 40))));
  const gmm = fitGaussianMixture(Y, M, D, { K, ridge: opts.ridge ?? 1e-6, seed: opts.seed ?? 0, maxIters: opts.maxIters ?? 20 });
  const strength = opts.strength ?? 1;
  const row = new Float64Array(D);
  return {
    name: 'gmm',
    gmm,
    at(t: number, data: RegressionStats, batch?: TrajectoryBatch): RegressionStats {
      // Cluster weights: the mean responsibility of the step's transitions (GPS), or, when
      // only statistics are available, the responsibility of their mean.
      const dz = dx + du;
      let R: Float64Array;
      if (batch) {
        const pts = transitionPointsAt(batch, t);
        const r = responsibilities(gmm, pts, batch.N).R;
        R = new Float64Array(gmm.K);
        for (let m = 0; m < batch.N; m++) for (let k = 0; k < gmm.K; k++) R[k] += r[m * gmm.K + k] / batch.N;
      } else {
        const p = dz + 1;
        for (let i = 0; i < dz; i++) row[i] = data.Szz[i * p + dz] / data.n;
        for (let a = 0; a < dx; a++) row[dz + a] = data.Syz[a * p + dz] / data.n;
        R = responsibilities(gmm, row, 1).R;
      }
      const mu = new Float64Array(D);
      for (let k = 0; k < gmm.K; k++) for (let i = 0; i < D; i++) mu[i] += R[k] * gmm.means[k * D + i];
      const Sigma = new Float64Array(D * D);
      for (let k = 0; k < gmm.K; k++) {
        const w = R[k];
        if (w < 1e-12) continue;
        for (let i = 0; i < D; i++) {
          const di = gmm.means[k * D + i] - mu[i];
          for (let j = 0; j < D; j++) Sigma[i * D + j] += w * (gmm.covs[(k * D + i) * D + j] + di * (gmm.means[k * D + j] - mu[j]));
        }
      }
      return gaussianPseudoStats(mu, Sigma, dx, du, strength);
    },
  };
}
