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
import { besideEachOther, encodeGif, type Image } from './images.js';
import { collectRandomRollouts } from '../envs/rollout.js';
import type { RunDir } from './run-dir.js';
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
 * Collects `pretrain.rollouts` random rollouts u ~ N(0, action_std²) and trains the model for
 * `pretrain.steps` steps, logging to pretrain.jsonl and warning about blank images or a model
 * that learned nothing. Returns the episodes and their sequences (the ablations' agents start
 * from their encodings; SOLAR refines on them).
 */
export async function pretrainLatentModel(
  env: Env, model: SolarModel, config: TrainConfig, dir: RunDir,
  hooks: { onEpisode?(): void; onPretrainStep?(step: number, total: number): void }, warn: (w: string) => void, start: number,
): Promise<Pretraining> {
  const pre = config.pretrain!;
  const pretraining = await collectPretraining(env, config, hooks.onEpisode);
  const { episodes, data } = pretraining;
  if (imageVariation(episodes.flatMap((e) => e.observations)) < 1e-10) {
    warn('the camera images never change (blank?): the model cannot learn a state from them, and the agent acts on noise');
  }
  let lastKl = Number.NaN;
  for (let s = 0; s < pre.steps; s++) {
    const m = trainStep(model, data, (s + 1) % pre.log_every === 0);
    lastKl = m.kl;
    hooks.onPretrainStep?.(s + 1, pre.steps);
    if ((s + 1) % pre.log_every === 0 || s + 1 === pre.steps) {
      dir.appendJsonl('pretrain.jsonl', { step: m.step, elbo: m.elbo, recon: m.recon, kl: m.kl, kl_global: m.kl_global, beta: m.beta, wall_s: (performance.now() - start) / 1000 });
    }
  }
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

/**
 * A GIF of episodes: each camera image o_t beside the image decoded from the latent the agent
 * used at t (SOLAR: the filtered mean x̂_t, t < T; the ablations: the encoder mean m_t, t ≤ T),
 * as many frames as there are latents.
 */
export async function latentGif(
  model: SolarModel, env: Env, episodes: readonly { frames: readonly Float32Array[]; latents: Float64Array }[], config: TrainConfig,
): Promise<Uint8Array> {
  const [height, width, channels] = env.spec.observation.shape;
  const hwc = height * width * channels;
  const frames: Image[] = [];
  for (const e of episodes) {
    const decoded = decodeLatents(model, e.latents);
    for (let t = 0; t < e.latents.length / model.latentDim; t++) {
      frames.push(besideEachOther([
        { data: e.frames[t], height, width, channels },
        { data: decoded.subarray(t * hwc, (t + 1) * hwc), height, width, channels },
      ]));
    }
  }
  return encodeGif(frames, config.output.gif_scale, Math.round(1000 / config.output.gif_fps));
}
