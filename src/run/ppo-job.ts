/**
 * `solar train --method ppo --obs state|pixels`: the model-free baseline, writing the
 * run directory: config.json, metrics.jsonl (one flushed line per PPO update), a learning
 * curve, summary.json over fresh mean-action evaluation episodes, the final policy
 * (`policy.ckpt`: network weights and the observation statistics) and GIFs of the final policy.
 * checkpoints/latest.ckpt after every update: `--resume` continues exactly where it stopped.
 */
import { existsSync } from 'node:fs';
import { PpoAgent, PpoNetworks, resolvePpoConfig, trainPpo, type PpoIterationMetrics, type PpoObservation, type PpoTrainState } from '../agents/ppo/index.js';
import { evalEpisodeSeed } from '../envs/episode-seeds.js';
import { makeEnv } from '../envs/registry.js';
import { episodeStats, rollout } from '../envs/rollout.js';
import type { Env } from '../envs/types.js';
import { backendInfo, initBackend } from '../nn/index.js';
import { configFingerprint, loadCheckpoint, saveCheckpoint, type Checkpoint, type StoredArray } from './checkpoint.js';
import type { RunEvaluation } from './summary.js';
import { encodeVideo, filmedRollout, recordingEnv, videoStyle, type FilmedEpisode } from './video.js';
import { curveReferenceOptions, curveReferences, lineChartSvg, type CurveReferences } from './plots.js';
import type { RunDir } from './run-dir.js';
import { runSummary, type RunSummary, type ProgressLine } from './summary.js';
import type { TrainConfig } from '../config/train-config.js';
import { configRecord } from './version.js';

export interface PpoHooks {
  onIteration?(m: ProgressLine): void;
  /** After each evaluation episode. */
  onEpisode?(): void;
  /** The task, if not the registry's (tests inject fakes). */
  makeEnv?(name: string, params: Record<string, unknown>): Promise<Env>;
}

export type PpoRunSummary = RunSummary & { backend: string };

/** Metrics line as the run-directory contract wants it: a field that does not apply (no episode ended) is absent. */
function metricsLine(m: PpoIterationMetrics): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m)) {
    if (v === null || v === undefined || (typeof v === 'number' && !Number.isFinite(v))) continue;
    out[k] = v;
  }
  return out;
}

/** Final distance against env steps: the training episodes (with exploration noise) and the periodic mean-action evaluations. */
function ppoCurveSvg(history: readonly PpoIterationMetrics[], title: string, refs: CurveReferences): string {
  return lineChartSvg(
    [
      { label: 'training episodes', points: history.map((m) => [m.env_steps, m.mean_final_distance] as const) },
      { label: 'mean action (eval)', points: history.filter((m) => m.eval_mean_final_distance !== undefined).map((m) => [m.env_steps, m.eval_mean_final_distance!] as const) },
    ],
    { title, xLabel: 'environment steps', yLabel: 'final distance', logY: true, ...curveReferenceOptions(refs) },
  );
}

function policyCheckpoint(agent: PpoAgent) {
  const arrays: Record<string, StoredArray> = {};
  for (const w of agent.nets.params.getWeights()) arrays[`net/${w.name}`] = w.values;
  if (agent.obsNorm) {
    arrays['obs_norm/mean'] = Float64Array.from(agent.obsNorm.mean);
    arrays['obs_norm/var'] = Float64Array.from(agent.obsNorm.var);
  }
  const shapes = Object.fromEntries(agent.nets.params.getWeights().map((w) => [w.name, w.shape]));
  return {
    meta: { kind: 'ppo-gaussian', observation: agent.nets.observation, action_dim: agent.nets.actionDim, network: agent.nets.config, shapes, obs_norm_count: agent.obsNorm?.count ?? null, action_squash: agent.config.action_squash },
    arrays,
  };
}

/** checkpoints/latest.ckpt: the trainer's state after an update (PpoTrainState); typed arrays as arrays, the rest as JSON. */
function packState(s: PpoTrainState): Checkpoint {
  const arrays: Record<string, StoredArray> = {};
  for (const w of s.weights) arrays[`net/${w.name}`] = w.values;
  s.adam.m.forEach((a, i) => (arrays[`adam/m/${i}`] = a));
  s.adam.v.forEach((a, i) => (arrays[`adam/v/${i}`] = a));
  s.envs.forEach((e, i) => {
    arrays[`env/${i}/input`] = e.input;
    e.frames.forEach((f, j) => (arrays[`env/${i}/frame/${j}`] = f));
    const du = e.actions[0]?.length ?? 0;
    const flat = new Float64Array(e.actions.length * du);
    e.actions.forEach((u, t) => flat.set(u, t * du));
    arrays[`env/${i}/actions`] = flat;
  });
  const { weights, adam, envs, ...rest } = s;
  return {
    meta: {
      ...rest, shapes: weights.map((w) => [w.name, w.shape]), adam_step: adam.step, moments: adam.m.length,
      envs: envs.map((e) => ({ seed: e.seed, cost: e.cost, steps: e.actions.length, frames: e.frames.length })),
    },
    arrays,
  };
}

