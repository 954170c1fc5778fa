import { describe, expect, it } from 'vitest';
import { makeEnv } from './registry.js';
import { centroid, projector, runEpisode, sameEpisode } from './test-helpers.js';

describe('nav2d', () => {
  it('follows s_{t+1} = clip(s_t + u_t, ±2.8) with cost ‖s_t − g‖² + 1e-3‖u_t‖² of the pre-step state', async () => {
    const env = await makeEnv('nav2d', { render: false });
    const ts0 = await env.reset(3);
    const [x, y, gx, gy] = ts0.state;
    const ts1 = await env.step([0.3, -0.7]);
    expect(ts1.state[0]).toBe(x + 0.3);
    expect(ts1.state[1]).toBe(y - 0.7);
    expect(ts1.state[2]).toBe(gx);
    expect(ts1.state[3]).toBe(gy);
    expect(ts1.cost).toBeCloseTo((x - gx) ** 2 + (y - gy) ** 2 + 1e-3 * (0.09 + 0.49), 14);
    expect(ts1.info.distance).toBeCloseTo(Math.hypot(x + 0.3 - gx, y - 0.7 - gy), 14);
  });

  it('stops at the walls at ±2.8 and clips actions to [−1, 1] (cost uses the clipped action)', async () => {
    const env = await makeEnv('nav2d', { render: false });
    const ts0 = await env.reset(4);
    let last = ts0;
    for (let t = 0; t < 10; t++) last = await env.step([5, -5]);
    expect(last.state[0]).toBe(2.8);
    expect(last.state[1]).toBe(-2.8);
    const [sx, sy, gx, gy] = last.state;
    const next = await env.step([5, -5]);
    expect(next.cost).toBeCloseTo((sx - gx) ** 2 + (sy - gy) ** 2 + 1e-3 * 2, 12);
  });

  it('draws agent and goal whose centroids lie within 0.5 px of their projected positions', async () => {
    const env = await makeEnv('nav2d', { target: [0.4, -0.3] });
    const project = projector(32, [0, 0], 3.05);
    let ts = await env.reset(9);
    for (let t = 0; t < 5; t++) {
      const [ax, ay] = project(ts.state[0], ts.state[1]);
      const [cx, cy] = centroid(ts, env, 0);
      expect(Math.hypot(cx - ax, cy - ay)).toBeLessThan(0.5);
      const [gx, gy] = project(0.4, -0.3);
      const [dx, dy] = centroid(ts, env, 1);
      expect(Math.hypot(dx - gx, dy - gy)).toBeLessThan(0.5);
      ts = await env.step([0.37, 0.21]);
    }
  });

  it('gives observations of the configured shape in [0, 1]', async () => {
    for (const [size, channels] of [[32, 2], [48, 1], [16, 3]]) {
      const env = await makeEnv('nav2d', { image_size: size, channels });
      const ts = await env.reset(0);
      expect(env.spec.observation.shape).toEqual([size, size, channels]);
      expect(ts.observation.length).toBe(size * size * channels);
      expect(ts.observation.every((v) => v >= 0 && v <= 1)).toBe(true);
      expect(ts.observation.some((v) => v > 0.5)).toBe(true);
    }
  });

  it('is bit-identical for the same seed and differs for another', async () => {
    const env = await makeEnv('nav2d');
    const act = (t: number) => [Math.sin(t), Math.cos(3 * t)];
    const a = await runEpisode(env, 42, act);
    const b = await runEpisode(env, 42, act);
    const c = await runEpisode(env, 43, act);
    expect(sameEpisode(a, b)).toBe(true);
    expect(c[0].state).not.toEqual(a[0].state);
    expect(a.length).toBe(51);
    expect(a[50].done).toBe(true);
  });

  it('the sparse variant signals success (cost 0) only within the success distance of the goal', async () => {
    const env = await makeEnv('nav2d-sparse', { render: false, target: [0.5, 0.5] });
    expect(env.spec.cost.kind).toBe('sparse');
    const ts0 = await env.reset(1);
    const [x, y] = ts0.state;
    // Walk straight to the goal in one step, then stay.
    const toGoal = await env.step([0.5 - x, 0.5 - y]);
    expect(toGoal.cost).toBe(1); // c_0 is about s_0, which is away from the goal
    expect(toGoal.info.success).toBe(true);
    const stay = await env.step([0, 0]);
    expect(stay.cost).toBe(0);
    const away = await env.step([0.2, 0]);
    expect(away.cost).toBe(0);
    expect(away.info.success).toBe(false);
    const after = await env.step([0, 0]);
    expect(after.cost).toBe(1);
  });
});
