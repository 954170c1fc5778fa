/**
 * A single-Gaussian normal-inverse-Wishart prior over (x_t, u_t, x_{t+1}) fitted on all
 * transitions (all time steps, all rollouts given): guided policy search's DynamicsPriorGMM
 * with one cluster. Expressed as regression pseudo-statistics it is `strength` virtual
 * transitions drawn from the global Gaussian N(μ, Σ):
 *
 *   Szz = s (Σ_z̃z̃ + μ_z̃ μ_z̃ᵀ),  Syz = s (Σ_yz̃ + μ_y μ_z̃ᵀ),  Syy = s (Σ_yy + μ_y μ_yᵀ),  n = s
 *
 * so with few rollouts the local fit shrinks towards the global linear fit, and its noise
 * estimate towards the global residual covariance. (GPS's default strength is ~1 virtual
 * sample.) A multi-cluster GMM is not implemented.
 */
import type { TrajectoryBatch } from './types.js';
import type { DynamicsPrior } from './dynamics.js';
import { addStats, emptyStats, type RegressionStats } from './regression.js';
import { transitionStats } from './dynamics.js';

export interface GaussianPriorOptions {
  /** Number of virtual transitions the prior is worth at every time step (default 1). */
  readonly strength?: number;
  /** Added to the diagonal of the global covariance of (x, u) (default 1e-6). */
  readonly ridge?: number;
}

/** Fits the global Gaussian on every transition of `batches` (which must share dx, du). */
export function fitGaussianDynamicsPrior(batches: readonly TrajectoryBatch[], opts: GaussianPriorOptions = {}): DynamicsPrior {
  if (batches.length === 0) throw new Error('fitGaussianDynamicsPrior: no data');
  const { dx, du } = batches[0];
  const p = dx + du + 1;
  const total = emptyStats(dx, p);
  for (const b of batches) {
    if (b.dx !== dx || b.du !== du) throw new Error('fitGaussianDynamicsPrior: batches of different dimensions');
    for (let t = 0; t < b.T; t++) addStats(total, transitionStats(b, t));
  }
  const s = opts.strength ?? 1;
  const ridge = opts.ridge ?? 1e-6;
  if (!(s > 0)) throw new Error(`fitGaussianDynamicsPrior: strength must be > 0, got ${s}`);
  // Second moments about 0 of (z̃, y); the constant's row/column holds the means, and the
  // ridge regularises the covariance of z (not the moment of the constant).
  const prior = emptyStats(dx, p);
  const k = s / total.n;
  for (let i = 0; i < p * p; i++) prior.Szz[i] = k * total.Szz[i];
  for (let i = 0; i < dx * p; i++) prior.Syz[i] = k * total.Syz[i];
  for (let i = 0; i < dx * dx; i++) prior.Syy[i] = k * total.Syy[i];
  for (let i = 0; i < p - 1; i++) prior.Szz[i * p + i] += s * ridge;
  prior.n = s;
  return {
    name: 'gaussian',
    at(): RegressionStats {
      return prior;
    },
  };
}
