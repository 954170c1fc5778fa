import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../config/resolve-config.js';
import { trainConfigSchema, trainDefaults } from '../config/train-config.js';
import { RunInterrupted } from './interrupt.js';
import { readLabels, type LabelQuestion, type LabelRecord, type LabelSource } from './labels.js';
import { RunDir } from './run-dir.js';
import { resumeSolarJob, runSolarJob } from './solar-job.js';

/** A few seconds of SOLAR on nav2d-sparse, with a success distance a random policy reaches now and then. */
function tinyConfig(labels: string, sets: string[] = []) {
  return resolveConfig(trainConfigSchema, {
    defaults: trainDefaults({ env: 'nav2d-sparse', method: 'solar', obs: 'pixels', preset: 'quick', seed: 3 }),
    sets: ['env.image_size=16', 'env.horizon=12', 'env.success_distance=0.8', 'pretrain.rollouts=6', 'pretrain.steps=30', 'pretrain.log_every=10', 'pretrain.eval_rollouts=2', 'model.hidden=32', 'agent.iterations=3', 'agent.rollouts=6', 'agent.eval_episodes=3', 'output.gif_episodes=0', `agent.labels=${labels}`, ...sets],
  });
}
const freshDir = () => RunDir.create(join(mkdtempSync(join(tmpdir(), 'solar-labels-')), 'run'));
const lines = (dir: RunDir, f: string) => readFileSync(dir.path(f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
const noClock = (o: Record<string, unknown>) => Object.fromEntries(Object.entries(o).filter(([k]) => !k.endsWith('_s')));

/** A scripted person who answers every question from `truth` (labels.jsonl of another run), key by key. */
function scriptedPerson(truth: readonly LabelRecord[], opts: { stopAfter?: { iteration: number; keys: number; abort: AbortController } } = {}) {
  const asked: LabelQuestion[] = [];
  const source: LabelSource = {
    async ask(q, onChange) {
      asked.push(q);
      const labels = [...q.given];
      let keys = 0;
      for (const r of q.rollouts) {
        if (labels[r.rollout] !== null) continue;
        const t = truth.find((x) => x.iteration === q.iteration && x.rollout === r.rollout && x.seed === r.seed);
        if (!t) throw new Error(`no reference label for iteration ${q.iteration}, rollout ${r.rollout}`);
        labels[r.rollout] = t.success;
        onChange([...labels]);
        if (opts.stopAfter && opts.stopAfter.iteration === q.iteration && ++keys === opts.stopAfter.keys) {
          opts.stopAfter.abort.abort();
          throw new Error('labelling stopped');
        }
      }
      return labels as boolean[];
    },
  };
  return { source, asked };
}

describe('success labels', () => {
  it("a person who labels as the task would gives the run of agent.labels 'final'; other labels give another run; a resume asks only what is missing", async () => {
    // The reference: the task's own success at each rollout's end, recorded.
    const ref = freshDir();
    const refSummary = await runSolarJob(tinyConfig('final'), ref);
    const truth = readLabels(ref);
    expect(truth).toHaveLength(3 * 6);
    expect(truth.every((r) => r.by === 'task')).toBe(true);
    const successes = truth.filter((r) => r.success).length;
    // Both kinds of label occur, so a wrong relay could not go unnoticed.
    expect(successes).toBeGreaterThan(0);
    expect(successes).toBeLessThan(truth.length);
    // The success model learns from the final latents only: one label per rollout.
    expect(lines(ref, 'metrics.jsonl').map((m) => m.success_labels)).toEqual([0, 1, 2].map((i) => truth.filter((r) => r.iteration === i && r.success).length));

    const person = freshDir();
    const { source, asked } = scriptedPerson(truth);
    const summary = await runSolarJob(tinyConfig('human'), person, { labelSource: source });
    expect(asked.map((q) => q.iteration)).toEqual([0, 1, 2]);
    expect(asked.every((q) => q.rollouts.length === 6 && q.given.every((g) => g === null) && q.rollouts.every((r) => r.png.subarray(1, 4).toString() === 'PNG'))).toBe(true);
    expect(lines(person, 'metrics.jsonl').map(noClock)).toEqual(lines(ref, 'metrics.jsonl').map(noClock));
    expect(noClock({ ...summary })).toEqual(noClock({ ...refSummary }));
    expect(readLabels(person).map(({ by: _, ...r }) => r)).toEqual(truth.map(({ by: _, ...r }) => r));
    expect(readLabels(person).every((r) => r.by === 'person')).toBe(true);

    // A person who says 'no' to everything: the success model sees no success, the run differs.
    const sceptic = freshDir();
    const none = truth.map((r) => ({ ...r, success: false }));
    await runSolarJob(tinyConfig('human'), sceptic, { labelSource: scriptedPerson(none).source });
    expect(lines(sceptic, 'metrics.jsonl').map((m) => m.success_labels)).toEqual([0, 0, 0]);
    expect(lines(sceptic, 'metrics.jsonl').map(noClock)).not.toEqual(lines(ref, 'metrics.jsonl').map(noClock));

    // Stopped after 2 labels of iteration 1: those 2 are saved, the resume asks for the other 4 only.
    const cut = freshDir();
    const abort = new AbortController();
    const first = scriptedPerson(truth, { stopAfter: { iteration: 1, keys: 2, abort } });
    await expect(runSolarJob(tinyConfig('human'), cut, { labelSource: first.source, signal: abort.signal })).rejects.toBeInstanceOf(RunInterrupted);
    expect(readLabels(cut).filter((r) => r.iteration === 1)).toHaveLength(2);
    const again = scriptedPerson(truth);
    await resumeSolarJob(tinyConfig('human'), cut, { labelSource: again.source });
    expect(again.asked.map((q) => [q.iteration, q.given.filter((g) => g !== null).length])).toEqual([[1, 2], [2, 0]]);
    expect(lines(cut, 'metrics.jsonl').map(noClock)).toEqual(lines(ref, 'metrics.jsonl').map(noClock));
  }, 120_000);

  it('refuses labels that cannot be given, before pretraining', async () => {
    await expect(runSolarJob(tinyConfig('human'), freshDir())).rejects.toThrow(/agent.labels 'human' needs a person to ask/);
    const dense = resolveConfig(trainConfigSchema, { defaults: trainDefaults({ env: 'nav2d', method: 'solar', obs: 'pixels', preset: 'quick', seed: 0 }), sets: ['agent.labels=final'] });
    await expect(runSolarJob(dense, freshDir())).rejects.toThrow(/labels the rollouts of a sparse task; nav2d has a dense cost \(try nav2d-sparse\)/);
  });
});
