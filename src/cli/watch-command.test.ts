import { mkdirSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import omggif from 'omggif';
import { beforeAll, describe, expect, it } from 'vitest';
import { main } from './main.js';

async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(['node', 'solar', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out: out.join('\n'), err: err.join('\n') };
}
const tmp = () => mkdtempSync(join(tmpdir(), 'solar-watch-'));

/** The frames of a GIF file as RGBA, decoded by omggif. */
function gifFrames(file: string): { width: number; height: number; frames: Uint8Array[] } {
  const r = new omggif.GifReader(new Uint8Array(readFileSync(file)));
  return {
    width: r.width,
    height: r.height,
    frames: Array.from({ length: r.numFrames() }, (_, i) => {
      const px = new Uint8Array(r.width * r.height * 4);
      r.decodeAndBlitFrameRGBA(i, px);
      return px;
    }),
  };
}

/** Every file of a run directory with its bytes (watch.gif aside), to check `solar watch` changes none. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string, rel: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name), `${rel}${e.name}/`);
      else if (e.name !== 'watch.gif') out[rel + e.name] = readFileSync(join(d, e.name)).toString('base64');
    }
  };
  walk(dir, '');
  return out;
}

// A SOLAR run small enough for a test: 12-step nav2d episodes, one iteration, 2 evaluation episodes, 1 filmed.
const T = 12;
const TINY_SOLAR = [
  'train', '--env', 'nav2d', '--preset', 'quick', '--seed', '1',
  '--set', `env.horizon=${T}`, '--set', 'pretrain.rollouts=6', '--set', 'pretrain.steps=20', '--set', 'pretrain.log_every=10', '--set', 'pretrain.eval_rollouts=0',
  '--set', 'agent.iterations=1', '--set', 'agent.rollouts=3', '--set', 'agent.eval_episodes=2', '--set', 'output.gif_episodes=1',
];

describe('solar watch', () => {
  let solarRun = '';
  beforeAll(async () => {
    solarRun = join(tmp(), 'solar');
    const r = await run(...TINY_SOLAR, '--out', solarRun);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
  }, 240_000);

  it("a finished SOLAR run has filmed its final policy: watch.gif, the first evaluation episode with a title card", () => {
    const gif = gifFrames(join(solarRun, 'watch.gif'));
    expect(gif.frames.length).toBe(1 + T + 1);
    // The training GIF: the same captioned layout, one episode of the iteration's rollouts.
    expect(gifFrames(join(solarRun, 'rollouts', 'iter-000.gif')).frames.length).toBe(1 + T + 1);
  });

  it('writes a GIF of the final policy on fresh evaluation episodes, without touching the run', async () => {
    const before = snapshot(solarRun);
    const out = join(tmp(), 'two.gif');
    const r = await run('watch', solarRun, '--episodes', '2', '--out', out);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/solar on nav2d, seed 1: 2 evaluation episode\(s\), final distances \d+\.\d{3}.*, \d+\.\d{3}/);
    expect(r.out).toContain(`wrote ${out} (${2 * (T + 2)} frames`);
    const gif = gifFrames(out);
    expect(gif.frames.length).toBe(2 * (1 + T + 1));
    // Its first episode is the run's own first evaluation episode, filmed at the end of training.
    const own = gifFrames(join(solarRun, 'watch.gif'));
    expect([gif.width, gif.height]).toEqual([own.width, own.height]);
    // The episode counter differs (1/2 against 1/1): compare below the counter line.
    const below = 30 * gif.width * 4;
    for (let i = 1; i <= T + 1; i++) expect(gif.frames[i].subarray(below), `frame ${i}`).toEqual(own.frames[i].subarray(below));
    expect(snapshot(solarRun)).toEqual(before);
  }, 120_000);

  it('writes RUN_DIR/watch.gif by default', async () => {
    const r = await run('watch', solarRun, '--episodes', '1');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/wrote .*watch\.gif \(14 frames/);
    expect(gifFrames(join(solarRun, 'watch.gif')).frames.length).toBe(1 + T + 1);
  }, 120_000);

  it('films an LQR-FLM run from its saved policy (camera only)', async () => {
    const dir = join(tmp(), 'lqrflm');
    expect((await run('train', '--env', 'nav2d', '--method', 'lqrflm', '--preset', 'quick', '--out', dir, '--set', 'output.gif_episodes=1')).code).toBe(0);
    expect(gifFrames(join(dir, 'final-ep-000.gif')).frames.length).toBe(1 + 50 + 1);
    const r = await run('watch', dir, '--episodes', '2');
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(gifFrames(join(dir, 'watch.gif')).frames.length).toBe(2 * (1 + 50 + 1));
  }, 120_000);

  it('films a PPO run from its saved policy', async () => {
    const dir = join(tmp(), 'ppo');
    const sets = ['env.horizon=20', 'agent.steps_per_update=200', 'agent.minibatch_size=100', 'agent.epochs=1', 'agent.total_steps=400', 'agent.eval_episodes=2', 'output.gif_episodes=1'];
    const t = await run('train', '--env', 'nav2d', '--method', 'ppo', '--obs', 'state', '--preset', 'quick', '--out', dir, ...sets.flatMap((s) => ['--set', s]));
    expect(t.err).toBe('');
    expect(gifFrames(join(dir, 'final-ep-000.gif')).frames.length).toBe(1 + 20 + 1);
    const r = await run('watch', dir, '--episodes', '1');
    expect(r.err).toBe('');
    expect(gifFrames(join(dir, 'watch.gif')).frames.length).toBe(1 + 20 + 1);
  }, 120_000);

  it('gives one clear error line for a missing directory, a directory that is not a run and a run of another command', async () => {
    const missing = await run('watch', join(tmp(), 'nothing'));
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^solar: error: cannot watch '.*nothing': no such directory$/);
    const empty = tmp();
    const notRun = await run('watch', empty);
    expect(notRun.code).toBe(1);
    expect(notRun.err).toMatch(/^solar: error: cannot watch '.*': not a run directory \(no config\.json\)$/);
    const rollout = join(tmp(), 'rollout');
    expect((await run('rollout', '--episodes', '1', '--out', rollout, '--set', 'output.png_frames=false')).code).toBe(0);
    const other = await run('watch', rollout);
    expect(other.code).toBe(1);
    expect(other.err).toMatch(/^solar: error: cannot watch '.*rollout': it is a solar rollout run; only solar train runs have a policy to watch$/);
    mkdirSync(join(empty, 'sub'));
    expect((await run('watch', solarRun, '--out', join(empty, 'sub'))).err).toMatch(/^solar: error: --out '.*sub' is a directory/);
  }, 60_000);
});
