/**
 * The VAE ablation (docs/method.md, 'The VAE ablation'): SOLAR's loop with the structured latent
 * model replaced by a VAE (N(0, I) prior per frame, no temporal structure). One `iterate()`:
 *  1. N rollouts of u_t = K_t m_t + k_t + chol(S_t) ε, m_t the encoder mean of the current image;
 *  2. local time-varying dynamics m_{t+1} = A_t m_t + B_t u_t + a_t + w_t, w_t ~ N(0, W_t), by
 *     Bayesian linear regression on this iteration's rollouts under a prior over
 *     (m_t, u_t, m_{t+1}) fitted on every transition seen so far (pretraining rollouts
 *     included by default): guided policy search's GMM prior (parasol) or one Gaussian;
 *  3. the state cost on the means (dense: quadratic regression; sparse: −g(x) of a success model);
 *  4. SOLAR's KL-constrained LQR-FLM step, ε = kl_step · T · step_mult, step_mult adapted from
 *     predicted vs actual improvement.
 * The whole state (policy, step size, RNG, the data the prior is fitted on) round-trips
 * through getState/setState for checkpoints and exact resume.
 */
import {
  concatBatches, fitGaussianDynamicsPrior, fitGmmDynamicsPrior, fitLocalDynamics,
  initialPolicy, policyMean, sampleAction, type LinearGaussianPolicy, type QuadraticCost, type TrajectoryBatch,
} from '../../control/index.js';
import { KlStep, type KlStepState } from '../../control/kl-step.js';
import type { Env } from '../../envs/types.js';
import { deriveSeed, Rng } from '../../random/rng.js';
import { costFitReport, evalEpisodeSeed, iterationProgress, lqrflmStepReport, playEpisodes, stageClock, trainEpisodeSeed, type IterationProgress, type LqrflmStepReport } from '../core/iteration.js';
import { checkDenseCostSettings, denseLatentCost, latentCost } from '../core/latent-cost.js';
import { sparseStateCost, SuccessMemory } from '../core/success-memory.js';
import { finalSuccesses, type SuccessLabeller } from '../core/success-labels.js';
import { BestPolicy, endScore, policyArrays, restorePolicy, type BestPolicyMeta, type BestPolicyState, type EndReport, type PolicyArrays } from '../core/best-policy.js';
import type { VaeAgentConfig } from './config.js';
import { actOnEncodings, batchOf, type EncodedEpisode, type FrameEncoder } from '../core/encoder.js';

export interface VaeIterationMetrics extends IterationProgress, LqrflmStepReport, EndReport {
  /** Mixture components of the dynamics prior (1 for the Gaussian prior). */
  prior_clusters: number;
  /** Transitions the prior was fitted on. */
  prior_transitions: number;
  /** Sparse tasks: successes among the labelled latent states this iteration. */
  success_labels?: number;
  /** Dense tasks: R² of the fitted latent cost against the observed state cost on this iteration's encoder means. */
  cost_fit_r2?: number;
  /** Time split: rollouts (encoding each frame, the env), dynamics prior + local fit, cost fit, LQR-FLM. */
  rollouts_s: number;
  /** agent.labels 'human': seconds spent waiting for the person's labels. */
  label_s?: number;
  dynamics_s: number;
  cost_s: number;
  lqr_s: number;
  wall_s: number;
}

export interface VaeAgentState {
  meta: KlStepState & {
    kind: 'vae-agent'; iteration: number; envSteps: number;
    rng: (number | null)[]; T: number; ds: number; da: number; batchSizes: number[];
    /** agent.keep_best: the kept policy's iteration and J_end (absent in older states). */
    best?: BestPolicyMeta | null;
  };
  arrays: PolicyArrays & {
    X: Float64Array; U: Float64Array; cost: Float64Array;
    /** Sparse tasks with agent.success_memory: every iteration's labelled encoder means (absent in older states). */
    successX?: Float64Array; successY?: Float64Array;
  } & BestPolicyState;
}

export class VaeAgent {
  policy: LinearGaussianPolicy;
  /** Next iteration to run (0-based). */
  iteration = 0;
  envSteps: number;
  /** ε, η and the step multiplier from one iteration to the next. */
  private readonly klStep: KlStep;
  private rng: Rng;
  /** Every batch of encoded transitions the dynamics prior is fitted on (pretraining first, if given). */
  private data: TrajectoryBatch[];
  private readonly T: number;
  private readonly da: number;
  /** Sparse tasks: what the success model is fitted on (agent.success_memory: every iteration's labels). */
  private readonly success: SuccessMemory;
  /** agent.keep_best: the policy whose rollouts ended best so far. */
  private readonly best = new BestPolicy();