function unpackState(c: Checkpoint): PpoTrainState {
  type Meta = Omit<PpoTrainState, 'weights' | 'adam' | 'envs'> & { shapes: [string, number[]][]; adam_step: number; moments: number; envs: { seed: number; cost: number; steps: number; frames: number }[] };
  const { shapes, adam_step, moments, envs, ...rest } = c.meta as Meta;
  const f32 = (k: string) => c.arrays[k] as Float32Array;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  // JSON kept a NaN metric (no episode ended in that update) as null: back to NaN, as the trainer made it.
  const history = rest.history.map((m) => Object.fromEntries(Object.entries(m).map(([k, v]) => [k, v === null ? Number.NaN : v])) as unknown as PpoIterationMetrics);
  return {
    ...rest,
    history,
    weights: shapes.map(([name, shape]) => ({ name, shape, values: f32(`net/${name}`) })),
    adam: { step: adam_step, m: range(moments).map((i) => f32(`adam/m/${i}`)), v: range(moments).map((i) => f32(`adam/v/${i}`)) },
    envs: envs.map((e, i) => {
      const flat = c.arrays[`env/${i}/actions`] as Float64Array;
      const du = e.steps > 0 ? flat.length / e.steps : 0;
      return { seed: e.seed, cost: e.cost, input: f32(`env/${i}/input`), frames: range(e.frames).map((j) => f32(`env/${i}/frame/${j}`)), actions: range(e.steps).map((t) => flat.slice(t * du, (t + 1) * du)) };
    }),
  };
}

export async function runPpoJob(config: TrainConfig, dir: RunDir, hooks: PpoHooks = {}): Promise<PpoRunSummary> {
  dir.writeJson('config.json', configRecord(config));
  return continuePpoJob(config, dir, null, hooks);
}

/**
 * Continues the run in `dir` from checkpoints/latest.ckpt (written after every update): the
 * same metrics lines, policy and summary as a run that was never interrupted.
 */
export async function resumePpoJob(config: TrainConfig, dir: RunDir, hooks: PpoHooks = {}): Promise<PpoRunSummary> {
  const file = dir.path('checkpoints/latest.ckpt');
  // A run killed before its first update completed has nothing to continue: it starts over.
  if (dir.readJsonl('metrics.jsonl').length === 0 && !existsSync(file)) return continuePpoJob(config, dir, null, hooks);
  return continuePpoJob(config, dir, unpackState(loadCheckpoint(file, configFingerprint(config))), hooks);
}

async function continuePpoJob(config: TrainConfig, dir: RunDir, from: PpoTrainState | null, hooks: PpoHooks): Promise<PpoRunSummary> {
  const { name, ...envParams } = config.env;
  if (config.obs === 'pixels' && envParams.render === false) throw new Error('ppo from pixels needs the camera: drop env.render=false');
  const create = hooks.makeEnv ?? makeEnv;
  const backend = await initBackend(config.backend ?? 'wasm');
  const fp = configFingerprint(config);
  const history: PpoIterationMetrics[] = [...(from?.history ?? [])];
  // The metrics file holds exactly the checkpointed updates (a line after the checkpoint belongs to an update that runs again).
  if (from) dir.writeFile('metrics.jsonl', history.map((m) => JSON.stringify(metricsLine(m)) + '\n').join(''));
  const title = `ppo on ${name} (${config.obs}), seed ${config.seed}`;
  // The curve's success and random-policy lines, on their own env and RNGs (training is untouched).
  const curveRefs = await curveReferences(config.env, config.seed, { randomPolicy: !hooks.makeEnv });
  const result = await trainPpo({
    makeEnv: () => create(name, { ...envParams, render: config.obs === 'pixels' }),
    obs: config.obs,
    config: config.agent,
    seed: config.seed,
    resumeFrom: from ?? undefined,
    onCheckpoint: (s) => saveCheckpoint(dir.path('checkpoints/latest.ckpt'), packState(s), fp),
    onIteration: (m) => {
      history.push(m);
      dir.appendJsonl('metrics.jsonl', metricsLine(m));
      dir.writeFile('learning-curve.svg', ppoCurveSvg(history, title, curveRefs));
      hooks.onIteration?.(m);
    },
    onEvalEpisode: () => hooks.onEpisode?.(),
  });
  const agent = result.agent;
  try {
    saveCheckpoint(dir.path('policy.ckpt'), policyCheckpoint(agent), fp);
    const summary: PpoRunSummary = { ...runSummary(result.evaluation, result.summary.env_steps, result.summary.wall_s), backend: backendInfo()?.name ?? backend };
    dir.writeJson('summary.json', summary);
    if (config.output.gif_episodes > 0) {
      const env = recordingEnv(await create(name, { ...envParams, render: true }));
      try {
        const style = { ...videoStyle(env.spec, config.output, `${title}: final policy`), totalEpisodes: config.output.gif_episodes };
        for (let j = 0; j < config.output.gif_episodes; j++) {
          const ep = await rollout(env, agent.meanPolicy(), evalEpisodeSeed(config.seed, j));
          dir.writeFile(`final-ep-${String(j).padStart(3, '0')}.gif`, encodeVideo([filmedRollout(env.spec, ep, env.recorded(ep.seed))], { ...style, firstEpisode: j + 1 }));
        }
      } finally {
        env.close();
      }
    }
    return summary;
  } finally {
    agent.dispose();
  }
}

