/**
 * `solar rollout`: runs a random policy, u ~ N(0, std²·I) clipped by the task, and writes the
 * frames as PNG, a GIF per episode, episodes.jsonl and summary.json.
 */
import { z } from 'zod';
import { makeEnv } from '../envs/registry.js';
import { episodeStats, rollout, type Episode, type EpisodeStats, type RolloutOptions } from '../envs/rollout.js';
import type { Env } from '../envs/types.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { encodePng, type Image } from './images.js';
import { encodeVideo, filmedRollout, recordingEnv, videoStyle } from './video.js';
import type { RunDir } from './run-dir.js';
import { runSummary, type RunSummary } from './summary.js';
import { configRecord } from './version.js';

export const outputSchema = z
  .object({
    png_frames: z.boolean(),
    gif: z.boolean(),
    gif_scale: z.number().int().min(1).max(16),
    gif_fps: z.number().positive().max(100),
  })
  .strict();

export const rolloutConfigSchema = z
  .object({
    command: z.literal('rollout'),
    seed: z.number().int({ message: 'seed must be an integer' }),
    env: z.object({ name: z.string() }).passthrough(),
    episodes: z.number().int().min(1, { message: 'episodes must be a positive integer' }).max(100_000),
    policy: z.object({ kind: z.literal('random'), std: z.number().nonnegative() }).strict(),
    output: outputSchema,
  })
  .strict();
export type RolloutConfig = z.infer<typeof rolloutConfigSchema>;

export function rolloutDefaults(envName: string, seed: number, episodes: number) {
  return {
    command: 'rollout',
    seed,
    env: { name: envName },
    episodes,
    policy: { kind: 'random', std: 0.5 },
    output: { png_frames: true, gif: true, gif_scale: 4, gif_fps: 10 },
  };
}

export type RolloutSummary = RunSummary;

/** Episode i of `solar rollout --seed seed`'s random policy u ~ N(0, std² I) (reset seed and noise both from `seed` and i). */
export function randomPolicyEpisode(env: Env, seed: number, i: number, std: number, options: RolloutOptions = {}): Promise<Episode> {
  const epSeed = deriveSeed(seed, i);
  const noise = new Rng(deriveSeed(epSeed, 1));
  return rollout(env, () => Array.from({ length: env.spec.action.dim }, () => std * noise.normal()), epSeed, options);
}

/** The random policy's statistics on a task, as `solar rollout --episodes n` measures them per seed, over all the seeds' episodes. */
export async function randomPolicyReference(envConfig: { name: string } & Record<string, unknown>, seeds: readonly number[], episodes = 100, std = 0.5): Promise<EpisodeStats & { episodes: number }> {
  const { name, ...params } = envConfig;
  const env = await makeEnv(name, { ...params, render: false });
  const all: Episode[] = [];
  try {
    for (const seed of seeds) for (let i = 0; i < episodes; i++) all.push(await randomPolicyEpisode(env, seed, i, std));
  } finally {
    env.close();
  }
  return { ...episodeStats(all), episodes: all.length };
}

export async function runRolloutJob(config: RolloutConfig, dir: RunDir, onStep: () => void = () => {}): Promise<RolloutSummary> {
  const start = performance.now();
  const { name, ...params } = config.env;
  const env = recordingEnv(await makeEnv(name, params));
  dir.writeJson('config.json', configRecord(config));
  const [H, W, C] = env.spec.observation.shape;
  const episodes: Episode[] = [];
  try {
    for (let i = 0; i < config.episodes; i++) {
      const ep = await randomPolicyEpisode(env, config.seed, i, config.policy.std, { keepObservations: config.output.png_frames || config.output.gif, onStep });
      const seed = ep.seed;
      episodes.push(ep);
      dir.appendJsonl('episodes.jsonl', { episode: i, seed, total_cost: ep.totalCost, final_distance: ep.finalDistance, success: ep.success });
      const frames: Image[] = ep.observations.filter((o) => o.length > 0).map((data) => ({ data, height: H, width: W, channels: C }));
      const tag = `ep-${String(i).padStart(3, '0')}`;
      if (config.output.png_frames) frames.forEach((f, t) => dir.writeFile(`frames/${tag}/t-${String(t).padStart(3, '0')}.png`, encodePng(f)));
      if (config.output.gif && frames.length > 0) {
        const style = { ...videoStyle(env.spec, config.output, `random policy on ${name}, seed ${config.seed}`), firstEpisode: i + 1, totalEpisodes: config.episodes };
        dir.writeFile(`${tag}.gif`, encodeVideo([filmedRollout(env.spec, ep, env.recorded(seed))], style));
      }
    }
  } finally {
    env.close();
  }
  const summary = runSummary(episodes, config.episodes * env.spec.horizon, (performance.now() - start) / 1000);
  dir.writeJson('summary.json', summary);
  return summary;
}
