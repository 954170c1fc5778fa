/** PPO, the model-free baseline: config schema, networks, losses and the training loop. */
export { ppoConfig, resolvePpoConfig, plannedUpdates, type PpoConfig } from './config.js';
export { PpoNetworks, orthogonal, type PpoObservation, type PpoNetworkConfig } from './networks.js';
export { gae, normalizeAdvantages, gaussianLogProb, gaussianLogProbFromNoise, gaussianEntropy, clippedSurrogate, valueLoss, type GaeInput, type SurrogateTerms } from './losses.js';
export { RunningMeanStd } from './running-stats.js';
export { PpoAgent, type PpoObsKind } from './agent.js';
export {
  trainPpo,
  type PpoIterationMetrics,
  type PpoSummary,
  type TrainPpoOptions,
  type TrainPpoResult,
  type PpoTrainState,
} from './train.js';
