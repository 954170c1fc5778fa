/**
 * A nonholonomic car (the paper's second simulated task). State (x, y, θ, v, φ), explicit
 * Euler with dt = 0.1 on the current state:
 *   x += dt·v·cos θ,  y += dt·v·sin θ,  θ += dt·v·tan φ,  v += dt·a₀,  φ += dt·a₁
 * then x, y clipped to [−2.3, 2.3], v to [−1, 1], φ to [−π/4, π/4]; a ∈ [−1, 1]².
 * Start (1.5, −1.5) + 0.1·N(0, I), θ = π/2 + 0.1·N(0, 1), v = φ = 0; target (−2, 2).
 * c_t = ‖(x, y) − g‖² + 1e-3‖a‖². The camera shows the body, a bright nose (so the heading
 * is visible) and the target; speed and steering need more than one frame.
 */
import { z } from 'zod';
import type { Rng } from '../random/rng.js';
import type { Canvas } from '../render/canvas.js';
import { commonParams, targetParam, type Target } from './params.js';
import { paletteFor, SimEnv, type Palette, type SimTask } from './sim-env.js';

export const CAR_DT = 0.1;
export const CAR_LIMITS = { xy: 2.3, v: 1, phi: Math.PI / 4 };
export const CAR_ACTION_WEIGHT = 1e-3;
const BODY = { length: 0.6, width: 0.3, nose: 0.14, goal: 0.22 };

export const carParams = z
  .object({
    ...commonParams({ image_size: 32, channels: 1, horizon: 100, success_distance: 0.2, allowedChannels: [1, 3] }),
    /** The target: fixed [x, y] or "random" (drawn at each reset). */
    target: targetParam.default([-2, 2]),
  })
  .strict();
export type CarParams = z.infer<typeof carParams>;

export const PALETTE: Palette<'body' | 'nose' | 'goal'> = {
  body: { 1: [0.6], 3: [0, 0, 1] },
  nose: { 1: [1], 3: [0, 1, 0] },
  goal: { 1: [0.35], 3: [1, 0, 0] },
};

const clip = (v: number, lim: number) => Math.min(lim, Math.max(-lim, v));

export class CarTask implements SimTask {
  readonly name = 'car';
  readonly stateLabels = ['x', 'y', 'heading', 'speed', 'steer'];
  readonly stateGroups = { position: [0, 1], heading: [2], speed: [3], steer: [4] };
  readonly actionLow = [-1, -1];
  readonly actionHigh = [1, 1];
  readonly view = { center: [0, 0] as const, halfExtent: CAR_LIMITS.xy + 0.2 };
  readonly denseCost = { description: '‖(x, y) − g‖² + 1e-3‖a‖²', actionWeight: CAR_ACTION_WEIGHT };
  private readonly s = new Float64Array(5);
  private readonly g = new Float64Array(2);
  private readonly colors;

  constructor(private readonly target: Target, channels: number) {
    this.colors = paletteFor(PALETTE, channels);
  }

  reset(rng: Rng): void {
    this.s[0] = 1.5 + 0.1 * rng.normal();
    this.s[1] = -1.5 + 0.1 * rng.normal();
    this.s[2] = Math.PI / 2 + 0.1 * rng.normal();
    this.s[3] = 0;
    this.s[4] = 0;
    if (this.target === 'random') {
      this.g[0] = rng.uniformRange(-2, 2);
      this.g[1] = rng.uniformRange(-2, 2);
    } else {
      this.g[0] = this.target[0];
      this.g[1] = this.target[1];
    }
  }

  advance(a: Float64Array): void {
    const [x, y, th, v, phi] = this.s;
    this.s[0] = clip(x + CAR_DT * v * Math.cos(th), CAR_LIMITS.xy);
    this.s[1] = clip(y + CAR_DT * v * Math.sin(th), CAR_LIMITS.xy);
    this.s[2] = th + CAR_DT * v * Math.tan(phi);
    this.s[3] = clip(v + CAR_DT * a[0], CAR_LIMITS.v);
    this.s[4] = clip(phi + CAR_DT * a[1], CAR_LIMITS.phi);
  }

  stateCost(): number {
    return this.distance() ** 2;
  }

  distance(): number {
    return Math.hypot(this.s[0] - this.g[0], this.s[1] - this.g[1]);
  }

  state(out: Float64Array): void {
    out.set(this.s);
  }

  draw(canvas: Canvas): void {
    const [x, y, th] = this.s;
    canvas.disc(this.g[0], this.g[1], BODY.goal, this.colors.goal);
    canvas.convexPolygon(carBodyVertices(x, y, th), this.colors.body);
    const c = Math.cos(th), s = Math.sin(th);
    canvas.disc(x + 0.5 * BODY.length * c, y + 0.5 * BODY.length * s, BODY.nose, this.colors.nose);
  }
}

/** Corners of the car body, a length × width rectangle centred at (x, y) along heading θ. */
export function carBodyVertices(x: number, y: number, th: number): number[] {
  const c = Math.cos(th), s = Math.sin(th);
  const hl = BODY.length / 2, hw = BODY.width / 2;
  const out: number[] = [];
  for (const [a, b] of [[hl, hw], [-hl, hw], [-hl, -hw], [hl, -hw]]) out.push(x + a * c - b * s, y + a * s + b * c);
  return out;
}

export const CAR_BODY = BODY;

export function createCar(params: CarParams & { sparse?: boolean }): SimEnv {
  return new SimEnv(new CarTask(params.target, params.channels), params);
}
