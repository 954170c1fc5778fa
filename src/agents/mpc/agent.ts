/**
 * The MPC ablation (docs/method.md, 'The MPC ablation'): the SOLAR model's encoder (pretrained,
 * frozen) maps each image to its mean m_t; a learned forward model predicts Δx in that latent
 * space; a quadratic latent cost is regressed on all data (dense: c_t − w‖u‖² on the means,
 * sparse: −g(x) of the success model, both as SOLAR fits them). Every env step, CEM plans an
 * H-step action sequence through the model's mean predictions and the first action is
 * executed (re-planning every step, the previous plan shifted as the next initial mean).
 * One `iterate()`: refit the forward model (warm start) and the cost on every transition seen
 * so far (pretraining rollouts included), then N MPC rollouts, whose transitions join the data.
 */
import { concatBatches, type StateQuadratic, type TrajectoryBatch } from '../../control/index.js';
import type { Env } from '../../envs/types.js';
import { deriveSeed, Rng } from '../../random/rng.js';
import { costFitReport, evalEpisodeSeed, iterationProgress, playEpisodes, trainEpisodeSeed, type IterationProgress } from '../core/iteration.js';
import { actOnEncodings, batchOf, type EncodedEpisode, type FrameEncoder } from '../core/encoder.js';
import { fitStateCost } from '../core/state-cost.js';
import { cemPlan } from '../../control/cem.js';
import type { MpcAgentConfig } from './config.js';
import { ForwardModel, type ForwardModelState, type Transitions } from './forward-model.js';
import { latentSequenceCost } from './planner.js';

export interface MpcIterationMetrics extends IterationProgress {
  /** Forward model: last minibatch NLL of the refit, and the NLL of this iteration's new transitions (held out from that fit). */
  fit_nll: number;
  heldout_nll: number;
  /** Transitions the model and cost were fitted on. */
  transitions: number;
  /** Sparse tasks: successes among the labelled latent states the cost was fitted on. */
  success_labels?: number;
  /** Time split: model and cost fit, rollouts (planning, encoding, env); planning time per env step. */
  fit_s: number;
  rollouts_s: number;
  plan_ms_per_step: number;
  wall_s: number;
}

export interface MpcAgentState {
  meta: { kind: 'mpc-agent'; iteration: number; envSteps: number; rng: (number | null)[]; T: number; ds: number; da: number; batchSizes: number[]; model: ForwardModelState['meta']; /** Batches the forward model was last fitted on (absent: unknown). */ fittedOn?: number };
  arrays: Record<string, Float64Array | Float32Array | Uint8Array>;
}

/** Transitions (m_t, u_t, m_{t+1}) of trajectory batches. */
export function transitionsOf(batches: readonly TrajectoryBatch[]): Transitions {
  const { dx, du } = batches[0];
  const count = batches.reduce((s, b) => s + b.N * b.T, 0);
  const x = new Float64Array(count * dx), u = new Float64Array(count * du), next = new Float64Array(count * dx);
  let m = 0;
  for (const b of batches) {
    for (let n = 0; n < b.N; n++) {
      for (let t = 0; t < b.T; t++, m++) {
        const o = (n * (b.T + 1) + t) * dx;
        x.set(b.X.subarray(o, o + dx), m * dx);
        next.set(b.X.subarray(o + dx, o + 2 * dx), m * dx);
        u.set(b.U.subarray((n * b.T + t) * du, (n * b.T + t + 1) * du), m * du);
      }
    }
  }
  return { x, u, next, count };
}

export class MpcAgent {
  /** Next iteration to run (0-based). */
  iteration = 0;
  envSteps: number;
  readonly model: ForwardModel;
  private rng: Rng;
  private data: TrajectoryBatch[];
  private finals: boolean[][];
  private cost: StateQuadratic | null = null;
  private readonly T: number;
  private readonly da: number;
  private planMs = 0;
  private planSteps = 0;
  /** How many of `data`'s batches the forward model was last fitted on (−1: not known, refit). */
  private fittedOn = -1;
  /** Evaluation episodes played since this agent was made or restored (each plans with its own seed). */
  private evaluated = 0;

