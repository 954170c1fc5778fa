/**
 * Parameters of the MPC ablation (docs/method.md, 'The MPC ablation'): a learned latent forward
 * model (MLP ds+da → hidden → hidden → Gaussian over Δx), a quadratic latent cost, and a CEM
 * planner that re-plans every step and executes the first action.
 *
 * Planning time per env step, measured on the 2-core development machine (2026-11-27, tfjs
 * wasm, one batched forward per horizon step over all samples, ds = 6, hidden 200):
 * - the paper's CEM (1024 samples, 10 iterations, horizon 20): 0.51 s in a bare benchmark of
 *   the same tensor work, 0.99 s in `solar train --method mpc --preset paper` on nav2d while
 *   two other experiments shared the cores (`plan_ms_per_step` in metrics.jsonl) — one
 *   iteration of 20 rollouts × 50 steps takes 8.5–16.5 min;
 * - 256 samples, 5 iterations, horizon 10: 0.055 s (bare), 0.060 s (same loaded run):
 *   about 1 min per iteration.
 * Our defaults are the latter; the `paper` preset restores the paper's values.
 */
import { z } from 'zod';

export const mpcAgentConfig = z
  .object({
    /** Iterations: refit the forward model and cost on all data, then N rollouts of MPC. */
    iterations: z.number().int().min(1).default(10),
    rollouts: z.number().int().min(1).default(20),
    /** CEM: action sequences sampled per CEM iteration (paper: 1024). */
    samples: z.number().int().min(2).default(256),
    /** CEM: best sequences the sampling distribution is refitted to (paper: 15). */
    elites: z.number().int().min(1).default(15),
    /** CEM iterations per env step (paper: 10). */
    cem_iterations: z.number().int().min(1).default(5),
    /** Planning horizon H (paper: 20); cut to the steps left in the episode. */
    plan_horizon: z.number().int().min(1).default(10),
    /** Initial std of the CEM sampling distribution (each step; the mean is the previous plan shifted). */
    init_std: z.number().positive().default(0.5),
    /** Floor of the CEM std. */
    min_std: z.number().min(0).default(0.01),
    /** Gaussian noise added to the executed action in training rollouts (0: CEM's own randomness only). */
    explore_std: z.number().min(0).default(0),
    /** Forward model: hidden width of both layers (paper: 200). */
    hidden: z.number().int().min(1).default(200),
    /** Forward model: Adam steps at the first fit (on the pretraining data) and at every later refit. */
    initial_fit_steps: z.number().int().min(0).default(2000),
    /** Forward model: Adam steps at every refit after the first. */
    fit_steps: z.number().int().min(0).default(500),
    /** Forward model: transitions per minibatch, Adam learning rate and global-norm clip. */
    batch_size: z.number().int().min(1).default(256),
    /** Forward model: Adam learning rate. */
    learning_rate: z.number().positive().default(1e-3),
    /** Forward model: global gradient-norm clip. */
    clip_norm: z.number().positive().default(10),
    /** Ridge of the dense latent cost regression (SOLAR's). */
    cost_ridge: z.number().min(0).default(1e-6),
    /** Project the fitted latent cost's C onto the PSD cone and refit c, c0 (convex ℓ: LQR cannot exploit an indefinite fit). */
    cost_convex: z.boolean().default(false),
    /** Ridge of the sparse tasks' logistic regression. */
    success_ridge: z.number().min(0).default(1e-3),
    /** Action cost w‖u‖² for sparse tasks, whose env cost carries none (dense tasks use the task's). */
    sparse_action_weight: z.number().min(0).default(1e-2),
    /** Fresh episodes of the final evaluation (CEM without exploration noise). */
    eval_episodes: z.number().int().min(1).default(10),
  })
  .strict()
  .refine((c) => c.elites <= c.samples, { message: 'elites must not exceed samples', path: ['elites'] });

export type MpcAgentConfig = z.infer<typeof mpcAgentConfig>;

