import { Rng } from '../random/rng.js';
import { Canvas, type View } from '../render/canvas.js';
import type { CostSpec, Env, EnvSpec, TimeStep } from './types.js';

/** What a simulated task supplies; `SimEnv` does the checking, clipping, costs and rendering. */
export interface SimTask {
  readonly name: string;
  readonly stateLabels: readonly string[];
  readonly stateGroups: Record<string, readonly number[]>;
  readonly actionLow: readonly number[];
  readonly actionHigh: readonly number[];
  readonly view: View;
  /** State part of the dense cost and its formula (the action part is `actionWeight·‖u‖²`). */
  readonly denseCost: { description: string; actionWeight: number };
  /** Draws a fresh start state (and goal) from `rng`. */
  reset(rng: Rng): void;
  /** Advances the true state by one step under an already clipped, validated action. */
  advance(u: Float64Array): void;
  /** The dense state cost ℓ_x(s) of the current state. */
  stateCost(): number;
  /** Distance of the current state to the goal, in task units. */
  distance(): number;
  /** Writes the true state vector (length = stateLabels.length). */
  state(out: Float64Array): void;
  /** Draws the current state (over the background, if any). */
  draw(canvas: Canvas): void;
  /**
   * Draws what never moves (a table, a fixed block): drawn once per env on a cleared canvas
   * and copied under every frame, since a full-frame shape costs as much as the rest of a step.
   */
  drawBackground?(canvas: Canvas): void;
}

export interface SimOptions {
  image_size: number;
  channels: number;
  render: boolean;
  horizon: number;
  success_distance: number;
  /** Sparse variant: c_t = 0 when s_t is within success_distance of the goal, else 1. */
  sparse?: boolean;
}

/** Rejects NaN/Inf and wrong lengths (naming the index), clips to bounds (documented behaviour). */
export function checkAndClipAction(action: ArrayLike<number>, low: ArrayLike<number>, high: ArrayLike<number>, out: Float64Array, envName: string): Float64Array {
  if (action == null || typeof action.length !== 'number') throw new TypeError(`${envName}: action must be an array of ${low.length} numbers`);
  if (action.length !== low.length) throw new RangeError(`${envName}: action has length ${action.length}, expected ${low.length}`);
  for (let i = 0; i < low.length; i++) {
    const a = action[i];
    if (typeof a !== 'number' || !Number.isFinite(a)) throw new RangeError(`${envName}: action[${i}] is ${typeof a === 'number' ? a : `${JSON.stringify(a) ?? String(a)} (a ${typeof a})`}; actions must be finite numbers`);
    out[i] = a < low[i] ? low[i] : a > high[i] ? high[i] : a;
  }
  return out;
}

/**
 * A deterministic simulated task seen through a top-down camera. Out-of-bound actions are
 * clipped per component to [low, high]; the cost of a step uses the clipped action.
 */
export class SimEnv implements Env {
  readonly spec: EnvSpec;
  private readonly u: Float64Array;
  private readonly canvas: Canvas | null;
  /** The task's background, rendered once (null: frames start from a cleared canvas). */
  private readonly background: Float32Array | null = null;
  private t = -1;
  private closed = false;

  constructor(
    private readonly task: SimTask,
    private readonly opts: SimOptions,
    private readonly onClose: () => void = () => {},
  ) {
    const dim = task.actionLow.length;
    const cost: CostSpec = opts.sparse
      ? { kind: 'sparse', description: `1 − success (success: distance ≤ ${opts.success_distance})`, actionWeight: 0 }
      : { kind: 'dense', ...task.denseCost };
    this.spec = {
      name: opts.sparse ? `${task.name}-sparse` : task.name,
      observation: { shape: [opts.image_size, opts.image_size, opts.channels] },
      stateDim: task.stateLabels.length,
      stateLabels: task.stateLabels,
      stateGroups: task.stateGroups,
      action: { dim, low: Float64Array.from(task.actionLow), high: Float64Array.from(task.actionHigh) },
      horizon: opts.horizon,
      cost,
      successDistance: opts.success_distance,
    };
    this.u = new Float64Array(dim);
    this.canvas = opts.render ? new Canvas(opts.image_size, opts.channels, task.view) : null;
    if (this.canvas && task.drawBackground) {
      this.canvas.clear(0);
      task.drawBackground(this.canvas);
      this.background = this.canvas.data.slice();
    }
  }

  reset(seed: number): TimeStep {
    if (this.closed) throw new Error(`${this.spec.name}: the environment was closed`);
    if (!Number.isInteger(seed)) throw new Error(`${this.spec.name}: reset seed must be an integer, got ${seed}`);
    this.task.reset(new Rng(seed));
    this.t = 0;
    return this.timeStep(0);
  }

  step(action: ArrayLike<number>): TimeStep {
    if (this.closed) throw new Error(`${this.spec.name}: the environment was closed`);
    if (this.t < 0) throw new Error(`${this.spec.name}: call reset(seed) before step()`);
    if (this.t >= this.opts.horizon) throw new Error(`${this.spec.name}: the episode ended after ${this.opts.horizon} steps; call reset(seed)`);
    const u = checkAndClipAction(action, this.spec.action.low, this.spec.action.high, this.u, this.spec.name);
    let cost: number;
    if (this.opts.sparse) {
      cost = this.task.distance() <= this.opts.success_distance ? 0 : 1;
    } else {
      let uu = 0;
      for (let i = 0; i < u.length; i++) uu += u[i] * u[i];
      cost = this.task.stateCost() + this.spec.cost.actionWeight * uu;
    }
    this.task.advance(u);
    this.t++;
    return this.timeStep(cost);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.t = -1;
    this.onClose();
  }

  private timeStep(cost: number): TimeStep {
    let observation: Float32Array;
    if (this.canvas) {
      if (this.background) this.canvas.data.set(this.background);
      else this.canvas.clear(0);
      this.task.draw(this.canvas);
      observation = this.canvas.data.slice();
    } else {
      observation = new Float32Array(0);
    }
    const state = new Float64Array(this.spec.stateDim);
    this.task.state(state);
    const distance = this.task.distance();
    return { observation, state, cost, done: this.t >= this.opts.horizon, info: { distance, success: distance <= this.opts.success_distance } };
  }
}

/** A colour per channel count: `{1: [grey], 2: [a, b], 3: [r, g, b]}`. */
export type Palette<K extends string> = Record<K, Partial<Record<number, readonly number[]>>>;

export function paletteFor<K extends string>(palette: Palette<K>, channels: number): Record<K, readonly number[]> {
  const out = {} as Record<K, readonly number[]>;
  for (const k of Object.keys(palette) as K[]) {
    const c = palette[k][channels];
    if (!c) throw new Error(`no colour for '${k}' with ${channels} channels`);
    out[k] = c;
  }
  return out;
}
