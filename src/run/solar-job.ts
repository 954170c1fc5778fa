/**
 * `solar train --method solar`: pretrain the structured latent model on random rollouts, then
 * iterate the SOLAR agent (act on filtered latents, latent EM, cost fit, LQR-FLM). Writes
 * config.json, pretrain.jsonl, metrics.jsonl (a flushed line per iteration), a learning
 * curve, the policy per iteration, a GIF per iteration (camera | decoded filtered latent),
 * summary.json, and checkpoints: `pretrained.ckpt`, `latest.ckpt` (model + agent, after each
 * iteration) and `final.ckpt`. `resumeSolarJob` continues from `latest.ckpt`: every completed
 * iteration is kept, none is repeated.
 */
import { SolarAgent, type SolarAgentState, type SolarIterationMetrics } from '../agents/solar/agent.js';
import type { LatentEpisode } from '../agents/solar/act.js';
import { solarAgentConfig } from '../agents/solar/config.js';
import { StructuredLatentModel } from '../agents/solar/model-adapter.js';
import { makeEnv } from '../envs/registry.js';
import type { Env } from '../envs/types.js';
import { decodeLatents, getModelState, modelConfigSchema, sequencesFromEpisodes, setModelState, SolarModel, trainStep } from '../model/index.js';
import { backendInfo, initBackend } from '../nn/index.js';
import { configFingerprint, loadCheckpoint, saveCheckpoint, type Checkpoint, type StoredArray } from './checkpoint.js';
import { besideEachOther, encodeGif, type Image } from './images.js';
import { learningCurveSvg } from './plots.js';
import { collectRandomRollouts } from './model-job.js';
import type { RunDir } from './run-dir.js';
import { runSummary, type RunSummary } from './summary.js';
import type { TrainConfig } from './train-config.js';
import { packageVersion } from './version.js';

export interface SolarHooks {
  onPretrainStep?(step: number, total: number): void;
  onIteration?(m: SolarIterationMetrics): void;
  onEpisode?(): void;
  /** Something the user should know that does not stop the run (e.g. blank images). */
  onWarning?(message: string): void;
  /** The task, if not the registry's (tests inject fakes; a real robot plugs in here). */
  makeEnv?(name: string, params: Record<string, unknown>): Promise<Env>;
}

export type SolarSummary = RunSummary & {
  pretrain_env_steps: number;
  backend: string;
  /** Present only when something looked wrong (e.g. the images carry no information). */
  warnings?: string[];
};

/** Largest per-pixel variance over every frame: 0 when the camera shows nothing that changes. */
export function imageVariation(frames: readonly Float32Array[]): number {
  const n = frames.length, len = frames[0]?.length ?? 0;
  let worst = 0;
  for (let i = 0; i < len; i++) {
    let s = 0, s2 = 0;
    for (const f of frames) {
      s += f[i];
      s2 += f[i] * f[i];
    }
    worst = Math.max(worst, s2 / n - (s / n) ** 2);
  }
  return worst;
}

/** What a checkpoint must match: everything but the output settings and the iteration count. */
function fingerprint(config: TrainConfig): string {
  const { output: _o, agent, ...rest } = config;
  const { iterations: _i, eval_episodes: _e, ...agentRest } = agent;
  return configFingerprint({ ...rest, agent: agentRest });
}

function packCheckpoint(model: SolarModel, agent: SolarAgent | null, history: SolarIterationMetrics[], wall: number): Checkpoint {
  const ms = getModelState(model);
  const arrays: Record<string, StoredArray> = {};
  for (const [k, v] of Object.entries(ms.arrays)) arrays[`model/${k}`] = v;
  const as = agent?.getState() ?? null;
  if (as) for (const [k, v] of Object.entries(as.arrays)) arrays[`agent/${k}`] = v;
  return { meta: { model: ms.meta, agent: as?.meta ?? null, history, wall_s: wall }, arrays };
}