  constructor(
    private readonly env: Env,
    private readonly encoder: FrameEncoder,
    private readonly config: VaeAgentConfig,
    private readonly seed: number,
    /** Env steps already spent (pretraining). */
    envStepsBefore = 0,
    /** Encoded pretraining rollouts (used by the prior when config.prior_pretrain). */
    pretrainData: TrajectoryBatch | null = null,
  ) {
    this.T = env.spec.horizon;
    this.da = env.spec.action.dim;
    const ds = encoder.ds;
    checkDenseCostSettings(config, ds, 'vae');
    if (pretrainData && (pretrainData.T !== this.T || pretrainData.dx !== ds || pretrainData.du !== this.da)) {
      throw new Error(`vae: pretraining data has (T=${pretrainData.T}, dx=${pretrainData.dx}, du=${pretrainData.du}), the agent (T=${this.T}, ds=${ds}, da=${this.da})`);
    }
    this.policy = initialPolicy(this.T, ds, this.da, config.init_var);
    this.rng = new Rng(deriveSeed(seed, 0));
    this.klStep = new KlStep(config, this.T, ds, this.da);
    this.envSteps = envStepsBefore;
    this.data = pretrainData && config.prior_pretrain ? [pretrainData] : [];
    this.success = new SuccessMemory(ds, config.success_memory);
  }

  /**
   * Gives each training rollout its final success label (sparse tasks; the job's, which
   * records them); without one the task's own success is used, and agent.labels 'human' fails.
   */
  labeller: SuccessLabeller | null = null;

  private finalSuccesses(iteration: number, episodes: readonly EncodedEpisode[]): Promise<boolean[]> {
    if (this.env.spec.cost.kind !== 'sparse') return Promise.resolve(episodes.map((e) => e.success));
    return finalSuccesses(this.config.labels, this.labeller, { iteration, episodes }, 'vae');
  }

  private actionWeight(): number {
    return this.env.spec.cost.kind === 'sparse' ? this.config.sparse_action_weight : this.env.spec.cost.actionWeight;
  }

  private episode(seed: number, rng: Rng | null, p: LinearGaussianPolicy = this.policy): Promise<EncodedEpisode> {
    return actOnEncodings(this.env, this.encoder, (t, m) => (rng ? sampleAction(p, t, m, rng) : policyMean(p, t, m)), seed);
  }

  async iterate(onEpisode?: (e: EncodedEpisode) => void): Promise<VaeIterationMetrics> {
    const start = performance.now();
    const { config, T, da } = this;
    const ds = this.encoder.ds;
    const it = this.iteration;
    const clock = stageClock(start);
    const episodes = await playEpisodes(config.rollouts, (n) => this.episode(trainEpisodeSeed(this.seed, it, n), this.rng), onEpisode);
    this.envSteps += config.rollouts * T;
    const rolloutsS = clock();
    const finals = await this.finalSuccesses(it, episodes);
    const labelS = clock();
    const endScoreNow = endScore(episodes.map((e, n) => ({ ...e, success: finals[n] })), this.env.spec);
    if (config.keep_best) this.best.offer(it, endScoreNow, this.policy);
    const batch = batchOf(episodes, T, ds, da);
    const data = [...this.data, batch];
    const gmm = config.dynamics_prior === 'gmm'
      ? fitGmmDynamicsPrior(data, { strength: config.prior_strength, maxClusters: config.gmm_max_clusters, minSamplesPerCluster: config.gmm_min_samples_per_cluster, seed: deriveSeed(this.seed, 3 + it) })
      : null;
    const prior = gmm ?? fitGaussianDynamicsPrior(data, { strength: config.prior_strength });
    const dyn = fitLocalDynamics(batch, { prior });
    const dynamicsS = clock();
    const fit = this.fitCost(batch, finals);
    const costS = clock();
    const r = this.klStep.update(this.policy, dyn, fit.cost, it);
    const lqrS = clock();
    this.policy = r.policy;
    this.data = data;
    this.iteration = it + 1;
    const metrics: VaeIterationMetrics = {
      ...iterationProgress(it, this.envSteps, episodes),
      ...lqrflmStepReport(r, this.klStep.stepMult),
      end_score: endScoreNow,
      ...(config.keep_best ? { best_iteration: this.best.iteration } : {}),
      prior_clusters: gmm ? gmm.gmm.K : 1,
      prior_transitions: data.reduce((s, b) => s + b.N * b.T, 0),
      rollouts_s: rolloutsS,
      ...(config.labels === 'human' ? { label_s: labelS } : {}),
      dynamics_s: dynamicsS,
      cost_s: costS,
      lqr_s: lqrS,
      wall_s: (performance.now() - start) / 1000,
      ...costFitReport(fit),
    };
    return metrics;
  }

