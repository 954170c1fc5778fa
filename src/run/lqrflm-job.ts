/**
 * `solar train --method lqrflm --obs state`: LQR-FLM on the true state, writing the run
 * directory: config.json, metrics.jsonl (one flushed line per iteration), a learning curve,
 * summary.json, the final policy (refused if it holds a NaN) and GIFs of the final policy;
 * checkpoints/latest.ckpt after every iteration, from which `--resume` continues exactly.
 */
import { resolveLqrflmConfig, runEpisode, trainLqrflm, type LqrflmIterationMetrics, type LqrflmTrainState } from '../agents/lqrflm/index.js';
import { evalEpisodeSeed } from '../envs/episode-seeds.js';
import { createPolicy, policyMean, type LinearGaussianPolicy, type TrajectoryBatch } from '../control/index.js';
import { makeEnv } from '../envs/registry.js';
import type { Env } from '../envs/types.js';
import { episodeStats, rollout } from '../envs/rollout.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { configFingerprint, loadCheckpoint, saveCheckpoint, type Checkpoint, type StoredArray } from './checkpoint.js';
import type { RunEvaluation } from './summary.js';
import { encodeVideo, filmedRollout, recordingEnv, videoStyle, type FilmedEpisode } from './video.js';
import { curveReferences, learningCurveSvg } from './plots.js';
import type { RunDir } from './run-dir.js';
import type { TrainConfig } from '../config/train-config.js';
import { configRecord } from './version.js';
import { existsSync } from 'node:fs';
import type { ProgressLine } from './summary.js';

export interface TrainHooks {
  onIteration?(m: ProgressLine): void;
  /** The task, if not the registry's (as the latent jobs' hook: tests, a robot behind a connection). */
  makeEnv?(name: string, params: Record<string, unknown>): Promise<Env>;
}

/** Metrics line as the run-directory contract wants it: no null/NaN fields, no empty notes. */
function metricsLine(m: LqrflmIterationMetrics): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v)) || v === '') continue;
    out[k] = v;
  }
  return out;
}

const POLICY_ARRAYS = ['K', 'k', 'S', 'cholS', 'invS', 'logDetS'] as const;

/** The policy as checkpoint arrays: every array, so a restored one is bit-identical (not refactored from S). */
function policyArrays(p: LinearGaussianPolicy, prefix = ''): Record<string, StoredArray> {
  return Object.fromEntries(POLICY_ARRAYS.map((k) => [prefix + k, p[k]]));
}

/** A policy from checkpoint arrays; one saved before all its arrays were kept (K, k, S only) is rebuilt from S. */
function policyOf(meta: { T: number; dx: number; du: number }, arrays: Readonly<Record<string, StoredArray>>, prefix = ''): LinearGaussianPolicy {
  const a = (k: string) => arrays[prefix + k] as Float64Array;
  if (POLICY_ARRAYS.every((k) => arrays[prefix + k])) return { T: meta.T, dx: meta.dx, du: meta.du, K: a('K'), k: a('k'), S: a('S'), cholS: a('cholS'), invS: a('invS'), logDetS: a('logDetS') };
  return createPolicy(meta.T, meta.dx, meta.du, a('K'), a('k'), a('S'));
}

/** checkpoints/latest.ckpt: the trainer's state after an iteration (LqrflmTrainState). */
function packState(s: LqrflmTrainState): Checkpoint {
  const { policy: p, batches, ...rest } = s;
  const arrays: Record<string, StoredArray> = policyArrays(p, 'policy/');
  batches.forEach((b, i) => Object.assign(arrays, { [`batch/${i}/X`]: b.X, [`batch/${i}/U`]: b.U, [`batch/${i}/cost`]: b.cost }));
  return { meta: { ...rest, policy: { T: p.T, dx: p.dx, du: p.du }, batches: batches.map((b) => ({ N: b.N, T: b.T, dx: b.dx, du: b.du })) }, arrays };
}

function unpackState(c: Checkpoint): LqrflmTrainState {
  const meta = c.meta as Omit<LqrflmTrainState, 'policy' | 'batches'> & { policy: { T: number; dx: number; du: number }; batches: { N: number; T: number; dx: number; du: number }[] };
  const batches: TrajectoryBatch[] = meta.batches.map((b, i) => ({ ...b, X: c.arrays[`batch/${i}/X`] as Float64Array, U: c.arrays[`batch/${i}/U`] as Float64Array, cost: c.arrays[`batch/${i}/cost`] as Float64Array }));
  return { ...meta, policy: policyOf(meta.policy, c.arrays, 'policy/'), batches };
}

export function runLqrflmJob(config: TrainConfig, dir: RunDir, hooks: TrainHooks = {}) {
  dir.writeJson('config.json', configRecord(config));
  return continueLqrflmJob(config, dir, null, hooks);
}

/**
 * Continues the run in `dir` from checkpoints/latest.ckpt (written after every iteration): the
 * same metrics lines and final policy as a run that was never interrupted.
 */
export function resumeLqrflmJob(config: TrainConfig, dir: RunDir, hooks: TrainHooks = {}) {
  const file = dir.path('checkpoints/latest.ckpt');
  // A run killed before its first iteration completed has nothing to continue: it starts over.
  if (dir.readJsonl('metrics.jsonl').length === 0 && !existsSync(file)) return continueLqrflmJob(config, dir, null, hooks);
  return continueLqrflmJob(config, dir, unpackState(loadCheckpoint(file, configFingerprint(config))), hooks);
}

