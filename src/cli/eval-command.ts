/** `solar eval DIR`: a finished run's final policy on more evaluation episodes than its own. */
import { RunDir } from '../run/run-dir.js';
import { evaluateRun } from '../run/train-job.js';
import { trainConfigSchema } from '../config/train-config.js';
import type { Io } from './io.js';
import { savedRunConfig } from './options.js';
import { progressBar } from './progress.js';

export interface EvalOptions {
  episodes: number;
}

export async function evalCommand(runDir: string, opts: EvalOptions, io: Io): Promise<number> {
  const config = savedRunConfig(RunDir.open(runDir), trainConfigSchema, 'train', 'evaluate');
  // eval writes evaluation-N.json into the run and reads its final policy: it takes the
  // writer's lock, so it never runs beside a --resume or a --force that replaces that policy.
  const dir = RunDir.openForWriting(runDir, { onNotice: (l) => io.err(l) });
  const bar = progressBar(`eval ${config.method} ${config.env.name}`, opts.episodes);
  let r;
  try {
    r = await evaluateRun(config, dir, opts.episodes, { onEpisode: () => bar.tick() });
  } finally {
    bar.stop();
    dir.release();
  }
  io.out(
    `${config.method} on ${config.env.name}, seed ${config.seed}: over ${r.episodes} evaluation episodes (the run's own ${config.agent.eval_episodes} first) ` +
      `mean final distance ${r.mean_final_distance.toFixed(4)}, median ${r.median_final_distance.toFixed(4)}, success rate ${r.success_rate.toFixed(3)}`,
  );
  io.out(`wrote ${dir.display()}/evaluation-${r.episodes}.json`);
  return 0;
}