/** The policy of policy.ckpt on the task's action box: the weights and observation statistics as trained. */
function restorePolicy(config: TrainConfig, ckpt: ReturnType<typeof loadCheckpoint>, env: Env): PpoAgent {
  const meta = ckpt.meta as { observation: PpoObservation; action_dim: number; shapes: Record<string, number[]>; obs_norm_count: number | null };
  const agentConfig = resolvePpoConfig(config.agent);
  // The seed only initialises weights that setWeights then overwrites.
  const nets = new PpoNetworks(meta.observation, meta.action_dim, agentConfig, 0);
  const agent = new PpoAgent(nets, config.obs, env.spec.action, agentConfig);
  try {
    nets.params.setWeights(Object.entries(meta.shapes).map(([name, shape]) => ({ name, shape, values: ckpt.arrays[`net/${name}`] as Float32Array })));
    if (agent.obsNorm) {
      if (meta.obs_norm_count === null || !ckpt.arrays['obs_norm/mean']) throw new Error('policy.ckpt holds no observation statistics, but the config normalises observations');
      agent.obsNorm.setState({ mean: ckpt.arrays['obs_norm/mean'], var: ckpt.arrays['obs_norm/var'], count: meta.obs_norm_count });
    }
    return agent;
  } catch (e) {
    agent.dispose();
    throw e;
  }
}

/** The finished run's final policy (policy.ckpt) on the task `spec` describes, for acting step by step (load-policy.ts); dispose() frees it. */
export async function openPpoRun(config: TrainConfig, dir: RunDir, env: Env): Promise<PpoAgent> {
  if (dir.readJsonIfExists('summary.json') === undefined) throw new Error(`${dir.display()} has not finished (no summary.json, so no final policy): resume it with solar train --resume first`);
  const ckpt = loadCheckpoint(dir.path('policy.ckpt'), configFingerprint(config));
  await initBackend(config.backend ?? 'wasm');
  return restorePolicy(config, ckpt, env);
}

/**
 * `solar eval`: the finished run's final policy (policy.ckpt) with the mean action on
 * `episodes` evaluation episodes, as trainPpo's final evaluation plays them (same seeds, frozen
 * observation statistics), so on the same backend the first agent.eval_episodes reproduce summary.json.
 */
export async function evaluatePpoRun(config: TrainConfig, dir: RunDir, episodes: number, hooks: Pick<PpoHooks, 'onEpisode' | 'makeEnv'> = {}): Promise<RunEvaluation> {
  const { name, ...envParams } = config.env;
  const env = await (hooks.makeEnv ?? makeEnv)(name, { ...envParams, render: config.obs === 'pixels' });
  let agent: PpoAgent | null = null;
  try {
    agent = await openPpoRun(config, dir, env);
    const evals = [];
    for (let j = 0; j < episodes; j++) {
      const e = await rollout(env, agent.meanPolicy(), evalEpisodeSeed(config.seed, j), { keepObservations: false });
      evals.push({ totalCost: e.totalCost, finalDistance: e.finalDistance, success: e.success });
      hooks.onEpisode?.();
    }
    return { ...episodeStats(evals), episodes, final_distances: evals.map((e) => e.finalDistance), backend: backendInfo()?.name ?? config.backend ?? 'wasm' };
  } finally {
    agent?.dispose();
    env.close();
  }
}

/**
 * `solar watch`: the finished run's final policy (policy.ckpt) with the mean action on its
 * first `episodes` evaluation episodes, each filmed; writes nothing in the run directory.
 */
export async function filmPpoRun(config: TrainConfig, dir: RunDir, episodes: number, onFilmed: (f: FilmedEpisode) => void): Promise<void> {
  const { name, ...envParams } = config.env;
  const env = recordingEnv(await makeEnv(name, { ...envParams, render: true }));
  let agent: PpoAgent | null = null;
  try {
    agent = await openPpoRun(config, dir, env);
    for (let j = 0; j < episodes; j++) {
      const ep = await rollout(env, agent.meanPolicy(), evalEpisodeSeed(config.seed, j));
      onFilmed(filmedRollout(env.spec, ep, env.recorded(ep.seed)));
    }
  } finally {
    agent?.dispose();
    env.close();
  }
}
