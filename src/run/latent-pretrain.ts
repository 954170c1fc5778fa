/**
 * What the latent-agent jobs (SOLAR and its VAE and MPC ablations) share before and beside
 * their agents: the model's shapes for a task, pretraining the latent model on random
 * rollouts (docs/method.md, 'Learning the model': the same episodes and steps for every method, so the ablations
 * differ from SOLAR only in what follows), and the per-iteration GIF of camera | decoded latent.
 */
import type { Episode } from '../envs/rollout.js';
import { stateCostFn } from '../envs/state-cost.js';
import type { Env } from '../envs/types.js';
import { decodeLatents, evaluateLatents, sequencesFromEpisodes, SolarModel, trainStep, type SequenceSet } from '../model/index.js';
import { encodeVideo, videoStyle, type FilmedEpisode, type StepRecord } from './video.js';
import { collectRandomRollouts } from '../envs/rollout.js';
import type { RunDir } from './run-dir.js';
import { RunInterrupted, yieldToEvents } from './interrupt.js';
import { PRETRAINED_HELD_OUT, type TrainConfig } from '../config/train-config.js';

/** Largest per-pixel variance over every frame: 0 when the camera shows nothing that changes. */
export function imageVariation(frames: readonly Float32Array[]): number {
  const n = frames.length, len = frames[0]?.length ?? 0;
  let worst = 0;
  for (let i = 0; i < len; i++) {
    let s = 0, s2 = 0;
    for (const f of frames) {
      s += f[i];
      s2 += f[i] * f[i];
    }
    worst = Math.max(worst, s2 / n - (s / n) ** 2);
  }
  return worst;
}

/** The model's image shape, action size and sequence length o_0..o_T for a task. */
export function modelShapeOf(env: Env) {
  return { imageShape: [...env.spec.observation.shape] as [number, number, number], actionDim: env.spec.action.dim, length: env.spec.horizon + 1 };
}

/**
 * The `pretrain.rollouts` random rollouts u ~ N(0, action_std²) of a run, from their seeds: the
 * same episodes every time (a resumed run re-collects them rather than storing their images).
 */
export function pretrainingRollouts(env: Env, config: TrainConfig, onEpisode?: () => void): Promise<Episode[]> {
  const pre = config.pretrain;
  if (!pre) throw new Error(`${config.method} needs pretrain settings`);
  return collectRandomRollouts(env, config.seed, 'train', pre.rollouts, pre.action_std, onEpisode);
}

/**
 * The pretraining rollouts and the model's training sequences built from them, once per run
 * (at the reacher's 64×64×3 each copy of the images is about 250 MB): pretraining, the
 * pretrained model's score and the agents (SOLAR's refinement, the ablations' first data) share it.
 */
export interface Pretraining {
  episodes: Episode[];
  data: SequenceSet;
}

/** Wraps a run's pretraining episodes with their training sequences. */
export function pretrainingOf(env: Env, episodes: Episode[]): Pretraining {
  return { episodes, data: sequencesFromEpisodes(episodes, modelShapeOf(env).imageShape, env.spec.action.dim, stateCostFn(env.spec)) };
}

/** `pretrainingRollouts` with their training sequences. */
export async function collectPretraining(env: Env, config: TrainConfig, onEpisode?: () => void): Promise<Pretraining> {
  return pretrainingOf(env, await pretrainingRollouts(env, config, onEpisode));
}

/**
 * Pretraining steps between two checkpoints (checkpoints/pretraining.ckpt). Measured with one
 * thread on a loaded 2-core machine: a checkpoint (model state, encode, atomic write) takes
 * 0.04–0.09 s (nav2d quick, 3.3 MB) to 0.13 s (reacher default, 9.2 MB) while a step takes
 * 0.06–0.10 s (nav2d quick) to 1.9 s (reacher), so 50 steps keep the checkpoints under 2 % of
 * the quick preset's pretraining and under 0.5 % of the default presets' (10–45 min), and a
 * kill loses at most 50 steps.
 */
