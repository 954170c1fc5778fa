/**
 * One (method, seed) run of `solar compare`, as the worker thread and the in-process path
 * both execute it: everything it needs is plain data (structured-clonable), and it goes
 * through the one train entry (`runTrainJob` / `resumeTrainJob`).
 */
import { RunDir } from '../run/run-dir.js';
import type { RunSummary, ProgressLine } from '../run/summary.js';
import { resumeTrainJob, runTrainJob, type TrainHooks } from '../run/train-job.js';
import type { TrainConfig } from '../config/train-config.js';

export interface RunTask {
  config: TrainConfig;
  /** Absolute run directory. */
  dir: string;
  action: 'run' | 'restart' | 'resume';
  /** Threads for the run's model training (cores shared among the runs at a time). */
  threads?: number;
}

/** Messages a compare worker posts to its parent. */
export type WorkerMessage =
  | ({ type: 'iteration' } & ProgressLine)
  | { type: 'warning'; message: string }
  | { type: 'done'; summary: RunSummary }
  | { type: 'error'; message: string };

export function executeRun(task: RunTask, hooks: TrainHooks = {}): Promise<RunSummary> {
  if (task.threads !== undefined) hooks = { ...hooks, threads: task.threads };
  if (task.action === 'resume') return resumeTrainJob(task.config, RunDir.open(task.dir), hooks);
  const dir = RunDir.create(task.dir, { force: task.action === 'restart' });
  return runTrainJob(task.config, dir, hooks);
}
