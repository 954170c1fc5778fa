/**
 * The PPO loop (Schulman et al. 2017, Algorithm 1, "actor-critic style"): for each update,
 * run the current policy π_old for `steps_per_update` env steps (over `num_envs` envs in
 * lockstep), compute GAE advantages Â_t and value targets R_t, then take `epochs` passes of
 * minibatch Adam steps on
 *   L(θ) = L^CLIP(θ) + c₁ L^V(θ) − c₂ H[π_θ]
 * (losses.ts). Rewards are r_t = −c_t; every episode ends at the task's time limit T, which is
 * not a terminal state, so the last step is bootstrapped with V of the final state.
 *
 * Browser-safe: no Node APIs; the caller writes files and draws progress via callbacks.
 */
import * as tf from '@tensorflow/tfjs';
import { ClippedAdam, type AdamOptions } from '../../model/adam.js';
import { evalEpisodeSeed } from '../../envs/episode-seeds.js';
import type { TrainerOptions } from '../core/iteration.js';
import { episodeStats, rollout, type EpisodeOutcome, type EvaluationSummary } from '../../envs/rollout.js';
import type { Env } from '../../envs/types.js';
import { Rng, deriveSeed } from '../../random/rng.js';
import { plannedUpdates, resolvePpoConfig, type PpoConfig } from './config.js';
import { clippedSurrogate, gae, gaussianEntropy, gaussianLogProb, gaussianLogProbFromNoise, normalizeAdvantages, valueLoss } from './losses.js';
import { PpoNetworks, type PpoObservation } from './networks.js';
import { RewardScaler, type RunningMeanStd } from './running-stats.js';
import { PpoAgent, type PpoObsKind } from './agent.js';

export interface PpoIterationMetrics {
  readonly iteration: number;
  /** Cumulative training env steps, this update's included. */
  readonly env_steps: number;
  /** Episodes completed during this update's collection; the next three are over them (NaN when none). */
  readonly episodes: number;
  readonly mean_cost: number;
  readonly mean_final_distance: number;
  readonly success_rate: number;
  /** Means over every minibatch of the update: L^CLIP, L^V, H[π], approximate KL, clip fraction. */
  readonly policy_loss: number;
  readonly value_loss: number;
  readonly entropy: number;
  readonly approx_kl: number;
  readonly clip_frac: number;
  /** 1 − Var[R − V] / Var[R] over the batch (values from collection time). */
  readonly explained_variance: number;
  /** Mean σ of the policy after the update. */
  readonly action_std: number;
  /** Adam step size used in this update. */
  readonly lr: number;
  /** Epochs run (fewer than `epochs` when target_kl stopped the update). */
  readonly epochs_run: number;
  /** On every `eval_every`-th update and the last: the mean action on `interval_eval_episodes` evaluation episodes (steps not counted in env_steps). */
  readonly eval_mean_final_distance?: number;
  readonly eval_success_rate?: number;
  readonly eval_mean_cost?: number;
  readonly wall_s: number;
}

export type PpoSummary = EvaluationSummary;

export interface TrainPpoOptions extends TrainerOptions<PpoConfig, PpoIterationMetrics, EpisodeOutcome> {
  /** What the policy sees: the true state (normalised) or the camera image (env must render). */
  readonly obs: PpoObsKind;
  /** Continue from this state (a checkpoint of the same config and seed) instead of from the start. */
  readonly resumeFrom?: PpoTrainState;
  /** After each update, before `onIteration`: the state to continue from. */
  readonly onCheckpoint?: (s: PpoTrainState) => void | Promise<void>;
}

/**
 * Everything the next update depends on, so that a resumed run continues exactly: weights,
 * Adam's moments, both RNGs, the reward and observation statistics, and each env's episode
 * in progress (its seed and the actions taken so far, replayed on resume: an env has no
 * state to save, but the same seed and actions give the same episode), its running cost,
 * network input and frame stack.
 */
