/**
 * `solar train --method vae`: the VAE ablation. Pretrains the model with the N(0, I) prior per
 * frame (model.prior = 'normal') on random rollouts, exactly as the SOLAR job pretrains its
 * structured model, then iterates the VAE agent (LQR-FLM on encoder means, local dynamics
 * under a GMM prior over every transition seen, pretraining rollouts included). Files,
 * checkpoints and resume are the latent agents' job's (latent-agent-job.ts); the GIF shows
 * camera | image decoded from the encoder mean.
 */
import { VaeAgent, type VaeAgentState, type VaeIterationMetrics } from '../agents/vae/agent.js';
import { checkDenseCostSettings } from '../agents/core/latent-cost.js';
import { vaeAgentConfig, type VaeAgentConfig } from '../agents/vae/config.js';
import { encodeEpisodes, ModelEncoder, type EncodedEpisode } from '../agents/core/encoder.js';
import { resumeLatentAgentJob, runLatentAgentJob, type LatentJobHooks, type LatentJobSummary, type LatentMethod } from './latent-agent-job.js';
import { evaluateLatentAgentRun, openLatentAgentRun } from './latent-agent-final.js';
import type { RunEvaluation } from './summary.js';
import type { RunDir } from './run-dir.js';
import { filmLatentAgentRun } from './latent-agent-final.js';
import type { FilmedEpisode } from './video.js';
import type { TrainConfig } from '../config/train-config.js';

const VAE: LatentMethod<VaeAgentConfig, VaeIterationMetrics, EncodedEpisode, VaeAgentState> = {
  name: 'vae',
  agentConfig: vaeAgentConfig,
  checkSettings: (agent, m) => {
    if (m.prior !== 'normal') throw new Error(`the VAE ablation needs model.prior = 'normal' (N(0, I) per frame), got '${m.prior}'`);
    checkDenseCostSettings(agent, m.latent_dim, 'vae');
  },
  newAgent: async (env, model, config, seed, pretrainSteps, pretraining) => {
    const encoder = new ModelEncoder(model);
    const data = pretraining ? await encodeEpisodes(env, encoder, pretraining.episodes) : null;
    return new VaeAgent(env, encoder, config, seed, pretrainSteps, data);
  },
  gifLatents: (e) => e.latents,
};

export function runVaeJob(config: TrainConfig, dir: RunDir, hooks: LatentJobHooks = {}): Promise<LatentJobSummary> {
  return runLatentAgentJob(VAE, config, dir, hooks);
}

export function resumeVaeJob(config: TrainConfig, dir: RunDir, hooks: LatentJobHooks = {}): Promise<LatentJobSummary> {
  return resumeLatentAgentJob(VAE, config, dir, hooks);
}

/** The finished run's final policy on `episodes` evaluation episodes (`solar eval`). */
export function evaluateVaeRun(config: TrainConfig, dir: RunDir, episodes: number, hooks: LatentJobHooks = {}): Promise<RunEvaluation> {
  return evaluateLatentAgentRun(VAE, config, dir, episodes, hooks);
}

/** The finished run's final agent, for acting step by step (load-policy.ts). */
export function openVaeRun(config: TrainConfig, dir: RunDir, hooks: Pick<LatentJobHooks, 'makeEnv'> = {}) {
  return openLatentAgentRun(VAE, config, dir, hooks);
}

/** The finished run's final policy on its first `episodes` evaluation episodes, each filmed (`solar watch`). */
export function filmVaeRun(config: TrainConfig, dir: RunDir, episodes: number, onFilmed: (f: FilmedEpisode) => void): Promise<void> {
  return filmLatentAgentRun(VAE, config, dir, episodes, onFilmed);
}
