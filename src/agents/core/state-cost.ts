/**
 * The state cost both ablations fit on encoder means, exactly as SOLAR does on its smoothed
 * means (latent-cost.ts):
 * - dense tasks: ℓ(x) = ½xᵀCx + cᵀx + c0 by ridge regression of c_t − w‖u_t‖² on the means;
 * - sparse tasks: ℓ(x) = −g(x) of the logistic success model p(success | x) = σ(g(x)),
 *   g quadratic, labels 1 − c_t for x_t (t < T) and the episode's final success for x_T;
 *   no success seen yet: ℓ = 0 (only the action cost remains).
 */
import type { StateQuadratic, TrajectoryBatch } from '../../control/index.js';
import { fitDenseLatentCost } from './latent-cost.js';
import { sparseStateCost } from './success-memory.js';

export interface StateCostFit {
  readonly q: StateQuadratic;
  /** Sparse tasks: how many labelled states were successes. */
  readonly successLabels?: number;
}

export function fitStateCost(
  kind: 'dense' | 'sparse', batch: TrajectoryBatch, finalSuccess: ArrayLike<boolean>, opts: { actionWeight: number; costRidge: number; successRidge: number; convex?: boolean },
): StateCostFit {
  if (kind === 'dense') return { q: fitDenseLatentCost(batch, opts.actionWeight, opts.costRidge, opts.convex) };
  return sparseStateCost(batch, finalSuccess, opts.successRidge);
}