export const PRETRAIN_CHECKPOINT_EVERY = 50;

/**
 * How far pretraining got: with the model's own state (weights, Adam, q(θ), step counters and
 * its RNG, the only random source of a training step) this is all a resume needs, since the
 * rollouts are re-collected from their seeds (deterministic, and seconds against minutes of
 * training: 0.3 s for nav2d's 100 rollouts, 1.9 s for the reacher's).
 */
export interface PretrainProgress {
  /** Training steps done. */
  step: number;
  /** The pretrain.jsonl lines written so far, as written. */
  log: string[];
  /** The last step's local KL (null before the first step), for the 'learned nothing' check at the end. */
  lastKl: number | null;
}

/** How pretraining saves itself and notices a stop request (the job supplies both). */
export interface PretrainCheckpoints {
  /** Where a resumed run stopped; the model already holds that step's state. */
  from?: PretrainProgress;
  /**
   * Saves the model with `progress`; returns what was saved, for the interruption message.
   * Called with `step` = `pretrain.steps` once pretraining is done (the job saves that one as
   * its pretrained model).
   */
  save(progress: PretrainProgress): string;
  /** Whether to save and stop before the next step. */
  stopRequested(): boolean;
}

/**
 * Collects `pretrain.rollouts` random rollouts u ~ N(0, action_std²) and trains the model for
 * `pretrain.steps` steps, logging to pretrain.jsonl and warning about blank images or a model
 * that learned nothing. Saves through `checkpoints` every PRETRAIN_CHECKPOINT_EVERY steps, at
 * the end, and when a stop is requested (then throws RunInterrupted); with `checkpoints.from`
 * it continues from there exactly as the uninterrupted run would. Returns the episodes and
 * their sequences (the ablations' agents start from their encodings; SOLAR refines on them).
 */
export async function pretrainLatentModel(
  env: Env, model: SolarModel, config: TrainConfig, dir: RunDir,
  hooks: { onEpisode?(): void; onPretrainStep?(step: number, total: number): void; onPretrainLog?(line: PretrainLogLine, total: number): void }, warn: (w: string) => void, start: number,
  checkpoints?: PretrainCheckpoints,
): Promise<Pretraining> {
  const pre = config.pretrain!;
  const from = checkpoints?.from;
  const log = [...(from?.log ?? [])];
  let lastKl = from?.lastKl ?? Number.NaN;
  const progress = (step: number): PretrainProgress => ({ step, log: [...log], lastKl: Number.isNaN(lastKl) ? null : lastKl });
  // Step 0 saved before the rollouts: a run stopped while collecting them resumes too.
  if (checkpoints && !from) checkpoints.save(progress(0));
  const pretraining = await collectPretraining(env, config, hooks.onEpisode);
  const { episodes, data } = pretraining;
  if (imageVariation(episodes.flatMap((e) => e.observations)) < 1e-10) {
    warn('the camera images never change (blank?): the model cannot learn a state from them, and the agent acts on noise');
  }
  for (let s = from?.step ?? 0; s < pre.steps; s++) {
    if (checkpoints) {
      const saved = s % PRETRAIN_CHECKPOINT_EVERY === 0 && s > (from?.step ?? 0) ? checkpoints.save(progress(s)) : null;
      await yieldToEvents();
      if (checkpoints.stopRequested()) throw new RunInterrupted(saved ?? checkpoints.save(progress(s)));
    }
    const m = trainStep(model, data, (s + 1) % pre.log_every === 0);
    lastKl = m.kl;
    hooks.onPretrainStep?.(s + 1, pre.steps);
    if ((s + 1) % pre.log_every === 0 || s + 1 === pre.steps) {
      const line = { step: m.step, elbo: m.elbo, recon: m.recon, kl: m.kl, kl_global: m.kl_global, beta: m.beta, wall_s: (performance.now() - start) / 1000 };
      log.push(JSON.stringify(line));
      dir.appendJsonl('pretrain.jsonl', line);
      hooks.onPretrainLog?.(line, pre.steps);
    }
  }
  // The end too: a kill while the model is scored or the agent built resumes there.
  if (checkpoints && (from?.step ?? 0) < pre.steps) checkpoints.save(progress(pre.steps));
  // KL(q(x) ‖ p̄(x)) per frame ≈ 0: the encoder's potentials say nothing about the images.
  const klPerFrame = lastKl / (env.spec.horizon + 1);
  if (pre.steps > 0 && klPerFrame < 0.01) warn(`the model learned nothing: its latent posterior equals the prior (KL ${klPerFrame.toExponential(2)} nats per frame)`);
  return pretraining;
}

