import { describe, expect, it } from 'vitest';
import { trainLqrflm, type LqrflmIterationMetrics } from './train.js';
import { resolveLqrflmConfig } from './config.js';
import { makeFakeLinearEnv } from './test-helpers.js';
import { makeEnv } from '../../envs/registry.js';

describe('trainLqrflm', () => {
  it('learns to reach the goal on a coupled linear system, reporting every metric', async () => {
    const seen: LqrflmIterationMetrics[] = [];
    const r = await trainLqrflm({
      makeEnv: () => makeFakeLinearEnv(),
      config: { iterations: 6, rollouts: 10, eval_episodes: 10 },
      seed: 3,
      onIteration: (m) => {
        seen.push(m);
      },
    });
    expect(seen.map((m) => m.iteration)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(seen[5].env_steps).toBe(6 * 10 * 20);
    for (const m of seen) {
      for (const k of ['mean_cost', 'mean_final_distance', 'success_rate', 'kl', 'eta', 'step_mult', 'wall_s'] as const) {
        expect(Number.isFinite(m[k]), k).toBe(true);
      }
      // Each update meets its KL target within 10% or says why.
      if (m.kl_converged) expect(Math.abs(m.kl - m.kl_bound) < 0.1 * m.kl_bound || /inactive/.test(m.kl_note)).toBe(true);
      else expect(m.kl_note.length).toBeGreaterThan(0);
    }
    // Random exploration starts ~1 away; the learned controller ends near the goal.
    expect(seen[0].mean_final_distance).toBeGreaterThan(0.5);
    expect(r.summary.mean_final_distance).toBeLessThan(0.1);
    expect(r.summary.mean_cost).toBeLessThan(seen[0].mean_cost);
    expect(r.summary.episodes).toBe(10);
    expect(r.summary.env_steps).toBe(6 * 10 * 20 + 10 * 20);
  });

  it('trains with every dynamics prior (none, gaussian, gmm)', async () => {
    for (const dynamics_prior of ['none', 'gaussian', 'gmm'] as const) {
      const r = await trainLqrflm({
        makeEnv: () => makeFakeLinearEnv(),
        config: { iterations: 4, rollouts: 10, eval_episodes: 5, dynamics_prior },
        seed: 4,
      });
      expect(r.summary.mean_final_distance, dynamics_prior).toBeLessThan(0.2);
    }
  });

  it('is deterministic given the seed (wall times aside)', async () => {
    const run = async () => {
      const r = await trainLqrflm({ makeEnv: () => makeFakeLinearEnv(), config: { iterations: 2, rollouts: 6, eval_episodes: 3 }, seed: 9 });
      return [r.history.map(({ wall_s: _w, ...m }) => m), { ...r.summary, wall_s: 0 }, Array.from(r.policy.K)];
    };
    expect(await run()).toEqual(await run());
  });

  it('rejects bad config keys and values by name', () => {
    expect(() => resolveLqrflmConfig({ kl_stepp: 1 })).toThrow(/kl_stepp/);
    expect(() => resolveLqrflmConfig({ rollouts: 0 })).toThrow(/rollouts/);
    expect(resolveLqrflmConfig({}).kl_step).toBe(1);
  });

  it('reaches mean final distance ≤ 0.05 on nav2d from state within 5 iterations of 20 rollouts', async () => {
    for (const seed of [1, 2]) {
      const r = await trainLqrflm({
        makeEnv: () => makeEnv('nav2d', { render: false }),
        config: { iterations: 5, rollouts: 20 },
        seed,
      });
      expect(r.summary.mean_final_distance).toBeLessThanOrEqual(0.05);
    }
  });
});
