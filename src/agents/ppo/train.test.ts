import { beforeAll, describe, expect, it } from 'vitest';
import { makeEnv } from '../../envs/registry.js';
import { rollout } from '../../envs/rollout.js';
import { initBackend } from '../../nn/index.js';
import { Rng } from '../../random/rng.js';
import { makeReach1dEnv } from './test-helpers.js';
import { FrameStack } from './frame-stack.js';
import { evalEpisodeSeed } from '../../envs/episode-seeds.js';
import { trainPpo, type PpoIterationMetrics } from './train.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Small-batch settings for seconds-long tests (standard γ, λ, clip, lr; fewer, larger minibatches). */
const SMALL = { steps_per_update: 512, minibatch_size: 128, epochs: 5 };

/** Mean final distance of u ~ N(0, 1) (PPO's initial σ = 1, mean ≈ 0) on the evaluation episodes. */
async function randomPolicyDistance(env: ReturnType<typeof makeReach1dEnv>, seed: number, episodes: number): Promise<number> {
  const rng = new Rng(123);
  let sum = 0;
  for (let j = 0; j < episodes; j++) sum += (await rollout(env, () => [rng.normal()], evalEpisodeSeed(seed, j))).finalDistance;
  return sum / episodes;
}

describe('trainPpo', () => {
  it('learns a 1-D reach from the state within 12k steps', async () => {
    const seen: PpoIterationMetrics[] = [];
    const r = await trainPpo({ makeEnv: () => makeReach1dEnv(), obs: 'state', seed: 0, config: { ...SMALL, total_steps: 12_288, eval_episodes: 20 }, onIteration: (m) => void seen.push(m) });
    try {
      const random = await randomPolicyDistance(makeReach1dEnv(), 0, 20);
      expect(random).toBeGreaterThan(0.4);
      expect(r.summary.mean_final_distance).toBeLessThan(0.1);
      expect(r.summary.mean_final_distance).toBeLessThan(0.25 * random);
      expect(r.summary.success_rate).toBeGreaterThanOrEqual(0.8);
      expect(r.summary.episodes).toBe(20);
      expect(r.summary.env_steps).toBe(12_288 + 20 * 16);
      expect(seen.map((m) => m.iteration)).toEqual(Array.from({ length: 24 }, (_, i) => i));
      expect(seen.map((m) => m.env_steps)).toEqual(Array.from({ length: 24 }, (_, i) => 512 * (i + 1)));
      for (const m of seen) {
        for (const k of ['mean_cost', 'mean_final_distance', 'success_rate', 'policy_loss', 'value_loss', 'entropy', 'approx_kl', 'clip_frac', 'explained_variance', 'action_std', 'lr', 'wall_s'] as const) {
          expect(Number.isFinite(m[k]), k).toBe(true);
        }
        expect(m.episodes).toBe(32); // 512 steps / T = 16
        expect(m.epochs_run).toBe(5);
      }
      // The mean action is evaluated every 10 updates and after the last, on the evaluation episodes.
      expect(seen.filter((m) => m.eval_mean_final_distance !== undefined).map((m) => m.iteration)).toEqual([9, 19, 23]);
      expect(seen[23].eval_mean_final_distance).toBeLessThan(0.1);
      // The training episodes improve too (stochastic policy), and the step size anneals to 0.
      expect(seen[23].mean_cost).toBeLessThan(0.5 * seen[0].mean_cost);
      expect(seen[0].lr).toBeCloseTo(3e-4, 12);
      expect(seen[23].lr).toBeCloseTo(3e-4 / 24, 12);
    } finally {
      r.agent.dispose();
    }
  });

  it('is deterministic given the seed, shortens the last batch to the step budget, and runs envs in lockstep', async () => {
    const run = async (config: Record<string, unknown>) => {
      const r = await trainPpo({ makeEnv: () => makeReach1dEnv(), obs: 'state', seed: 7, config: { ...SMALL, eval_episodes: 3, ...config } });
      r.agent.dispose();
      return { history: r.history.map(({ wall_s: _w, ...m }) => m), summary: { ...r.summary, wall_s: 0 } };
    };
    const a = await run({ total_steps: 700 });
    expect(a.history.map((m) => m.env_steps)).toEqual([512, 700]);
    expect(a).toEqual(await run({ total_steps: 700 }));
    const b = await run({ num_envs: 4, iterations: 2, target_kl: 1e-9 });
    expect(b.history.map((m) => m.env_steps)).toEqual([512, 1024]);
    expect(b.history.map((m) => m.episodes)).toEqual([32, 32]);
    // target_kl stops each update after its first epoch
    expect(b.history.map((m) => m.epochs_run)).toEqual([1, 1]);
  });

  it('improves on nav2d from the state within a small budget', async () => {
    const r = await trainPpo({
      makeEnv: () => makeEnv('nav2d', { render: false }),
      obs: 'state',
      seed: 1,
      config: { ...SMALL, steps_per_update: 1000, total_steps: 10_000, eval_episodes: 10 },
    });
    try {
      const first = r.history[0], last = r.history[r.history.length - 1];
      expect(last.mean_cost).toBeLessThan(0.5 * first.mean_cost);
      expect(last.mean_final_distance).toBeLessThan(first.mean_final_distance);
      expect(r.summary.mean_final_distance).toBeLessThan(first.mean_final_distance);
    } finally {
      r.agent.dispose();
    }
  });

  it('stacks frames along channels, oldest first, repeating the first frame at a reset', () => {
    const s = new FrameStack(3, 2); // 2 pixels × 2 channels per frame
    const f = (v: number) => Float32Array.from([v, v + 0.1, v + 0.2, v + 0.3]);
    expect(Array.from(s.reset(f(1)))).toEqual(Array.from(Float32Array.from([1, 1.1, 1, 1.1, 1, 1.1, 1.2, 1.3, 1.2, 1.3, 1.2, 1.3])));
    s.push(f(2));
    expect(Array.from(s.push(f(3)))).toEqual(Array.from(Float32Array.from([1, 1.1, 2, 2.1, 3, 3.1, 1.2, 1.3, 2.2, 2.3, 3.2, 3.3])));
  });

  it('trains from pixels with the conv encoder (nav2d images, 2 stacked frames, 2 envs)', async () => {
    const r = await trainPpo({
      makeEnv: () => makeEnv('nav2d', { render: true }),
      obs: 'pixels',
      seed: 2,
      config: { steps_per_update: 100, num_envs: 2, minibatch_size: 50, epochs: 2, iterations: 2, eval_episodes: 2, ent_coef: 0.01, frame_stack: 2 },
    });
    try {
      expect(r.history.map((m) => m.env_steps)).toEqual([100, 200]);
      for (const m of r.history) expect(Number.isFinite(m.policy_loss) && Number.isFinite(m.value_loss) && m.approx_kl >= 0).toBe(true);
      expect(r.agent.obsNorm).toBeNull();
      expect(r.agent.nets.observation).toEqual({ kind: 'pixels', shape: [32, 32, 4] });
      expect(Number.isFinite(r.summary.mean_final_distance)).toBe(true);
    } finally {
      r.agent.dispose();
    }
    await expect(trainPpo({ makeEnv: () => makeEnv('nav2d', { render: false }), obs: 'pixels', seed: 2, config: { iterations: 1 } })).rejects.toThrow(/render/);
  });
});
