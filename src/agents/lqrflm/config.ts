/**
 * Parameters of the LQR-FLM trainer on the true state, with their defaults (zod, strict:
 * an unknown key is an error). Names follow the paper and guided policy search.
 */
import { z } from 'zod';

export const lqrflmConfig = z
  .object({
    /** Outer iterations (sample N rollouts, fit, update). */
    iterations: z.number().int().min(1).default(10),
    /** Rollouts N per iteration. */
    rollouts: z.number().int().min(1).default(20),
    /** KL bound per time step: ε = kl_step · T · step_mult (parasol: 2.0; ≤ 1 worked better on the reacher). */
    kl_step: z.number().positive().default(1.0),
    /** Initial exploration: K = 0, k = 0, S = init_var · I (0.5²). */
    init_var: z.number().positive().default(0.25),
    /** Lower bound of the step multiplier (ε = kl_step · T · step_mult). */
    min_step_mult: z.number().positive().default(0.1),
    /** Upper bound of the step multiplier. */
    max_step_mult: z.number().positive().default(10),
    /** Adapt the step multiplier from predicted vs actual improvement. */
    adapt_step: z.boolean().default(true),
    /** Dual η search (log-space bracketing). */
    eta_min: z.number().positive().default(1e-8),
    /** Largest η tried (raised there when Q_uu is not positive definite: past it the step fails). */
    eta_max: z.number().positive().default(1e16),
    /** η values tried at most per step. */
    eta_max_tries: z.number().int().min(1).default(50),
    /** Accept η when |KL − ε| < kl_tolerance · ε. */
    kl_tolerance: z.number().positive().max(1).default(0.1),
    /**
     * Prior of the local dynamics fit: none, one NIW Gaussian fitted on all transitions, or a
     * Gaussian mixture over (x_t, u_t, x_{t+1}) as guided policy search's DynamicsPriorGMM.
     */
    dynamics_prior: z.enum(['none', 'gaussian', 'gmm']).default('gmm'),
    /** GMM prior: at most this many clusters, and at least this many transitions per cluster. */
    gmm_max_clusters: z.number().int().min(1).default(20),
    /** GMM prior: at least this many transitions per cluster. */
    gmm_min_samples_per_cluster: z.number().int().min(1).default(40),
    /** Virtual transitions the prior is worth per time step. */
    prior_strength: z.number().positive().default(1),
    /** Iterations of data the prior is fitted on (0: all so far; 1: this iteration's N rollouts, as GPS's max_samples). */
    prior_history: z.number().int().min(0).default(1),
    /**
     * State cost: `known` — the task's analytic distance cost (squared or a local expansion
     * of the norm, see `distance_cost`); `fitted` — a stationary quadratic fitted by ridge
     * regression on observed costs minus the known action cost.
     */
    cost: z.enum(['known', 'fitted']).default('known'),
    /** Known cost form: `squared` w‖d‖², or `norm` w·sqrt(‖d‖² + α²) expanded to 2nd order around the rollouts. */
    distance_cost: z.enum(['squared', 'norm']).default('squared'),
    /** w of the known distance cost; absent: the task's own (nav2d 1, car 1, reacher 10 squared / 1 norm). */
    distance_weight: z.number().positive().optional(),
    /** α of the smoothed norm. */
    norm_alpha: z.number().positive().default(0.01),
    /** Extra multiplier of the terminal state's cost ℓ_T(x_T) (0 disables it). */
    terminal_weight: z.number().min(0).default(1),
    /** Goal for tasks whose state lacks it (car); absent: the task default. */
    goal: z.tuple([z.number(), z.number()]).optional(),
    /** Project the fitted cost's C onto the PSD cone and refit c, c0 (as the latent agents' agent.cost_convex). */
    cost_convex: z.boolean().default(false),
    /** Ridge of the fitted cost. */
    cost_ridge: z.number().min(0).default(1e-6),
    /** Fresh episodes of the final evaluation. */
    eval_episodes: z.number().int().min(1).default(20),
    /** Evaluate with exploration noise (true) or the mean action K x + k (false). */
    eval_noise: z.boolean().default(false),
  })
  .strict();

export type LqrflmConfig = z.infer<typeof lqrflmConfig>;

/** Defaults overridden by `overrides`; throws a readable error listing every bad field. */
export function resolveLqrflmConfig(overrides: Record<string, unknown> = {}): LqrflmConfig {
  const r = lqrflmConfig.safeParse(overrides);
  if (!r.success) {
    throw new Error(`invalid lqrflm config:\n${r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('\n')}`);
  }
  if (r.data.min_step_mult > r.data.max_step_mult) throw new Error('invalid lqrflm config: min_step_mult > max_step_mult');
  if (r.data.eta_min >= r.data.eta_max) throw new Error('invalid lqrflm config: eta_min >= eta_max');
  return r.data;
}