export interface PpoTrainState {
  /** The next update (0-based). */
  readonly iteration: number;
  readonly weights: { name: string; shape: number[]; values: Float32Array }[];
  readonly adam: { step: number; m: Float32Array[]; v: Float32Array[] };
  readonly noiseRng: number[];
  readonly batchRng: number[];
  readonly rewards: ReturnType<RewardScaler['getState']>;
  readonly obsNorm: ReturnType<RunningMeanStd['getState']> | null;
  readonly episodeCount: number;
  readonly envs: readonly { seed: number; actions: Float64Array[]; cost: number; input: Float32Array; frames: Float32Array[] }[];
  readonly envSteps: number;
  readonly history: readonly PpoIterationMetrics[];
  readonly wall_s: number;
}

export interface TrainPpoResult {
  readonly config: PpoConfig;
  /** The trained policy (the caller disposes it). */
  readonly agent: PpoAgent;
  readonly history: PpoIterationMetrics[];
  /** The final evaluation's episodes (mean action, fresh seeds). */
  readonly evaluation: EpisodeOutcome[];
  readonly summary: PpoSummary;
}

/** Seed of training episode k (counted over all envs); evaluation episodes are every method's (envs/episode-seeds.ts). */
function trainEpisodeSeed(seed: number, k: number): number {
  return deriveSeed(seed, 1_000_000 + k);
}

function mean(a: readonly number[]): number {
  return a.length ? a.reduce((s, v) => s + v, 0) / a.length : Number.NaN;
}

function explainedVariance(values: Float64Array, returns: Float64Array): number {
  const n = values.length;
  let mr = 0, md = 0;
  for (let i = 0; i < n; i++) {
    mr += returns[i];
    md += returns[i] - values[i];
  }
  mr /= n;
  md /= n;
  let vr = 0, vd = 0;
  for (let i = 0; i < n; i++) {
    vr += (returns[i] - mr) ** 2;
    vd += (returns[i] - values[i] - md) ** 2;
  }
  return vr === 0 ? Number.NaN : 1 - vd / vr;
}

