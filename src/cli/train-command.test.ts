import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { main } from './main.js';

/** A few seconds of SOLAR on nav2d, pretraining long enough (120 steps) to be stopped in. */
const TINY = [
  'train', '--env', 'nav2d', '--preset', 'quick', '--seed', '5',
  ...['env.image_size=16', 'env.horizon=12', 'pretrain.rollouts=6', 'pretrain.steps=120', 'pretrain.log_every=10', 'pretrain.eval_rollouts=2',
    'model.hidden=32', 'agent.iterations=2', 'agent.rollouts=3', 'agent.eval_episodes=2', 'output.gif_episodes=0'].flatMap((s) => ['--set', s]),
];

async function run(...args: string[]) {
  const out: string[] = [], err: string[] = [];
  const code = await main(['node', 'solar', ...args], { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { code, out, err };
}

/**
 * Runs `args` and, once pretraining has logged its first line, sends `signals` the way a
 * terminal's Ctrl-C or `kill` would reach the command (to its listeners, in this process).
 */
async function runAndSignal(dir: string, signals: NodeJS.Signals[], ...args: string[]) {
  const poll = setInterval(() => {
    if (!existsSync(join(dir, 'pretrain.jsonl'))) return;
    clearInterval(poll);
    for (const s of signals) process.emit(s, s);
  }, 5);
  try {
    return await run(...args);
  } finally {
    clearInterval(poll);
  }
}

const tmp = () => join(mkdtempSync(join(tmpdir(), 'solar-train-cmd-')), 'run');
const lines = (dir: string, f: string) => readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const noClock = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.endsWith('_s')));
const resultsOf = (dir: string) => ({
  metrics: lines(dir, 'metrics.jsonl').map(noClock),
  pretrain: lines(dir, 'pretrain.jsonl').map(noClock),
  summary: noClock(JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'))),
});

afterEach(() => {
  vi.restoreAllMocks();
});

describe('solar train: Ctrl-C, --resume and an occupied run directory', () => {
  it('Ctrl-C saves, says what and how to resume in one line, exits 130; the resumed run ends as an uninterrupted one', async () => {
    const straight = tmp();
    expect((await run(...TINY, '--out', straight)).code).toBe(0);

    const dir = tmp();
    const listeners = process.listenerCount('SIGINT');
    const stopped = await runAndSignal(dir, ['SIGINT'], ...TINY, '--out', dir);
    expect(stopped.code).toBe(130);
    expect(stopped.err).toHaveLength(1);
    const m = /^interrupted: saved checkpoints\/pretraining\.ckpt \(pretraining step (\d+) of 120\) in (.+)\/; continue with: npx solar train --resume (.+)$/.exec(stopped.err[0]);
    expect(m, stopped.err[0]).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThanOrEqual(10);
    expect(Number(m![1])).toBeLessThan(120);
    expect(m![3]).toBe(m![2]);
    // Its listeners are gone with the command: a later Ctrl-C is the process's again.
    expect(process.listenerCount('SIGINT')).toBe(listeners);

    const resumed = await run('train', '--resume', m![3]);
    expect(resumed.err).toEqual([]);
    expect(resumed.code).toBe(0);
    expect(resultsOf(dir)).toEqual(resultsOf(straight));

    // Running the same command into the finished run's directory is refused, naming both ways on.
    const again = await run(...TINY, '--out', dir);
    expect(again.code).toBe(1);
    expect(again.err.join('\n')).toMatch(/^solar: error: output directory '.*run' already holds a run: continue it with --resume .*run, replace it with --force, or choose another --out$/);
  });

  it('SIGTERM stops the same way with exit code 143; a second signal exits at once', async () => {
    const dir = tmp();
    const stopped = await runAndSignal(dir, ['SIGTERM'], ...TINY, '--out', dir);
    expect(stopped.code).toBe(143);
    expect(stopped.err).toEqual([expect.stringMatching(/^stopped \(SIGTERM\): saved checkpoints\/pretraining\.ckpt \(pretraining step \d+ of 120\) in .*; continue with: npx solar train --resume /)]);

    // Ctrl-C twice before the job reaches its next step: the second exits at once (process.exit, stubbed here).
    const exit = vi.spyOn(process, 'exit').mockImplementation((() => undefined) as never);
    const twice = await runAndSignal(dir, ['SIGINT', 'SIGINT'], 'train', '--resume', dir);
    expect(exit).toHaveBeenCalledWith(130);
    expect(twice.err[0]).toMatch(/^interrupted again: exiting at once; what was saved before still resumes: npx solar train --resume /);
  });

  it('refuses in one line to resume a run stopped before its first checkpoint', async () => {
    const dir = tmp();
    const straight = tmp();
    expect((await run(...TINY, '--set', 'pretrain.steps=0', '--set', 'agent.iterations=1', '--out', straight)).code).toBe(0);
    // What a kill during set-up leaves: config.json alone.
    mkdirSync(dir);
    copyFileSync(join(straight, 'config.json'), join(dir, 'config.json'));
    const r = await run('train', '--resume', dir);
    expect(r.code).toBe(1);
    expect(r.err).toEqual([expect.stringMatching(/^solar: error: '.*run' has no checkpoint to resume from \(it stopped before its first, while setting up\): start it again with --out .*run --force$/)]);
  });
});

describe('solar train --label', () => {
  it('refuses labels that cannot be given in one line, before a run directory exists', async () => {
    const cases: [string[], RegExp][] = [
      [['--env', 'nav2d', '--label', 'human'], /^solar: error: --label human labels the rollouts of a sparse task; nav2d has a dense cost \(try --env nav2d-sparse\)$/],
      [['--env', 'nav2d-sparse', '--label', 'person'], /^solar: error: --label is one of task, final, human; got 'person'$/],
      [['--env', 'nav2d-sparse', '--method', 'mpc', '--label', 'final'], /^solar: error: --label applies to the methods that learn a success model from labels \(solar, vae\), not mpc$/],
    ];
    for (const [args, want] of cases) {
      const out = tmp();
      const r = await run('train', ...args, '--out', out);
      expect(r.code, args.join(' ')).toBe(1);
      expect(r.err).toEqual([expect.stringMatching(want)]);
      expect(existsSync(out)).toBe(false);
    }
  });
});
