import { describe, expect, it } from 'vitest';
import { makeEnv } from '../../envs/registry.js';
import { evaluateCost } from '../../control/index.js';
import { Rng } from '../../random/rng.js';
import { knownTaskCost } from './task-cost.js';
import { resolveLqrflmConfig } from './config.js';

/** The known quadratic must reproduce the env's own c_t = ℓ(s_t) + w‖u_t‖² (same sign: a cost). */
async function compare(name: string, envParams: Record<string, unknown>, config: Record<string, unknown>): Promise<void> {
  const env = await makeEnv(name, { render: false, ...envParams });
  try {
    const cost = knownTaskCost(env.spec, resolveLqrflmConfig(config));
    const rng = new Rng(5);
    let ts = await env.reset(11);
    for (let t = 0; t < 8; t++) {
      const x = ts.state;
      const u = [rng.uniformRange(-1, 1), rng.uniformRange(-1, 1)];
      ts = await env.step(u);
      expect(evaluateCost(cost, t, x, u)).toBeCloseTo(ts.cost, 9);
    }
  } finally {
    env.close();
  }
}

describe('known task costs equal the envs’ reported costs', () => {
  it('nav2d', () => compare('nav2d', {}, {}));
  it('car (goal from the task default)', () => compare('car', {}, {}));
  it('reacher, squared surrogate 10‖d‖² + ‖u‖²', () => compare('reacher', { cost_form: 'squared', squared_weight: 10 }, {}));
  it('reacher, norm: the expansion at the rollout itself equals the smoothed cone', async () => {
    const env = await makeEnv('reacher', { render: false });
    try {
      const T = env.spec.horizon;
      let ts = await env.reset(3);
      const X = new Float64Array((T + 1) * 10);
      X.set(ts.state, 0);
      const costs: number[] = [];
      for (let t = 0; t < T; t++) {
        ts = await env.step([0.3, -0.2]);
        X.set(ts.state, (t + 1) * 10);
        costs.push(ts.cost);
      }
      const batch = { N: 1, T, dx: 10, du: 2, X, U: new Float64Array(T * 2).fill(0).map((_, i) => (i % 2 ? -0.2 : 0.3)), cost: Float64Array.from(costs) };
      const cost = knownTaskCost(env.spec, resolveLqrflmConfig({ distance_cost: 'norm', norm_alpha: 1e-6 }), batch);
      for (let t = 0; t < T; t += 7) {
        expect(evaluateCost(cost, t, X.subarray(t * 10, t * 10 + 10), [0.3, -0.2])).toBeCloseTo(costs[t], 6);
      }
    } finally {
      env.close();
    }
  });
  it('nav2d and car, norm: the expansion at the rollout equals w·sqrt(distance² + α²) + action cost', async () => {
    for (const name of ['nav2d', 'car']) {
      const env = await makeEnv(name, { render: false, horizon: 6 });
      try {
        const { horizon: T, stateDim: dx } = env.spec;
        let ts = await env.reset(4);
        const X = new Float64Array((T + 1) * dx);
        X.set(ts.state, 0);
        const dist = [ts.info.distance];
        const u = [0.5, -0.3];
        for (let t = 0; t < T; t++) {
          ts = await env.step(u);
          X.set(ts.state, (t + 1) * dx);
          dist.push(ts.info.distance);
        }
        const batch = { N: 1, T, dx, du: 2, X, U: new Float64Array(T * 2), cost: new Float64Array(T) };
        const alpha = 0.01;
        const cost = knownTaskCost(env.spec, resolveLqrflmConfig({ distance_cost: 'norm', distance_weight: 3, norm_alpha: alpha }), batch);
        const w = env.spec.cost.actionWeight;
        for (let t = 0; t <= T; t++) {
          const ref = 3 * Math.sqrt(dist[t] ** 2 + alpha ** 2) + (t < T ? w * (0.25 + 0.09) : 0);
          expect(evaluateCost(cost, t, X.subarray(t * dx, (t + 1) * dx), u), `${name} t=${t}`).toBeCloseTo(ref, 9);
        }
      } finally {
        env.close();
      }
    }
  });
  it('an unknown task is a clear error', async () => {
    const env = await makeEnv('nav2d', { render: false });
    expect(() => knownTaskCost({ ...env.spec, name: 'mystery' }, resolveLqrflmConfig({}))).toThrow(/no known cost for task 'mystery'/);
    expect(() => knownTaskCost(env.spec, resolveLqrflmConfig({ distance_cost: 'norm' }))).toThrow(/needs rollouts/);
    env.close();
  });
});
