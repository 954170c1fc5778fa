/**
 * Settings of the structured latent variable model (docs/method.md, 'Learning the model'): networks, prior, the SVAE
 * bound's KL warm-up, Adam, the SVI step for q(θ), and the guards against posterior collapse
 * the first prototype needed (warm-up, dynamics updates only after it, a noise floor).
 */
import { z } from 'zod';
import { withoutChangedSettings, type SettingChanges } from '../util/added-settings.js';

export const modelConfigSchema = z
  .object({
    /** 'lds': linear-Gaussian dynamics prior (SOLAR); 'normal': N(0, I) per frame (VAE ablation). */
    prior: z.enum(['lds', 'normal']),
    /** ds, the latent state's dimension. */
    latent_dim: z.number().int().min(1).max(64),
    /** 'conv': stride-2 conv encoder/decoder (src/nn); 'mlp': dense, for tests and quick looks. */
    network: z.enum(['conv', 'mlp']),
    /** Dense width (mlp: every hidden layer; conv: the dense layer). */
    hidden: z.number().int().min(1).max(4096),
    /** Frames stacked along channels as encoder input (earlier-than-first frames repeat o_0). */
    frame_stack: z.number().int().min(1).max(8),
    /** Time-varying θ_t (one MNIW per transition) or one shared θ. */
    dynamics: z.enum(['time-varying', 'shared']),
    /** Quadratic cost head c_t | x_t ~ N(½xᵀCx + cᵀx + b, 1), trained with the model. */
    cost_head: z.boolean(),
    /**
     * σ_c of the cost head's Gaussian. It weighs the cost against the image likelihood: a task
     * whose costs span a small range (the reacher's 10‖d‖² ≲ 0.5, against nav2d's ‖s − g‖² up
     * to ~8) needs a small σ_c for the cost to shape the latent at all.
     */
    cost_std: z.number().positive(),
    /** Sequences per minibatch. */
    batch_sequences: z.number().int().min(1).max(1024),
    /**
     * The minibatch gradient is the sum of this many shards' gradients, each over a fixed
     * share of the sequences, added in shard order (shards.ts). Shards run on as many threads
     * as the run has (`--threads`), and since the sum is the same on one thread or several,
     * a seed gives one result whatever the thread count. 1: the whole minibatch at once.
     */
    batch_shards: z.number().int().min(1).max(64).default(1),
    /** Adam learning rate of the networks. */
    learning_rate: z.number().positive(),
    /** Global gradient-norm clip of the networks' Adam. */
    clip_norm: z.number().positive(),
    /** KL weight β grows linearly from beta_start to 1 (the ELBO) over kl_warmup_steps, then stays 1. */
    beta_start: z.number().min(0).max(1),
    /** Steps over which β rises from beta_start to 1 (0: β = 1 from the start). */
    kl_warmup_steps: z.number().int().min(0),
    /** First training step at which q(θ) gets SVI updates (before: q(θ) = p(θ)). */
    dynamics_start_step: z.number().int().min(0),
    /** SVI step size ρ_k = max(rho_min, rho_max·(1 + k)^(−rho_decay)), k = SVI steps taken. */
    svi_rho_max: z.number().gt(0).max(1),
    /** Decay exponent of the SVI step size (see svi_rho_max). */
    svi_rho_decay: z.number().min(0).max(1),
    /** Floor of the SVI step size (see svi_rho_max). */
    svi_rho_min: z.number().gt(0).max(1),
    /** Floor on the eigenvalues of the expected noise covariance E[Σ_t]. */
    noise_floor: z.number().min(0),
    /** Scale of the prior's Ψ = psi_scale·I (ν = ds + 2, M0 = [I | 0]). */
    psi_scale: z.number().positive(),
    /**
     * The prior's column covariance V = prior_v_scale·I. It also sets how strongly p̄(x) pulls
     * latents to 0 before q(θ) has seen data: E[FᵀΣ⁻¹F] = Mᵀ E[Σ⁻¹] M + ds·V.
     */
    prior_v_scale: z.number().positive(),
  })
  .strict();

export type ModelConfig = z.infer<typeof modelConfigSchema>;

/**
 * How the model's settings changed since runs were first saved (util/added-settings.ts):
 * `batch_shards` came later (before it: the whole minibatch at once); `decode_stack`, `beta_end`
 * and `network` 'broadcast' were removed in config version 2 (each measured no gain:
 * docs/experiments/2026-12-07-removed-settings.md).
 */
export const MODEL_SETTING_CHANGES: SettingChanges = {
  added: { batch_shards: 1 },
  removed: { decode_stack: false, beta_end: 1 },
  removedChoices: { network: ['broadcast'] },
};

/** The model config without the added and removed settings at their SettingChanges values. */
export function withoutAddedDefaults(c: Record<string, unknown>): Record<string, unknown> {
  return withoutChangedSettings(c, MODEL_SETTING_CHANGES);
}

export const MODEL_DEFAULTS: ModelConfig = {
  prior: 'lds',
  latent_dim: 8,
  network: 'conv',
  hidden: 256,
  frame_stack: 1,
  dynamics: 'time-varying',
  cost_head: false,
  cost_std: 1,
  batch_sequences: 4,
  // Two shards: both cores of a 2-core machine train one run (1.8× faster, README).
  batch_shards: 2,
  learning_rate: 1e-3,
  clip_norm: 5,
  beta_start: 0.01,
  kl_warmup_steps: 500,
  dynamics_start_step: 500,
  svi_rho_max: 0.2,
  svi_rho_decay: 0.6,
  svi_rho_min: 0.05,
  noise_floor: 1e-2,
  psi_scale: 2,
  // V = I (the authors' default) made p̄(x) pull every latent to 0 with precision ds per
  // step before SVI: on nav2d the moving agent was never encoded (held-out R² ≈ 0), only
  // the static goal. 0.1 keeps the pull weak but lets data dominate V⁻¹ in the SVI update.
  prior_v_scale: 0.1,
};

/** KL weight at a training step. */
export function klWeight(c: ModelConfig, step: number): number {
  if (c.kl_warmup_steps === 0 || step >= c.kl_warmup_steps) return 1;
  return c.beta_start + (1 - c.beta_start) * (step / c.kl_warmup_steps);
}

/** SVI step size for the k-th dynamics update (k = 0, 1, …). */
export function sviStepSize(c: ModelConfig, k: number): number {
  return Math.max(c.svi_rho_min, c.svi_rho_max * Math.pow(1 + k, -c.svi_rho_decay));
}
