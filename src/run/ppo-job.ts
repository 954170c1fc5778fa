/**
 * `solar train --method ppo --obs state|pixels`: the model-free baseline, writing the
 * run directory: config.json, metrics.jsonl (one flushed line per PPO update), a learning
 * curve, summary.json over fresh mean-action evaluation episodes, the final policy
 * (`policy.ckpt`: network weights and the observation statistics) and GIFs of the final policy.
 * PPO runs are not resumable: `solar compare` reuses finished ones.
 */
import { trainPpo, type PpoAgent, type PpoIterationMetrics } from '../agents/ppo/index.js';
import { evalEpisodeSeed } from '../envs/episode-seeds.js';
import { makeEnv } from '../envs/registry.js';
import { rollout } from '../envs/rollout.js';
import type { Env } from '../envs/types.js';
import { backendInfo, initBackend } from '../nn/index.js';
import { configFingerprint, saveCheckpoint, type StoredArray } from './checkpoint.js';
import { encodeGif } from './images.js';
import { lineChartSvg } from './plots.js';
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
function ppoCurveSvg(history: readonly PpoIterationMetrics[], title: string): string {
  return lineChartSvg(
    [
      { label: 'training episodes', points: history.map((m) => [m.env_steps, m.mean_final_distance] as const) },
      { label: 'mean action (eval)', points: history.filter((m) => m.eval_mean_final_distance !== undefined).map((m) => [m.env_steps, m.eval_mean_final_distance!] as const) },
    ],
    { title, xLabel: 'environment steps', yLabel: 'final distance', logY: true },
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

export async function runPpoJob(config: TrainConfig, dir: RunDir, hooks: PpoHooks = {}): Promise<PpoRunSummary> {
  const { name, ...envParams } = config.env;
  if (config.obs === 'pixels' && envParams.render === false) throw new Error('ppo from pixels needs the camera: drop env.render=false');
  const create = hooks.makeEnv ?? makeEnv;
  const backend = await initBackend(config.backend ?? 'wasm');
  dir.writeJson('config.json', configRecord(config));
  const history: PpoIterationMetrics[] = [];
  const title = `ppo on ${name} (${config.obs}), seed ${config.seed}`;
  const result = await trainPpo({
    makeEnv: () => create(name, { ...envParams, render: config.obs === 'pixels' }),
    obs: config.obs,
    config: config.agent,
    seed: config.seed,
    onIteration: (m) => {
      history.push(m);
      dir.appendJsonl('metrics.jsonl', metricsLine(m));
      dir.writeFile('learning-curve.svg', ppoCurveSvg(history, title));
      hooks.onIteration?.(m);
    },
    onEvalEpisode: () => hooks.onEpisode?.(),
  });
  const agent = result.agent;
  try {
    saveCheckpoint(dir.path('policy.ckpt'), policyCheckpoint(agent), configFingerprint(config));
    const summary: PpoRunSummary = { ...runSummary(result.evaluation, result.summary.env_steps, result.summary.wall_s), backend: backendInfo()?.name ?? backend };
    dir.writeJson('summary.json', summary);
    if (config.output.gif_episodes > 0) {
      const env = await create(name, { ...envParams, render: true });
      try {
        const [height, width, channels] = env.spec.observation.shape;
        for (let j = 0; j < config.output.gif_episodes; j++) {
          const ep = await rollout(env, agent.meanPolicy(), evalEpisodeSeed(config.seed, j));
          const frames = ep.observations.map((data) => ({ data, height, width, channels }));
          dir.writeFile(`final-ep-${String(j).padStart(3, '0')}.gif`, encodeGif(frames, config.output.gif_scale, Math.round(1000 / config.output.gif_fps)));
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