  /** Dense tasks: SOLAR's latent cost fit on the encoder means; sparse: the success model's −g(x). */
  private fitCost(batch: TrajectoryBatch, finals: readonly boolean[]): { cost: QuadraticCost; fitR2?: number; successLabels?: number } {
    const w = this.actionWeight();
    if (this.env.spec.cost.kind === 'dense') return denseLatentCost(batch, w, this.config);
    const fit = sparseStateCost(batch, finals, this.config.success_ridge, this.success, this.config.labels !== 'task');
    return { cost: latentCost(fit.q, batch.T, batch.dx, batch.du, w, this.config.terminal_weight), successLabels: fit.successLabels };
  }

  /** The iteration whose rollouts chose the policy `evaluate` uses (agent.keep_best); undefined: the last update's. */
  get evaluatedIteration(): number | undefined {
    return this.best.iteration;
  }

  /** Mean-action episodes on fresh seeds, of the kept policy with agent.keep_best, else of the latest. */
  async evaluate(episodes: number, onEpisode?: (e: EncodedEpisode) => void): Promise<EncodedEpisode[]> {
    const policy = this.best.get()?.policy ?? this.policy;
    const out = await playEpisodes(episodes, (j) => this.episode(evalEpisodeSeed(this.seed, j), null, policy), onEpisode);
    this.envSteps += episodes * this.T;
    return out;
  }

  getState(): VaeAgentState {
    const p = this.policy;
    const all = this.data.length > 0 ? concatBatches(this.data) : { X: new Float64Array(0), U: new Float64Array(0), cost: new Float64Array(0) };
    return {
      meta: {
        kind: 'vae-agent', iteration: this.iteration, envSteps: this.envSteps, ...this.klStep.getState(),
        rng: this.rng.getState(), T: p.T, ds: p.dx, da: p.du, batchSizes: this.data.map((b) => b.N), best: this.best.meta(),
      },
      arrays: { ...policyArrays(p), X: all.X, U: all.U, cost: all.cost, ...this.success.state(), ...this.best.arrays() },
    };
  }

  setState(st: VaeAgentState): void {
    const { meta: m, arrays: a } = st;
    if (m.kind !== 'vae-agent') throw new Error(`vae: the checkpoint holds a '${String(m.kind)}' agent state, not a VAE agent's`);
    const ds = this.encoder.ds, T = this.T, da = this.da;
    if (m.T !== T || m.ds !== ds || m.da !== da) throw new Error(`vae: agent state is for T=${m.T}, ds=${m.ds}, da=${m.da}; this run has T=${T}, ds=${ds}, da=${da}`);
    const total = m.batchSizes.reduce((s, n) => s + n, 0);
    if (a.X.length !== total * (T + 1) * ds || a.U.length !== total * T * da || a.cost.length !== total * T) throw new Error(`vae: agent state's data arrays do not hold ${total} episodes`);
    this.policy = restorePolicy(a, T, ds, da);
    this.best.restore(m.best, a, T, ds, da, 'vae', false);
    let n0 = 0;
    this.data = m.batchSizes.map((N) => {
      const b = {
        N, T, dx: ds, du: da,
        X: Float64Array.from(a.X.subarray(n0 * (T + 1) * ds, (n0 + N) * (T + 1) * ds)),
        U: Float64Array.from(a.U.subarray(n0 * T * da, (n0 + N) * T * da)),
        cost: Float64Array.from(a.cost.subarray(n0 * T, (n0 + N) * T)),
      };
      n0 += N;
      return b;
    });
    this.iteration = m.iteration;
    this.envSteps = m.envSteps;
    this.klStep.setState(m);
    this.rng = Rng.fromState(m.rng as number[]);
    this.success.restore(a.successX, a.successY, 'vae');
  }
}