/** Runs PPO; resolves with the trained agent, the per-update metrics and the evaluation summary. */
export async function trainPpo(opts: TrainPpoOptions): Promise<TrainPpoResult> {
  const config = resolvePpoConfig((opts.config ?? {}) as Record<string, unknown>);
  const start = performance.now();
  const from = opts.resumeFrom;
  const wall = (): number => (from?.wall_s ?? 0) + (performance.now() - start) / 1000;
  const E = config.num_envs;
  const envs: Env[] = [];
  let evalEnv: Env | null = null;
  let agent: PpoAgent | null = null;
  let optimiser: ClippedAdam | null = null;
  try {
    for (let e = 0; e < E; e++) envs.push(await opts.makeEnv());
    const testEnv = (evalEnv = await opts.makeEnv());
    const spec = envs[0].spec;
    for (const env of [...envs, testEnv]) {
      if (env.spec.stateDim !== spec.stateDim || env.spec.action.dim !== spec.action.dim || env.spec.observation.shape.join() !== spec.observation.shape.join()) {
        throw new Error('ppo: makeEnv returned envs with different specs');
      }
    }
    const du = spec.action.dim;
    const [H, W, C] = spec.observation.shape;
    const observation: PpoObservation = opts.obs === 'state' ? { kind: 'state', dim: spec.stateDim } : { kind: 'pixels', shape: [H, W, C * config.frame_stack] };
    if (observation.kind === 'pixels' && observation.shape.some((d) => d < 1)) throw new Error(`ppo: task '${spec.name}' has no camera image (shape ${observation.shape.join('×')})`);
    const nets = new PpoNetworks(observation, du, config, deriveSeed(opts.seed, 2));
    const trained = new PpoAgent(nets, opts.obs, spec.action, config);
    agent = trained;
    const vars = nets.variables();
    const adam: AdamOptions = { lr: config.lr, clipNorm: config.max_grad_norm, epsilon: config.adam_epsilon };
    optimiser = new ClippedAdam(vars, adam);
    const noiseRng = from ? Rng.fromState(from.noiseRng) : new Rng(deriveSeed(opts.seed, 0));
    const batchRng = from ? Rng.fromState(from.batchRng) : new Rng(deriveSeed(opts.seed, 1));
    const rewards = new RewardScaler(E, config.gamma, config.reward_clip, config.normalize_reward);
    const obsSize = trained.obsSize;

    let episodeCount = 0;
    const current: Float32Array[] = [];
    const stacks = envs.map(() => trained.frameStack());
    const episodeCost = new Float64Array(E);
    // Each env's episode in progress (its seed and actions): what a checkpoint replays.
    const episodeSeed: number[] = [];
    const episodeActions: Float64Array[][] = envs.map(() => []);
    if (from) {
      if (from.envs.length !== E) throw new Error(`ppo: the checkpoint has ${from.envs.length} envs, the config ${E}`);
      nets.params.setWeights(from.weights);
      optimiser.setState(from.adam);
      rewards.setState(from.rewards);
      if (trained.obsNorm && from.obsNorm) trained.obsNorm.setState(from.obsNorm);
      episodeCount = from.episodeCount;
      for (let e = 0; e < E; e++) {
        const st = from.envs[e];
        await envs[e].reset(st.seed);
        for (const u of st.actions) await envs[e].step(u);
        episodeSeed.push(st.seed);
        episodeActions[e] = st.actions.map((u) => u.slice());
        episodeCost[e] = st.cost;
        stacks[e].setFrames(st.frames);
        current.push(st.input.slice());
      }
    } else {
      for (let e = 0; e < E; e++) {
        episodeSeed.push(trainEpisodeSeed(opts.seed, episodeCount++));
        current.push(stacks[e].reset(trained.observe(await envs[e].reset(episodeSeed[e]), true)));
      }
    }

    const evaluate = async (episodes: number, onEpisode?: (j: number, e: EpisodeOutcome) => void): Promise<EpisodeOutcome[]> => {
      const out: EpisodeOutcome[] = [];
      for (let j = 0; j < episodes; j++) {
        const e = await rollout(testEnv, trained.meanPolicy(), evalEpisodeSeed(opts.seed, j), { keepObservations: false });
        out.push({ totalCost: e.totalCost, finalDistance: e.finalDistance, success: e.success });
        onEpisode?.(j, out[j]);
      }
      return out;
    };
    const updates = plannedUpdates(config);
    const history: PpoIterationMetrics[] = [...(from?.history ?? [])];
    let envSteps = from?.envSteps ?? 0;
    for (let it = from?.iteration ?? 0; it < updates; it++) {
      const remaining = config.total_steps - envSteps;
      const nSteps = Math.ceil(Math.min(config.steps_per_update, remaining) / E);
      const n = E * nSteps;
      // Batch laid out env-major: index e·nSteps + t, so each env's steps are contiguous for GAE.
      const obsBuf = new Float32Array(n * obsSize);
      const actBuf = new Float32Array(n * du);
      const logpBuf = new Float32Array(n);
      const valBuf = new Float64Array(n);
      const nextValBuf = new Float64Array(n);
      const rewBuf = new Float64Array(n);
      const endBuf = new Uint8Array(n);
      const outcomes: EpisodeOutcome[] = [];
      const logStd = trained.logStd();
      const std = logStd.map(Math.exp);
      const noise = new Float64Array(du);
      const a = new Float64Array(du);
      for (let t = 0; t < nSteps; t++) {
        const { mean: mu, value } = trained.forward(current);
        const finals: { idx: number; obs: Float32Array }[] = [];
        for (let e = 0; e < E; e++) {
          const idx = e * nSteps + t;
          obsBuf.set(current[e], idx * obsSize);
          noiseRng.fillNormal(noise);
          for (let i = 0; i < du; i++) a[i] = mu[e * du + i] + std[i] * noise[i];
          actBuf.set(a, idx * du);
          logpBuf[idx] = gaussianLogProbFromNoise(noise, logStd);
          valBuf[idx] = value[e];
          const u = trained.squash(a);
          const ts = await envs[e].step(u);
          episodeActions[e].push(u);
          episodeCost[e] += ts.cost;
          rewBuf[idx] = rewards.scale(e, -ts.cost, ts.done);
          if (ts.done) {
            outcomes.push({ totalCost: episodeCost[e], finalDistance: ts.info.distance, success: ts.info.success });
            episodeCost[e] = 0;
            endBuf[idx] = 1;
            finals.push({ idx, obs: stacks[e].push(trained.observe(ts, false)).slice() });
            episodeSeed[e] = trainEpisodeSeed(opts.seed, episodeCount++);
            episodeActions[e] = [];
            current[e] = stacks[e].reset(trained.observe(await envs[e].reset(episodeSeed[e]), true));
          } else {
            current[e] = stacks[e].push(trained.observe(ts, true));
          }
        }
        // Time-limit ends are not terminal: bootstrap from V of the episode's final state.
        if (finals.length > 0) {
          const v = trained.forward(finals.map((f) => f.obs)).value;
          finals.forEach((f, i) => (nextValBuf[f.idx] = v[i]));
        }
      }
      envSteps += n;
      const last = trained.forward(current).value;
      for (let e = 0; e < E; e++) {
        for (let t = 0; t < nSteps; t++) {
          const idx = e * nSteps + t;
          if (endBuf[idx]) continue;
          if (t + 1 < nSteps) nextValBuf[idx] = valBuf[idx + 1];
          else {
            nextValBuf[idx] = last[e];
            endBuf[idx] = 1; // end of this env's segment: bootstrapped, not terminal
          }
        }
      }
      const { advantages, returns } = gae({ rewards: rewBuf, values: valBuf, nextValues: nextValBuf, terminals: new Uint8Array(n), ends: endBuf, gamma: config.gamma, lambda: config.gae_lambda });

      const lr = config.anneal_lr ? config.lr * (1 - it / updates) : config.lr;
      adam.lr = lr; // ClippedAdam reads its options at every step
      const stats: number[][] = [];
      let epochsRun = 0;
      const mb = Math.min(config.minibatch_size, n);
      for (let epoch = 0; epoch < config.epochs; epoch++) {
        const perm = batchRng.permutation(n);
        const epochKl: number[] = [];
        for (let s0 = 0; s0 < n; s0 += mb) {
          const idxs = perm.subarray(s0, Math.min(n, s0 + mb));
          const B = idxs.length;
          const o = new Float32Array(B * obsSize), act = new Float32Array(B * du);
          const lpOld = new Float32Array(B), vOld = new Float32Array(B), ret = new Float32Array(B);
          const adv = new Float64Array(B);
          for (let k = 0; k < B; k++) {
            const j = idxs[k];
            o.set(obsBuf.subarray(j * obsSize, (j + 1) * obsSize), k * obsSize);
            act.set(actBuf.subarray(j * du, (j + 1) * du), k * du);
            lpOld[k] = logpBuf[j];
            vOld[k] = valBuf[j];
            ret[k] = returns[j];
            adv[k] = advantages[j];
          }
          const advIn = config.norm_adv ? normalizeAdvantages(adv) : Float32Array.from(adv);
          const inputs = tf.tidy(() => ({
            obs: observation.kind === 'state' ? tf.tensor2d(o, [B, observation.dim]) : tf.tensor4d(o, [B, ...observation.shape]),
            act: tf.tensor2d(act, [B, du]),
            lpOld: tf.tensor1d(lpOld),
            vOld: tf.tensor1d(vOld),
            ret: tf.tensor1d(ret),
            adv: tf.tensor1d(advIn),
          }));
          let kept: tf.Tensor | null = null;
          const { value: loss, grads } = tf.variableGrads(() => {
            const { mean: mu, value } = nets.apply(inputs.obs);
            const logp = gaussianLogProb(mu, nets.logStd as tf.Tensor1D, inputs.act as tf.Tensor2D);
            const surrogate = clippedSurrogate(logp, inputs.lpOld as tf.Tensor1D, inputs.adv as tf.Tensor1D, config.clip_coef);
            const vl = valueLoss(value, inputs.vOld as tf.Tensor1D, inputs.ret as tf.Tensor1D, config.clip_value_loss ? config.clip_coef : null);
            const entropy = gaussianEntropy(nets.logStd as tf.Tensor1D);
            kept = tf.keep(tf.stack([surrogate.loss, vl, entropy, surrogate.approxKl, surrogate.clipFrac]));
            return surrogate.loss.add(vl.mul(config.vf_coef)).sub(entropy.mul(config.ent_coef)) as tf.Scalar;
          }, vars);
          try {
            const ordered = vars.map((v) => {
              const g = grads[v.name];
              if (!g) throw new Error(`ppo: no gradient for parameter ${v.name}`);
              return g;
            });
            optimiser.apply(ordered);
            const st = Array.from((kept as unknown as tf.Tensor).dataSync());
            stats.push(st);
            epochKl.push(st[3]);
          } finally {
            tf.dispose([loss, ...Object.values(grads), ...Object.values(inputs)]);
            if (kept) (kept as tf.Tensor).dispose();
          }
        }
        epochsRun = epoch + 1;
        if (config.target_kl !== undefined && mean(epochKl) > config.target_kl) break;
      }
      const col = (i: number) => mean(stats.map((s) => s[i]));
      const ep = outcomes.length > 0 ? episodeStats(outcomes) : null;
      const evalNow = config.eval_every > 0 && ((it + 1) % config.eval_every === 0 || it === updates - 1);
      const ev = evalNow ? episodeStats(await evaluate(config.interval_eval_episodes)) : null;
      const m: PpoIterationMetrics = {
        iteration: it,
        env_steps: envSteps,
        episodes: outcomes.length,
        mean_cost: ep?.mean_cost ?? Number.NaN,
        mean_final_distance: ep?.mean_final_distance ?? Number.NaN,
        success_rate: ep?.success_rate ?? Number.NaN,
        policy_loss: col(0),
        value_loss: col(1),
        entropy: col(2),
        approx_kl: col(3),
        clip_frac: col(4),
        explained_variance: explainedVariance(valBuf, returns),
        action_std: mean(Array.from(trained.logStd(), Math.exp)),
        lr,
        epochs_run: epochsRun,
        ...(ev ? { eval_mean_final_distance: ev.mean_final_distance, eval_success_rate: ev.success_rate, eval_mean_cost: ev.mean_cost } : {}),
        wall_s: wall(),
      };
      history.push(m);
      if (opts.onCheckpoint) {
        await opts.onCheckpoint({
          iteration: it + 1, weights: nets.params.getWeights(), adam: optimiser.getState(), noiseRng: noiseRng.getState(), batchRng: batchRng.getState(),
          rewards: rewards.getState(), obsNorm: trained.obsNorm?.getState() ?? null, episodeCount,
          envs: envs.map((_, e) => ({ seed: episodeSeed[e], actions: episodeActions[e], cost: episodeCost[e], input: current[e], frames: stacks[e].getFrames() })),
          envSteps, history, wall_s: wall(),
        });
      }
      await opts.onIteration?.(m);
    }

    const evals = await evaluate(config.eval_episodes, opts.onEvalEpisode);
    const s = episodeStats(evals);
    const summary: PpoSummary = {
      mean_final_distance: s.mean_final_distance,
      median_final_distance: s.median_final_distance,
      success_rate: s.success_rate,
      mean_cost: s.mean_cost,
      env_steps: envSteps + config.eval_episodes * spec.horizon,
      episodes: evals.length,
      wall_s: wall(),
    };
    agent = null; // handed to the caller
    return { config, agent: trained, history, evaluation: evals, summary };
  } finally {
    optimiser?.dispose();
    agent?.dispose();
    for (const env of envs) env.close();
    evalEnv?.close();
  }
}
