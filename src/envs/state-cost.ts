/**
 * The state part of an observed cost: c_t − w‖clip(u_t)‖², with w = `spec.cost.actionWeight`
 * and the action clipped to the task's bounds as `step` clips it before costing it. The action
 * cost is known, so a model of c(x_t) (the cost head) should not have to explain it: with random
 * actions u ~ N(0, 0.5²) it is noise of std ≈ 0.5 per step, more than the reacher's whole
 * 10‖d‖² range.
 */
import type { EnvSpec } from './types.js';

export function stateCostFn(spec: EnvSpec): (cost: number, u: ArrayLike<number>) => number {
  const w = spec.cost.actionWeight;
  const { low, high } = spec.action;
  return (cost, u) => {
    let uu = 0;
    for (let i = 0; i < u.length; i++) {
      const v = Math.min(high[i], Math.max(low[i], u[i]));
      uu += v * v;
    }
    return cost - w * uu;
  };
}
