/** LQR-FLM: linear-Gaussian policies, local dynamics fits, quadratic costs, KL-constrained updates. */
export type { LinearGaussianPolicy, LinearDynamics, QuadraticCost, TrajectoryBatch, StateDistribution } from './types.js';
export { makeTrajectoryBatch, checkTrajectoryBatch, concatBatches, type Rollout } from './batch.js';
export { createPolicy, initialPolicy, checkPolicy, policyMean, sampleAction, policyLogDensity, expectedPolicyKL } from './policy.js';
export { emptyStats, addStats, accumulate, finishStats, solveRegression, type RegressionStats, type RegressionResult } from './regression.js';
export { fitLocalDynamics, fitInitialState, transitionStats, type DynamicsPrior, type FitDynamicsOptions } from './dynamics.js';
export { fitGaussianDynamicsPrior, type GaussianPriorOptions } from './dynamics-prior.js';
export { zeroCost, addStateQuadratic, addActionQuadratic, evaluateCost, checkQuadraticCost, type StateQuadratic } from './cost.js';
export { fitQuadraticStateCost, fitQuadraticRows, quadraticFeatures, stateCostR2, stateCostTargets } from './cost-fit.js';
export { fitLocalChartCosts, type LocalCostOptions } from './cost-fit-local.js';
export { forwardPass, expectedTotalCost, emptyStateDistribution, ForwardWork } from './forward.js';
export { backwardPass, klCostTerms, BackwardWork, type KLCostTerms } from './backward.js';
export { lqrflmUpdate, LqrflmWork, type LqrflmOptions, type LqrflmResult } from './lqrflm.js';
export { adaptStepMult, type StepAdjustment } from './step-size.js';
export { KlStep, type KlStepSettings, type KlStepState } from './kl-step.js';
export { cemPlan, type CemOptions, type CemResult, type SequenceCost } from './cem.js';
export { addNormExpansion, type NormExpansionOptions } from './cost-expansion.js';
export { fitGaussianMixture, responsibilities, type GaussianMixture, type GmmOptions } from './gmm.js';
export { fitGmmDynamicsPrior, gaussianPseudoStats, transitionPoints, transitionPointsAt, type GmmPriorOptions } from './dynamics-prior-gmm.js';
