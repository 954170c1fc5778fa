/**
 * The SVAE's numerical core as plain Float64Array code (no tfjs, no Node APIs): the
 * block-tridiagonal Gaussian q(x) with its exact VJP, the online filter, expected transition
 * statistics, and the MNIW exponential family with the SVI update of q(θ). See
 * docs/method.md, 'The model'.
 */
export type {
  DynamicsExpectations, TransitionStats, InitialState,
} from './types.js';
export { allocDynamicsExpectations, allocTransitionStats, clearTransitionStats } from './types.js';
export { BlockTridiagGaussian, type BlockTridiagForwardOptions } from './block-tridiag.js';
export { blockTridiagVjp, type BlockTridiagCotangents } from './block-tridiag-vjp.js';
export {
  BlockTridiagBatch, type BlockTridiagBatchOutputs, type BlockTridiagBatchCotangents,
} from './batch.js';
export { GaussianFilter } from './filter.js';
export { accumulateTransitionStats } from './stats.js';
export { localKL, localKLVjp } from './local-kl.js';
export {
  defaultMniwPrior, validateMniw, mniwToNatural, mniwFromNatural, mniwExpectations, mniwLogPartition, mniwKL,
  mniwMeanDynamics, type Mniw, type MniwNatural, type MniwExpectations,
} from './mniw.js';
export { MniwPosterior, type MniwPosteriorOptions } from './svi.js';
export { lgamma, digamma, multigammaln, multidigamma } from './special.js';
