/**
 * Every default that is not a schema's own, in one place: per method, what each task sets in
 * the `default` preset, what the `paper` preset sets (the authors' code, parasol), and what the
 * `quick` preset sets (seconds, for tests and a first look). `trainDefaults` (train-config.ts)
 * lays them over the schema defaults in that order; `solar model` takes the model rows.
 * Why each value: the comments here and docs/experiments/.
 */
import type { ModelConfig } from '../model/index.js';

type Section = Readonly<Record<string, unknown>>;
/** One layer of settings, by config section. */
export interface Layer {
  readonly env?: Section;
  readonly agent?: Section;
  readonly model?: Section;
  readonly pretrain?: Section;
}

/** A task's row, or an empty layer for a task without one (a task brought by the user). */
export function taskRow<T>(table: Readonly<Record<string, T>>, task: string, empty: T): T {
  return table[task] ?? empty;
}

/** Pretraining settings before any task's: 50 random rollouts u ~ N(0, 0.5²), 1,500 steps. */
export const PRETRAIN_DEFAULTS = { rollouts: 50, action_std: 0.5, steps: 1500, log_every: 50 } as const;

/**
 * The structured latent model per task, in every preset and for every latent method.
 * - nav2d: ds = 4 (the state size) left the goal unencoded. One shared θ rather than T
 *   time-varying ones (the task is time-invariant): held-out agent R² 0.946 against 0.83. The
 *   cost head (dense only: the sparse task's cost is a success flag) made the goal linear in
 *   the latent: seed 2's held-out goal R² 0.61 → 0.93.
 * - The reacher: a frame stack of 2, since SOLAR's local models need the arm's velocity (with a
 *   perfect encoder and the true cost: 6 of 6 seeds with q̇, 1 of 6 without); one shared θ and
 *   the cost head as on nav2d, σ_c 0.05 for a state cost 10‖d‖² spanning 0–1.2; ds = 10 as the paper's.
 */
export const MODEL_BY_TASK: Readonly<Record<string, Partial<ModelConfig>>> = {
  nav2d: { latent_dim: 6, dynamics: 'shared', cost_head: true },
  'nav2d-sparse': { latent_dim: 6, dynamics: 'shared' },
  car: { latent_dim: 6 },
  'car-sparse': { latent_dim: 6 },
  reacher: { latent_dim: 10, frame_stack: 2, dynamics: 'shared', cost_head: true, cost_std: 0.05 },
  'reacher-sparse': { latent_dim: 10, frame_stack: 2, dynamics: 'shared' },
  ...manipulationRows<Partial<ModelConfig>>(
    { latent_dim: 6, dynamics: 'shared', cost_head: true, cost_std: 0.05 },
    { latent_dim: 8, dynamics: 'shared', cost_head: true, cost_std: 0.05 },
    (row) => ({ ...row, cost_head: false, cost_std: undefined }),
  ),
};

/**
 * The robot tasks (push, stack-easy, -mid, -lift) and their sparse variants: a row for the
 * stacking tasks, one for push, and the sparse variant of each made by `sparse`. Their
 * grippers are velocity-controlled, so their dynamics are nearly linear, as nav2d's: they take
 * nav2d's recipe (one shared θ, the cost head, 40 rollouts per iteration from 100 pretraining
 * rollouts, the convex cost fit) with the squared distance as the state cost (a quadratic fits
 * it), but without the 200 refinement steps per iteration and with 1,000 pretraining steps, not
 * 2,000: a step on 64×64×3 images costs about 0.6 s on one thread, and the held-out R² of each
 * run (pretrained-model.json) says whether it sufficed. Push's latent has 8 dimensions for its
 * two bodies. A first setting, not a tuned one.
 */
function manipulationRows<T extends object>(stack: T, push: T, sparse: (row: T) => T): Record<string, T> {
  const out: Record<string, T> = {};
  for (const [name, row] of [['push', push], ['stack-easy', stack], ['stack-mid', stack], ['stack-lift', stack]] as const) {
    out[name] = row;
    out[`${name}-sparse`] = JSON.parse(JSON.stringify(sparse(row)));
  }
  return out;
}

/**
 * SOLAR and its ablations (VAE, MPC; each takes the agent keys its schema has), `default`
 * preset, per task. Sparse tasks: the success model keeps every iteration's labels
 * (`success_memory`).
 * - nav2d: 100 rollouts × 2,000 pretraining steps encoded the agent with R² 0.85 (50 × 1,500:
 *   0.77); 40 rollouts per iteration reached ≈ 0.2 by iteration 6 where 20 were at 0.38 after
 *   10; 200 refinement steps per iteration took seed 0's rollouts from 0.20 to 0.09; the convex
 *   cost fit reached ≤ 0.1 from 15,000 env steps in 2 of 3 seeds where the plain fit took
 *   19,000 or never.
 * - The reacher: the paper's data budget (100 pretraining rollouts, 10 iterations of 40) with
 *   kl_step 1 and the squared-distance cost 10‖d‖² + ‖u‖² (the cone ‖d‖ is badly fitted by a
 *   quadratic); the latent cost per t in a 4-D chart (q, q̇) of the rollouts' latents, convex
 *   (with a perfect encoder 5 of 6 seeds against the global fit's 2 of 6), its window ±10
 *   steps, the terminal cost ×30 and the best-ending policy kept.
 */
