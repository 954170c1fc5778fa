/**
 * Recommended overrides per task for LQR-FLM from the true state (apply before the user's
 * own overrides), on top of the defaults (GMM dynamics prior on each iteration's rollouts).
 * Chosen on seeds 1–20 of the reacher and 1–5 of the car (numbers from bench/lqrflm-tasks.ts):
 * smaller KL steps with a capped multiplier, gentler initial exploration (the reacher's
 * gear-200 motors spin the arm under N(0, 0.5²) torques, and a spinning arm is a local
 * optimum), and a heavier terminal cost (the final distance is what is evaluated).
 */
import type { LqrflmConfig } from './config.js';

export const LQRFLM_STATE_PRESETS: Readonly<Record<string, Partial<LqrflmConfig>>> = {
  nav2d: { iterations: 5, rollouts: 20 },
  // The task's own cone ‖d‖ (+ ‖u‖²), expanded to second order around each iteration's rollouts.
  reacher: { iterations: 20, rollouts: 20, kl_step: 0.5, max_step_mult: 3, init_var: 0.1, terminal_weight: 10, distance_cost: 'norm', distance_weight: 1, norm_alpha: 0.01 },
  car: { iterations: 20, rollouts: 20, kl_step: 0.5, max_step_mult: 3, init_var: 0.1, terminal_weight: 10 },
};

/** The preset of `task` (base name, a "-sparse" suffix is ignored), or {} when there is none. */
export function lqrflmStatePreset(task: string): Partial<LqrflmConfig> {
  return { ...(LQRFLM_STATE_PRESETS[task.replace(/-sparse$/, '')] ?? {}) };
}
