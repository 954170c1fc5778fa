/**
 * `solar train --method mpc`: the MPC ablation. Pretrains SOLAR's structured model
 * (model.prior = 'lds') on random rollouts exactly as the SOLAR job does, freezes it, and
 * iterates the MPC agent (forward model + quadratic latent cost refitted on all data, CEM
 * re-planning every step from the encoder mean). Writes config.json, pretrain.jsonl,
 * metrics.jsonl, learning-curve.svg, rollouts/iter-NNN.gif (camera | image decoded from the
 * encoder mean), summary.json and checkpoints/{pretrained,latest,final}.ckpt;
 * `resumeMpcJob` continues from latest.ckpt.
 */
import { MpcAgent, type MpcAgentState, type MpcIterationMetrics } from '../agents/mpc/agent.js';
import { mpcAgentConfig } from '../agents/mpc/config.js';
import { encodeEpisodes, ModelEncoder, type EncodedEpisode } from '../agents/vae/encoder.js';
import { makeEnv } from '../envs/registry.js';
import { getModelState, modelConfigSchema, setModelState, SolarModel } from '../model/index.js';
import { backendInfo, initBackend } from '../nn/index.js';
import { loadCheckpoint, saveCheckpoint, type Checkpoint, type StoredArray } from './checkpoint.js';
import { learningCurveSvg } from './plots.js';
import type { RunDir } from './run-dir.js';
import { runSummary } from './summary.js';
import type { TrainConfig } from './train-config.js';
import { ablationFingerprint, latentGif, modelShapeOf, pretrainLatentModel, type AblationHooks, type AblationSummary } from './vae-job.js';
import { packageVersion } from './version.js';

function pack(model: SolarModel, agent: MpcAgent | null, history: MpcIterationMetrics[], wall: number): Checkpoint {
  const ms = getModelState(model);
  const arrays: Record<string, StoredArray> = {};
  for (const [k, v] of Object.entries(ms.arrays)) arrays[`model/${k}`] = v;
  const as = agent?.getState() ?? null;
  if (as) for (const [k, v] of Object.entries(as.arrays)) arrays[`agent/${k}`] = v;
  return { meta: { model: ms.meta, agent: as?.meta ?? null, history, wall_s: wall }, arrays };
}

function unpack(ckpt: Checkpoint) {
  const meta = ckpt.meta as { model: unknown; agent: MpcAgentState['meta'] | null; history: MpcIterationMetrics[]; wall_s: number };
  const model: Record<string, StoredArray> = {}, agent: Record<string, StoredArray> = {};
  for (const [k, v] of Object.entries(ckpt.arrays)) {
    if (k.startsWith('model/')) model[k.slice(6)] = v;
    else if (k.startsWith('agent/')) agent[k.slice(6)] = v;
  }
  return {
    model: { meta: meta.model, arrays: model } as Parameters<typeof setModelState>[1],
    agent: meta.agent ? ({ meta: meta.agent, arrays: agent } as unknown as MpcAgentState) : null,
    history: meta.history,
    wall: meta.wall_s,
  };
}

export async function runMpcJob(config: TrainConfig, dir: RunDir, hooks: AblationHooks = {}): Promise<AblationSummary> {
  dir.writeJson('config.json', { ...config, version: packageVersion() });
  return continueMpcJob(config, dir, null, hooks);
}

export async function resumeMpcJob(config: TrainConfig, dir: RunDir, hooks: AblationHooks = {}): Promise<AblationSummary> {
  return continueMpcJob(config, dir, loadCheckpoint(dir.path('checkpoints/latest.ckpt'), ablationFingerprint(config)), hooks);
}

async function continueMpcJob(config: TrainConfig, dir: RunDir, ckpt: Checkpoint | null, hooks: AblationHooks): Promise<AblationSummary> {
  const start = performance.now();
  const fp = ablationFingerprint(config);
  const backend = await initBackend(config.backend ?? 'wasm');
  const { name, ...envParams } = config.env;
  const env = await (hooks.makeEnv ?? makeEnv)(name, { ...envParams, render: true });
  const agentConfig = mpcAgentConfig.parse(config.agent);
  const modelConfig = modelConfigSchema.parse(config.model);
  const pretrainSteps = config.pretrain!.rollouts * env.spec.horizon;
  const model = new SolarModel(modelConfig, modelShapeOf(env), config.seed);
  const encoder = new ModelEncoder(model);
  let agent: MpcAgent | null = null;
  let history: MpcIterationMetrics[] = [];
  let wallBefore = 0;
  const warnings: string[] = [];
  const warn = (w: string) => {
    warnings.push(w);
    hooks.onWarning?.(w);
  };
  try {
    if (ckpt) {
      const st = unpack(ckpt);
      setModelState(model, st.model);
      agent = new MpcAgent(env, encoder, agentConfig, config.seed, pretrainSteps);
      if (!st.agent) throw new Error(`${dir.display()}/checkpoints/latest.ckpt holds no MPC agent state`);
      agent.setState(st.agent);
      history = st.history.filter((m) => m.iteration < agent!.iteration);
      wallBefore = st.wall;
      dir.writeFile('metrics.jsonl', history.map((m) => JSON.stringify(m) + '\n').join(''));
    } else {
      const episodes = await pretrainLatentModel(env, model, config, dir, hooks, warn, start);
      saveCheckpoint(dir.path('checkpoints/pretrained.ckpt'), pack(model, null, [], 0), fp);
      const batch = await encodeEpisodes(env, encoder, episodes);
      agent = new MpcAgent(env, encoder, agentConfig, config.seed, pretrainSteps, { batch, success: episodes.map((e) => e.success) });
      saveCheckpoint(dir.path('checkpoints/latest.ckpt'), pack(model, agent, [], (performance.now() - start) / 1000), fp);
    }
    const wall = () => wallBefore + (performance.now() - start) / 1000;
    while (agent.iteration < agentConfig.iterations) {
      const shown: EncodedEpisode[] = [];
      let m: MpcIterationMetrics;
      try {
        m = await agent.iterate((e) => {
          if (shown.length < config.output.gif_episodes) shown.push(e);
          hooks.onEpisode?.();
        });
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        dir.writeJson('error.json', { iteration: agent.iteration, message, wall_s: wall() });
        throw new Error(
          `mpc stopped in iteration ${agent.iteration}: ${message}\n` +
            `${dir.display()} keeps the ${agent.iteration} completed iteration(s) and checkpoints/latest.ckpt; ` +
            `once the cause is fixed, continue with: solar train --resume ${dir.display()}`,
        );
      }
      m.wall_s = wall();
      history.push(m);
      const tag = String(m.iteration).padStart(3, '0');
      if (shown.length > 0) dir.writeFile(`rollouts/iter-${tag}.gif`, await latentGif(model, env, shown, config));
      saveCheckpoint(dir.path('checkpoints/latest.ckpt'), pack(model, agent, history, wall()), fp);
      dir.appendJsonl('metrics.jsonl', m);
      dir.writeFile('learning-curve.svg', learningCurveSvg(history, `mpc on ${name} (pixels), seed ${config.seed}`));
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
    agent?.dispose();
    model.dispose();
  }
}