  constructor(
    private readonly env: Env,
    private readonly encoder: FrameEncoder,
    private readonly config: MpcAgentConfig,
    private readonly seed: number,
    envStepsBefore = 0,
    /** Encoded pretraining rollouts and their final success flags: the first data the model is fitted on. */
    pretrain: { batch: TrajectoryBatch; success: boolean[] } | null = null,
  ) {
    this.T = env.spec.horizon;
    this.da = env.spec.action.dim;
    if (pretrain && (pretrain.batch.T !== this.T || pretrain.batch.dx !== encoder.ds || pretrain.batch.du !== this.da || pretrain.success.length !== pretrain.batch.N)) {
      throw new Error(`mpc: pretraining data (T=${pretrain.batch.T}, dx=${pretrain.batch.dx}, du=${pretrain.batch.du}, ${pretrain.success.length} flags for ${pretrain.batch.N} episodes) does not fit T=${this.T}, ds=${encoder.ds}, da=${this.da}`);
    }
    this.model = new ForwardModel(encoder.ds, this.da, config.hidden, deriveSeed(seed, 5), { learningRate: config.learning_rate, clipNorm: config.clip_norm });
    this.rng = new Rng(deriveSeed(seed, 0));
    this.envSteps = envStepsBefore;
    this.data = pretrain ? [pretrain.batch] : [];
    this.finals = pretrain ? [pretrain.success] : [];
  }

  private actionWeight(): number {
    return this.env.spec.cost.kind === 'sparse' ? this.config.sparse_action_weight : this.env.spec.cost.actionWeight;
  }

  /** Refits the forward model (warm start) and the latent cost on all data. */
  private refit(): { nll: number; successLabels?: number } {
    const c = this.config;
    if (this.data.length === 0) throw new Error('mpc: no data to fit the forward model on (pretrain.rollouts ≥ 1 is needed)');
    const all = concatBatches(this.data);
    const nll = this.model.fit(transitionsOf([all]), this.model.fitted ? c.fit_steps : c.initial_fit_steps, c.batch_size);
    this.fittedOn = this.data.length;
    const fit = this.fitCost(all);
    return { nll, successLabels: fit.successLabels };
  }

  /** The latent cost on all data (deterministic, no training). */
  private fitCost(all: TrajectoryBatch): { successLabels?: number } {
    const c = this.config;
    const fit = fitStateCost(this.env.spec.cost.kind, all, this.finals.flat(), { actionWeight: this.actionWeight(), costRidge: c.cost_ridge, convex: c.cost_convex, successRidge: c.success_ridge });
    this.cost = fit.q;
    return { successLabels: fit.successLabels };
  }

  /** One MPC episode: CEM from the current encoder mean at every step. */
  private async episode(seed: number, explore: boolean, rng: Rng = this.rng): Promise<EncodedEpisode> {
    const { config: c, da, T } = this;
    const { low, high } = this.env.spec.action;
    const q = this.cost!;
    const w = this.actionWeight();
    let prev: Float64Array | null = null;
    return actOnEncodings(this.env, this.encoder, async (t, m) => {
      const start = performance.now();
      const H = Math.min(c.plan_horizon, T - t);
      // Warm start: the previous plan shifted by one step, zeros at the end.
      const init = new Float64Array(H * da);
      if (prev) init.set(prev.subarray(da, Math.min(prev.length, (H + 1) * da)));
      const r = await cemPlan(latentSequenceCost(this.model, q, w, m), H, da, init, {
        samples: c.samples, elites: c.elites, iterations: c.cem_iterations, initStd: c.init_std, minStd: c.min_std, low, high,
      }, rng);
      prev = r.plan;
      const u = Float64Array.from(r.plan.subarray(0, da));
      if (explore && c.explore_std > 0) for (let i = 0; i < da; i++) u[i] += c.explore_std * rng.normal();
      this.planMs += performance.now() - start;
      this.planSteps += 1;
      return u;
    }, seed);
  }

  async iterate(onEpisode?: (e: EncodedEpisode) => void): Promise<MpcIterationMetrics> {
    const start = performance.now();
    const { config, T, da } = this;
    const ds = this.encoder.ds;
    const it = this.iteration;
    const fit = this.refit();
    const fitS = (performance.now() - start) / 1000;
    this.planMs = 0;
    this.planSteps = 0;
    const episodes = await playEpisodes(config.rollouts, (n) => this.episode(trainEpisodeSeed(this.seed, it, n), true), onEpisode);
    this.envSteps += config.rollouts * T;
    const rolloutsS = (performance.now() - start) / 1000 - fitS;
    const batch = batchOf(episodes, T, ds, da);
    const heldout = this.model.nll(transitionsOf([batch]));
    this.data.push(batch);
    this.finals.push(episodes.map((e) => e.success));
    this.iteration = it + 1;
    const m: MpcIterationMetrics = {
      ...iterationProgress(it, this.envSteps, episodes),
      fit_nll: fit.nll,
      heldout_nll: heldout,
      transitions: this.data.slice(0, -1).reduce((s, b) => s + b.N * b.T, 0),
      fit_s: fitS,
      rollouts_s: rolloutsS,
      plan_ms_per_step: this.planMs / Math.max(1, this.planSteps),
      wall_s: (performance.now() - start) / 1000,
      ...costFitReport(fit),
    };
    return m;
  }

