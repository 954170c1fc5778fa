import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCheckpoint } from '../run/checkpoint.js';
import { CONFIG_VERSION } from '../config/migrations.js';
import { resolveTrainConfig } from '../config/train-config.js';
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

describe('solar train --resume and solar eval on a state run', () => {
  it('refuses every flag --resume would ignore, naming them; eval and --resume work for lqrflm; a held run is refused by pid', async () => {
    const dir = join(tmp(), 'run');
    expect((await run('train', '--method', 'lqrflm', '--preset', 'quick', '--seed', '1', '--out', dir, '--set', 'output.gif_episodes=0')).code).toBe(0);
    const before = readFileSync(join(dir, 'metrics.jsonl'), 'utf8');
    const r = await run('train', '--resume', dir, '--seed', '3', '--iterations', '9', '--set', 'agent.kl_step=2', '--out', join(tmp(), 'x'));
    expect(r.code).toBe(1);
    expect(r.err).toBe(`solar: error: --resume continues '${dir}' exactly as its saved config.json says, so --iterations, --seed, --out, --set would be ignored: drop them, or to change a setting start a fresh run`);
    expect((await run('train', '--resume', dir, '--env', 'nav2d')).err).toMatch(/so --env would be ignored: drop it,/);
    expect((await run('train', '--resume', dir, '--method', 'lqrflm', '--preset', 'quick', '--force')).err).toMatch(/so --method, --preset, --force would be ignored/);
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe(before);

    // eval: the run's own 5 evaluation episodes first, so they reproduce summary.json.
    const ev = await run('eval', dir, '--episodes', '5');
    expect(ev.code).toBe(0);
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(JSON.parse(readFileSync(join(dir, 'evaluation-5.json'), 'utf8'))).toMatchObject({ mean_final_distance: summary.mean_final_distance, episodes: 5 });
    expect((await run('eval', join(dir, 'summary.json'))).err).toBe(`solar: error: '${join(dir, 'summary.json')}' is a file, not a run directory`);

    // --threads only changes the wall time: allowed; the resumed finished run ends as it was.
    const resumed = await run('train', '--resume', dir, '--threads', '1');
    expect(resumed.err).toBe('');
    expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe(before);
    expect(existsSync(join(dir, '.lock'))).toBe(false);

    // Another live process holds the run: --resume, eval and a --force train into it are refused by its pid.
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    try {
      writeFileSync(join(dir, '.lock'), JSON.stringify({ pid: holder.pid, hostname: hostname(), started: '2026-01-01T00:00:00.000Z', thread: 0, token: 'other' }));
      const held = new RegExp(`^solar: error: run directory '.*' is being written by pid ${holder.pid} \\(since 2026-01-01T00:00:00.000Z\\); wait for it to finish or stop it \\(one writer per run directory\\)$`);
      expect((await run('train', '--resume', dir)).err).toMatch(held);
      expect((await run('eval', dir, '--episodes', '2')).err).toMatch(held);
      expect((await run('train', '--method', 'lqrflm', '--preset', 'quick', '--out', dir, '--force')).err).toMatch(held);
      expect(readFileSync(join(dir, 'metrics.jsonl'), 'utf8')).toBe(before);
    } finally {
      holder.kill('SIGKILL');
      await new Promise((res) => holder.once('exit', res));
    }
    // Its process gone, the next writer takes the lock over with a notice.
    const after = await run('eval', dir, '--episodes', '2');
    expect(after.code).toBe(0);
    expect(after.err).toBe(`notice: took over the lock of '${dir}' from pid ${holder.pid}, which is no longer running (started 2026-01-01T00:00:00.000Z)`);
  });

  it('refuses --resume flags on a solar run with the --pretrained-from suggestion, before touching it', async () => {
    const dir = tmp();
    writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...resolveTrainConfig({ env: 'nav2d', preset: 'quick' }), config_version: CONFIG_VERSION, version: '0.0.0' }));
    const r = await run('train', '--resume', dir, '--set', 'agent.kl_step=2');
    expect(r.err).toBe(`solar: error: --resume continues '${dir}' exactly as its saved config.json says, so --set would be ignored: drop it, or to change a setting start a fresh run with --pretrained-from ${dir} (it reuses the pretrained model)`);
  });
});
