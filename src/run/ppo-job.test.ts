import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configFingerprint, loadCheckpoint } from './checkpoint.js';
import { runPpoJob } from './ppo-job.js';
import { resolveConfig } from '../config/resolve-config.js';
import { RunDir } from './run-dir.js';
import { expectEvalReproducesSummary } from './test-helpers.js';
import { resumeTrainJob, runTrainJob } from './train-job.js';
import { trainConfigSchema, trainDefaults } from '../config/train-config.js';

function tinyConfig(obs: 'state' | 'pixels', sets: string[] = []) {
  return resolveConfig(trainConfigSchema, {
    defaults: trainDefaults({ env: 'nav2d', method: 'ppo', obs, preset: 'quick', seed: 3 }),
    sets: ['env.horizon=20', 'agent.steps_per_update=200', 'agent.minibatch_size=100', 'agent.epochs=2', 'agent.total_steps=500', 'agent.eval_episodes=3', 'output.gif_episodes=1', ...sets],
  });
}
const freshDir = () => RunDir.create(join(mkdtempSync(join(tmpdir(), 'ppo-job-')), 'run'));
const lines = (dir: RunDir, f: string) => readFileSync(dir.path(f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('ppo train job', () => {
  it('writes the run directory from the state: config, a metrics line per update, curve, policy, GIF, summary', async () => {
    const config = tinyConfig('state');
    expect(config.env.render).toBe(false);
    const dir = freshDir();
    const seen: number[] = [];
    const summary = await runTrainJob(config, dir, { onIteration: (m) => void seen.push(m.iteration) });
    expect(seen).toEqual([0, 1, 2]);
    const metrics = lines(dir, 'metrics.jsonl');
    expect(metrics.map((m) => m.iteration)).toEqual([0, 1, 2]);
    expect(metrics.map((m) => m.env_steps)).toEqual([200, 400, 500]);
    for (const m of metrics) {
      for (const k of ['mean_cost', 'mean_final_distance', 'success_rate', 'policy_loss', 'value_loss', 'entropy', 'approx_kl', 'clip_frac', 'wall_s']) expect(typeof m[k], k).toBe('number');
    }
    expect(metrics.map((m) => 'eval_mean_final_distance' in m)).toEqual([false, false, true]);
    expect(readFileSync(dir.path('learning-curve.svg'), 'utf8')).toMatch(/training episodes[\s\S]*mean action \(eval\)/);
    for (const f of ['config.json', 'learning-curve.svg', 'policy.ckpt', 'final-ep-000.gif', 'summary.json']) expect(existsSync(dir.path(f)), f).toBe(true);
    expect(JSON.parse(readFileSync(dir.path('config.json'), 'utf8'))).toMatchObject({ method: 'ppo', obs: 'state', agent: { total_steps: 500 } });
    const saved = JSON.parse(readFileSync(dir.path('summary.json'), 'utf8'));
    expect(saved).toEqual(summary);
    expect(saved).toMatchObject({ episodes: 3, env_steps: 500 + 3 * 20, backend: 'wasm' });
    for (const k of ['mean_final_distance', 'success_rate', 'mean_cost', 'wall_s']) expect(typeof saved[k]).toBe('number');
    const ckpt = loadCheckpoint(dir.path('policy.ckpt'), configFingerprint(config));
    expect(Object.keys(ckpt.arrays)).toContain('net/log_std');
    expect(ckpt.arrays['obs_norm/mean'].length).toBe(4);
  });

  it('runs from pixels with render on, and omits episode fields of an update in which no episode ended', async () => {
    // Pixels: 8 envs in lockstep (256 steps each of the 2048); one env here, so that updates of 10 steps straddle episodes of 20.
    expect(trainDefaults({ env: 'nav2d', method: 'ppo', obs: 'pixels', preset: 'default', seed: 0 }).agent).toMatchObject({ num_envs: 8, steps_per_update: 2048, epochs: 10, minibatch_size: 64, clip_coef: 0.2, ent_coef: 0 });
    const config = tinyConfig('pixels', ['agent.num_envs=1', 'agent.steps_per_update=10', 'agent.minibatch_size=10', 'agent.total_steps=40', 'output.gif_episodes=0']);
    expect(config.env.render).toBe(true);
    const dir = freshDir();
    await runPpoJob(config, dir);
    const metrics = lines(dir, 'metrics.jsonl');
    expect(metrics.map((m) => m.env_steps)).toEqual([10, 20, 30, 40]);
    expect(metrics.map((m) => 'mean_final_distance' in m)).toEqual([false, true, false, true]);
    expect(metrics.every((m) => Number.isFinite(m.policy_loss))).toBe(true);
    expect(JSON.parse(readFileSync(dir.path('summary.json'), 'utf8')).episodes).toBe(3);
    expect(() => tinyConfig('pixels', ['env.render=false'])).toThrow(/env\.render: set to false, which would be ignored/);
  });

  it('refuses unknown agent keys by name', () => {
    expect(() => tinyConfig('state', ['agent.clip=0.1'])).toThrow(/clip/);
    expect(() => tinyConfig('state', ['agent.num_envs=3'])).toThrow(/multiple of num_envs/);
  });
});

/** A file's JSON (one value, or one per line) without the wall-clock fields (the run-directory contract: they end in _s). */
const noWall = (k: string, v: unknown) => (k.endsWith('_s') ? undefined : v);
const withoutWall = (dir: RunDir, f: string) => {
  const text = readFileSync(dir.path(f), 'utf8');
  return f.endsWith('.jsonl') ? text.trim().split('\n').map((l) => JSON.parse(l, noWall)) : JSON.parse(text, noWall);
};

describe('ppo: resume and eval', () => {
  const cases: [string, ReturnType<typeof tinyConfig>, number][] = [
    ['the state', tinyConfig('state', ['output.gif_episodes=0']), 1],
    // One env whose updates of 10 steps straddle episodes of 20: the episode in progress is replayed.
    ['pixels, mid-episode', tinyConfig('pixels', ['agent.num_envs=1', 'agent.steps_per_update=10', 'agent.minibatch_size=10', 'agent.total_steps=40', 'agent.frame_stack=2', 'output.gif_episodes=0']), 2],
  ];
  for (const [what, config, cutAt] of cases) {
    it(`resumes an interrupted run (${what}) to the same metrics, summary and policy as an uninterrupted one`, async () => {
      const whole = freshDir();
      await runTrainJob(config, whole);
      const cut = freshDir();
      await expect(runTrainJob(config, cut, { onIteration: (m) => { if (m.iteration === cutAt) throw new Error('killed'); } })).rejects.toThrow('killed');
      expect(existsSync(cut.path('summary.json'))).toBe(false);
      const seen: number[] = [];
      await resumeTrainJob(config, cut, { onIteration: (m) => void seen.push(m.iteration) });
      expect(seen[0]).toBe(cutAt + 1);
      expect(withoutWall(cut, 'metrics.jsonl')).toEqual(withoutWall(whole, 'metrics.jsonl'));
      expect(withoutWall(cut, 'summary.json')).toEqual(withoutWall(whole, 'summary.json'));
      expect(readFileSync(cut.path('policy.ckpt')).equals(readFileSync(whole.path('policy.ckpt')))).toBe(true);
    });
  }

  it('solar eval: the first agent.eval_episodes of N reproduce summary.json; an unfinished run is refused', async () => {
    const config = tinyConfig('state', ['output.gif_episodes=0']);
    await expectEvalReproducesSummary(config, freshDir);
  });
});
