import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.js';
import { trainConfigSchema, trainDefaults, type MethodName } from '../config/train-config.js';
import { loadCheckpoint } from './checkpoint.js';
import { RunInterrupted } from './interrupt.js';
import { PRETRAIN_CHECKPOINT_EVERY } from './latent-pretrain.js';
import { RunDir } from './run-dir.js';
import { resumeTrainJob, runTrainJob, type TrainHooks } from './train-job.js';
import type { RunSummary } from './summary.js';

/** Pretraining steps of the tiny runs: two periodic checkpoints, then 20 steps to the end. */
const EVERY = PRETRAIN_CHECKPOINT_EVERY;
const STEPS = 2 * EVERY + 20;

/** A few seconds of a latent method on nav2d whose pretraining spans two periodic checkpoints. */
function tinyConfig(method: MethodName = 'solar', sets: string[] = []) {
  return resolveConfig(trainConfigSchema, {
    defaults: trainDefaults({ env: 'nav2d', method, obs: 'pixels', preset: 'quick', seed: 3 }),
    sets: [
      'env.image_size=16', 'env.horizon=12', 'pretrain.rollouts=6', `pretrain.steps=${STEPS}`, 'pretrain.log_every=10', 'pretrain.eval_rollouts=2',
      'model.hidden=32', 'agent.iterations=2', 'agent.rollouts=3', 'agent.eval_episodes=2', 'output.gif_episodes=0',
      ...(method === 'mpc' ? ['agent.initial_fit_steps=20', 'agent.fit_steps=5', 'agent.samples=16', 'agent.elites=4', 'agent.cem_iterations=2', 'agent.plan_horizon=4', 'agent.hidden=16'] : []),
      ...sets,
    ],
  });
}
const freshDir = () => RunDir.create(join(mkdtempSync(join(tmpdir(), 'solar-pretrain-')), 'run'));
const lines = (dir: RunDir, f: string) => readFileSync(dir.path(f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
// Wall-clock fields: `*_s`, and MPC's planning time per step.
const noClock = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.endsWith('_s') && !k.endsWith('_ms_per_step')));

/** Everything a run's result files hold but wall-clock fields. */
function results(dir: RunDir, summary: RunSummary) {
  return {
    metrics: lines(dir, 'metrics.jsonl').map(noClock),
    pretrain: lines(dir, 'pretrain.jsonl').map(noClock),
    summary: noClock({ ...summary }),
    summaryFile: noClock(JSON.parse(readFileSync(dir.path('summary.json'), 'utf8'))),
    pretrainedModel: readFileSync(dir.path('pretrained-model.json'), 'utf8'),
    // The pretrained model itself, bit for bit (its weights, Adam moments, q(θ) and RNG state).
    pretrained: Object.fromEntries(Object.entries(loadCheckpoint(dir.path('checkpoints/pretrained.ckpt'), null).arrays).map(([k, a]) => [k, Array.from(a)])),
  };
}

const straight = new Map<string, Promise<ReturnType<typeof results>>>();
/** The uninterrupted run of `method`, once per method: the reference every resumed run must equal. */
function straightRun(method: MethodName) {
  if (!straight.has(method)) {
    straight.set(method, (async () => {
      const dir = freshDir();
      return results(dir, await runTrainJob(tinyConfig(method), dir));
    })());
  }
  return straight.get(method)!;
}