/** How well the pretrained model encodes the true state: `solar model`'s scores (summary.json's `r2`, `one_step_error`). */
export interface PretrainedScore {
  r2: Record<string, number>;
  /** R² of each group's change per step from x_t (whether the latent holds the motion). */
  r2_change: Record<string, number>;
  r2_absent: string[];
  one_step_error: number;
  /** Held-out random rollouts the scores are measured on. */
  held_out_rollouts: number;
}

/**
 * Scores the pretrained model as `solar model` does: a linear map from smoothed latent means to
 * each true state group, fitted on the pretraining rollouts, R² on `pretrain.eval_rollouts` fresh
 * random rollouts (the 'test' seeds `solar model` holds out for the same seed), and the one-step
 * error. Draws no random numbers of the model or agent, so the run is the same with or without it.
 * Null when `eval_rollouts` is 0.
 */
export async function scorePretrained(env: Env, model: SolarModel, config: TrainConfig, pretraining: Pretraining): Promise<PretrainedScore | null> {
  const n = config.pretrain!.eval_rollouts ?? PRETRAINED_HELD_OUT;
  if (n === 0) return null;
  const heldOut = pretrainingOf(env, await collectRandomRollouts(env, config.seed, 'test', n, config.pretrain!.action_std)).data;
  const ev = evaluateLatents(model, pretraining.data, heldOut, env.spec.stateGroups, env.spec.stateLabels);
  return { r2: ev.r2, r2_change: ev.r2_change, r2_absent: ev.absent, one_step_error: ev.one_step_error, held_out_rollouts: n };
}

/** An episode as the latent agents' videos show it: camera images, the latents acted on, each step's distance and success. */
export interface LatentFilm {
  readonly frames: readonly Float32Array[];
  readonly latents: Float64Array;
  readonly steps: StepRecord;
}

/**
 * An episode for a video: each camera image o_t, the image decoded from the latent the agent
 * used at t (SOLAR: the filtered mean x̂_t, t < T; the ablations: the encoder mean m_t, t ≤ T)
 * and the step's distance and success.
 */
export function filmedLatentEpisode(model: SolarModel, env: Env, e: LatentFilm): FilmedEpisode {
  const [height, width, channels] = env.spec.observation.shape;
  const hwc = height * width * channels;
  const decoded = decodeLatents(model, e.latents);
  const n = e.latents.length / model.latentDim;
  return {
    camera: e.frames.map((data) => ({ data, height, width, channels })),
    decoded: Array.from({ length: n }, (_, t) => ({ data: decoded.subarray(t * hwc, (t + 1) * hwc), height, width, channels })),
    distance: e.steps.distance,
    success: e.steps.success,
  };
}

/** A captioned GIF of episodes (video.ts): camera beside decoded latent, a title card before each. */
export async function latentGif(model: SolarModel, env: Env, episodes: readonly LatentFilm[], config: TrainConfig, title: string): Promise<Uint8Array> {
  return encodeVideo(episodes.map((e) => filmedLatentEpisode(model, env, e)), videoStyle(env.spec, config.output, title));
}

/** One pretrain.jsonl line: the model's training step, its bound and terms, the seconds since pretraining began. */
export interface PretrainLogLine {
  step: number;
  elbo: number;
  recon: number;
  kl: number;
  kl_global: number;
  beta: number;
  wall_s: number;
}
