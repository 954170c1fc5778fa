/**
 * `solar train --method vae`: the VAE ablation. Pretrains the model with the N(0, I) prior per
 * frame (model.prior = 'normal') on random rollouts, exactly as the SOLAR job pretrains its
 * structured model, then iterates the VAE agent (LQR-FLM on encoder means, local dynamics
 * under a GMM prior over every transition seen). Writes the same files as the SOLAR job:
 * config.json, pretrain.jsonl, metrics.jsonl, learning-curve.svg, policies/iter-NNN.ckpt,
 * rollouts/iter-NNN.gif (camera | image decoded from the encoder mean), summary.json and
 * checkpoints/{pretrained,latest,final}.ckpt; `resumeVaeJob` continues from latest.ckpt.
 *
 * `pretrainLatentModel` is shared with the MPC ablation's job.
 */
import { VaeAgent, type VaeAgentState, type VaeIterationMetrics } from '../agents/vae/agent.js';
import { vaeAgentConfig } from '../agents/vae/config.js';
import { encodeEpisodes, ModelEncoder, type EncodedEpisode } from '../agents/vae/encoder.js';
import { makeEnv } from '../envs/registry.js';
import type { Episode } from '../envs/rollout.js';
import type { Env } from '../envs/types.js';
import { decodeLatents, getModelState, modelConfigSchema, sequencesFromEpisodes, setModelState, SolarModel, trainStep } from '../model/index.js';
import { backendInfo, initBackend } from '../nn/index.js';
import { configFingerprint, loadCheckpoint, saveCheckpoint, type Checkpoint, type StoredArray } from './checkpoint.js';
import { besideEachOther, encodeGif, type Image } from './images.js';
import { collectRandomRollouts } from './model-job.js';
import { learningCurveSvg } from './plots.js';
import type { RunDir } from './run-dir.js';
import { imageVariation, type SolarHooks } from './solar-job.js';
import { runSummary, type RunSummary } from './summary.js';
import type { TrainConfig } from './train-config.js';
import { packageVersion } from './version.js';

/** The hooks of every train job; the iteration report carries at least these fields. */
export type AblationHooks = Omit<SolarHooks, 'onIteration'> & {
  onIteration?(m: { iteration: number; mean_final_distance: number; mean_cost: number }): void;
};

export type AblationSummary = RunSummary & { pretrain_env_steps: number; backend: string; warnings?: string[] };

/** What a checkpoint must match: everything but the output settings, the iteration and evaluation counts. */
export function ablationFingerprint(config: TrainConfig): string {
  const { output: _o, agent, ...rest } = config;
  const { iterations: _i, eval_episodes: _e, ...agentRest } = agent;
  return configFingerprint({ ...rest, agent: agentRest });
}

export function modelShapeOf(env: Env) {
  return { imageShape: [...env.spec.observation.shape] as [number, number, number], actionDim: env.spec.action.dim, length: env.spec.horizon + 1 };
}

/**
 * Collects `pretrain.rollouts` random rollouts u ~ N(0, action_std²) and trains the model for
 * `pretrain.steps` steps (the SOLAR job's pretraining: same episodes, same steps), logging to
 * pretrain.jsonl and warning about blank images or a model that learned nothing.
 */
export async function pretrainLatentModel(
  env: Env, model: SolarModel, config: TrainConfig, dir: RunDir, hooks: AblationHooks, warn: (w: string) => void, start: number,
): Promise<Episode[]> {
  const pre = config.pretrain;
  if (!pre) throw new Error(`${config.method} needs pretrain settings`);
  const episodes = await collectRandomRollouts(env, config.seed, 'train', pre.rollouts, pre.action_std, hooks.onEpisode);
  const data = sequencesFromEpisodes(episodes, modelShapeOf(env).imageShape, env.spec.action.dim);
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
  const klPerFrame = lastKl / (env.spec.horizon + 1);
  if (pre.steps > 0 && klPerFrame < 0.01) warn(`the model learned nothing: its latent posterior equals the prior (KL ${klPerFrame.toExponential(2)} nats per frame)`);
  return episodes;
}

/** A GIF of episodes: the camera image beside the image decoded from the latent the agent acted on. */
export async function latentGif(model: SolarModel, env: Env, episodes: readonly EncodedEpisode[], config: TrainConfig): Promise<Uint8Array> {
  const [height, width, channels] = env.spec.observation.shape;
  const hwc = height * width * channels;
  const frames: Image[] = [];
  for (const e of episodes) {
    const decoded = decodeLatents(model, e.latents);
    for (let t = 0; t < e.frames.length; t++) {
      frames.push(besideEachOther([
        { data: e.frames[t], height, width, channels },
        { data: decoded.subarray(t * hwc, (t + 1) * hwc), height, width, channels },
      ]));
    }
  }
  return encodeGif(frames, config.output.gif_scale, Math.round(1000 / config.output.gif_fps));
}

function pack(model: SolarModel, agent: VaeAgent | null, history: VaeIterationMetrics[], wall: number): Checkpoint {
  const ms = getModelState(model);
  const arrays: Record<string, StoredArray> = {};
  for (const [k, v] of Object.entries(ms.arrays)) arrays[`model/${k}`] = v;
  const as = agent?.getState() ?? null;
  if (as) for (const [k, v] of Object.entries(as.arrays)) arrays[`agent/${k}`] = v;
  return { meta: { model: ms.meta, agent: as?.meta ?? null, history, wall_s: wall }, arrays };
}

