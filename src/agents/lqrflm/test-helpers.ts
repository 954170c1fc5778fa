/**
 * A tiny linear env for the trainer's tests (implements the Env interface without rendering):
 *   s_{t+1} = A s + B u,  c_t = ‖s_t[0:2] − g‖² + w‖u‖²  with g = s[2:4] (nav2d-like layout,
 * but with coupled dynamics so the controller has to use its dynamics fit).
 */
import type { Env, EnvSpec, TimeStep } from '../../envs/types.js';
import { Rng } from '../../random/rng.js';

export function makeFakeLinearEnv(horizon = 20, actionWeight = 1e-2): Env {
  const s = new Float64Array(4);
  let t = 0;
  let rng = new Rng(0);
  const spec: EnvSpec = {
    name: 'nav2d', // the known cost of nav2d applies: ‖(x, y) − (goal_x, goal_y)‖²
    observation: { shape: [0, 0, 0] },
    stateDim: 4,
    stateLabels: ['x', 'y', 'goal_x', 'goal_y'],
    stateGroups: { agent: [0, 1], goal: [2, 3] },
    action: { dim: 2, low: Float64Array.from([-2, -2]), high: Float64Array.from([2, 2]) },
    horizon,
    cost: { kind: 'dense', description: 'test', actionWeight },
    successDistance: 0.1,
  };
  const dist = (): number => Math.hypot(s[0] - s[2], s[1] - s[3]);
  const step = (cost: number): TimeStep => ({
    observation: new Float32Array(0),
    state: s.slice(),
    cost,
    done: t >= horizon,
    info: { distance: dist(), success: dist() <= spec.successDistance },
  });
  return {
    spec,
    reset(seed: number): TimeStep {
      rng = new Rng(seed);
      for (let i = 0; i < 4; i++) s[i] = rng.uniformRange(-1, 1);
      t = 0;
      return step(0);
    },
    step(u: ArrayLike<number>): TimeStep {
      const u0 = Math.max(-2, Math.min(2, u[0]));
      const u1 = Math.max(-2, Math.min(2, u[1]));
      const c = dist() ** 2 + actionWeight * (u0 * u0 + u1 * u1);
      const x = s[0];
      s[0] = 0.95 * x + 0.1 * s[1] + 0.3 * u0 + 0.05 * u1 + 0.01 * rng.normal();
      s[1] = 0.95 * s[1] - 0.1 * x + 0.3 * u1 + 0.01 * rng.normal();
      t++;
      return step(c);
    },
    close(): void {},
  };
}
