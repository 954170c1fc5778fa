/**
 * `solar watch`: a video (GIF) of a finished run's final policy acting on its first evaluation
 * episodes — the episodes its own evaluation played, with the same seeds and the mean action —
 * captioned as video.ts draws them. Reads the run's checkpoints; writes only the GIF (never
 * metrics.jsonl, summary.json or an evaluation file).
 */
import type { MethodName, TrainConfig } from '../config/train-config.js';
import { filmLqrflmRun } from './lqrflm-job.js';
import { filmMpcRun } from './mpc-job.js';
import { filmPpoRun } from './ppo-job.js';
import { writeFileAtomic, type RunDir } from './run-dir.js';
import { filmSolarRun } from './solar-job.js';
import { filmVaeRun } from './vae-job.js';
import { encodeVideo, taskLegend, type FilmedEpisode } from './video.js';

type Film = (config: TrainConfig, dir: RunDir, episodes: number, onFilmed: (f: FilmedEpisode) => void) => Promise<void>;

const FILM: Record<MethodName, Film> = { solar: filmSolarRun, vae: filmVaeRun, mpc: filmMpcRun, ppo: filmPpoRun, lqrflm: filmLqrflmRun };

export interface WatchOptions {
  episodes: number;
  /** The GIF to write (default: watch.gif in the run directory). */
  out?: string;
  /** After each episode is filmed. */
  onEpisode?(): void;
}

export interface WatchResult {
  /** The file written. */
  file: string;
  episodes: number;
  /** Final distance and success of each episode, as the captions show them. */
  final_distances: number[];
  successes: boolean[];
  frames: number;
  bytes: number;
}

/** Films the run's final policy on `opts.episodes` evaluation episodes and writes the GIF atomically. */
export async function watchRun(config: TrainConfig, dir: RunDir, opts: WatchOptions): Promise<WatchResult> {
  if (!(Number.isInteger(opts.episodes) && opts.episodes >= 1)) throw new Error(`episodes must be a positive integer, got ${opts.episodes}`);
  const film = FILM[config.method];
  if (!film) throw new Error(`solar watch does not know ${config.method} runs ('${dir.display()}')`);
  const filmed: FilmedEpisode[] = [];
  await film(config, dir, opts.episodes, (f) => {
    filmed.push(f);
    opts.onEpisode?.();
  });
  const channels = filmed[0].camera[0].channels;
  const style = {
    scale: config.output.gif_scale,
    delayMs: Math.round(1000 / config.output.gif_fps),
    legend: taskLegend(config.env.name, channels),
    title: `${config.method} on ${config.env.name} (${config.obs}), seed ${config.seed}`,
  };
  const bytes = encodeVideo(filmed, style);
  const file = opts.out ?? dir.path('watch.gif');
  writeFileAtomic(file, bytes);
  return {
    file,
    episodes: filmed.length,
    final_distances: filmed.map((f) => f.distance[f.distance.length - 1]),
    successes: filmed.map((f) => f.success[f.success.length - 1]),
    // A title card and T + 1 steps per episode.
    frames: filmed.reduce((n, f) => n + 1 + f.camera.length, 0),
    bytes: bytes.length,
  };
}
