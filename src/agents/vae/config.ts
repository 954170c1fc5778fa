/**
 * Parameters of the VAE ablation's improvement loop (docs/method.md, 'The VAE ablation'): LQR-FLM
 * as in SOLAR (same step size, η search and cost fit), but on the encoder's per-frame means
 * with local dynamics fitted by Bayesian linear regression under a prior over
 * (x_t, u_t, x_{t+1}) learned from every transition seen so far (guided policy search's
 * DynamicsPriorGMM, or one Gaussian). The model's own parameters live in src/model
 * (prior 'normal').
 */
import { z } from 'zod';
import { latentCostFields, lqrflmLoopFields, successModelFields } from '../core/config-fields.js';

export const vaeAgentConfig = z
  .object({
    ...lqrflmLoopFields,
    /** Prior of the local dynamics: a Gaussian mixture over (x_t, u_t, x_{t+1}) (parasol, GPS) or one Gaussian. */
    dynamics_prior: z.enum(['gmm', 'gaussian']).default('gmm'),
    /** GMM prior: at most this many clusters, at least this many transitions per cluster. */
    gmm_max_clusters: z.number().int().min(1).default(20),
    /** GMM prior: at least this many transitions per cluster. */
    gmm_min_samples_per_cluster: z.number().int().min(1).default(40),
    /** Virtual transitions the prior is worth per time step (GPS: 1). */
    prior_strength: z.number().positive().default(1),
    /** Whether the prior also sees the pretraining rollouts' transitions (encoded). */
    prior_pretrain: z.boolean().default(true),
    ...latentCostFields,
    ...successModelFields,
    /** Weight of the terminal latent cost ℓ(x_T) (0: none). */
    terminal_weight: z.number().min(0).default(1),
    /** Action cost w‖u‖² for sparse tasks, whose env cost carries none (dense tasks use the task's). */
    sparse_action_weight: z.number().min(0).default(1e-2),
    /** Fresh episodes of the final evaluation (mean actions). */
    eval_episodes: z.number().int().min(1).default(10),
  })
  .strict();

export type VaeAgentConfig = z.infer<typeof vaeAgentConfig>;
