/**
 * 2-D navigation of a point mass (the paper's sanity check): linear dynamics and a quadratic
 * cost in the true state.
 *   s_{t+1} = clip(s_t + u_t, −2.8, 2.8)   (walls at ±2.8)
 *   c_t = ‖s_t − g‖² + 1e-3‖u_t‖²,   u ∈ [−1, 1]²
 * Start and goal ~ U(−1, 1)² (or a fixed goal). The camera sees the agent and the goal as
 * discs: with 2 channels each in its own channel, with 1 channel the agent brighter.
 */
import { z } from 'zod';
import type { Rng } from '../random/rng.js';
import type { Canvas } from '../render/canvas.js';
import { commonParams, targetParam, type Target } from './params.js';
import { paletteFor, SimEnv, type Palette, type SimTask } from './sim-env.js';

export const NAV2D_WALL = 2.8;
export const NAV2D_ACTION_WEIGHT = 1e-3;
const BODY_RADIUS = 0.25;

export const nav2dParams = z
  .object({
    ...commonParams({ image_size: 32, channels: 2, horizon: 50, success_distance: 0.1, allowedChannels: [1, 2, 3] }),
    /** The goal: "random" (drawn at each reset from U(−1, 1)²) or fixed [x, y]. */
    target: targetParam.default('random'),
  })
  .strict();
export type Nav2dParams = z.infer<typeof nav2dParams>;

export const PALETTE: Palette<'agent' | 'goal'> = {
  agent: { 1: [1], 2: [1, 0], 3: [0, 1, 0] },
  goal: { 1: [0.5], 2: [0, 1], 3: [1, 0, 0] },
};

export class Nav2dTask implements SimTask {
  readonly name = 'nav2d';
  readonly stateLabels = ['x', 'y', 'goal_x', 'goal_y'];
  readonly stateGroups = { agent: [0, 1], goal: [2, 3] };
  readonly actionLow = [-1, -1];
  readonly actionHigh = [1, 1];
  readonly view = { center: [0, 0] as const, halfExtent: NAV2D_WALL + BODY_RADIUS };
  readonly denseCost = { description: '‖s − g‖² + 1e-3‖u‖²', actionWeight: NAV2D_ACTION_WEIGHT };
  private readonly s = new Float64Array(2);
  private readonly g = new Float64Array(2);
  private readonly colors;

  constructor(private readonly target: Target, channels: number) {
    this.colors = paletteFor(PALETTE, channels);
  }

  reset(rng: Rng): void {
    this.s[0] = rng.uniformRange(-1, 1);
    this.s[1] = rng.uniformRange(-1, 1);
    if (this.target === 'random') {
      this.g[0] = rng.uniformRange(-1, 1);
      this.g[1] = rng.uniformRange(-1, 1);
    } else {
      this.g[0] = this.target[0];
      this.g[1] = this.target[1];
    }
  }

  advance(u: Float64Array): void {
    for (let i = 0; i < 2; i++) this.s[i] = Math.min(NAV2D_WALL, Math.max(-NAV2D_WALL, this.s[i] + u[i]));
  }

  stateCost(): number {
    return this.distance() ** 2;
  }

  distance(): number {
    return Math.hypot(this.s[0] - this.g[0], this.s[1] - this.g[1]);
  }

  state(out: Float64Array): void {
    out[0] = this.s[0];
    out[1] = this.s[1];
    out[2] = this.g[0];
    out[3] = this.g[1];
  }

  draw(canvas: Canvas): void {
    canvas.disc(this.g[0], this.g[1], BODY_RADIUS, this.colors.goal);
    canvas.disc(this.s[0], this.s[1], BODY_RADIUS, this.colors.agent);
  }
}

export function createNav2d(params: Nav2dParams & { sparse?: boolean }): SimEnv {
  return new SimEnv(new Nav2dTask(params.target, params.channels), params);
}
