/**
 * `solar train --method mpc`: the MPC ablation. Pretrains SOLAR's structured model
 * (model.prior = 'lds') on random rollouts exactly as the SOLAR job does, freezes it, and
 * iterates the MPC agent (forward model + quadratic latent cost refitted on all data, CEM
 * re-planning every step from the encoder mean). Files, checkpoints and resume are the latent
 * agents' job's (latent-agent-job.ts), without per-iteration policies (MPC plans); the GIF
 * shows camera | image decoded from the encoder mean.
 */
import { MpcAgent, type MpcAgentState, type MpcIterationMetrics } from '../agents/mpc/agent.js';
import { mpcAgentConfig, type MpcAgentConfig } from '../agents/mpc/config.js';
import { encodeEpisodes, ModelEncoder, type EncodedEpisode } from '../agents/core/encoder.js';
import { resumeLatentAgentJob, runLatentAgentJob, type LatentJobHooks, type LatentJobSummary, type LatentMethod } from './latent-agent-job.js';
import { evaluateLatentAgentRun, openLatentAgentRun } from './latent-agent-final.js';
import type { RunEvaluation } from './summary.js';
import type { RunDir } from './run-dir.js';
import { filmLatentAgentRun } from './latent-agent-final.js';
import type { FilmedEpisode } from './video.js';
import type { TrainConfig } from '../config/train-config.js';

const MPC: LatentMethod<MpcAgentConfig, MpcIterationMetrics, EncodedEpisode, MpcAgentState> = {
  name: 'mpc',
  agentConfig: mpcAgentConfig,
  newAgent: async (env, model, config, seed, pretrainSteps, pretraining) => {
    const encoder = new ModelEncoder(model);
    // The forward model's first data: the encoded pretraining rollouts and their final successes.
    const data = pretraining ? { batch: await encodeEpisodes(env, encoder, pretraining.episodes), success: pretraining.episodes.map((e) => e.success) } : null;
    return new MpcAgent(env, encoder, config, seed, pretrainSteps, data);
  },
  // The forward model and every transition it is fitted on live only in the agent state.
  needsAgentState: true,
  gifLatents: (e) => e.latents,
};

export function runMpcJob(config: TrainConfig, dir: RunDir, hooks: LatentJobHooks = {}): Promise<LatentJobSummary> {
  return runLatentAgentJob(MPC, config, dir, hooks);
}

export function resumeMpcJob(config: TrainConfig, dir: RunDir, hooks: LatentJobHooks = {}): Promise<LatentJobSummary> {
  return resumeLatentAgentJob(MPC, config, dir, hooks);
}

/** The finished run's final policy on `episodes` evaluation episodes (`solar eval`). */
export function evaluateMpcRun(config: TrainConfig, dir: RunDir, episodes: number, hooks: LatentJobHooks = {}): Promise<RunEvaluation> {
  return evaluateLatentAgentRun(MPC, config, dir, episodes, hooks);
}

/** The finished run's final agent, for acting step by step (load-policy.ts). */
export function openMpcRun(config: TrainConfig, dir: RunDir, hooks: Pick<LatentJobHooks, 'makeEnv'> = {}) {
  return openLatentAgentRun(MPC, config, dir, hooks);
}

/** The finished run's final policy on its first `episodes` evaluation episodes, each filmed (`solar watch`). */
export function filmMpcRun(config: TrainConfig, dir: RunDir, episodes: number, onFilmed: (f: FilmedEpisode) => void): Promise<void> {
  return filmLatentAgentRun(MPC, config, dir, episodes, onFilmed);
}
