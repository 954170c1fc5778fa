import { runLqrflmJob } from '../run/lqrflm-job.js';
import { resolveConfig } from '../run/resolve-config.js';
import { defaultRunDir, RunDir } from '../run/run-dir.js';
import { METHODS, trainConfigSchema, trainDefaults, type MethodName, type TrainConfig } from '../run/train-config.js';
import { UserError, type Io } from './io.js';
import { progressBar } from './progress.js';

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
}

/** `solar train`: learn a task with a method; a run directory with metrics, summary and pictures. */
export async function trainCommand(opts: TrainOptions, io: Io): Promise<number> {
  if (!(opts.method in METHODS)) throw new UserError(`unknown method '${opts.method}'; known methods: ${Object.keys(METHODS).join(', ')}`);
  const method = opts.method as MethodName;
  const obs = (opts.obs ?? METHODS[method].obs[0]) as 'state' | 'pixels';
  if (!['default', 'paper', 'quick'].includes(opts.preset)) throw new UserError(`unknown preset '${opts.preset}'; known presets: default, paper, quick`);
  const flags: string[] = [];
  if (opts.iterations !== undefined) flags.push(`agent.iterations=${opts.iterations}`);
  if (opts.rollouts !== undefined) flags.push(`agent.rollouts=${opts.rollouts}`);
  const defaults = trainDefaults({ env: opts.env, method, obs, preset: opts.preset as TrainConfig['preset'], seed: opts.seed });
  const config = resolveConfig(trainConfigSchema, { defaults, sets: [...flags, ...opts.set] });
  const out = opts.out ?? defaultRunDir({ command: 'train', env: config.env.name, method: `${method}-${obs}`, seed: config.seed });
  const dir = RunDir.create(out, { force: opts.force });
  io.out(`training ${method} (${obs}) on ${config.env.name}, seed ${config.seed}, preset ${config.preset} → ${dir.display()}/`);
  const iterations = Number(config.agent.iterations);
  const bar = progressBar(`${method} ${config.env.name}`, iterations);
  let summary;
  try {
    summary = await runLqrflmJob(config, dir, {
      onIteration: (m) => {
        bar.tick();
        if (!process.stderr.isTTY) io.out(`iteration ${m.iteration}: mean final distance ${m.mean_final_distance.toFixed(4)}, mean cost ${m.mean_cost.toFixed(3)}`);
      },
    });
  } finally {
    bar.stop();
  }
  io.out(
    `final evaluation over ${summary.episodes} fresh episodes: mean final distance ${summary.mean_final_distance.toFixed(4)}, ` +
      `success rate ${summary.success_rate.toFixed(2)}, ${summary.env_steps} env steps, ${summary.wall_s.toFixed(1)} s`,
  );
  io.out(`wrote ${dir.display()}/ (config.json, metrics.jsonl, summary.json, learning-curve.svg, policy.ckpt${config.output.gif_episodes > 0 ? ', final-ep-*.gif' : ''})`);
  return 0;
}
