import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveTrainConfig } from '../config/train-config.js';
import { RunDir } from './run-dir.js';
import { expectEvalReproducesSummary } from './test-helpers.js';
import { resumeTrainJob, runTrainJob } from './train-job.js';

const config = resolveTrainConfig({ env: 'nav2d', method: 'lqrflm', preset: 'quick', seed: 4, set: ['agent.iterations=4', 'agent.eval_episodes=3', 'output.gif_episodes=0'] });
const freshDir = () => RunDir.create(join(mkdtempSync(join(tmpdir(), 'lqrflm-job-')), 'run'));
/** A file's JSON lines without the wall-clock fields (the run-directory contract: they end in _s). */
const noWall = (k: string, v: unknown) => (k.endsWith('_s') ? undefined : v);
const withoutWall = (text: string) => (text.startsWith('{\n') ? [JSON.parse(text, noWall)] : text.trim().split('\n').map((l) => JSON.parse(l, noWall)));

describe('lqrflm job: resume and eval', () => {
  it('resumes an interrupted run from its last checkpoint to the same metrics, summary and policy as an uninterrupted one', async () => {
    const whole = freshDir();
    await runTrainJob(config, whole);
    const cut = freshDir();
    // Interrupted after iteration 1's checkpoint and metrics line.
    await expect(runTrainJob(config, cut, { onIteration: (m) => { if (m.iteration === 1) throw new Error('killed'); } })).rejects.toThrow('killed');
    expect(withoutWall(readFileSync(cut.path('metrics.jsonl'), 'utf8')).map((m) => m.iteration)).toEqual([0, 1]);
    const seen: number[] = [];
    await resumeTrainJob(config, cut, { onIteration: (m) => void seen.push(m.iteration) });
    expect(seen).toEqual([2, 3]);
    for (const f of ['metrics.jsonl', 'summary.json']) expect(withoutWall(readFileSync(cut.path(f), 'utf8')), f).toEqual(withoutWall(readFileSync(whole.path(f), 'utf8')));
    expect(readFileSync(cut.path('policy.ckpt')).equals(readFileSync(whole.path('policy.ckpt')))).toBe(true);
  });

  it('a kill between the checkpoint and the metrics line: the line is restored from the checkpoint, not repeated', async () => {
    const whole = freshDir();
    await runTrainJob(config, whole);
    const cut = freshDir();
    await expect(runTrainJob(config, cut, { onIteration: (m) => { if (m.iteration === 2) throw new Error('killed'); } })).rejects.toThrow('killed');
    // Drop iteration 2's line: the checkpoint after iteration 2 was written, the line was not.
    const lines = readFileSync(cut.path('metrics.jsonl'), 'utf8').trim().split('\n');
    writeFileSync(cut.path('metrics.jsonl'), lines.slice(0, 2).join('\n') + '\n');
    await resumeTrainJob(config, cut);
    expect(withoutWall(readFileSync(cut.path('metrics.jsonl'), 'utf8'))).toEqual(withoutWall(readFileSync(whole.path('metrics.jsonl'), 'utf8')));
    expect(withoutWall(readFileSync(cut.path('summary.json'), 'utf8'))).toEqual(withoutWall(readFileSync(whole.path('summary.json'), 'utf8')));
  });

  it('solar eval: the first agent.eval_episodes of N reproduce summary.json; an unfinished run is refused', async () => {
    await expectEvalReproducesSummary(config, freshDir);
  });
});
