/**
 * One (method, seed) run of `solar compare`, as the worker thread and the in-process path
 * both execute it: everything it needs is plain data (structured-clonable), and it goes
 * through the one train entry (`runTrainJob` / `resumeTrainJob`).
 */
import { loadEnvModules } from '../run/env-module.js';
import { enableRemoteEnvs } from '../remote/remote-tasks.js';
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
  /** The user's task modules (--env-module), registered first: a worker thread starts with only the built-in tasks. */
  envModules?: string[];
}

/** Messages a compare worker posts to its parent. */
export type WorkerMessage =
  | ({ type: 'iteration' } & ProgressLine)
  | { type: 'warning'; message: string }
  | { type: 'done'; summary: RunSummary }
  | { type: 'error'; message: string };

export async function executeRun(task: RunTask, hooks: TrainHooks = {}): Promise<RunSummary> {
  if (task.threads !== undefined) hooks = { ...hooks, threads: task.threads };
  if (task.envModules?.length) await loadEnvModules(task.envModules);
  // A worker thread starts without the ws:// task maker (a remote task: docs/remote-env.md).
  enableRemoteEnvs();
  // The run's writer's lock, held for the job: a train or --resume of the same directory is refused meanwhile.
  const dir = task.action === 'resume' ? RunDir.openForWriting(task.dir) : RunDir.create(task.dir, { force: task.action === 'restart' });
  try {
    return await (task.action === 'resume' ? resumeTrainJob(task.config, dir, hooks) : runTrainJob(task.config, dir, hooks));
  } finally {
    dir.release();
  }
}
