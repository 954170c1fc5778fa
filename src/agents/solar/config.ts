/**
 * Parameters of the SOLAR agent's improvement loop (the model's own parameters live in
 * src/model). Names follow the paper and parasol; defaults are ours where our measurements
 * beat parasol's (kl_step 1 rather than 2, see the LQR-FLM results in the README).
 */
import { z } from 'zod';
import { withoutSettingsAt } from '../../util/added-settings.js';

/**
 * The improvement loop's LQR-FLM settings, shared with the VAE ablation (same iterations,
 * step size, η search and exploration), so both read one definition.
 */
export const lqrflmLoopFields = {
  /** Improvement iterations after pretraining. */
  iterations: z.number().int().min(1).default(10),
  /** Rollouts N per iteration (parasol reacher: 40). */
  rollouts: z.number().int().min(1).default(20),
  /** ε = kl_step · T · step_mult (parasol: 2.0). */
  kl_step: z.number().positive().default(1.0),
  /** Initial exploration S = init_var · I (0.5²). */
  init_var: z.number().positive().default(0.25),
  /**
   * Floor on the eigenvalues of every S_t after each step (0: none; control/policy.ts
   * withCovarianceFloor). The step adaptation's predicted cost is still the unfloored policy's.
   */
  min_policy_var: z.number().min(0).default(0),
  adapt_step: z.boolean().default(true),
  min_step_mult: z.number().positive().default(0.1),
  max_step_mult: z.number().positive().default(10),
  eta_min: z.number().positive().default(1e-8),
  eta_max: z.number().positive().default(1e16),
  eta_max_tries: z.number().int().min(1).default(50),
  kl_tolerance: z.number().positive().max(1).default(0.1),
  /**
   * Evaluate (and save as final) the policy whose rollouts ended best — lowest mean state cost
   * of the last step (dense), most successes (sparse) — instead of the last update's, which
   * has no rollouts of its own (best-policy.ts). The iterations go on from the latest policy.
   */
  keep_best: z.boolean().default(false),
};

/** How the dense latent cost is fitted, shared with the VAE ablation (latent-cost.ts). */
export const latentCostFields = {
  /** Ridge of the dense latent cost regression. */
  cost_ridge: z.number().min(0).default(1e-6),
  /** Project the fitted latent cost's C onto the PSD cone and refit c, c0 (convex ℓ: LQR cannot exploit an indefinite fit). */
  cost_convex: z.boolean().default(false),
  /**
   * `global`: one quadratic ℓ(x) for every t; `local`: ℓ_t per t, fitted in a `cost_chart_dim`-
   * dimensional chart of the rollouts' latents within ±`cost_window` steps
   * (control/cost_fit_local.ts: on a curved latent manifold the global fit is not identified);
   * `head`: the model's own cost head ĉ(x) = ½xᵀCx + cᵀx + b, learned with the representation on
   * the pretraining data (SOLAR only; C projected onto the PSD cone when cost_convex).
   */
  cost_fit: z.enum(['global', 'local', 'head']).default('global'),
  cost_window: z.number().int().min(0).default(5),
  /** The task's intrinsic state dimension (the reacher: q and q̇, 4); at most the latent dimension. */
  cost_chart_dim: z.number().int().min(1).default(4),
};

/** The sparse tasks' success model (success-memory.ts), shared with the VAE ablation. */
export const successModelFields = {
  /** Ridge of the sparse tasks' logistic regression. */
  success_ridge: z.number().min(0).default(1e-3),
  /**
   * Sparse tasks: fit the success model on the labelled latents of every iteration so far
   * (each as inferred when it was collected), not only this iteration's. Without it a policy
   * that stops succeeding loses its only positives and with them its state cost
   * (reacher-sparse, README). On by default for the sparse tasks (run/train-config.ts).
   */
  success_memory: z.boolean().default(false),
};

/** Agent settings added after runs were saved, at their before-they-existed value (util/added-settings.ts). */
const ADDED_AGENT_SETTINGS: Record<string, unknown> = { cost_convex: false, cost_fit: 'global', cost_window: 5, cost_memory: 1, cost_chart_dim: 4, success_memory: false, min_policy_var: 0, dynamics_offset: false, offset_in: 'smoother', offset_var: 1, potential_scale: 1, keep_best: false };

/** An agent config without the added settings that are at their before-they-existed value. */
export function withoutAddedAgentDefaults(c: Record<string, unknown>): Record<string, unknown> {
  return withoutSettingsAt(c, ADDED_AGENT_SETTINGS);
}

export const solarAgentConfig = z
  .object({
    ...lqrflmLoopFields,
    /** λ of the local dynamics EM: η_t = η_t^global + λ Σ_n E[t(·)] (parasol: 50). */
    data_weight: z.number().positive().default(50),
    /**
     * Fit the local dynamics with an offset, x_{t+1} = A_t x_t + B_t u_t + a_t (latent-em.ts;
     * LQR-FLM from the state and the VAE ablation fit one too); the model's prior has none.
     */
    dynamics_offset: z.boolean().default(false),
    /** `smoother`: the offset in every EM round (latents, filter, LQR-FLM); `control`: only in LQR-FLM's dynamics (latent-em.ts). */
    offset_in: z.enum(['smoother', 'control']).default('smoother'),
    /** Prior variance of the offset relative to the noise: a_t | Σ_t ~ N(0, offset_var·Σ_t). */
    offset_var: z.number().positive().default(1),
    /**
     * Multiplies the encoder's potential scales s_t where the agent uses them (filtering, latent
     * EM): < 1 trusts each image more than the model's calibration does (potential-noise.ts).
     */
    potential_scale: z.number().positive().default(1),
    em_tol: z.number().positive().default(1e-3),
    em_max_iters: z.number().int().min(1).default(100),
    ...latentCostFields,
    ...successModelFields,
    /** Weight of the terminal latent cost ℓ(x_T) (0: none). */
    terminal_weight: z.number().min(0).default(1),
    /** Action cost w‖u‖² for sparse tasks, whose env cost carries none (dense tasks use the task's). */
    sparse_action_weight: z.number().min(0).default(1e-2),
    /**
     * Model refinement (method doc §2, step 5): training steps each iteration on the pretraining
     * data together with the iteration's rollouts, before the latent EM. 0: frozen (parasol).
     */
    refine_steps: z.number().int().min(0).default(0),
    /**
     * Iterations of smoothed latents the dense latent cost is fitted on (1: the latest only;
     * cost-memory.ts). Needs a frozen model (refine_steps = 0): refinement moves the latents.
     */
    cost_memory: z.number().int().min(1).default(1),
    /** Fresh episodes of the final evaluation (mean actions). */
    eval_episodes: z.number().int().min(1).default(10),
  })
  .strict()
  // Refused with the settings, not when the agent is built after pretraining (~45 min on the reacher).
  .superRefine((c, ctx) => {
    if (c.cost_memory > 1 && c.refine_steps > 0) {
      ctx.addIssue({ code: 'custom', path: ['cost_memory'], message: `${c.cost_memory} iterations of latents need a frozen model, but agent.refine_steps = ${c.refine_steps} moves the latents between iterations` });
    }
  });

export type SolarAgentConfig = z.infer<typeof solarAgentConfig>;
