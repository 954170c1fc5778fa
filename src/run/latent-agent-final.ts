/**
 * A finished latent-agent run's final agent (`checkpoints/final.ckpt`), restored as its own
 * evaluation left it: for `solar eval`, `solar watch` and loadPolicy. Writes nothing in the run.
 */
import { episodeStats } from '../envs/rollout.js';
import type { SolarModel } from '../model/index.js';
import { backendInfo } from '../nn/index.js';
import { loadCheckpoint } from './checkpoint.js';
import {
  fingerprint, restoreAgent, setUp, unpack,
  type AgentState, type Filmed, type IterationReport, type LatentAgent, type LatentJobHooks, type LatentMethod, type LoopConfig,
} from './latent-agent-job.js';
import { filmedLatentEpisode } from './latent-pretrain.js';
import type { RunDir } from './run-dir.js';
import type { RunEvaluation } from './summary.js';
import type { FilmedEpisode, RecordingEnv } from './video.js';
import type { TrainConfig } from '../config/train-config.js';

/**
 * Evaluates a finished run's final policy (`checkpoints/final.ckpt`) on `episodes` fresh
 * episodes with the mean action, exactly as the run's own evaluation does: its evaluation
 * episodes are the first `agent.eval_episodes` of these (same seeds), so on the same backend
 * the first ones reproduce summary.json and more episodes only narrow the estimate.
 */
export async function evaluateLatentAgentRun<C extends LoopConfig, M extends IterationReport, E extends Filmed, S extends AgentState>(
  method: LatentMethod<C, M, E, S>, config: TrainConfig, dir: RunDir, episodes: number, hooks: Pick<LatentJobHooks<M>, 'makeEnv' | 'onEpisode'> = {},
): Promise<RunEvaluation> {
  if (!(Number.isInteger(episodes) && episodes >= 1)) throw new Error(`evaluation episodes must be a positive integer, got ${episodes}`);
  const run = await openLatentAgentRun(method, config, dir, hooks);
  try {
    const evals = await run.agent.evaluate(episodes, () => hooks.onEpisode?.());
    return { ...episodeStats(evals), episodes, final_distances: evals.map((e) => e.finalDistance), backend: backendInfo()?.name ?? run.backend };
  } finally {
    run.close();
  }
}

/** A finished run's final agent (`checkpoints/final.ckpt`) on the task `hooks.makeEnv` makes (default: the registry's); `close` frees the task and the model. */
export async function openLatentAgentRun<C extends LoopConfig, M extends IterationReport, E extends Filmed, S extends AgentState>(
  method: LatentMethod<C, M, E, S>, config: TrainConfig, dir: RunDir, hooks: Pick<LatentJobHooks<M>, 'makeEnv'> = {},
): Promise<{ agent: LatentAgent<M, E, S>; backend: string; model: SolarModel; env: RecordingEnv; close(): void }> {
  const label = `${dir.display()}/checkpoints/final.ckpt`;
  if (dir.readJsonIfExists('summary.json') === undefined) throw new Error(`${dir.display()} has not finished (no summary.json, so no final policy): resume it with solar train --resume first`);
  const ckpt = loadCheckpoint(dir.path('checkpoints/final.ckpt'), fingerprint(config));
  const run = await setUp(method, config, { ...hooks, threads: 1 }); // acting trains nothing
  let agent: LatentAgent<M, E, S> | null = null;
  const close = () => {
    run.env.close();
    agent?.dispose?.();
    run.model.dispose();
  };
  try {
    agent = await restoreAgent(method, run, config, unpack<M, S>(ckpt), null, label);
  } catch (e) {
    close();
    throw e;
  }
  const restored = agent;
  return { agent: restored, backend: run.backend, model: run.model, env: run.env, close };
}

/**
 * `solar watch`: a finished run's final policy (`checkpoints/final.ckpt`) on its first
 * `episodes` evaluation episodes, as the evaluation plays them, each passed to `onFilmed` with
 * its decoded latents and per-step distances. Writes nothing in the run directory.
 */
export async function filmLatentAgentRun<C extends LoopConfig, M extends IterationReport, E extends Filmed, S extends AgentState>(
  method: LatentMethod<C, M, E, S>, config: TrainConfig, dir: RunDir, episodes: number, onFilmed: (f: FilmedEpisode) => void,
  hooks: Pick<LatentJobHooks<M>, 'makeEnv'> = {},
): Promise<void> {
  if (!(Number.isInteger(episodes) && episodes >= 1)) throw new Error(`episodes must be a positive integer, got ${episodes}`);
  const run = await openLatentAgentRun(method, config, dir, hooks);
  try {
    await run.agent.evaluate(episodes, (e) => onFilmed(filmedLatentEpisode(run.model, run.env, { frames: e.frames, latents: method.gifLatents(e), steps: run.env.recorded(e.seed) })));
  } finally {
    run.close();
  }
}
