/**
 * A finished or interrupted `solar train` run directory as data (docs/run-directory.md): its
 * config at the current config version, every metrics line, the summary and every
 * `solar eval` result — for notebooks and plots of one's own.
 */
import { readdirSync } from 'node:fs';
import { trainConfigSchema, type TrainConfig } from '../config/train-config.js';
import { formatZodError } from '../util/zod.js';
import { RunDir } from './run-dir.js';
import { readSavedConfig } from './saved-config.js';
import type { RunSummary } from './summary.js';

export interface RunRecord {
  /** Absolute path of the run directory. */
  readonly dir: string;
  readonly config: TrainConfig;
  /** metrics.jsonl: one object per iteration (per PPO update), in order. */
  readonly metrics: Record<string, unknown>[];
  /** pretrain.jsonl (latent methods): the model's training log. */
  readonly pretrain: Record<string, unknown>[];
  /** summary.json; absent while the run has not finished. */
  readonly summary?: RunSummary & Record<string, unknown>;
  /** evaluation-N.json of `solar eval`, by episode count N. */
  readonly evaluations: Readonly<Record<number, Record<string, unknown>>>;
}

export function readRun(runDir: string): RunRecord {
  const dir = RunDir.open(runDir);
  const raw = readSavedConfig(dir.path('config.json'), `readRun: cannot read '${dir.display()}'`);
  if (raw.command !== undefined && raw.command !== 'train') throw new Error(`readRun: '${dir.display()}' is a solar ${String(raw.command)} run, not a train run`);
  const parsed = trainConfigSchema.safeParse(raw);
  if (!parsed.success) throw new Error(`readRun: '${dir.display()}' has no train config:\n${formatZodError(parsed.error)}`);
  const evaluations: Record<number, Record<string, unknown>> = {};
  for (const f of readdirSync(dir.root)) {
    const m = /^evaluation-(\d+)\.json$/.exec(f);
    if (m) evaluations[Number(m[1])] = dir.readJsonIfExists(f) as Record<string, unknown>;
  }
  return {
    dir: dir.root, config: parsed.data, metrics: dir.readJsonl('metrics.jsonl'), pretrain: dir.readJsonl('pretrain.jsonl'),
    summary: dir.readJsonIfExists('summary.json') as RunRecord['summary'], evaluations,
  };
}
