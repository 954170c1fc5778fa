import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../run/checkpoint.js';
import { main } from './main.js';

async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(['node', 'solar', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'solar-train-'));

describe('solar train --method lqrflm --obs state', () => {
  it('learns nav2d from the state on the quick preset and writes the run directory', async () => {
    const dir = join(tmp(), 'run');
    const r = await run('train', '--env', 'nav2d', '--method', 'lqrflm', '--obs', 'state', '--preset', 'quick', '--seed', '2', '--out', dir, '--set', 'output.gif_episodes=1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ method: 'lqrflm', obs: 'state', preset: 'quick', seed: 2, agent: { iterations: 3, rollouts: 10 } });
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.iteration)).toEqual([0, 1, 2]);
    expect(lines.map((l) => l.env_steps)).toEqual([500, 1000, 1500]);
    for (const l of lines) for (const k of ['mean_cost', 'mean_final_distance', 'success_rate', 'kl', 'eta', 'step_mult', 'wall_s']) expect(Number.isFinite(l[k])).toBe(true);
    // Improvement: the last iteration's rollouts end far closer than the random first ones.
    expect(lines[2].mean_final_distance).toBeLessThan(0.25 * lines[0].mean_final_distance);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.mean_final_distance).toBeLessThan(0.1);
    expect(summary.episodes).toBe(5);
    const policy = loadCheckpoint(join(dir, 'policy.ckpt'), null);
    expect(policy.arrays.K.length).toBe(50 * 2 * 4);
    expect(existsSync(join(dir, 'final-ep-000.gif'))).toBe(true);
    expect(readFileSync(join(dir, 'learning-curve.svg'), 'utf8')).toContain('<polyline');
  });

  it('names the problem for an unknown method, a wrong observation kind and a bad agent field', async () => {
    const out = join(tmp(), 'never');
    expect((await run('train', '--method', 'dreamer', '--out', out)).err).toMatch(/unknown method 'dreamer'; known methods: solar, lqrflm/);
    expect((await run('train', '--method', 'lqrflm', '--obs', 'pixels', '--out', out)).err).toMatch(/method 'lqrflm' runs on state observations, not 'pixels'/);
    expect((await run('train', '--set', 'agent.kl_step=-1', '--out', out)).err).toMatch(/agent.kl_step/);
    expect((await run('train', '--set', 'agent.klstep=1', '--out', out)).err).toMatch(/unknown config key 'agent.klstep'/);
    expect((await run('train', '--preset', 'huge', '--out', out)).err).toMatch(/unknown preset 'huge'/);
    expect((await run('train', '--method', 'ppo', '--obs', 'state', '--pretrained-from', tmp(), '--out', out)).err).toMatch(/--pretrained-from applies to the methods that pretrain a model \(solar, vae, mpc\), not ppo/);
    expect((await run('train', '--pretrained-from', join(tmp(), 'nothing'), '--out', out)).err).toMatch(/run directory '.*nothing' does not exist/);
    expect((await run('train', '--resume', tmp(), '--pretrained-from', tmp())).err).toMatch(/--resume continues a run with its own model: drop --pretrained-from/);
    expect(existsSync(out)).toBe(false);
  });

  it('refuses a sparse task from the state (it has no dense cost to plan with)', async () => {
    const r = await run('train', '--env', 'nav2d-sparse', '--method', 'lqrflm', '--preset', 'quick', '--out', join(tmp(), 'x'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/sparse cost/);
  });
});
