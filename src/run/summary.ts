import { episodeStats, type EpisodeOutcome, type EpisodeStats } from '../envs/rollout.js';

/** summary.json's common fields (docs/run-directory.md): the evaluation over fresh episodes. */
export type RunSummary = EpisodeStats & { env_steps: number; episodes: number; wall_s: number };

export function runSummary(episodes: readonly EpisodeOutcome[], envSteps: number, wallS: number): RunSummary {
  return { ...episodeStats(episodes), env_steps: envSteps, episodes: episodes.length, wall_s: wallS };
}
