/**
 * Step-size adaptation of guided policy search: compare the improvement the model
 * predicted for the last update with the one measured after running it.
 *
 *   predicted = J(p_{i−1}; model_{i−1}) − J(p_i; model_{i−1})
 *   actual    = J(p_{i−1}; model_{i−1}) − J(p_i; model_i)
 *   mult     ← clip(predicted / (2 max(1e-4, predicted − actual)), 0.1, 5) · mult,
 *              then kept within [minMult, maxMult] = [0.1, 10].
 *
 * When the model's prediction came true (actual ≈ predicted), the step grows (up to 5×);
 * when the new policy did worse than predicted, it shrinks.
 */
export interface StepAdjustment {
  readonly stepMult: number;
  readonly predicted: number;
  readonly actual: number;
  readonly factor: number;
}

export function adaptStepMult(
  stepMult: number,
  previousCost: number,
  predictedCost: number,
  actualCost: number,
  minMult = 0.1,
  maxMult = 10,
): StepAdjustment {
  const predicted = previousCost - predictedCost;
  const actual = previousCost - actualCost;
  let factor = predicted / (2 * Math.max(1e-4, predicted - actual));
  if (!Number.isFinite(factor)) factor = 1;
  factor = Math.min(5, Math.max(0.1, factor));
  const next = Math.min(maxMult, Math.max(minMult, factor * stepMult));
  return { stepMult: next, predicted, actual, factor };
}