export const LATENT_BY_TASK: Readonly<Record<string, Layer>> = {
  nav2d: { agent: { rollouts: 40, refine_steps: 200, cost_convex: true }, pretrain: { rollouts: 100, steps: 2000 } },
  'nav2d-sparse': { agent: { rollouts: 40, success_memory: true }, pretrain: { rollouts: 100, steps: 2000 } },
  car: { agent: { rollouts: 20, iterations: 10 }, pretrain: { rollouts: 50 } },
  'car-sparse': { agent: { rollouts: 20, iterations: 10, success_memory: true }, pretrain: { rollouts: 50 } },
  reacher: {
    env: { cost_form: 'squared' },
    agent: { rollouts: 40, iterations: 10, cost_convex: true, cost_fit: 'local', cost_window: 10, terminal_weight: 30, keep_best: true },
    pretrain: { rollouts: 100 },
  },
  'reacher-sparse': { agent: { rollouts: 40, iterations: 10, success_memory: true }, pretrain: { rollouts: 100 } },
  ...manipulationRows<Layer>(
    { env: { cost_form: 'squared' }, agent: { rollouts: 40, cost_convex: true }, pretrain: { rollouts: 100, steps: 1000 } },
    { env: { cost_form: 'squared' }, agent: { rollouts: 40, cost_convex: true }, pretrain: { rollouts: 100, steps: 1000 } },
    () => ({ agent: { rollouts: 40, success_memory: true }, pretrain: { rollouts: 100, steps: 1000 } }),
  ),
};

/** The authors' values (parasol): kl_step 2, λ = 50, 100 pretraining rollouts, 10 iterations of 20; the cost fitted after pretraining, not by the model. */
export const LATENT_PAPER: Layer = { agent: { kl_step: 2, data_weight: 50, iterations: 10, rollouts: 20 }, model: { cost_head: false }, pretrain: { rollouts: 100 } };
/** The tasks whose paper values differ: the reacher's 40 rollouts per iteration and ds = 10. */
const PAPER_LATENT_REACHER: Layer = { ...LATENT_PAPER, agent: { ...LATENT_PAPER.agent, rollouts: 40 }, model: { cost_head: false, latent_dim: 10 } };
export const LATENT_PAPER_BY_TASK: Readonly<Record<string, Layer>> = { reacher: PAPER_LATENT_REACHER, 'reacher-sparse': PAPER_LATENT_REACHER };

/** The MPC ablation's planner in the paper preset (parasol): 1024 samples, 15 elites, 10 CEM iterations, horizon 20, hidden 200. */
export const MPC_PAPER: Layer = { agent: { samples: 1024, elites: 15, cem_iterations: 10, plan_horizon: 20, hidden: 200 } };

const QUICK_MODEL = { network: 'mlp', hidden: 64, kl_warmup_steps: 60, dynamics_start_step: 60, batch_sequences: 4 } as const;
const QUICK_PRETRAIN = { rollouts: 16, steps: 150, log_every: 25 } as const;
/** The `quick` preset per method: a small MLP model and a few short iterations. */
export const QUICK: Readonly<Record<'solar' | 'vae' | 'mpc' | 'ppo' | 'lqrflm', Layer>> = {
  solar: { agent: { iterations: 3, rollouts: 8, eval_episodes: 4, refine_steps: 20 }, model: QUICK_MODEL, pretrain: QUICK_PRETRAIN },
  vae: { agent: { iterations: 3, rollouts: 8, eval_episodes: 4 }, model: { network: 'mlp', hidden: 64, kl_warmup_steps: 60, batch_sequences: 4 }, pretrain: QUICK_PRETRAIN },
  mpc: {
    agent: { iterations: 3, rollouts: 4, eval_episodes: 4, samples: 64, elites: 8, cem_iterations: 3, plan_horizon: 5, hidden: 64, initial_fit_steps: 500, fit_steps: 100 },
    model: QUICK_MODEL, pretrain: QUICK_PRETRAIN,
  },
  ppo: { agent: { total_steps: 4096, eval_episodes: 5 } },
  lqrflm: { agent: { iterations: 3, rollouts: 10, eval_episodes: 5 } },
};

/**
 * LQR-FLM from the true state, `default` preset, per task (the sparse tasks take their dense
 * task's row). Chosen on seeds 1–20 of the reacher and 1–5 of the car (bench/lqrflm-tasks.ts):
 * smaller KL steps with a capped multiplier, gentler initial exploration (the reacher's gear-200
 * motors spin the arm under N(0, 0.5²) torques, and a spinning arm is a local optimum), a
 * heavier terminal cost; the reacher's own cone ‖d‖ (+ ‖u‖²), expanded to second order around
 * each iteration's rollouts.
 */
export const LQRFLM_BY_TASK: Readonly<Record<string, Layer>> = {
  nav2d: { agent: { iterations: 5, rollouts: 20 } },
  reacher: { agent: { iterations: 20, rollouts: 20, kl_step: 0.5, max_step_mult: 3, init_var: 0.1, terminal_weight: 10, distance_cost: 'norm', distance_weight: 1, norm_alpha: 0.01 } },
  car: { agent: { iterations: 20, rollouts: 20, kl_step: 0.5, max_step_mult: 3, init_var: 0.1, terminal_weight: 10 } },
};
/** LQR-FLM's paper preset: parasol's kl_step 2 (no task rows). */
export const LQRFLM_PAPER: Layer = { agent: { kl_step: 2 } };

/**
 * PPO from pixels: the settings from the state (the standard implementations' MuJoCo ones, the
 * schema's), with the 2048 steps of an update collected by 8 envs in lockstep (256 each), so
 * the conv net acts on batches of 8 images. Measured on nav2d (seed 1): the Atari settings of
 * the same implementations (8 × 128 steps, 4 epochs of 256, lr 2.5e-4, clip 0.1) ran ~3× more
 * env steps per second but reached only 0.72–0.77 final distance after 205k steps, these 0.39
 * after 102k.
 */
export const PPO_PIXELS: Layer = { agent: { num_envs: 8 } };
