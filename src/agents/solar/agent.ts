/**
 * The SOLAR improvement loop in latent space (docs/method.md, 'The improvement loop'), one `iterate()` per iteration:
 *  1. N rollouts of the policy acting on filtered latents;
 *  1b. optionally, refinement of the model on the pretraining data and these rollouts (the
 *     latents below, and the policy's next filtering, are then the refined model's);
 *  2. local dynamics by variational EM with the global q(θ) as prior (latent-em.ts);
 *  3. a quadratic latent cost on the smoothed means (dense) or −g(x) of a success model (sparse);
 *  4. a KL-constrained LQR-FLM step, ε = kl_step · T · step_mult, with step_mult adapted
 *     from predicted vs actual improvement.
 * The agent's whole state round-trips through getState/setState (checkpoints, resume).
 */
import {
  initialPolicy, type LinearGaussianPolicy, type QuadraticCost, type StateQuadratic, type TrajectoryBatch,
} from '../../control/index.js';
import { KlStep, type KlStepState } from '../../control/kl-step.js';
import type { Env } from '../../envs/types.js';
import type { DynamicsExpectations } from '../../gaussian/index.js';
import { deriveSeed, Rng } from '../../random/rng.js';
import { concatFloat64 } from '../../util/concat.js';
import { actEpisode, type LatentEpisode } from './act.js';
import type { SolarAgentConfig } from './config.js';
import { costFitReport, evalEpisodeSeed, iterationProgress, lqrflmStepReport, playEpisodes, stageClock, trainEpisodeSeed, type IterationProgress, type LqrflmStepReport } from '../core/iteration.js';
import { checkDenseCostSettings, denseLatentCost, latentCost, latentCostOnBatch } from '../core/latent-cost.js';
import { filterR2 } from './filter-gap.js';
import { potentialNoise } from './potential-noise.js';
import { dynamicsR2, meanTransitions } from './dynamics-r2.js';
import { latentEm } from './latent-em.js';
import { sparseStateCost, SuccessMemory } from '../core/success-memory.js';
import { finalSuccesses, type SuccessLabeller } from '../core/success-labels.js';
import { BestPolicy, endScore, filterArrays, policyArrays, restoreFilter, restorePolicy, type BestPolicyMeta, type BestPolicyState, type EndReport, type FilterArrays, type PolicyArrays } from '../core/best-policy.js';
import type { LatentModel } from '../core/latent-model.js';

export interface SolarIterationMetrics extends IterationProgress, LqrflmStepReport, EndReport {
  em_rounds: number;
  /** Sparse tasks: successes among the labelled latent states this iteration. */
  success_labels?: number;
  /** Dense tasks: R² of the fitted latent cost against the observed state cost on this iteration's smoothed latents. */
  cost_fit_r2?: number;
  /** 1 − the filtered latents' squared error against the smoothed ones, over the rollouts' spread at each t (filter-gap.ts). */
  filter_r2: number;
  /** The encoder's potential scale against the rollouts' spread at each t (potential-noise.ts). */
  potential_noise: number;
  /** The local dynamics just fitted, on this iteration's smoothed latents (dynamics-r2.ts). */
  dynamics_r2: number;
  /** The dynamics the policy was optimised with and acted on (the filter's), on the rollouts it produced (dynamics-r2.ts). */
  dynamics_r2_before: number;
  /**
   * Time split of this iteration: rollouts (per-step encoding, online filtering, the env),
   * model refinement, encoding the whole episodes for smoothing, latent EM, cost fit, LQR-FLM.
   */
  rollouts_s: number;
  /** agent.labels 'human': seconds spent waiting for the person's labels. */
  label_s?: number;
  refine_s: number;
  encode_s: number;
  em_s: number;
  cost_s: number;
  lqr_s: number;
  wall_s: number;
}

export interface SolarAgentState {
  meta: KlStepState & {
    iteration: number; envSteps: number; rng: number[]; T: number; ds: number; da: number;
    /** agent.keep_best: the kept policy's iteration and J_end (absent in older states). */
    best?: BestPolicyMeta | null;
  };
  arrays: PolicyArrays & FilterArrays & {
    /** Sparse tasks with agent.success_memory: every iteration's labelled latents (absent in older states). */
    successX?: Float64Array; successY?: Float64Array;
  } & BestPolicyState;
}

