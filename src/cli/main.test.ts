import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeEnv } from '../envs/registry.js';
import { rollout } from '../envs/rollout.js';
import { deriveSeed } from '../random/rng.js';
import { decodePng } from '../run/images.js';
import { main } from './main.js';

async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(['node', 'solar', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'solar-cli-'));
const readJsonl = (f: string) => readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l));

describe('solar rollout', () => {
  it('writes config, episodes.jsonl, summary, PNG frames and a GIF per episode, and says where', async () => {
    const dir = join(tmp(), 'run');
    const r = await run('rollout', '--env', 'nav2d', '--episodes', '2', '--seed', '5', '--out', dir, '--set', 'env.target=-0.1,-0.1');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`wrote .*run/`));
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    expect(config.env).toMatchObject({ name: 'nav2d', target: [-0.1, -0.1], image_size: 32, channels: 2 });
    expect(config.seed).toBe(5);
    expect(config.version).toMatch(/^\d+\.\d+\.\d+/);
    const eps = readJsonl(join(dir, 'episodes.jsonl'));
    expect(eps.map((e) => Object.keys(e).sort())).toEqual(Array(2).fill(['episode', 'final_distance', 'seed', 'success', 'total_cost']));
    expect(readdirSync(join(dir, 'frames', 'ep-001')).length).toBe(51);
    expect(readFileSync(join(dir, 'ep-000.gif')).subarray(0, 6).toString()).toBe('GIF89a');
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.episodes).toBe(2);
    expect(summary.env_steps).toBe(100);
    expect(summary.mean_final_distance).toBeCloseTo((eps[0].final_distance + eps[1].final_distance) / 2, 12);

    // The episode's seed alone reproduces it: the env from that seed gives the first frame on disk.
    const env = await makeEnv('nav2d', { target: [-0.1, -0.1] });
    expect(eps[1].seed).toBe(deriveSeed(5, 1));
    const ep = await rollout(env, () => [0, 0], eps[1].seed);
    const png = decodePng(readFileSync(join(dir, 'frames', 'ep-001', 't-000.png')));
    expect([png.width, png.height]).toEqual([32, 32]);
    for (let p = 0; p < 32 * 32; p++) {
      expect(png.rgba[4 * p]).toBe(Math.round(ep.observations[0][2 * p] * 255));
      expect(png.rgba[4 * p + 1]).toBe(Math.round(ep.observations[0][2 * p + 1] * 255));
    }
  });

  it('gives the same episodes for the same seed', async () => {
    const a = join(tmp(), 'a'), b = join(tmp(), 'b');
    await run('rollout', '--env', 'car', '--episodes', '2', '--seed', '3', '--out', a, '--set', 'output.png_frames=false');
    await run('rollout', '--env', 'car', '--episodes', '2', '--seed', '3', '--out', b, '--set', 'output.png_frames=false');
    expect(readFileSync(join(a, 'episodes.jsonl'), 'utf8')).toBe(readFileSync(join(b, 'episodes.jsonl'), 'utf8'));
    expect(readFileSync(join(a, 'ep-001.gif')).equals(readFileSync(join(b, 'ep-001.gif')))).toBe(true);
  });

  it('names the known envs for an unknown one', async () => {
    const r = await run('rollout', '--env', 'pong', '--out', join(tmp(), 'x'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown env 'pong'; known envs: nav2d, nav2d-sparse, car, car-sparse, reacher, reacher-sparse/);
  });

  it('rejects --episodes 0, negative and non-integer counts', async () => {
    for (const n of ['0', '-3', '1.5', 'ten']) {
      const r = await run('rollout', '--episodes', n, '--out', join(tmp(), 'x'));
      expect(r.code).toBe(2);
      expect(r.err).toMatch(/--episodes must be (at least 1|an integer)/);
    }
    const viaSet = await run('rollout', '--set', 'episodes=0', '--out', join(tmp(), 'x'));
    expect(viaSet.code).toBe(1);
    expect(viaSet.err).toMatch(/episodes: episodes must be a positive integer/);
  });

  it('refuses an output path that is a file, and a non-empty directory, without touching them', async () => {
    const d = tmp();
    const file = join(d, 'file.txt');
    writeFileSync(file, 'keep me');
    const r = await run('rollout', '--out', file);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/exists and is a file/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    const r2 = await run('rollout', '--out', d);
    expect(r2.err).toMatch(/is not empty/);
    const r3 = await run('rollout', '--out', d, '--force');
    expect(r3.err).toMatch(/does not look like a run directory/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
  });

  it('rejects an unknown --set key and an invalid value, writing nothing', async () => {
    const out = join(tmp(), 'never');
    const r = await run('rollout', '--out', out, '--set', 'env.colour=red');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/unknown config key 'env.colour'; known keys: .*env.target/);
    const r2 = await run('rollout', '--out', out, '--set', 'env.image_size=big');
    expect(r2.err).toMatch(/env.image_size/);
    expect(existsSync(out)).toBe(false);
  });

  it('replaces a previous run with --force', async () => {
    const dir = join(tmp(), 'run');
    expect((await run('rollout', '--episodes', '1', '--out', dir, '--set', 'output.png_frames=false')).code).toBe(0);
    expect((await run('rollout', '--episodes', '1', '--out', dir)).code).toBe(1);
    expect((await run('rollout', '--episodes', '1', '--out', dir, '--force', '--set', 'output.gif=false')).code).toBe(0);
    expect(existsSync(join(dir, 'ep-000.gif'))).toBe(false);
  });
});

describe('solar envs', () => {
  it('lists every task with its spec and writes envs.json with --out', async () => {
    const dir = join(tmp(), 'envs');
    const r = await run('envs', '--out', dir, '--seed', '2');
    expect(r.code).toBe(0);
    for (const name of ['nav2d', 'car', 'reacher', 'reacher-sparse']) expect(r.out).toContain(name);
    expect(r.out).toMatch(/reacher\s+64×64×3\s+10/);
    const specs = JSON.parse(readFileSync(join(dir, 'envs.json'), 'utf8'));
    expect(specs.car.horizon).toBe(100);
    expect(existsSync(join(dir, 'reacher.png'))).toBe(true);
    expect(r.out).toMatch(/wrote .*envs\//);
  });
});