function unpack(ckpt: Checkpoint): { model: { meta: unknown; arrays: Record<string, StoredArray> }; agent: SolarAgentState | null; history: SolarIterationMetrics[]; wall: number } {
  const meta = ckpt.meta as { model: unknown; agent: SolarAgentState['meta'] | null; history: SolarIterationMetrics[]; wall_s: number };
  const model: Record<string, StoredArray> = {}, agent: Record<string, StoredArray> = {};
  for (const [k, v] of Object.entries(ckpt.arrays)) {
    if (k.startsWith('model/')) model[k.slice(6)] = v;
    else if (k.startsWith('agent/')) agent[k.slice(6)] = v;
  }
  return {
    model: { meta: meta.model, arrays: model },
    agent: meta.agent ? ({ meta: meta.agent, arrays: agent } as unknown as SolarAgentState) : null,
    history: meta.history,
    wall: meta.wall_s,
  };
}

async function iterationGif(model: SolarModel, env: Env, episodes: readonly LatentEpisode[], config: TrainConfig): Promise<Uint8Array> {
  const [height, width, channels] = env.spec.observation.shape;
  const frames: Image[] = [];
  for (const e of episodes) {
    const decoded = decodeLatents(model, e.filtered);
    const hwc = height * width * channels;
    for (let t = 0; t < e.filtered.length / model.latentDim; t++) {
      frames.push(besideEachOther([
        { data: e.frames[t], height, width, channels },
        { data: decoded.subarray(t * hwc, (t + 1) * hwc), height, width, channels },
      ]));
    }
  }
  return encodeGif(frames, config.output.gif_scale, Math.round(1000 / config.output.gif_fps));
}

function modelShape(env: Env) {
  return { imageShape: [...env.spec.observation.shape] as [number, number, number], actionDim: env.spec.action.dim, length: env.spec.horizon + 1 };
}

/** A fresh run: pretraining, then the iterations. */
export async function runSolarJob(config: TrainConfig, dir: RunDir, hooks: SolarHooks = {}): Promise<SolarSummary> {
  dir.writeJson('config.json', { ...config, version: packageVersion() });
  return continueSolarJob(config, dir, null, hooks);
}

/** Continues the run in `dir` from its latest checkpoint (or from scratch after pretraining if that was all it saved). */
export async function resumeSolarJob(config: TrainConfig, dir: RunDir, hooks: SolarHooks = {}): Promise<SolarSummary> {
  const ckpt = loadCheckpoint(dir.path('checkpoints/latest.ckpt'), fingerprint(config));
  return continueSolarJob(config, dir, ckpt, hooks);
}