  /**
   * Fresh episodes without exploration noise, with the model refitted on all data first (once:
   * a restored final agent is already fitted). Each evaluation episode k plans with its own
   * random stream, so `solar eval` and loadPolicy replay the run's own evaluation exactly.
   */
  async evaluate(episodes: number, onEpisode?: (e: EncodedEpisode) => void): Promise<EncodedEpisode[]> {
    if (this.fittedOn !== this.data.length) this.refit();
    else if (!this.cost) this.fitCost(concatBatches(this.data));
    const out = await playEpisodes(episodes, (j) => {
      const k = this.evaluated++;
      return this.episode(evalEpisodeSeed(this.seed, j), false, new Rng(deriveSeed(evalEpisodeSeed(this.seed, k), 11)));
    }, onEpisode);
    this.envSteps += episodes * this.T;
    return out;
  }

  getState(): MpcAgentState {
    const all = this.data.length > 0 ? concatBatches(this.data) : { X: new Float64Array(0), U: new Float64Array(0), cost: new Float64Array(0) };
    const fm = this.model.getState();
    const arrays: MpcAgentState['arrays'] = { X: all.X, U: all.U, cost: all.cost, success: Uint8Array.from(this.finals.flat(), (b) => (b ? 1 : 0)) };
    for (const [k, v] of Object.entries(fm.arrays)) arrays[`model/${k}`] = v;
    return {
      meta: { kind: 'mpc-agent', iteration: this.iteration, envSteps: this.envSteps, rng: this.rng.getState(), T: this.T, ds: this.encoder.ds, da: this.da, batchSizes: this.data.map((b) => b.N), model: fm.meta, fittedOn: this.fittedOn },
      arrays,
    };
  }

  setState(st: MpcAgentState): void {
    const { meta: m, arrays: a } = st;
    const T = this.T, ds = this.encoder.ds, da = this.da;
    if (m.kind !== 'mpc-agent') throw new Error(`mpc: the checkpoint holds a '${String(m.kind)}' agent state, not an MPC agent's`);
    if (m.T !== T || m.ds !== ds || m.da !== da) throw new Error(`mpc: agent state is for T=${m.T}, ds=${m.ds}, da=${m.da}; this run has T=${T}, ds=${ds}, da=${da}`);
    const total = m.batchSizes.reduce((s, n) => s + n, 0);
    const X = a.X as Float64Array, U = a.U as Float64Array, cost = a.cost as Float64Array, success = a.success as Uint8Array;
    if (X.length !== total * (T + 1) * ds || U.length !== total * T * da || cost.length !== total * T || success.length !== total) throw new Error(`mpc: agent state's data arrays do not hold ${total} episodes`);
    const model: Record<string, Float32Array> = {};
    for (const [k, v] of Object.entries(a)) if (k.startsWith('model/')) model[k.slice(6)] = v as Float32Array;
    this.model.setState({ meta: m.model, arrays: model });
    let n0 = 0;
    this.data = [];
    this.finals = [];
    for (const N of m.batchSizes) {
      this.data.push({
        N, T, dx: ds, du: da,
        X: Float64Array.from(X.subarray(n0 * (T + 1) * ds, (n0 + N) * (T + 1) * ds)),
        U: Float64Array.from(U.subarray(n0 * T * da, (n0 + N) * T * da)),
        cost: Float64Array.from(cost.subarray(n0 * T, (n0 + N) * T)),
      });
      this.finals.push(Array.from(success.subarray(n0, n0 + N), (v) => v === 1));
      n0 += N;
    }
    this.iteration = m.iteration;
    this.envSteps = m.envSteps;
    this.rng = Rng.fromState(m.rng as number[]);
    this.cost = null;
    this.fittedOn = m.fittedOn ?? -1;
    this.evaluated = 0;
  }

  dispose(): void {
    this.model.dispose();
  }
}
