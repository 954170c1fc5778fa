/**
 * LQR-FLM from the true state: each iteration samples N rollouts with the current
 * time-varying linear-Gaussian policy, fits local linear dynamics (Bayesian, with a prior
 * fitted on all transitions) and a quadratic cost, and takes one KL-constrained LQR-FLM step
 * (ε = kl_step · T · step_mult, step_mult adapted from predicted vs actual improvement).
 *
 * Browser-safe: no Node APIs; the caller writes files and draws progress via callbacks.
 */
import { evalEpisodeSeed, trainEpisodeSeed } from '../../envs/episode-seeds.js';
import type { EvaluationSummary } from '../../envs/rollout.js';
import type { Env } from '../../envs/types.js';
import { Rng, deriveSeed } from '../../random/rng.js';
import {
  addActionQuadratic,
  concatBatches,
  addStateQuadratic,
  fitGaussianDynamicsPrior,
  fitGmmDynamicsPrior,
  fitLocalDynamics,
  fitQuadraticStateCost,
  initialPolicy,
  makeTrajectoryBatch,
  zeroCost,
  type LinearGaussianPolicy,
  type QuadraticCost,
  type TrajectoryBatch,
} from '../../control/index.js';
import { KlStep, type KlStepState } from '../../control/kl-step.js';
import type { TrainerOptions } from '../core/iteration.js';
import { resolveLqrflmConfig, type LqrflmConfig } from './config.js';
import { actionCostMatrix, knownTaskCost } from './task-cost.js';
import { episodeStats, runEpisode, type EpisodeResult } from './rollouts.js';

export interface LqrflmIterationMetrics {
  readonly iteration: number;
  /** Cumulative env steps, this iteration's rollouts included. */
  readonly env_steps: number;
  /** Mean total episode cost (env convention) of this iteration's rollouts. */
  readonly mean_cost: number;
  readonly mean_final_distance: number;
  readonly success_rate: number;
  /** KL of the update taken after these rollouts, its bound, η and the step multiplier used. */
  readonly kl: number;
  readonly kl_bound: number;
  readonly eta: number;
  readonly step_mult: number;
  /** Whether the η search met |KL − ε| < tol·ε (or the bound was inactive); see kl_note. */
  readonly kl_converged: boolean;
  readonly kl_note: string;
  readonly wall_s: number;
}

export type LqrflmSummary = EvaluationSummary;

/**
 * Everything the next iteration depends on (the job checkpoints it after each iteration, so
 * a resumed run continues exactly): the policy, the step's state, the noise RNG, the batches
 * the next dynamics prior pools, the history and the wall time so far.
 */
export interface LqrflmTrainState {
  /** The next iteration (0-based). */
  readonly iteration: number;
  readonly policy: LinearGaussianPolicy;
  readonly klStep: KlStepState;
  readonly noise: number[];
  readonly envSteps: number;
  readonly batches: readonly TrajectoryBatch[];
  readonly history: readonly LqrflmIterationMetrics[];
  readonly wall_s: number;
}

export type TrainLqrflmOptions = TrainerOptions<LqrflmConfig, LqrflmIterationMetrics, EpisodeResult> & {
  /** Continue from this state (a checkpoint of the same config and seed) instead of from the start. */
  readonly resumeFrom?: LqrflmTrainState;
  /** After each iteration, before `onIteration`: the state to continue from. */
  readonly onCheckpoint?: (s: LqrflmTrainState) => void | Promise<void>;
};

export interface TrainLqrflmResult {
  readonly config: LqrflmConfig;
  readonly policy: LinearGaussianPolicy;
  readonly history: LqrflmIterationMetrics[];
  readonly summary: LqrflmSummary;
}

function buildCost(env: Env, config: LqrflmConfig, batch: TrajectoryBatch, all: readonly TrajectoryBatch[]): QuadraticCost {
  if (config.cost === 'known') return knownTaskCost(env.spec, config, batch);
  const { T, dx, du } = batch;
  const pooled = all.length === 1 ? all[0] : concatBatches(all);
  const q = fitQuadraticStateCost(pooled, env.spec.cost.actionWeight, config.cost_ridge, config.cost_convex);
  const cost = addActionQuadratic(zeroCost(T, dx, du), actionCostMatrix(env.spec));
  addStateQuadratic(cost, q, { to: T - 1 });
  if (config.terminal_weight > 0) addStateQuadratic(cost, q, { from: T, to: T, weight: config.terminal_weight });
  return cost;
}