export class SolarAgent {
  policy: LinearGaussianPolicy;
  /** Next iteration to run (0-based). */
  iteration = 0;
  envSteps: number;
  /** ε, η and the step multiplier from one iteration to the next. */
  private readonly klStep: KlStep;
  private rng: Rng;
  /** Dynamics the policy filters with: the global q(θ) at first, then each local fit. */
  private filterDynamics: DynamicsExpectations;
  private readonly T: number;
  /** Sparse tasks: what the success model is fitted on (agent.success_memory: every iteration's labels). */
  private readonly success: SuccessMemory;
  /** agent.keep_best: the policy whose rollouts ended best so far. */
  private readonly best = new BestPolicy();

  constructor(
    private readonly env: Env,
    private readonly model: LatentModel,
    private readonly config: SolarAgentConfig,
    private readonly seed: number,
    /** Env steps already spent (pretraining). */
    envStepsBefore = 0,
    /**
     * A known latent state cost used instead of the fitted one — only meaningful when the
     * "latent" is the true state (diagnostics: bench/solar-oracle.ts); SOLAR fits its own.
     */
    private readonly knownStateCost: StateQuadratic | null = null,
  ) {
    this.T = env.spec.horizon;
    const { ds, da } = model;
    if (da !== env.spec.action.dim) throw new Error(`solar: the model has da = ${da}, the task ${env.spec.action.dim} actions`);
    checkDenseCostSettings(config, ds, 'solar');
    this.policy = initialPolicy(this.T, ds, da, config.init_var);
    this.rng = new Rng(deriveSeed(seed, 0));
    this.filterDynamics = model.globalDynamics().expectations();
    this.klStep = new KlStep(config, this.T, ds, da);
    this.envSteps = envStepsBefore;
    this.success = new SuccessMemory(ds, config.success_memory);
  }

  /**
   * Gives each training rollout its final success label (sparse tasks; the job's, which
   * records them); without one the task's own success is used, and agent.labels 'human' fails.
   */
  labeller: SuccessLabeller | null = null;

  private finalSuccesses(iteration: number, episodes: readonly LatentEpisode[]): Promise<boolean[]> {
    if (this.env.spec.cost.kind !== 'sparse') return Promise.resolve(episodes.map((e) => e.success));
    return finalSuccesses(this.config.labels, this.labeller, { iteration, episodes }, 'solar');
  }

  private actionWeight(): number {
    return this.env.spec.cost.kind === 'sparse' ? this.config.sparse_action_weight : this.env.spec.cost.actionWeight;
  }

  async iterate(onEpisode?: (e: LatentEpisode) => void): Promise<SolarIterationMetrics> {
    const start = performance.now();
    const { config, model, T } = this;
    const { ds, da } = model;
    const it = this.iteration;
    const clock = stageClock();
    const episodes = await playEpisodes(config.rollouts, (n) => actEpisode(this.env, model, this.policy, this.filterDynamics, trainEpisodeSeed(this.seed, it, n), this.rng), onEpisode);
    this.envSteps += config.rollouts * T;
    const rolloutsS = clock();
    const finals = await this.finalSuccesses(it, episodes);
    const labelS = clock();
    const endScoreNow = endScore(episodes.map((e, n) => ({ ...e, success: finals[n] })), this.env.spec);
    if (config.keep_best) this.best.offer(it, endScoreNow, this.policy, this.filterDynamics);
    if (config.refine_steps > 0) {
      if (!model.refine) throw new Error('solar: agent.refine_steps > 0, but this latent model cannot be refined');
      model.refine(episodes, config.refine_steps);
    }
    const refineS = clock();
    const seqs = [];
    for (const e of episodes) {
      const pot = await model.encode(e.frames);
      seqs.push({ m: pot.m, s: pot.s, u: e.actions });
    }
    const noise = potentialNoise(seqs, ds);
    const encodeS = clock();
    const em = latentEm(seqs, model.globalDynamics(), {
      dataWeight: config.data_weight, tol: config.em_tol, maxIters: config.em_max_iters, init: model.initialState(),
    });
    const emS = clock();
    const batch: TrajectoryBatch = { N: episodes.length, T, dx: ds, du: da, X: em.means, U: concatFloat64(episodes.map((e) => e.actions)), cost: concatFloat64(episodes.map((e) => e.costs)) };
    const dynamicsBefore = dynamicsR2(meanTransitions(this.filterDynamics, T), em.means, batch.U, batch.N, T);
    const fit = this.fitCost(batch, finals);
    const costS = clock();
    const r = this.klStep.update(this.policy, em.dynamics, fit.cost, it);
    const lqrS = clock();
    this.policy = r.policy;
    this.filterDynamics = em.expectations;
    this.iteration = it + 1;
    const metrics: SolarIterationMetrics = {
      ...iterationProgress(it, this.envSteps, episodes),
      ...lqrflmStepReport(r, this.klStep.stepMult),
      em_rounds: em.bounds.length,
      end_score: endScoreNow,
      ...(config.keep_best ? { best_iteration: this.best.iteration } : {}),
      filter_r2: filterR2(episodes.map((e) => e.filtered), em.means, T, ds),
      potential_noise: noise,
      dynamics_r2: dynamicsR2(em.dynamics, em.means, batch.U, batch.N),
      dynamics_r2_before: dynamicsBefore,
      rollouts_s: rolloutsS,
      ...(config.labels === 'human' ? { label_s: labelS } : {}),
      refine_s: refineS,
      encode_s: encodeS,
      em_s: emS,
      cost_s: costS,
      lqr_s: lqrS,
      wall_s: (performance.now() - start) / 1000,
      ...costFitReport(fit),
    };
    return metrics;
  }

