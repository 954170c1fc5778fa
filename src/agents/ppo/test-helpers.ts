/**
 * A trivial 1-D reach for PPO's tests (implements the Env interface without rendering):
 *   s = (x, g),  x_{t+1} = clip(x_t + 0.25 u_t, −2, 2),  u ∈ [−1, 1],
 *   c_t = (x_t − g)² + 1e-3 u_t²,  x_0, g ~ U(−1, 1),  success: |x_T − g| ≤ 0.1.
 */
import type { Env, EnvSpec, TimeStep } from '../../envs/types.js';
import { Rng } from '../../random/rng.js';

export function makeReach1dEnv(horizon = 16): Env {
  let x = 0, g = 0, t = 0;
  const spec: EnvSpec = {
    name: 'reach1d',
    observation: { shape: [0, 0, 0] },
    stateDim: 2,
    stateLabels: ['x', 'goal'],
    stateGroups: { agent: [0], goal: [1] },
    action: { dim: 1, low: Float64Array.from([-1]), high: Float64Array.from([1]) },
    horizon,
    cost: { kind: 'dense', description: '(x − g)² + 1e-3 u²', actionWeight: 1e-3 },
    successDistance: 0.1,
  };
  const timeStep = (cost: number): TimeStep => {
    const d = Math.abs(x - g);
    return { observation: new Float32Array(0), state: Float64Array.from([x, g]), cost, done: t >= horizon, info: { distance: d, success: d <= spec.successDistance } };
  };
  return {
    spec,
    reset(seed: number): TimeStep {
      const rng = new Rng(seed);
      x = rng.uniformRange(-1, 1);
      g = rng.uniformRange(-1, 1);
      t = 0;
      return timeStep(0);
    },
    step(action: ArrayLike<number>): TimeStep {
      if (action.length !== 1 || !Number.isFinite(action[0])) throw new Error(`reach1d: action must be one finite number, got [${Array.from(action)}]`);
      if (t >= horizon) throw new Error('reach1d: episode is over; call reset');
      const u = Math.max(-1, Math.min(1, action[0]));
      const c = (x - g) ** 2 + 1e-3 * u * u;
      x = Math.max(-2, Math.min(2, x + 0.25 * u));
      t++;
      return timeStep(c);
    },
    close(): void {},
  };
}