async function continueLqrflmJob(config: TrainConfig, dir: RunDir, from: LqrflmTrainState | null, hooks: TrainHooks) {
  const { name, ...envParams } = config.env;
  const create = hooks.makeEnv ?? makeEnv;
  const fp = configFingerprint(config);
  const history: LqrflmIterationMetrics[] = [...(from?.history ?? [])];
  // The metrics file holds exactly the checkpointed iterations (a line after the checkpoint belongs to an iteration that runs again).
  if (from) dir.writeFile('metrics.jsonl', history.map((m) => JSON.stringify(metricsLine(m)) + '\n').join(''));
  // The curve's success and random-policy lines, on their own env and RNGs (training is untouched).
  const curveRefs = await curveReferences(config.env, config.seed, { randomPolicy: !hooks.makeEnv });
  const result = await trainLqrflm({
    makeEnv: () => create(name, { ...envParams, render: false }),
    config: config.agent,
    seed: config.seed,
    resumeFrom: from ?? undefined,
    onCheckpoint: (s) => saveCheckpoint(dir.path('checkpoints/latest.ckpt'), packState(s), fp),
    onIteration: (m) => {
      history.push(m);
      dir.appendJsonl('metrics.jsonl', metricsLine(m));
      dir.writeFile('learning-curve.svg', learningCurveSvg(history, `lqrflm on ${name} (state), seed ${config.seed}`, curveRefs));
      hooks.onIteration?.(m);
    },
  });
  const p = result.policy;
  saveCheckpoint(dir.path('policy.ckpt'), { meta: { T: p.T, dx: p.dx, du: p.du, kind: 'linear-gaussian' }, arrays: policyArrays(p) }, fp);
  dir.writeJson('summary.json', result.summary);
  if (config.output.gif_episodes > 0) {
    const env = recordingEnv(await create(name, { ...envParams, render: true }));
    try {
      const style = { ...videoStyle(env.spec, config.output, `lqrflm on ${name} (state), seed ${config.seed}: final policy`), totalEpisodes: config.output.gif_episodes };
      for (let j = 0; j < config.output.gif_episodes; j++) {
        const ep = await rollout(env, meanAction(p, env.spec.action), evalEpisodeSeed(config.seed, j));
        dir.writeFile(`final-ep-${String(j).padStart(3, '0')}.gif`, encodeVideo([filmedRollout(env.spec, ep, env.recorded(ep.seed))], { ...style, firstEpisode: j + 1 }));
      }
    } finally {
      env.close();
    }
  }
  return result.summary;
}

/** A finished run's final policy (policy.ckpt), as its own evaluation acted with it (`solar eval`, `solar watch`, loadPolicy). */
export function openLqrflmPolicy(config: TrainConfig, dir: RunDir): LinearGaussianPolicy {
  if (dir.readJsonIfExists('summary.json') === undefined) throw new Error(`${dir.display()} has not finished (no summary.json, so no final policy): resume it with solar train --resume first`);
  const ckpt = loadCheckpoint(dir.path('policy.ckpt'), configFingerprint(config));
  return policyOf(ckpt.meta as { T: number; dx: number; du: number }, ckpt.arrays);
}

/**
 * `solar eval`: the finished run's final policy (policy.ckpt) on `episodes` evaluation
 * episodes, as the run's own evaluation plays them (same seeds, the same noise stream when
 * agent.eval_noise), so its first agent.eval_episodes reproduce summary.json.
 */
export async function evaluateLqrflmRun(config: TrainConfig, dir: RunDir, episodes: number, hooks: { onEpisode?(): void } = {}): Promise<RunEvaluation> {
  const policy = openLqrflmPolicy(config, dir);
  const agent = resolveLqrflmConfig(config.agent);
  const { name, ...envParams } = config.env;
  const env = await makeEnv(name, { ...envParams, render: false });
  try {
    const noise = agent.eval_noise ? new Rng(deriveSeed(config.seed, 7)) : null;
    const evals = [];
    for (let j = 0; j < episodes; j++) {
      evals.push(await runEpisode(env, policy, evalEpisodeSeed(config.seed, j), noise));
      hooks.onEpisode?.();
    }
    // Plain float64 JavaScript: no tensor backend is involved.
    return { ...episodeStats(evals), episodes, final_distances: evals.map((e) => e.finalDistance), backend: 'none' };
  } finally {
    env.close();
  }
}

/** u_t = clip(K_t s_t + k_t): the policy's mean action on the true state, in the task's bounds. */
export function meanAction(p: LinearGaussianPolicy, bounds: { low: Float64Array; high: Float64Array }) {
  return (ts: { state: Float64Array }, t: number) => policyMean(p, t, ts.state).map((u, i) => Math.min(bounds.high[i], Math.max(bounds.low[i], u)));
}

/**
 * `solar watch`: the finished run's final policy (policy.ckpt) with the mean action on its
 * first `episodes` evaluation episodes, each filmed; writes nothing in the run directory.
 */
export async function filmLqrflmRun(config: TrainConfig, dir: RunDir, episodes: number, onFilmed: (f: FilmedEpisode) => void): Promise<void> {
  const policy = openLqrflmPolicy(config, dir);
  const { name, ...envParams } = config.env;
  const env = recordingEnv(await makeEnv(name, { ...envParams, render: true }));
  try {
    for (let j = 0; j < episodes; j++) {
      const ep = await rollout(env, meanAction(policy, env.spec.action), evalEpisodeSeed(config.seed, j));
      onFilmed(filmedRollout(env.spec, ep, env.recorded(ep.seed)));
    }
  } finally {
    env.close();
  }
}
