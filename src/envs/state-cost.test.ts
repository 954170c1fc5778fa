import { describe, expect, it } from 'vitest';
import { makeEnv } from './registry.js';
import { stateCostFn } from './state-cost.js';

describe('stateCostFn', () => {
  it("leaves nav2d's ‖s − g‖² of the pre-step state, with out-of-bound actions clipped as step clips them", async () => {
    const env = await makeEnv('nav2d', { render: false });
    const stateCost = stateCostFn(env.spec);
    let ts = await env.reset(5);
    for (const u of [[0.3, -0.7], [5, -5], [-2, 0.1], [0, 0]]) {
      const [x, y, gx, gy] = ts.state;
      ts = await env.step(u);
      expect(stateCost(ts.cost, u)).toBeCloseTo((x - gx) ** 2 + (y - gy) ** 2, 14);
    }
  });

  it("leaves the car's ‖(x, y) − g‖² (target (−2, 2)), and a sparse task's cost as it is", async () => {
    const car = await makeEnv('car', { render: false });
    const carCost = stateCostFn(car.spec);
    let ts = await car.reset(2);
    for (const u of [[1, 0.5], [3, -3]]) {
      const [x, y] = ts.state;
      ts = await car.step(u);
      expect(carCost(ts.cost, u)).toBeCloseTo((x + 2) ** 2 + (y - 2) ** 2, 13);
    }
    const sparse = await makeEnv('nav2d-sparse', { render: false });
    await sparse.reset(1);
    const step = await sparse.step([0.5, 0.5]);
    expect(stateCostFn(sparse.spec)(step.cost, [0.5, 0.5])).toBe(step.cost);
  });
});
