import type { IterationProgress } from '../agents/core/iteration.js';
import { episodeStats, type EpisodeOutcome, type EpisodeStats, type EvaluationSummary } from '../envs/rollout.js';

/** summary.json's common fields (docs/run-directory.md): the evaluation over fresh episodes. */
export type RunSummary = EvaluationSummary;

/** What every method reports after each iteration (or PPO update): the progress bar's and compare's line. */
export type ProgressLine = Pick<IterationProgress, 'iteration' | 'mean_final_distance' | 'mean_cost'>;

export function runSummary(episodes: readonly EpisodeOutcome[], envSteps: number, wallS: number): RunSummary {
  return { ...episodeStats(episodes), env_steps: envSteps, episodes: episodes.length, wall_s: wallS };
}

/** `solar eval`'s result: the final policy on the first `episodes` evaluation episodes. */
export type RunEvaluation = EpisodeStats & { episodes: number; final_distances: number[]; backend: string };
