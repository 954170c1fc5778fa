/**
 * solar as a library (the package's main entry): tasks, the structured latent model, the
 * LQR-FLM controller, the agents, and the train job that `npx solar train` runs.
 *
 *   import { train, loadPolicy, makeEnv, registerEnv, readRun, z } from 'solar-rl';
 *
 * Everything here but the train job and the run directory (Node file system) also runs in a
 * browser.
 */
export type { Env, EnvSpec, TimeStep, StepInfo, BoxSpec, ImageSpec, CostSpec } from './envs/types.js';
export { makeEnv, listEnvs, envNames, registerEnv, type EnvEntry, type TaskDefinition } from './envs/registry.js';
/** The zod that task parameter schemas must be built with (registerEnv checks they are its objects). */
export { z } from 'zod';
export { rollout, collectRandomRollouts, episodeStats, type Episode, type Policy } from './envs/rollout.js';
export { initBackend, backendInfo } from './nn/backend.js';
export { SolarModel, trainStep, MODEL_DEFAULTS, modelConfigSchema, type ModelConfig, type ModelShape, type StepMetrics } from './model/index.js';
export {
  lqrflmUpdate, KlStep, initialPolicy, policyMean, sampleAction,
  type LinearGaussianPolicy, type LinearDynamics, type QuadraticCost, type TrajectoryBatch,
} from './control/index.js';
export { SolarAgent } from './agents/solar/agent.js';
export { VaeAgent } from './agents/vae/agent.js';
export { MpcAgent } from './agents/mpc/agent.js';
export { trainLqrflm } from './agents/lqrflm/index.js';
export { trainPpo } from './agents/ppo/index.js';
export { resolveTrainConfig, trainDefaults, trainConfigSchema, METHODS, PRESETS, type TrainConfig, type MethodName, type Preset } from './config/train-config.js';
export { runTrainJob, resumeTrainJob, evaluateRun } from './run/train-job.js';
export { RunDir } from './run/run-dir.js';
export { train, type TrainOptions } from './run/train-run.js';
export { readRun, type RunRecord } from './run/read-run.js';
export { loadPolicy, type LoadedPolicy, type LoadPolicyOptions } from './run/load-policy.js';
export { loadEnvModules } from './run/env-module.js';
export { serveEnv, type EnvServer, type EnvServerOptions } from './remote/env-server.js';
export { connectRemoteEnv, type RemoteEnvOptions } from './remote/remote-env.js';
export { enableRemoteEnvs, nodeSocket } from './remote/remote-tasks.js';
