/**
 * Parameters of the PPO baseline (Schulman et al. 2017, "Proximal Policy Optimization
 * Algorithms"), with the defaults of the well-known implementations for continuous control
 * (the paper's MuJoCo settings as used by OpenAI baselines `ppo2`, Stable-Baselines3 and
 * CleanRL `ppo_continuous_action.py`): 2048 steps per update, 10 epochs of minibatches of
 * 64, Adam lr 3e-4 (ε 1e-5) linearly annealed, γ 0.99, GAE λ 0.95, clip ε 0.2, value
 * coefficient 0.5, global gradient-norm clip 0.5, no entropy bonus, per-minibatch advantage
 * normalisation, running observation and reward normalisation, a state-independent log-std.
 * zod, strict: an unknown key is an error.
 */
import { z } from 'zod';

export const ppoConfig = z
  .object({
    /** At most this many PPO updates (collect `steps_per_update` env steps, then `epochs` passes over them). */
    iterations: z.number().int().min(1).default(10_000),
    /**
     * Training env-step budget (CleanRL total_timesteps): the run stops once reached, or after
     * `iterations` updates if that comes first; the last batch is shortened to fit (rounded up to
     * a multiple of num_envs, so a run may exceed it by fewer than num_envs steps).
     */
    total_steps: z.number().int().min(1).default(1_000_000),
    /** Env steps collected per update, over all parallel envs (CleanRL num_steps · num_envs, SB3 n_steps). */
    steps_per_update: z.number().int().min(1).default(2048),
    /** Envs stepped in lockstep (a batched forward pass per step); must divide steps_per_update. */
    num_envs: z.number().int().min(1).default(1),
    /** Passes over each batch (K in the paper). */
    epochs: z.number().int().min(1).default(10),
    /** Transitions per minibatch (SB3 batch_size; CleanRL 2048 / 32 minibatches = 64). */
    minibatch_size: z.number().int().min(1).default(64),
    /** Adam step size α. */
    lr: z.number().positive().default(3e-4),
    /** Anneal the step size linearly to 0 over the run (CleanRL anneal_lr). */
    anneal_lr: z.boolean().default(true),
    /** Adam ε (CleanRL / baselines: 1e-5). */
    adam_epsilon: z.number().positive().default(1e-5),
    /** Discount γ. */
    gamma: z.number().min(0).max(1).default(0.99),
    /** GAE λ. */
    gae_lambda: z.number().min(0).max(1).default(0.95),
    /** Clip range ε of the ratio r_t(θ) = π_θ(a|s) / π_old(a|s). */
    clip_coef: z.number().positive().default(0.2),
    /** Clip the value update around the old value by ±clip_coef as well (baselines ppo2, CleanRL clip_vloss). */
    clip_value_loss: z.boolean().default(true),
    /** c₂: entropy bonus weight (0 for continuous control; 0.01 is the usual Atari/pixel value). */
    ent_coef: z.number().min(0).default(0),
    /** c₁: value-loss weight. */
    vf_coef: z.number().min(0).default(0.5),
    /** Global gradient-norm clip. */
    max_grad_norm: z.number().positive().default(0.5),
    /** Stop an update's epochs early once the mean approximate KL exceeds this (absent: never). */
    target_kl: z.number().positive().optional(),
    /** Normalise advantages to zero mean and unit variance within each minibatch. */
    norm_adv: z.boolean().default(true),
    /** Running mean/variance normalisation of state observations, clipped to ±obs_clip (ignored for pixels). */
    normalize_obs: z.boolean().default(true),
    /** Normalised state observations are clipped to ± this. */
    obs_clip: z.number().positive().default(10),
    /** Scale rewards by the running std of the discounted return (gym NormalizeReward), clipped to ±reward_clip. */
    normalize_reward: z.boolean().default(true),
    /** Scaled rewards are clipped to ± this. */
    reward_clip: z.number().positive().default(10),
    /**
     * How a Gaussian sample a ~ N(μ, σ²) becomes the action: `clip` — clipped to the action box
     * (CleanRL/SB3); `tanh` — squashed, u = mid + half-range · tanh(a).
     */
    action_squash: z.enum(['clip', 'tanh']).default('clip'),
    /** Initial log σ of the state-independent log-std (0: σ = 1). */
    log_std_init: z.number().default(0),
    /** Hidden layer widths of the policy and value MLPs (state) — tanh activations. */
    hidden: z.array(z.number().int().min(1)).min(1).default([64, 64]),
    /** Pixels: output channels of the stride-2 4×4 conv layers (the first already halves the image). */
    conv_channels: z.array(z.number().int().min(1)).min(1).default([16, 32, 32]),
    /** Pixels: width of the dense layer after the conv encoder, shared by the policy and value heads. */
    conv_hidden: z.number().int().min(1).default(256),
    /** Pixels: the last k images concatenated along channels, oldest first (the first repeated at an episode start). */
    frame_stack: z.number().int().min(1).max(8).default(1),
    /** Fresh episodes of the final evaluation (mean action). */
    eval_episodes: z.number().int().min(1).default(20),
    /**
     * Every this many updates (and after the last), also evaluate the mean action on the first
     * `interval_eval_episodes` evaluation episodes and log `eval_*` fields (0: never). The
     * training episodes' distance includes the exploration noise σ, which on nav2d alone keeps
     * it near 0.1; these steps are not counted in env_steps.
     */
    eval_every: z.number().int().min(0).default(10),
    /** Evaluation episodes every eval_every updates. */
    interval_eval_episodes: z.number().int().min(1).default(10),
  })
  .strict()
  .refine((c) => c.steps_per_update % c.num_envs === 0, {
    path: ['steps_per_update'],
    message: 'steps_per_update must be a multiple of num_envs (each env runs steps_per_update / num_envs steps per update)',
  });

export type PpoConfig = z.infer<typeof ppoConfig>;

/** Defaults overridden by `overrides`; throws a readable error listing every bad field. */
export function resolvePpoConfig(overrides: Record<string, unknown> = {}): PpoConfig {
  const r = ppoConfig.safeParse(overrides);
  if (!r.success) {
    throw new Error(`invalid ppo config:\n${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  }
  return r.data;
}

/** Number of updates a run makes: `iterations`, or fewer when `total_steps` is reached first. */
export function plannedUpdates(c: Pick<PpoConfig, 'iterations' | 'total_steps' | 'steps_per_update'>): number {
  return Math.min(c.iterations, Math.ceil(c.total_steps / c.steps_per_update));
}
