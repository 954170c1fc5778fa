/** `solar watch DIR`: a captioned GIF of a finished run's final policy on fresh evaluation episodes. */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { trainConfigSchema } from '../config/train-config.js';
import { RunDir } from '../run/run-dir.js';
import { readSavedConfig } from '../run/saved-config.js';
import { watchRun } from '../run/watch-job.js';
import { UserError, type Io } from './io.js';
import { savedRunConfig } from './options.js';
import { progressBar } from './progress.js';

export interface WatchCommandOptions {
  episodes: number;
  out?: string;
}

export async function watchCommand(runDir: string, opts: WatchCommandOptions, io: Io): Promise<number> {
  const root = resolve(runDir);
  if (!existsSync(root)) throw new UserError(`cannot watch '${runDir}': no such directory`);
  if (!statSync(root).isDirectory()) throw new UserError(`cannot watch '${runDir}': it is a file, not a run directory`);
  const dir = RunDir.open(runDir);
  const where = `cannot watch '${dir.display()}'`;
  if (!existsSync(dir.path('config.json'))) throw new UserError(`${where}: not a run directory (no config.json)`);
  // One line for a run of another command, rather than the train schema's list of mismatches.
  let command: unknown;
  try {
    command = readSavedConfig(dir.path('config.json'), where).command;
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  if (command !== undefined && command !== 'train') throw new UserError(`${where}: it is a solar ${String(command)} run; only solar train runs have a policy to watch`);
  const config = savedRunConfig(dir, trainConfigSchema, 'train', 'watch');
  if (opts.out !== undefined && existsSync(opts.out) && statSync(opts.out).isDirectory()) throw new UserError(`--out '${opts.out}' is a directory; give a file name such as ${opts.out}/watch.gif`);
  const bar = progressBar(`watch ${config.method} ${config.env.name}`, opts.episodes);
  let r;
  try {
    r = await watchRun(config, dir, { episodes: opts.episodes, out: opts.out === undefined ? undefined : resolve(opts.out), onEpisode: () => bar.tick() });
  } finally {
    bar.stop();
  }
  const outcomes = r.final_distances.map((d, i) => `${d.toFixed(3)}${r.successes[i] ? ' ✓' : ''}`).join(', ');
  io.out(`${config.method} on ${config.env.name}, seed ${config.seed}: ${r.episodes} evaluation episode(s), final distances ${outcomes}`);
  io.out(`wrote ${r.file === dir.path('watch.gif') ? `${dir.display()}/watch.gif` : opts.out} (${r.frames} frames, ${(r.bytes / 1024).toFixed(0)} KiB)`);
  return 0;
}
