/**
 * The library's one call to train (what `npx solar train` does): resolve the config of a task,
 * method and preset with `--set`-style overrides, write a run directory, train, evaluate.
 *
 *   const { dir, summary } = await train({ env: 'nav2d', preset: 'quick', seed: 0, out: 'runs/mine' });
 */
import { resolveTrainConfig, type MethodName, type Preset, type TrainConfig } from '../config/train-config.js';
import { defaultRunDir, RunDir } from './run-dir.js';
import type { RunSummary } from './summary.js';
import { runTrainJob, type TrainHooks } from './train-job.js';

export interface TrainOptions {
  /** A registered task (see registerEnv). */
  env: string;
  method?: MethodName;
  obs?: 'state' | 'pixels';
  preset?: Preset;
  seed?: number;
  /** Config overrides, e.g. ['agent.iterations=5', 'env.target=0.5,0.5']. */
  set?: readonly string[];
  /** The run directory (default runs/train-<env>-<method>-<obs>-s<seed>). */
  out?: string;
  /** Replace a previous run in `out`. */
  force?: boolean;
  /** Progress callbacks (per iteration, per pretraining step) and the task's factory. */
  hooks?: TrainHooks;
}

export async function train(opts: TrainOptions): Promise<{ dir: string; config: TrainConfig; summary: RunSummary }> {
  const config = resolveTrainConfig(opts);
  const out = opts.out ?? defaultRunDir({ command: 'train', env: config.env.name, method: `${config.method}-${config.obs}`, seed: config.seed });
  const dir = RunDir.create(out, { force: opts.force });
  try {
    const summary = await runTrainJob(config, dir, opts.hooks);
    return { dir: dir.root, config, summary };
  } finally {
    dir.release();
  }
}