  private fitCost(batch: TrajectoryBatch, finals: readonly boolean[]): { cost: QuadraticCost; successLabels?: number; fitR2?: number } {
    const { T, dx, du } = batch;
    const w = this.actionWeight();
    if (this.env.spec.cost.kind === 'dense') {
      if (this.knownStateCost) return latentCostOnBatch(this.knownStateCost, batch, w, this.config.terminal_weight);
      return denseLatentCost(batch, w, this.config);
    }
    // Sparse: the success model on the smoothed latents, labelled by the success signal alone.
    const fit = sparseStateCost(batch, finals, this.config.success_ridge, this.success, this.config.labels !== 'task');
    return { cost: latentCost(fit.q, T, dx, du, w, this.config.terminal_weight), successLabels: fit.successLabels };
  }

  /** The iteration whose rollouts chose the policy `evaluate` uses (agent.keep_best); undefined: the last update's. */
  get evaluatedIteration(): number | undefined {
    return this.best.iteration;
  }

  /** Mean-action episodes on fresh seeds, of the kept policy with agent.keep_best, else of the latest. */
  async evaluate(episodes: number, onEpisode?: (e: LatentEpisode) => void): Promise<LatentEpisode[]> {
    const kept = this.best.get();
    const policy = kept?.policy ?? this.policy, filter = kept?.filter ?? this.filterDynamics;
    const out = await playEpisodes(episodes, (j) => actEpisode(this.env, this.model, policy, filter, evalEpisodeSeed(this.seed, j), null), onEpisode);
    this.envSteps += episodes * this.T;
    return out;
  }

  getState(): SolarAgentState {
    const p = this.policy;
    return {
      meta: { iteration: this.iteration, envSteps: this.envSteps, ...this.klStep.getState(), rng: this.rng.getState(), T: p.T, ds: p.dx, da: p.du, best: this.best.meta() },
      arrays: {
        ...policyArrays(p),
        ...filterArrays(this.filterDynamics),
        ...this.success.state(),
        ...this.best.arrays(),
      },
    };
  }

  setState(st: SolarAgentState): void {
    const { meta: m, arrays: a } = st;
    if (m.T !== this.T || m.ds !== this.model.ds || m.da !== this.model.da) throw new Error(`solar: agent state is for T=${m.T}, ds=${m.ds}, da=${m.da}; this run has T=${this.T}, ds=${this.model.ds}, da=${this.model.da}`);
    this.policy = restorePolicy(a, m.T, m.ds, m.da);
    this.filterDynamics = restoreFilter(a, m.ds, m.da, 'solar');
    this.best.restore(m.best, a, m.T, m.ds, m.da, 'solar', true);
    this.iteration = m.iteration;
    this.envSteps = m.envSteps;
    this.klStep.setState(m);
    this.rng = Rng.fromState(m.rng);
    this.success.restore(a.successX, a.successY, 'solar');
  }
}
