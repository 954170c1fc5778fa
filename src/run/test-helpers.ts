/** Shared checks of the run jobs' tests. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { TrainConfig } from '../config/train-config.js';
import type { RunDir } from './run-dir.js';
import { evaluateRun, runTrainJob } from './train-job.js';

/**
 * `solar eval` of a finished run (config with agent.eval_episodes = 3): its first 3 of N
 * episodes reproduce summary.json, more episodes only extend them, evaluation-N.json holds
 * them; an unfinished run is refused.
 */
export async function expectEvalReproducesSummary(config: TrainConfig, freshDir: () => RunDir): Promise<void> {
  const dir = freshDir();
  const summary = await runTrainJob(config, dir);
  const three = await evaluateRun(config, dir, 3);
  expect(three).toMatchObject({ mean_final_distance: summary.mean_final_distance, success_rate: summary.success_rate, mean_cost: summary.mean_cost, episodes: 3 });
  const five = await evaluateRun(config, dir, 5);
  expect(five.final_distances.slice(0, 3)).toEqual(three.final_distances);
  expect(JSON.parse(readFileSync(dir.path('evaluation-5.json'), 'utf8')).final_distances).toEqual(five.final_distances);
  const cut = freshDir();
  await expect(runTrainJob(config, cut, { onIteration: () => { throw new Error('killed'); } })).rejects.toThrow('killed');
  await expect(evaluateRun(config, cut, 3)).rejects.toThrow(/has not finished \(no summary\.json/);
}