describe('pretraining checkpoints and resume', () => {
  it.each(['solar', 'vae', 'mpc'] as const)('%s: a run killed mid-pretraining resumes from its last checkpoint to the same result as an uninterrupted run', async (method) => {
    const dir = freshDir();
    // Dies after step 1.5 × EVERY (as kill -9 would: no save, no cleanup of the files):
    // checkpointed at step EVERY, while pretrain.jsonl already holds lines of later steps.
    const killedAt = EVERY + EVERY / 2;
    const crash: TrainHooks = { onPretrainStep: (s) => { if (s === killedAt) throw new Error('killed'); } };
    await expect(runTrainJob(tinyConfig(method), dir, crash)).rejects.toThrow('killed');
    const logged = lines(dir, 'pretrain.jsonl').map((l) => l.step);
    expect(logged).toEqual(Array.from({ length: Math.floor(killedAt / 10) }, (_, i) => 10 * (i + 1)));
    const partial = loadCheckpoint(dir.path('checkpoints/pretraining.ckpt'), null).meta as { pretraining: { step: number; log: string[] } };
    expect(partial.pretraining.step).toBe(EVERY);
    expect(partial.pretraining.log.map((l) => JSON.parse(l).step)).toEqual(logged.filter((s) => s <= EVERY));
    expect(existsSync(dir.path('checkpoints/latest.ckpt'))).toBe(false);

    const steps: number[] = [];
    const summary = await resumeTrainJob(tinyConfig(method), dir, { onPretrainStep: (s) => steps.push(s) });
    expect(steps[0]).toBe(EVERY + 1);
    expect(steps.at(-1)).toBe(STEPS);
    expect(results(dir, summary)).toEqual(await straightRun(method));
    // Once the iterations have their own checkpoint, the pretraining one is gone.
    expect(existsSync(dir.path('checkpoints/pretraining.ckpt'))).toBe(false);
  });

  /** A run asked to stop by `when` (and, if given, its resume by `again`), then resumed to the end. */
  type Stopper = (stop: () => void) => TrainHooks;
  const stopCases: [string, Stopper, RegExp, Stopper?][] = [
    // The untrained model (step 0) is saved before the rollouts are collected.
    ['while collecting the random rollouts', (stop) => { let n = 0; return { onEpisode: () => { if (++n === 3) stop(); } }; }, /^checkpoints\/pretraining\.ckpt \(pretraining step 0 of \d+\)$/],
    ['mid-pretraining, off the periodic checkpoints, and again while resuming', (stop) => ({ onPretrainStep: (s) => { if (s === 33) stop(); } }), new RegExp(`^checkpoints/pretraining\\.ckpt \\(pretraining step 33 of ${STEPS}\\)$`), (stop) => ({ onPretrainStep: (s) => { if (s === EVERY + 40) stop(); } })],
    ['after the last pretraining step, while the model is scored', (stop) => ({ onPretrainStep: (s) => { if (s === STEPS) stop(); } }), /^checkpoints\/pretrained\.ckpt \(pretraining done\)$/],
    ['after the first iteration', (stop) => ({ onIteration: () => stop() }), /^checkpoints\/latest\.ckpt \(1 of 2 iterations done\)$/],
  ];
  it.each(stopCases)('a stop request %s saves what it can, and the resume ends as the uninterrupted run', async (_, when, saved, again) => {
    const dir = freshDir();
    const controller = new AbortController();
    const error = await runTrainJob(tinyConfig(), dir, { ...when(() => controller.abort()), signal: controller.signal }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RunInterrupted);
    expect((error as RunInterrupted).saved).toMatch(saved);
    expect(existsSync(dir.path('error.json'))).toBe(false);
    if (again) {
      const second = new AbortController();
      await expect(resumeTrainJob(tinyConfig(), dir, { ...again(() => second.abort()), signal: second.signal })).rejects.toBeInstanceOf(RunInterrupted);
    }
    const summary = await resumeTrainJob(tinyConfig(), dir);
    expect(results(dir, summary)).toEqual(await straightRun('solar'));
  });

  it('refuses in one line to resume a run stopped before its first checkpoint', async () => {
    const dir = freshDir();
    writeFileSync(dir.path('config.json'), JSON.stringify(tinyConfig()));
    const error = (await resumeTrainJob(tinyConfig(), dir).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^'.*run' has no checkpoint to resume from \(it stopped before its first, while setting up\): start it again with --out .*run --force$/);
    expect(error.message).not.toMatch(/ENOENT/);
  });
});
