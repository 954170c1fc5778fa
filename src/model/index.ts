/**
 * SOLAR's structured latent variable model (docs/method.md, 'The model'): a VAE whose latent states follow
 * learned linear-Gaussian dynamics, fitted by structured variational inference (Adam for the
 * networks, SVI for q(θ)), with the VAE ablation (N(0, I) prior per frame) by config.
 * Browser-safe: no Node APIs here (checkpoint files are written by src/run).
 */
export { modelConfigSchema, MODEL_DEFAULTS, MODEL_SETTING_CHANGES, withoutAddedDefaults, klWeight, sviStepSize, type ModelConfig } from './config.js';
export { SolarModel, type ModelShape } from './model.js';
export { sequencesFromEpisodes, toSequence, stackFrames, checkImage, type Sequence, type SequenceSet, type ImageShape, type StateCostFn } from './dataset.js';
export { trainStep, checkData, type StepMetrics } from './train.js';
export {
  encodeSequence, smoothSequence, smoothPotentials, transitionStats, expectedDynamics, decodeLatents,
  type Potentials, type Smoothed, type LatentDynamics,
} from './inference.js';
export { LatentFilter } from './filter.js';
export { getModelState, setModelState, type ModelState } from './state.js';
export { evaluateLatents, fitLinear, predictLinear, rSquared, groupValues, type LatentEvaluation } from './evaluate.js';
export { LatentOp, checkPotentials } from './latent-op.js';
