/**
 * Parameters of the SOLAR agent's improvement loop (the model's own parameters live in
 * src/model). Names follow the paper and parasol; defaults are ours where our measurements
 * beat parasol's (kl_step 1 rather than 2, see the LQR-FLM results in the README).
 */
import { z } from 'zod';
import { latentCostFields, lqrflmLoopFields, successModelFields } from '../core/config-fields.js';

export const solarAgentConfig = z
  .object({
    ...lqrflmLoopFields,
    /** λ of the local dynamics EM: η_t = η_t^global + λ Σ_n E[t(·)] (parasol: 50). */
    data_weight: z.number().positive().default(50),
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
    /** Fresh episodes of the final evaluation (mean actions). */
    eval_episodes: z.number().int().min(1).default(10),
  })
  .strict();

export type SolarAgentConfig = z.infer<typeof solarAgentConfig>;
