/**
 * The task interface every method uses, simulated or real (dm_env-like, typed).
 *
 * Conventions, one for the whole project:
 * - **cost, lower is better.** `step(u_t)` returns c_t = ℓ(s_t, u_t): the cost of the state the
 *   action was taken in plus the action's cost, so that (o_t, u_t, c_t) line up for the
 *   cost model c_t | x_t of the method. The action part is `spec.cost.actionWeight · ‖u‖²`
 *   (known to the agent, which subtracts it before fitting a state cost).
 * - `info.distance` and `info.success` describe the state *after* the step (s_{t+1}), so
 *   the last step's info is the episode's final distance.
 * - Actions outside `spec.action.low..high` are clipped per component (documented, not an
 *   error); an action of the wrong length, or with NaN/Inf, is an error naming the index.
 * - `reset(seed)` fixes all randomness of the episode: the same seed gives bit-identical
 *   observations, states and costs.
 * - `step` may return a promise (a real robot behind a network connection); callers await it.
 */

export interface BoxSpec {
  /** Number of components. */
  readonly dim: number;
  readonly low: Float64Array;
  readonly high: Float64Array;
}

export interface ImageSpec {
  /** Height, width, channels; observations are H×W×C row-major Float32Array in [0, 1]. */
  readonly shape: readonly [number, number, number];
}

export interface CostSpec {
  /** `dense`: a shaped cost; `sparse`: only success is signalled (c_t = 0 on success, else 1). */
  readonly kind: 'dense' | 'sparse';
  /** Human-readable formula, e.g. "‖s − g‖² + 1e-3‖u‖²". */
  readonly description: string;
  /** Weight w of the known action cost w‖u‖² included in every c_t (0 for sparse tasks). */
  readonly actionWeight: number;
}

export interface EnvSpec {
  readonly name: string;
  readonly observation: ImageSpec;
  /** Dimension of the true state vector (for evaluation and state-based baselines only). */
  readonly stateDim: number;
  /** A name per state component, e.g. ["x", "y", "goal_x", "goal_y"]. */
  readonly stateLabels: readonly string[];
  /** Named groups of state indices whose recoverability from latents is reported (R² per group). */
  readonly stateGroups: Readonly<Record<string, readonly number[]>>;
  readonly action: BoxSpec;
  /** Episode length T (number of actions). */
  readonly horizon: number;
  readonly cost: CostSpec;
  /** An episode succeeds when its final distance to the goal is at most this (task units). */
  readonly successDistance: number;
}

export interface StepInfo {
  /** Distance of the current state to the goal, in the task's own units. */
  readonly distance: number;
  /** distance ≤ spec.successDistance. */
  readonly success: boolean;
}

export interface TimeStep {
  /** The camera image, H×W×C in [0, 1]; empty when the env was made with `render: false`. */
  readonly observation: Float32Array;
  /** The true state (copy); for evaluation and state-based baselines, never for SOLAR's agent. */
  readonly state: Float64Array;
  /** c_t for the step that led here; 0 at reset. */
  readonly cost: number;
  /** True after the T-th step. */
  readonly done: boolean;
  readonly info: StepInfo;
}

export interface Env {
  readonly spec: EnvSpec;
  reset(seed: number): TimeStep | Promise<TimeStep>;
  step(action: ArrayLike<number>): TimeStep | Promise<TimeStep>;
  /** Releases native resources (MuJoCo model and data); the env cannot be used afterwards. */
  close(): void;
}
