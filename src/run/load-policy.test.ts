/**
 * loadPolicy against the run's own evaluation: acting step by step on the evaluation's episode
 * seeds must give the episodes `solar eval` gives (the same final distances, to the last bit),
 * for every method whose runs it loads; and bad input is one clear error.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.js';
import { trainConfigSchema, trainDefaults, type MethodName } from '../config/train-config.js';
import { evalEpisodeSeed } from '../envs/episode-seeds.js';
import { makeEnv } from '../envs/registry.js';
import { loadPolicy, type LoadedPolicy } from './load-policy.js';
import { RunDir } from './run-dir.js';
import { evaluateRun, runTrainJob } from './train-job.js';

const TINY: Record<string, string[]> = {
  latent: ['env.image_size=16', 'pretrain.rollouts=6', 'pretrain.steps=20', 'pretrain.eval_rollouts=0', 'agent.iterations=1', 'agent.rollouts=4', 'agent.eval_episodes=2', 'output.gif_episodes=0'],
  lqrflm: ['agent.iterations=2', 'agent.rollouts=6', 'agent.eval_episodes=2', 'output.gif_episodes=0'],
  ppo: ['env.image_size=16', 'agent.total_steps=1024', 'agent.eval_episodes=2', 'output.gif_episodes=0'],
};

async function trainTiny(method: MethodName, obs: 'pixels' | 'state', extra: string[] = []): Promise<string> {
  const config = resolveConfig(trainConfigSchema, {
    defaults: trainDefaults({ env: 'nav2d', method, obs, preset: 'quick', seed: 3 }),
    sets: [...(method === 'lqrflm' || method === 'ppo' ? TINY[method] : TINY.latent), ...extra],
  });
  const dir = join(mkdtempSync(join(tmpdir(), `load-policy-${method}-`)), 'run');
  await runTrainJob(config, RunDir.create(dir));
  return dir;
}

/** Plays the evaluation's episode j with the loaded policy on a fresh task; the final distance. */
async function play(policy: LoadedPolicy, j: number, params: Record<string, unknown>): Promise<number> {
  const { name, ...rest } = policy.config.env;
  const env = await makeEnv(name, { ...rest, ...params });
  try {
    let ts = await env.reset(evalEpisodeSeed(policy.config.seed, j));
    policy.reset();
    while (!ts.done) ts = await env.step(await policy.act(ts));
    return ts.info.distance;
  } finally {
    env.close();
  }
}

describe.each([
  ['solar', 'pixels'],
  ['vae', 'pixels'],
  ['mpc', 'pixels'],
  ['lqrflm', 'state'],
  ['ppo', 'state'],
  ['ppo', 'pixels'],
] as const)('loadPolicy(%s run)', (method, obs) => {
  let dir = '';
  beforeAll(async () => {
    dir = await trainTiny(method, obs);
  }, 300_000);

  it('acts as the run\'s own evaluation does, episode after episode', { timeout: 300_000 }, async () => {
    const run = RunDir.open(dir);
    const summary = run.readJsonIfExists('summary.json') as { mean_final_distance: number };
    const policy = await loadPolicy(dir);
    try {
      expect(policy.method).toBe(method);
      expect(policy.input).toBe(obs);
      const got: number[] = [];
      for (let j = 0; j < 3; j++) got.push(await play(policy, j, { render: obs === 'pixels' }));
      // The run's evaluation: its first two episodes (summary.json), all three with solar eval.
      expect(([...got.slice(0, 2)].sort((a, b) => a - b).reduce((a, v) => a + v, 0)) / 2).toBe(summary.mean_final_distance);
      expect(got).toEqual((await evaluateRun(policy.config, run, 3)).final_distances);
    } finally {
      await policy.close();
    }
  });

  it('starts over after a reset in mid-episode, and refuses an episode longer than T', { timeout: 300_000 }, async () => {
    const policy = await loadPolicy(dir);
    try {
      const { name, ...rest } = policy.config.env;
      const env = await makeEnv(name, { ...rest, render: obs === 'pixels' });
      try {
        // Three steps of another episode, then a reset: episode 1 must still be played exactly.
        let ts = await env.reset(12345);
        for (let t = 0; t < 3; t++) ts = await env.step(await policy.act(ts));
        policy.reset();
        const j1 = await play(policy, 1, { render: obs === 'pixels' });
        // The reference plays both episodes whole (MPC's k-th episode plans with the k-th evaluation episode's seed).
        const fresh = await loadPolicy(dir);
        try {
          const e0 = await makeEnv(name, { ...rest, render: obs === 'pixels' });
          let s0 = await e0.reset(12345);
          fresh.reset();
          while (!s0.done) s0 = await e0.step(await fresh.act(s0));
          e0.close();
          expect(j1).toBe(await play(fresh, 1, { render: obs === 'pixels' }));
        } finally {
          await fresh.close();
        }
        // play() left the episode at T actions: one more without reset() is refused.
        await expect(policy.act(ts)).rejects.toThrow(`trained for T = ${policy.spec.horizon} steps per episode; call reset()`);
      } finally {
        env.close();
      }
    } finally {
      await policy.close();
    }
  });

  it('names what it needs when given the wrong input', { timeout: 120_000 }, async () => {
    const policy = await loadPolicy(dir);
    try {
      if (obs === 'pixels') {
        await expect(policy.act(new Float32Array(7))).rejects.toThrow('the observation has 7 values; this policy was trained on 16×16×2 images (512 values)');
        await expect(policy.act(new Float64Array(4))).rejects.toThrow('acts on camera images');
      } else {
        await expect(policy.act(new Float64Array(3))).rejects.toThrow("the state has 3 components; the task's has 4");
        await expect(policy.act(new Float32Array(4))).rejects.toThrow('acts on the true state');
        await expect(policy.act(Float64Array.from([0, NaN, 0, 0]))).rejects.toThrow('state[1] is NaN');
      }
    } finally {
      await policy.close();
    }
    await expect(policy.act(new Float32Array(512))).rejects.toThrow('the policy was closed');
  });
});

describe('loadPolicy on what is not a finished train run', () => {
  it('says what is missing', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'load-policy-empty-'));
    await expect(loadPolicy(join(empty, 'nope'))).rejects.toThrow("run directory '");
    await expect(loadPolicy(empty)).rejects.toThrow('config.json');
  });
});
