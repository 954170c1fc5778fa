/**
 * The tasks' known state costs in their true-state coordinates, as quadratics (or a local
 * expansion for the reacher's cone). The distance vector d is linear in the state:
 *   nav2d   x = [x, y, goal_x, goal_y]:  d = (x, y) − (goal_x, goal_y)
 *   car     x = [x, y, θ, v, φ]:         d = (x, y) − goal (goal not in the state)
 *   reacher x = [..., d_x, d_y] (10-D):   d = x[8:10] (fingertip − target)
 * The action cost w_u‖u‖² comes from the env's spec (cost.actionWeight).
 */
import type { EnvSpec } from '../../envs/types.js';
import { addActionQuadratic, addNormExpansion, addStateQuadratic, zeroCost } from '../../control/index.js';
import type { QuadraticCost, TrajectoryBatch } from '../../control/index.js';
import type { LqrflmConfig } from './config.js';

interface TaskDistance {
  /** State indices p with d = x[p] − x[minus] − goal. */
  readonly plus: readonly number[];
  readonly minus?: readonly number[];
  readonly goal?: readonly number[];
  readonly weightSquared: number;
  readonly weightNorm: number;
}

const TASKS: Record<string, TaskDistance> = {
  nav2d: { plus: [0, 1], minus: [2, 3], weightSquared: 1, weightNorm: 1 },
  car: { plus: [0, 1], goal: [-2, 2], weightSquared: 1, weightNorm: 1 },
  reacher: { plus: [8, 9], weightSquared: 10, weightNorm: 1 },
};

export function knownCostTasks(): string[] {
  return Object.keys(TASKS);
}

function taskDistance(spec: EnvSpec): TaskDistance {
  const d = TASKS[spec.name];
  if (!d) throw new Error(`lqrflm: no known cost for task '${spec.name}' (known: ${knownCostTasks().join(', ')}); use cost: "fitted"`);
  return d;
}

/** R = 2 w_u I so that ½ uᵀ R u = w_u ‖u‖². */
export function actionCostMatrix(spec: EnvSpec): Float64Array {
  const du = spec.action.dim;
  const R = new Float64Array(du * du);
  for (let i = 0; i < du; i++) R[i * du + i] = 2 * spec.cost.actionWeight;
  return R;
}

/** w ‖D x − g‖² as (Cx, cx, c0) with D the signed selection of `plus`/`minus`. */
function squaredDistance(dx: number, d: TaskDistance, goal: readonly number[] | undefined, w: number) {
  const m = d.plus.length;
  const D = new Float64Array(m * dx);
  for (let a = 0; a < m; a++) {
    D[a * dx + d.plus[a]] += 1;
    if (d.minus) D[a * dx + d.minus[a]] -= 1;
  }
  const g = goal ?? new Array<number>(m).fill(0);
  // w ‖D x − g‖² = ½ xᵀ (2w DᵀD) x − 2w (Dᵀg)ᵀ x + w gᵀg
  const Cx = new Float64Array(dx * dx);
  const cx = new Float64Array(dx);
  for (let a = 0; a < m; a++) {
    for (let i = 0; i < dx; i++) {
      const Dai = D[a * dx + i];
      if (Dai === 0) continue;
      cx[i] -= 2 * w * Dai * g[a];
      for (let j = 0; j < dx; j++) Cx[i * dx + j] += 2 * w * Dai * D[a * dx + j];
    }
  }
  return { Cx, cx, c0: w * g.reduce((s, v) => s + v * v, 0) };
}

/**
 * The known cost for LQR-FLM: distance part (every t including the terminal, which is
 * scaled by terminal_weight) plus the env's action cost. For `distance_cost: "norm"` the
 * expansion is taken around the rollouts of `batch` (required then).
 */
export function knownTaskCost(spec: EnvSpec, config: LqrflmConfig, batch?: TrajectoryBatch): QuadraticCost {
  const T = spec.horizon;
  const dx = spec.stateDim;
  const du = spec.action.dim;
  const d = taskDistance(spec);
  const cost = zeroCost(T, dx, du);
  addActionQuadratic(cost, actionCostMatrix(spec));
  if (config.distance_cost === 'squared') {
    const w = config.distance_weight ?? d.weightSquared;
    const q = squaredDistance(dx, d, config.goal ?? d.goal, w);
    addStateQuadratic(cost, q, { to: T - 1 });
    if (config.terminal_weight > 0) addStateQuadratic(cost, q, { from: T, to: T, weight: config.terminal_weight });
    return cost;
  }
  if (!batch) throw new Error('lqrflm: distance_cost "norm" needs rollouts to expand around');
  const goal = config.goal ?? d.goal;
  return addNormExpansion(cost, batch, {
    indices: d.plus,
    minus: d.minus,
    offset: goal,
    weight: config.distance_weight ?? d.weightNorm,
    alpha: config.norm_alpha,
    terminalWeight: config.terminal_weight,
  });
}