function unpack(ckpt: Checkpoint) {
  const meta = ckpt.meta as { model: unknown; agent: VaeAgentState['meta'] | null; history: VaeIterationMetrics[]; wall_s: number };
  const model: Record<string, StoredArray> = {}, agent: Record<string, StoredArray> = {};
  for (const [k, v] of Object.entries(ckpt.arrays)) {
    if (k.startsWith('model/')) model[k.slice(6)] = v;
    else if (k.startsWith('agent/')) agent[k.slice(6)] = v;
  }
  return {
    model: { meta: meta.model, arrays: model } as Parameters<typeof setModelState>[1],
    agent: meta.agent ? ({ meta: meta.agent, arrays: agent } as unknown as VaeAgentState) : null,
    history: meta.history,
    wall: meta.wall_s,
  };
}

export async function runVaeJob(config: TrainConfig, dir: RunDir, hooks: AblationHooks = {}): Promise<AblationSummary> {
  dir.writeJson('config.json', { ...config, version: packageVersion() });
  return continueVaeJob(config, dir, null, hooks);
}

export async function resumeVaeJob(config: TrainConfig, dir: RunDir, hooks: AblationHooks = {}): Promise<AblationSummary> {
  return continueVaeJob(config, dir, loadCheckpoint(dir.path('checkpoints/latest.ckpt'), ablationFingerprint(config)), hooks);
}

async function continueVaeJob(config: TrainConfig, dir: RunDir, ckpt: Checkpoint | null, hooks: AblationHooks): Promise<AblationSummary> {
  const start = performance.now();
  const fp = ablationFingerprint(config);
  const backend = await initBackend(config.backend ?? 'wasm');
  const { name, ...envParams } = config.env;
  const env = await (hooks.makeEnv ?? makeEnv)(name, { ...envParams, render: true });
  const agentConfig = vaeAgentConfig.parse(config.agent);
  const modelConfig = modelConfigSchema.parse(config.model);
  if (modelConfig.prior !== 'normal') throw new Error(`the VAE ablation needs model.prior = 'normal' (N(0, I) per frame), got '${modelConfig.prior}'`);
  const pretrainSteps = config.pretrain!.rollouts * env.spec.horizon;
  const model = new SolarModel(modelConfig, modelShapeOf(env), config.seed);
  const encoder = new ModelEncoder(model);
  let history: VaeIterationMetrics[] = [];
  let wallBefore = 0;
  const warnings: string[] = [];
  const warn = (w: string) => {
    warnings.push(w);
    hooks.onWarning?.(w);
  };
  try {
    let agent: VaeAgent;
    if (ckpt) {
      const st = unpack(ckpt);
      setModelState(model, st.model);
      agent = new VaeAgent(env, encoder, agentConfig, config.seed, pretrainSteps);
      if (st.agent) agent.setState(st.agent);
      history = st.history.filter((m) => m.iteration < agent.iteration);
      wallBefore = st.wall;
      dir.writeFile('metrics.jsonl', history.map((m) => JSON.stringify(m) + '\n').join(''));
    } else {
      const episodes = await pretrainLatentModel(env, model, config, dir, hooks, warn, start);
      saveCheckpoint(dir.path('checkpoints/pretrained.ckpt'), pack(model, null, [], 0), fp);
      const data = await encodeEpisodes(env, encoder, episodes);
      agent = new VaeAgent(env, encoder, agentConfig, config.seed, pretrainSteps, data);
      saveCheckpoint(dir.path('checkpoints/latest.ckpt'), pack(model, agent, [], (performance.now() - start) / 1000), fp);
    }
    const wall = () => wallBefore + (performance.now() - start) / 1000;
    while (agent.iteration < agentConfig.iterations) {
      const shown: EncodedEpisode[] = [];
      let m: VaeIterationMetrics;
      try {
        m = await agent.iterate((e) => {
          if (shown.length < config.output.gif_episodes) shown.push(e);
          hooks.onEpisode?.();
        });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        dir.writeJson('error.json', { iteration: agent.iteration, message, wall_s: wall() });
        throw new Error(
          `vae stopped in iteration ${agent.iteration}: ${message}\n` +
            `${dir.display()} keeps the ${agent.iteration} completed iteration(s) and checkpoints/latest.ckpt; ` +
            `once the cause is fixed, continue with: solar train --resume ${dir.display()}`,
        );
      }
      m.wall_s = wall();
      history.push(m);
      const tag = String(m.iteration).padStart(3, '0');
      const p = agent.policy;
      saveCheckpoint(dir.path(`policies/iter-${tag}.ckpt`), { meta: { iteration: m.iteration, T: p.T, dx: p.dx, du: p.du }, arrays: { K: p.K, k: p.k, S: p.S } }, fp);
      if (shown.length > 0) dir.writeFile(`rollouts/iter-${tag}.gif`, await latentGif(model, env, shown, config));
      saveCheckpoint(dir.path('checkpoints/latest.ckpt'), pack(model, agent, history, wall()), fp);
      dir.appendJsonl('metrics.jsonl', m);
      dir.writeFile('learning-curve.svg', learningCurveSvg(history, `vae on ${name} (pixels), seed ${config.seed}`));
      hooks.onIteration?.(m);
    }
    const evals = await agent.evaluate(agentConfig.eval_episodes, () => hooks.onEpisode?.());
    saveCheckpoint(dir.path('checkpoints/final.ckpt'), pack(model, agent, history, wall()), fp);
    const summary: AblationSummary = { ...runSummary(evals, agent.envSteps, wall()), pretrain_env_steps: pretrainSteps, backend: backendInfo()?.name ?? backend };
    if (warnings.length > 0) summary.warnings = warnings;
    dir.writeJson('summary.json', summary);
    return summary;
  } finally {
    env.close();
    model.dispose();
  }
}
