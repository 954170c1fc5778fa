/**
 * The state cost both ablations fit on encoder means, exactly as SOLAR does on its smoothed
 * means (src/agents/solar/latent-cost.ts):
 * - dense tasks: ℓ(x) = ½xᵀCx + cᵀx + c0 by ridge regression of c_t − w‖u_t‖² on the means;
 * - sparse tasks: ℓ(x) = −g(x) of the logistic success model p(success | x) = σ(g(x)),
 *   g quadratic, labels 1 − c_t for x_t (t < T) and the episode's final success for x_T;
 *   no success seen yet: ℓ = 0 (only the action cost remains).
 */
import type { StateQuadratic, TrajectoryBatch } from '../../control/index.js';
import { fitDenseLatentCost, fitSuccessModel } from '../solar/latent-cost.js';

export interface StateCostFit {
  readonly q: StateQuadratic;
  /** Sparse tasks: how many labelled states were successes. */
  readonly successLabels?: number;
}

export function fitStateCost(
  kind: 'dense' | 'sparse', batch: TrajectoryBatch, finalSuccess: ArrayLike<boolean>, opts: { actionWeight: number; costRidge: number; successRidge: number; convex?: boolean },
): StateCostFit {
  if (kind === 'dense') return { q: fitDenseLatentCost(batch, opts.actionWeight, opts.costRidge, opts.convex) };
  const { N, T, dx } = batch;
  if (finalSuccess.length !== N) throw new Error(`fitStateCost: ${finalSuccess.length} final success flags for ${N} episodes`);
  const y = new Float64Array(N * (T + 1));
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) y[n * (T + 1) + t] = batch.cost[n * T + t] === 0 ? 1 : 0;
    y[n * (T + 1) + T] = finalSuccess[n] ? 1 : 0;
  }
  const model = fitSuccessModel(batch.X, y, dx, opts.successRidge);
  const labels = y.reduce((a, b) => a + b, 0);
  return { q: model?.cost ?? { Cx: new Float64Array(dx * dx), cx: new Float64Array(dx), c0: 0 }, successLabels: labels };
}