/** Runs the trainer; resolves with the final policy, the per-iteration metrics and the evaluation summary. */
export async function trainLqrflm(opts: TrainLqrflmOptions): Promise<TrainLqrflmResult> {
  const config = resolveLqrflmConfig(opts.config ?? {});
  const start = performance.now();
  const from = opts.resumeFrom;
  const wall = (): number => (from?.wall_s ?? 0) + (performance.now() - start) / 1000;
  const env = await opts.makeEnv();
  try {
    const T = env.spec.horizon;
    const dx = env.spec.stateDim;
    const du = env.spec.action.dim;
    if (env.spec.cost.kind !== 'dense') throw new Error(`lqrflm: task '${env.spec.name}' has a sparse cost; state LQR-FLM needs a dense one`);
    const noise = from ? Rng.fromState(from.noise) : new Rng(deriveSeed(opts.seed, 0));
    const klStep = new KlStep(config, T, dx, du);
    if (from) klStep.setState(from.klStep);
    let policy = from?.policy ?? initialPolicy(T, dx, du, config.init_var);
    let envSteps = from?.envSteps ?? 0;
    const batches: TrajectoryBatch[] = [...(from?.batches ?? [])];
    const history: LqrflmIterationMetrics[] = [...(from?.history ?? [])];
    for (let it = from?.iteration ?? 0; it < config.iterations; it++) {
      const episodes: EpisodeResult[] = [];
      for (let n = 0; n < config.rollouts; n++) episodes.push(await runEpisode(env, policy, trainEpisodeSeed(opts.seed, it, n), noise));
      envSteps += config.rollouts * T;
      const batch = makeTrajectoryBatch(episodes);
      batches.push(batch);
      const recent = config.prior_history > 0 ? batches.slice(-config.prior_history) : batches;
      const prior =
        config.dynamics_prior === 'gaussian'
          ? fitGaussianDynamicsPrior(recent, { strength: config.prior_strength })
          : config.dynamics_prior === 'gmm'
            ? fitGmmDynamicsPrior(recent, {
                strength: config.prior_strength,
                maxClusters: config.gmm_max_clusters,
                minSamplesPerCluster: config.gmm_min_samples_per_cluster,
                seed: deriveSeed(opts.seed, 3 + it),
              })
            : undefined;
      const dyn = fitLocalDynamics(batch, { prior });
      const cost = buildCost(env, config, batch, recent);
      const r = klStep.update(policy, dyn, cost, it);
      policy = r.policy;
      const s = episodeStats(episodes);
      const m: LqrflmIterationMetrics = {
        iteration: it,
        env_steps: envSteps,
        mean_cost: s.mean_cost,
        mean_final_distance: s.mean_final_distance,
        success_rate: s.success_rate,
        kl: r.kl,
        kl_bound: r.klBound,
        eta: r.eta,
        step_mult: klStep.stepMult,
        kl_converged: r.converged,
        kl_note: r.reason,
        wall_s: wall(),
      };
      history.push(m);
      // Only the batches a later prior pools are kept (all of them when prior_history is 0).
      if (opts.onCheckpoint) {
        const keep = config.prior_history > 0 ? batches.slice(-config.prior_history) : batches;
        await opts.onCheckpoint({ iteration: it + 1, policy, klStep: klStep.getState(), noise: noise.getState(), envSteps, batches: keep, history, wall_s: wall() });
      }
      await opts.onIteration?.(m);
    }
    const evalNoise = config.eval_noise ? new Rng(deriveSeed(opts.seed, 7)) : null;
    const evals: EpisodeResult[] = [];
    for (let j = 0; j < config.eval_episodes; j++) {
      const e = await runEpisode(env, policy, evalEpisodeSeed(opts.seed, j), evalNoise);
      evals.push(e);
      opts.onEvalEpisode?.(j, e);
    }
    envSteps += config.eval_episodes * T;
    const s = episodeStats(evals);
    return {
      config,
      policy,
      history,
      summary: { ...s, env_steps: envSteps, episodes: config.eval_episodes, wall_s: wall() },
    };
  } finally {
    env.close();
  }
}
