/**
 * Parameters of the SOLAR agent's improvement loop (the model's own parameters live in
 * src/model). Names follow the paper and parasol; defaults are ours where our measurements
 * beat parasol's (kl_step 1 rather than 2, see the LQR-FLM results in the README).
 */
import { z } from 'zod';
import { withoutSettingsAt } from '../../util/added-settings.js';
import { latentCostFields, lqrflmLoopFields, successModelFields } from '../core/config-fields.js';

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
    /** Latent EM stops when its bound changes by less than em_tol · λ · N · T. */
    em_tol: z.number().positive().default(1e-3),
    /** Latent EM rounds at most. */
    em_max_iters: z.number().int().min(1).default(100),
    ...latentCostFields,
    ...successModelFields,
    /** Weight of the terminal latent cost ℓ(x_T) (0: none). */
    terminal_weight: z.number().min(0).default(1),
    /** Action cost w‖u‖² for sparse tasks, whose env cost carries none (dense tasks use the task's). */
    sparse_action_weight: z.number().min(0).default(1e-2),
    /**
     * Model refinement (docs/method.md, 'The improvement loop', step 2): training steps each iteration on the pretraining
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
