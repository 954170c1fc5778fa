/**
 * The settings the latent agents share (SOLAR, the VAE ablation), each defined once: the
 * LQR-FLM loop, the dense latent cost fit and the sparse tasks' success model.
 */
import { z } from 'zod';
import { SUCCESS_LABELS } from './success-labels.js';
import { withoutChangedSettings, type SettingChanges } from '../../util/added-settings.js';

/**
 * The improvement loop's LQR-FLM settings, shared by SOLAR and the VAE ablation (same iterations,
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
  /** Adapt the step multiplier from the predicted vs the actual improvement of the last step (control/step-size.ts). */
  adapt_step: z.boolean().default(true),
  /** Lower bound of the step multiplier. */
  min_step_mult: z.number().positive().default(0.1),
  /** Upper bound of the step multiplier. */
  max_step_mult: z.number().positive().default(10),
  /** Smallest η of the dual search (log-space bracketing). */
  eta_min: z.number().positive().default(1e-8),
  /** Largest η tried (raised there when Q_uu is not positive definite: past it the step fails). */
  eta_max: z.number().positive().default(1e16),
  /** η values tried at most per step. */
  eta_max_tries: z.number().int().min(1).default(50),
  /** Accept η when |KL − ε| < kl_tolerance · ε. */
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
   * (control/cost-fit-local.ts: on a curved latent manifold the global fit is not identified).
   */
  cost_fit: z.enum(['global', 'local']).default('global'),
  /** cost_fit = local: the latents within ± this many steps of t enter ℓ_t's fit. */
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
  /**
   * Sparse tasks: who labels the rollouts (agent/core/success-labels.ts). `task`: the task's
   * success at every step; `final`: the task's success at each rollout's end only; `human`: a
   * person at each rollout's end (`solar train --label human`: the page of `solar serve`, or
   * the terminal); the success model learns from the labels given.
   */
  labels: z.enum(SUCCESS_LABELS).default('task'),
};

/**
 * How the latent agents' settings changed since runs were first saved (util/added-settings.ts):
 * the cost fit's settings, the success memory and keep_best came later (at the behaviour from
 * before them); the dynamics offset, the potential scale, the cost memory, the policy's
 * covariance floor and `cost_fit` 'head' were removed in config version 2 (each measured no
 * gain: docs/experiments/2026-12-07-removed-settings.md), and LQR-FLM's `cost_psd` became
 * `cost_convex`, the latent agents' name for the same idea.
 */
export const AGENT_SETTING_CHANGES: SettingChanges = {
  added: { cost_convex: false, cost_fit: 'global', cost_window: 5, cost_chart_dim: 4, success_memory: false, keep_best: false, labels: 'task' },
  // cost_psd: LQR-FLM on the state's name for a PSD projection of C alone; version 2 has cost_convex there too.
  removed: { dynamics_offset: false, offset_in: 'smoother', offset_var: 1, potential_scale: 1, cost_memory: 1, min_policy_var: 0, cost_psd: false },
  removedChoices: { cost_fit: ['head'] },
};

/** An agent config without the added and removed settings at their SettingChanges values. */
export function withoutAddedAgentDefaults(c: Record<string, unknown>): Record<string, unknown> {
  return withoutChangedSettings(c, AGENT_SETTING_CHANGES);
}
