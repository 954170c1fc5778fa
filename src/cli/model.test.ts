import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../run/checkpoint.js';
import { modelJobSchema } from '../config/model-config.js';
import { runModelJob } from '../run/model-job.js';
import { RunDir } from '../run/run-dir.js';
import { main } from './main.js';

async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(['node', 'solar', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'solar-model-'));

describe('solar model', () => {
  it('trains a tiny model on random nav2d rollouts and writes the run directory', async () => {
    const dir = join(tmp(), 'run');
    const r = await run('model', '--env', 'nav2d', '--rollouts', '3', '--steps', '4', '--seed', '1', '--out', dir,
      '--set', 'backend=cpu', '--set', 'eval_rollouts=2', '--set', 'env.horizon=5', '--set', 'env.image_size=8',
      '--set', 'model.network=mlp', '--set', 'model.hidden=8', '--set', 'output.log_every=2', '--set', 'output.checkpoint_every=2');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/held-out R²: agent .*goal/);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({ command: 'model', seed: 1, rollouts: 3, steps: 4, model: { prior: 'lds', latent_dim: 6 } });
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.iteration)).toEqual([0, 1]);
    for (const l of lines) for (const k of ['elbo', 'recon', 'kl', 'env_steps', 'wall_s']) expect(Number.isFinite(l[k])).toBe(true);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(Object.keys(summary.r2).sort()).toEqual(['agent', 'goal']);
    expect(Number.isFinite(summary.one_step_error)).toBe(true);
    for (const f of ['checkpoints/step-000002.ckpt', 'checkpoints/final.ckpt', 'reconstructions.png', 'latent-map-agent.svg']) expect(existsSync(join(dir, f))).toBe(true);
    expect(loadCheckpoint(join(dir, 'checkpoints/final.ckpt'), null).meta).toMatchObject({ kind: 'solar-model', step: 4 });
  });

  it('--resume after a crash mid-training ends exactly where an uninterrupted run ends', async () => {
    const base = tmp();
    const sets = ['backend=cpu', 'eval_rollouts=2', 'env.horizon=5', 'env.image_size=8', 'model.network=mlp', 'model.hidden=8',
      'output.log_every=2', 'output.checkpoint_every=2'].flatMap((x) => ['--set', x]);
    const whole = join(base, 'whole');
    expect((await run('model', '--env', 'nav2d', '--rollouts', '3', '--steps', '6', '--seed', '2', '--out', whole, ...sets)).code).toBe(0);
    // The same run, killed in step 5 (after the checkpoint of step 4 and its metrics line).
    const cut = join(base, 'cut');
    const { version: _v, config_version: _c, ...saved } = JSON.parse(readFileSync(join(whole, 'config.json'), 'utf8'));
    const config = modelJobSchema.parse(saved);
    let steps = 0;
    const killed = RunDir.create(cut);
    await expect(runModelJob(config, killed, { onStep: () => { if (++steps === 5) throw new Error('killed'); } })).rejects.toThrow('killed');
    killed.release(); // as the killed process's exit would: the resume below is its next writer
    expect(existsSync(join(cut, 'summary.json'))).toBe(false);
    const r = await run('model', '--resume', cut);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/resuming the lds model on nav2d, seed 2/);
    const a = loadCheckpoint(join(whole, 'checkpoints/final.ckpt'), null), b = loadCheckpoint(join(cut, 'checkpoints/final.ckpt'), null);
    expect(Object.keys(b.arrays).sort()).toEqual(Object.keys(a.arrays).sort());
    for (const k of Object.keys(a.arrays)) expect(Array.from(b.arrays[k])).toEqual(Array.from(a.arrays[k]));
    const metrics = (d: string) => readFileSync(join(d, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => { const { wall_s: _w, ...x } = JSON.parse(l); return x; });
    expect(metrics(cut)).toEqual(metrics(whole));
    const summary = (d: string) => { const { wall_s: _w, train_s: _t, final: { wall_s: _f, ...final }, ...x } = JSON.parse(readFileSync(join(d, 'summary.json'), 'utf8')); return { ...x, final }; };
    expect(summary(cut)).toEqual(summary(whole));
  });

  it('--resume names a directory that is not a model run', async () => {
    const dir = tmp();
    expect((await run('model', '--resume', dir)).err).toMatch(/cannot resume .*no readable config.json/);
    expect((await run('model', '--resume', join(dir, 'nope'))).err).toMatch(/does not exist/);
  });

  it('names an unknown prior and a bad model field', async () => {
    const out = join(tmp(), 'never');
    expect((await run('model', '--prior', 'gmm', '--out', out)).err).toMatch(/unknown prior 'gmm'/);
    expect((await run('model', '--set', 'model.latent_dim=0', '--out', out)).err).toMatch(/model.latent_dim/);
    expect(existsSync(out)).toBe(false);
  });
});
