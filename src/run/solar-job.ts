/**
 * `solar train --method solar`: pretrain the structured latent model on random rollouts, then
 * iterate the SOLAR agent (act on filtered latents, latent EM, cost fit, LQR-FLM). The job
 * itself — files, checkpoints `pretrained.ckpt`, `latest.ckpt`, `final.ckpt`, exact resume —
 * is the latent agents' (latent-agent-job.ts); the GIF shows camera | decoded filtered latent.
 */
import { SolarAgent, type SolarAgentState, type SolarIterationMetrics } from '../agents/solar/agent.js';
import type { LatentEpisode } from '../agents/solar/act.js';
import { solarAgentConfig, type SolarAgentConfig } from '../agents/solar/config.js';
import { checkDenseCostSettings } from '../agents/core/latent-cost.js';
import { StructuredLatentModel } from '../agents/solar/model-adapter.js';
import { stateCostFn } from '../envs/state-cost.js';
import { resumeLatentAgentJob, runLatentAgentJob, type LatentJobHooks, type LatentJobSummary, type LatentMethod } from './latent-agent-job.js';
import { evaluateLatentAgentRun, openLatentAgentRun } from './latent-agent-final.js';
import type { RunEvaluation } from './summary.js';
import type { RunDir } from './run-dir.js';
import { filmLatentAgentRun } from './latent-agent-final.js';
import type { FilmedEpisode } from './video.js';
import type { TrainConfig } from '../config/train-config.js';

export { imageVariation } from './latent-pretrain.js';

export type SolarHooks = LatentJobHooks<SolarIterationMetrics>;

export type SolarSummary = LatentJobSummary;

/** SOLAR: LQR-FLM on the filtered latents of the structured model (prior 'lds'). */
const SOLAR: LatentMethod<SolarAgentConfig, SolarIterationMetrics, LatentEpisode, SolarAgentState> = {
  name: 'solar',
  agentConfig: solarAgentConfig,
  // The agent's own check (agent.ts), made before pretraining.
  checkSettings: (agent, model) => checkDenseCostSettings(agent, model.latent_dim, 'solar'),
  newAgent: (env, model, config, seed, pretrainSteps, pretraining) => {
    const stateCost = stateCostFn(env.spec);
    const data = config.refine_steps > 0 ? pretraining?.data ?? null : null;
    return new SolarAgent(env, new StructuredLatentModel(model, data, stateCost), config, seed, pretrainSteps);
  },
  pretrainingOnResume: (config) => config.refine_steps > 0,
  gifLatents: (e) => e.filtered,
};

/** A fresh run: pretraining, then the iterations. */
export function runSolarJob(config: TrainConfig, dir: RunDir, hooks: SolarHooks = {}): Promise<SolarSummary> {
  return runLatentAgentJob(SOLAR, config, dir, hooks);
}

/** Continues the run in `dir` from its latest checkpoint (or from scratch after pretraining if that was all it saved). */
export function resumeSolarJob(config: TrainConfig, dir: RunDir, hooks: SolarHooks = {}): Promise<SolarSummary> {
  return resumeLatentAgentJob(SOLAR, config, dir, hooks);
}

/** The finished run's final policy on `episodes` evaluation episodes (`solar eval`). */
export function evaluateSolarRun(config: TrainConfig, dir: RunDir, episodes: number, hooks: LatentJobHooks = {}): Promise<RunEvaluation> {
  return evaluateLatentAgentRun(SOLAR, config, dir, episodes, hooks);
}

/** The finished run's final agent, for acting step by step (load-policy.ts). */
export function openSolarRun(config: TrainConfig, dir: RunDir, hooks: Pick<LatentJobHooks, 'makeEnv'> = {}) {
  return openLatentAgentRun(SOLAR, config, dir, hooks);
}

/** The finished run's final policy on its first `episodes` evaluation episodes, each filmed (`solar watch`). */
export function filmSolarRun(config: TrainConfig, dir: RunDir, episodes: number, onFilmed: (f: FilmedEpisode) => void): Promise<void> {
  return filmLatentAgentRun(SOLAR, config, dir, episodes, onFilmed);
}
