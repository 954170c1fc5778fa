/** LQR-FLM on the true state: config schema, trainer, rollouts and the tasks' known costs. */
export { lqrflmConfig, resolveLqrflmConfig, type LqrflmConfig } from './config.js';
export {
  trainLqrflm,
  type TrainLqrflmOptions,
  type TrainLqrflmResult,
  type LqrflmIterationMetrics,
  type LqrflmSummary,
  type LqrflmTrainState,
} from './train.js';
export { runEpisode, episodeStats, type EpisodeResult, type EpisodeStats } from './rollouts.js';
export { knownTaskCost, knownCostTasks, actionCostMatrix } from './task-cost.js';
