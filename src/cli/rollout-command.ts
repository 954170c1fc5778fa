import { resolveConfig } from '../config/resolve-config.js';
import { defaultRunDir, RunDir } from '../run/run-dir.js';
import { rolloutConfigSchema, rolloutDefaults, runRolloutJob } from '../run/rollout-job.js';
import type { Io } from './io.js';
import { progressBar } from './progress.js';

export interface RolloutOptions {
  env: string;
  episodes: number;
  seed: number;
  out?: string;
  set: string[];
  force?: boolean;
}

/** `solar rollout`: a random policy on a task, pictures and episodes.jsonl in a run directory. */
export async function rolloutCommand(opts: RolloutOptions, io: Io): Promise<number> {
  const config = resolveConfig(rolloutConfigSchema, { defaults: rolloutDefaults(opts.env, opts.seed, opts.episodes), sets: opts.set });
  const out = opts.out ?? defaultRunDir({ command: 'rollout', env: config.env.name, method: 'random', seed: config.seed });
  const dir = RunDir.create(out, { force: opts.force });
  const horizon = Number(config.env.horizon);
  const bar = progressBar(`rollout ${config.env.name}`, config.episodes * horizon);
  let summary;
  try {
    summary = await runRolloutJob(config, dir, () => bar.tick());
  } finally {
    bar.stop();
    dir.release();
  }
  io.out(
    `${config.episodes} episode(s) of ${config.env.name}: mean final distance ${summary.mean_final_distance.toFixed(4)}, ` +
      `success rate ${summary.success_rate.toFixed(2)}, mean cost ${summary.mean_cost.toFixed(3)} (${summary.wall_s.toFixed(2)} s)`,
  );
  io.out(`wrote ${dir.display()}/ (config.json, episodes.jsonl, summary.json${config.output.gif ? ', a GIF per episode' : ''}${config.output.png_frames ? ', frames/*.png' : ''})`);
  return 0;
}
