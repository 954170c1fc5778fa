import { describe, expect, it } from 'vitest';
import { makeEnv } from './registry.js';
import { episodeStats, rollout } from './rollout.js';

describe('rollout', () => {
  it('records T actions and costs, T + 1 states, and the final distance of s_T', async () => {
    const env = await makeEnv('nav2d', { render: false, target: [0, 0] });
    const ep = await rollout(env, () => [0.1, 0], 3);
    expect(ep.actions.length).toBe(50);
    expect(ep.costs.length).toBe(50);
    expect(ep.states.length).toBe(51);
    const sT = ep.states[50];
    expect(ep.finalDistance).toBeCloseTo(Math.hypot(sT[0], sT[1]), 14);
    // Costs are ℓ(s_t, u_t): ‖s_t‖² + 1e-3·0.01, summed.
    const expected = ep.states.slice(0, 50).reduce((a, s) => a + s[0] ** 2 + s[1] ** 2 + 1e-5, 0);
    expect(ep.totalCost).toBeCloseTo(expected, 10);
  });

  it('awaits an asynchronous policy and an asynchronous env the same way', async () => {
    const env = await makeEnv('nav2d', { render: false });
    const asyncEnv = { spec: env.spec, reset: async (s: number) => env.reset(s), step: async (u: ArrayLike<number>) => env.step(u), close: () => env.close() };
    const a = await rollout(env, (ts) => [-ts.state[0] * 0.5, 0.2], 8);
    const b = await rollout(asyncEnv, async (ts) => [-ts.state[0] * 0.5, 0.2], 8);
    expect(b.costs).toEqual(a.costs);
    expect(b.finalDistance).toBe(a.finalDistance);
  });

  it('summarises episodes', async () => {
    const env = await makeEnv('nav2d', { render: false, target: [0, 0] });
    const eps = [await rollout(env, (ts) => [-ts.state[0], -ts.state[1]], 1), await rollout(env, () => [0, 0], 2)];
    const st = episodeStats(eps);
    expect(st.success_rate).toBe(eps[1].success ? 1 : 0.5);
    expect(st.mean_final_distance).toBeCloseTo((eps[0].finalDistance + eps[1].finalDistance) / 2, 14);
    expect(() => episodeStats([])).toThrow(/no episodes/);
  });
});
