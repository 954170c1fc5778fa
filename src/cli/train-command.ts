import { defaultRunDir, RunDir } from '../run/run-dir.js';
import { canResume, methodPretrains, plannedIterations, resumeTrainJob, runTrainJob } from '../run/train-job.js';
import { resolveTrainConfig, trainConfigSchema, type MethodName, type Preset, type TrainConfig } from '../config/train-config.js';
import { UserError, type Io } from './io.js';
import { savedRunConfig } from './options.js';
import { progressBar, type Progress } from './progress.js';
import type { ProgressLine } from '../run/summary.js';

export interface TrainOptions {
  env: string;
  method: string;
  obs?: string;
  preset: string;
  iterations?: number;
  rollouts?: number;
  seed: number;
  out?: string;
  set: string[];
  force?: boolean;
  resume?: string;
  pretrainedFrom?: string;
  threads?: number;
}

function trainConfigOf(opts: TrainOptions): TrainConfig {
  const flags: string[] = [];
  if (opts.iterations !== undefined) flags.push(`agent.iterations=${opts.iterations}`);
  if (opts.rollouts !== undefined) flags.push(`agent.rollouts=${opts.rollouts}`);
  // resolveTrainConfig names an unknown method or preset.
  return resolveTrainConfig({ env: opts.env, method: opts.method as MethodName, obs: opts.obs as 'state' | 'pixels' | undefined, preset: opts.preset as Preset, seed: opts.seed, set: [...flags, ...opts.set] });
}

/** `solar train`: learn a task with a method; a run directory with metrics, summary and pictures. */
export async function trainCommand(opts: TrainOptions, io: Io): Promise<number> {
  let config: TrainConfig, dir: RunDir;
  let pretrainedFrom: RunDir | undefined;
  if (opts.resume && opts.pretrainedFrom) throw new UserError('--resume continues a run with its own model: drop --pretrained-from');
  if (opts.resume) {
    dir = RunDir.open(opts.resume);
    config = savedRunConfig(dir, trainConfigSchema, 'train');
    if (!canResume(config.method)) throw new UserError(`--resume does not support ${config.method} runs ('${dir.display()}'): they are short, start it again`);
    io.out(`resuming ${config.method} on ${config.env.name}, seed ${config.seed} in ${dir.display()}/`);
  } else {
    config = trainConfigOf(opts);
    if (opts.pretrainedFrom && !methodPretrains(config.method)) throw new UserError(`--pretrained-from applies to the methods that pretrain a model (solar, vae, mpc), not ${config.method}`);
    // Opened before the new run directory exists: a wrong path leaves nothing behind.
    pretrainedFrom = opts.pretrainedFrom ? RunDir.open(opts.pretrainedFrom) : undefined;
    const out = opts.out ?? defaultRunDir({ command: 'train', env: config.env.name, method: `${config.method}-${config.obs}`, seed: config.seed });
    dir = RunDir.create(out, { force: opts.force });
    io.out(`training ${config.method} (${config.obs}) on ${config.env.name}, seed ${config.seed}, preset ${config.preset} → ${dir.display()}/`);
  }
  const iterations = plannedIterations(config);
  const report = (m: ProgressLine) => {
    if (!process.stderr.isTTY) io.out(`iteration ${m.iteration}: mean final distance ${m.mean_final_distance.toFixed(4)}, mean cost ${m.mean_cost.toFixed(3)}`);
  };
  let summary;
  let bar: Progress = progressBar(`${config.method} ${config.env.name}`, iterations);
  try {
    let pretraining: Progress | null = methodPretrains(config.method) && !opts.resume && !pretrainedFrom ? progressBar('pretraining', config.pretrain?.steps ?? 0) : null;
    if (pretraining) bar.stop();
    const hooks = {
      onPretrainStep: (s: number, total: number) => {
        pretraining?.tick();
        if (s === total && pretraining) {
          pretraining.stop();
          pretraining = null;
          bar = progressBar(`${config.method} ${config.env.name}`, iterations);
        }
      },
      onIteration: (m: ProgressLine) => (bar.tick(), report(m)),
      onWarning: (w: string) => io.err(`warning: ${w}`),
      pretrainedFrom,
      threads: opts.threads,
    };
    summary = await (opts.resume ? resumeTrainJob(config, dir, hooks) : runTrainJob(config, dir, hooks));
  } finally {
    bar.stop();
  }
  io.out(
    `final evaluation over ${summary.episodes} fresh episodes${'policy_from_iteration' in summary && summary.policy_from_iteration !== undefined ? ` (the policy rolled out at iteration ${summary.policy_from_iteration}, agent.keep_best)` : ''}: mean final distance ${summary.mean_final_distance.toFixed(4)}, ` +
      `success rate ${summary.success_rate.toFixed(2)}, ${summary.env_steps} env steps, ${summary.wall_s.toFixed(1)} s`,
  );
  io.out(`wrote ${dir.display()}/ (config.json, metrics.jsonl, summary.json, learning-curve.svg and the method's checkpoints and GIFs)`);
  return 0;
}