async function continueSolarJob(config: TrainConfig, dir: RunDir, ckpt: Checkpoint | null, hooks: SolarHooks): Promise<SolarSummary> {
  const start = performance.now();
  const fp = fingerprint(config);
  const backend = await initBackend(config.backend ?? 'wasm');
  const { name, ...envParams } = config.env;
  const env = await (hooks.makeEnv ?? makeEnv)(name, { ...envParams, render: true });
  const agentConfig = solarAgentConfig.parse(config.agent);
  const pre = config.pretrain!;
  const pretrainSteps = pre.rollouts * env.spec.horizon;
  const model = new SolarModel(modelConfigSchema.parse(config.model), modelShape(env), config.seed);
  let history: SolarIterationMetrics[] = [];
  let wallBefore = 0;
  const warnings: string[] = [];
  const warn = (w: string) => {
    warnings.push(w);
    hooks.onWarning?.(w);
  };
  try {
    let agent: SolarAgent;
    if (ckpt) {
      const st = unpack(ckpt);
      setModelState(model, st.model);
      agent = new SolarAgent(env, new StructuredLatentModel(model), agentConfig, config.seed, pretrainSteps);
      if (st.agent) agent.setState(st.agent);
      history = st.history.filter((m) => m.iteration < agent.iteration);
      wallBefore = st.wall;
      // The metrics file holds exactly the checkpointed iterations (a line written after the
      // last checkpoint belongs to an iteration that will run again).
      dir.writeFile('metrics.jsonl', history.map((m) => JSON.stringify(m) + '\n').join(''));
    } else {
      const episodes = await collectRandomRollouts(env, config.seed, 'train', pre.rollouts, pre.action_std, hooks.onEpisode);
      const data = sequencesFromEpisodes(episodes, modelShape(env).imageShape, env.spec.action.dim);
      if (imageVariation(episodes.flatMap((e) => e.observations)) < 1e-10) {
        warn('the camera images never change (blank?): the model cannot learn a state from them, and the agent acts on noise');
      }
      let lastKl = Number.NaN;
      for (let s = 0; s < pre.steps; s++) {
        const m = trainStep(model, data, (s + 1) % pre.log_every === 0);
        lastKl = m.kl;
        hooks.onPretrainStep?.(s + 1, pre.steps);
        if ((s + 1) % pre.log_every === 0 || s + 1 === pre.steps) {
          dir.appendJsonl('pretrain.jsonl', { step: m.step, elbo: m.elbo, recon: m.recon, kl: m.kl, kl_global: m.kl_global, beta: m.beta, wall_s: (performance.now() - start) / 1000 });
        }
      }
      // KL(q(x) ‖ p̄(x)) per frame ≈ 0: the encoder's potentials say nothing about the images.
      const klPerFrame = lastKl / (env.spec.horizon + 1);
      if (pre.steps > 0 && klPerFrame < 0.01) warn(`the model learned nothing: its latent posterior equals the prior (KL ${klPerFrame.toExponential(2)} nats per frame)`);
      saveCheckpoint(dir.path('checkpoints/pretrained.ckpt'), packCheckpoint(model, null, [], 0), fp);
      agent = new SolarAgent(env, new StructuredLatentModel(model), agentConfig, config.seed, pretrainSteps);
      saveCheckpoint(dir.path('checkpoints/latest.ckpt'), packCheckpoint(model, agent, [], (performance.now() - start) / 1000), fp);
    }
    const wall = () => wallBefore + (performance.now() - start) / 1000;
    while (agent.iteration < agentConfig.iterations) {
      const shown: LatentEpisode[] = [];
      let m: SolarIterationMetrics;
      try {
        m = await agent.iterate((e) => {
          if (shown.length < config.output.gif_episodes) shown.push(e);
          hooks.onEpisode?.();
        });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        dir.writeJson('error.json', { iteration: agent.iteration, message, wall_s: wall() });
        throw new Error(
          `solar stopped in iteration ${agent.iteration}: ${message}\n` +
            `${dir.display()} keeps the ${agent.iteration} completed iteration(s) and checkpoints/latest.ckpt; ` +
            `once the cause is fixed, continue with: solar train --resume ${dir.display()}`,
        );
      }
      m.wall_s = wall();
      history.push(m);
      const tag = String(m.iteration).padStart(3, '0');
      const p = agent.policy;
      saveCheckpoint(dir.path(`policies/iter-${tag}.ckpt`), { meta: { iteration: m.iteration, T: p.T, dx: p.dx, du: p.du }, arrays: { K: p.K, k: p.k, S: p.S } }, fp);
      if (shown.length > 0) dir.writeFile(`rollouts/iter-${tag}.gif`, await iterationGif(model, env, shown, config));
      saveCheckpoint(dir.path('checkpoints/latest.ckpt'), packCheckpoint(model, agent, history, wall()), fp);
      dir.appendJsonl('metrics.jsonl', m);
      dir.writeFile('learning-curve.svg', learningCurveSvg(history, `solar on ${name} (pixels), seed ${config.seed}`));
      hooks.onIteration?.(m);
    }
    const evals = await agent.evaluate(agentConfig.eval_episodes, () => hooks.onEpisode?.());
    saveCheckpoint(dir.path('checkpoints/final.ckpt'), packCheckpoint(model, agent, history, wall()), fp);
    const summary: SolarSummary = {
      ...runSummary(evals, agent.envSteps, wall()),
      pretrain_env_steps: pretrainSteps,
      backend: backendInfo()?.name ?? backend,
    };
    if (warnings.length > 0) summary.warnings = warnings;
    dir.writeJson('summary.json', summary);
    return summary;
  } finally {
    env.close();
    model.dispose();
  }
}
