/**
 * `solar model`: collect random-policy rollouts (u ~ N(0, action_std²), clipped by the task),
 * train the structured latent model (or the VAE ablation), and write the run directory:
 * config.json, metrics.jsonl (losses averaged per logging interval), checkpoints/,
 * summary.json (held-out R² per state group, one-step error), reconstructions.png and
 * latent-map-<group>.svg. `resumeModelJob` continues from `checkpoints/latest.ckpt` (written
 * with every periodic checkpoint): the rollouts are regenerated from the seed, and training
 * goes on exactly as the uninterrupted run would (same minibatches, same ε).
 */
import { makeEnv } from '../envs/registry.js';
import type { Env } from '../envs/types.js';
import { collectRandomRollouts } from '../envs/rollout.js';
import { stateCostFn } from '../envs/state-cost.js';
import {
  evaluateLatents, getModelState, withoutAddedDefaults, sequencesFromEpisodes, setModelState, SolarModel, trainStep, type SequenceSet, type StepMetrics,
} from '../model/index.js';
import { backendInfo, initBackend } from '../nn/backend.js';
import { configFingerprint, loadCheckpoint, saveCheckpoint } from './checkpoint.js';
import type { ModelJobConfig } from '../config/model-config.js';
import { latentMapSvg, reconstructionStrip } from './model-pictures.js';
import type { RunDir } from './run-dir.js';
import { configRecord } from './version.js';
import { attachShardWorkers, defaultThreads } from './shard-pool.js';

export interface ModelJobHooks {
  onRollout?(): void;
  onStep?(m: StepMetrics): void;
  onLog?(line: Record<string, number>): void;
  /** Threads that train the model (default: the cores, at most model.batch_shards); no effect on the result. */
  threads?: number;
  /** The task, if not the registry's. */
  makeEnv?(name: string, params: Record<string, unknown>): Promise<Env>;
}

export interface ModelSummary {
  env: string;
  prior: 'lds' | 'normal';
  seed: number;
  r2: Record<string, number>;
  /** R² of each group's change per step from x_t (whether the latent holds the motion). */
  r2_change: Record<string, number>;
  r2_absent: string[];
  one_step_error: number;
  final: Record<string, number>;
  steps: number;
  env_steps: number;
  backend: string;
  wall_s: number;
  train_s: number;
}

export function modelFingerprint(config: ModelJobConfig): string {
  // What the checkpoint's contents depend on (not the output or step settings).
  return configFingerprint({ env: config.env, model: withoutAddedDefaults(config.model), seed: config.seed });
}

/** A fresh run. */
export async function runModelJob(config: ModelJobConfig, dir: RunDir, hooks: ModelJobHooks = {}): Promise<ModelSummary> {
  dir.writeJson('config.json', configRecord(config));
  return continueModelJob(config, dir, hooks, false);
}

/** Continues the run in `dir` from `checkpoints/latest.ckpt` (its config must be the one saved). */
export async function resumeModelJob(config: ModelJobConfig, dir: RunDir, hooks: ModelJobHooks = {}): Promise<ModelSummary> {
  return continueModelJob(config, dir, hooks, true);
}

interface JobMeta {
  wall_s: number;
  log_index: number;
}

async function continueModelJob(config: ModelJobConfig, dir: RunDir, hooks: ModelJobHooks, resume: boolean): Promise<ModelSummary> {
  const start = performance.now();
  const fp = modelFingerprint(config);
  // Read the checkpoint before any work: a missing or mismatched one is the user's first error.
  const ckpt = resume ? loadCheckpoint(dir.path('checkpoints/latest.ckpt'), fp) : null;
  await initBackend(config.backend);
  const { name, ...envParams } = config.env;
  const env = await (hooks.makeEnv ?? makeEnv)(name, { ...envParams, render: true });
  let train: SequenceSet, test: SequenceSet;
  const spec = env.spec;
  const shape = [...spec.observation.shape] as [number, number, number];
  try {
    const trEp = await collectRandomRollouts(env, config.seed, 'train', config.rollouts, config.action_std, hooks.onRollout);
    const teEp = await collectRandomRollouts(env, config.seed, 'test', config.eval_rollouts, config.action_std, hooks.onRollout);
    train = sequencesFromEpisodes(trEp, shape, spec.action.dim, stateCostFn(spec));
    test = sequencesFromEpisodes(teEp, shape, spec.action.dim, stateCostFn(spec));
  } finally {
    env.close();
  }
  const model = new SolarModel(config.model, { imageShape: shape, actionDim: spec.action.dim, length: train.length }, config.seed);
  attachShardWorkers(model, hooks.threads ?? defaultThreads(model.config), config.backend ?? 'wasm');
  const envSteps = config.rollouts * spec.horizon;
  const acc: Record<string, number> = {};
  let accN = 0, logIndex = 0, wallBefore = 0;
  let lastLog: Record<string, number> = {};
  if (ckpt) {
    const { job, ...meta } = ckpt.meta as { job: JobMeta };
    setModelState(model, { meta, arrays: ckpt.arrays });
    logIndex = job.log_index;
    wallBefore = job.wall_s;
    // Keep exactly the metrics lines of the steps the checkpoint holds (later ones will be redone).
    const kept = dir.readJsonl('metrics.jsonl').filter((l) => Number(l.step) <= model.step);
    dir.writeFile('metrics.jsonl', kept.map((l) => JSON.stringify(l) + '\n').join(''));
    lastLog = (kept.at(-1) as Record<string, number> | undefined) ?? {};
  }
  const wall = () => wallBefore + (performance.now() - start) / 1000;
  const trainStart = performance.now();
  const save = (label: string) => {
    const st = getModelState(model);
    saveCheckpoint(dir.path(`checkpoints/${label}.ckpt`), st, fp);
    const job: JobMeta = { wall_s: wall(), log_index: logIndex };
    saveCheckpoint(dir.path('checkpoints/latest.ckpt'), { meta: { ...st.meta, job }, arrays: st.arrays }, fp);
  };
  const { log_every, checkpoint_every } = config.output;
  for (let s = model.step; s < config.steps; s++) {
    const m = trainStep(model, train, (s + 1) % log_every === 0);
    hooks.onStep?.(m);
    for (const k of ['elbo', 'recon', 'kl', 'cost_ll', 'grad_norm'] as const) acc[k] = (acc[k] ?? 0) + m[k];
    accN++;
    if ((s + 1) % log_every === 0 || s + 1 === config.steps) {
      const line: Record<string, number> = { iteration: logIndex++, step: model.step, env_steps: envSteps };
      for (const [k, v] of Object.entries(acc)) line[k] = v / accN;
      line.kl_global = m.kl_global;
      line.beta = m.beta;
      line.rho = m.rho;
      line.wall_s = wall();
      if (!config.model.cost_head) delete line.cost_ll;
      dir.appendJsonl('metrics.jsonl', line);
      hooks.onLog?.(line);
      lastLog = line;
      for (const k of Object.keys(acc)) delete acc[k];
      accN = 0;
    }
    if (checkpoint_every > 0 && (s + 1) % checkpoint_every === 0) save(`step-${String(s + 1).padStart(6, '0')}`);
  }
  const trainS = (performance.now() - trainStart) / 1000;
  save('final');
  const ev = evaluateLatents(model, train, test, spec.stateGroups, spec.stateLabels);
  const L = model.shape.length;
  dir.writeFile('reconstructions.png', reconstructionStrip(model, test.sequences[0], config.output.strip_frames, config.output.strip_scale));
  for (const [group, preds] of Object.entries(ev.heldOut.predictions)) {
    dir.writeFile(`latent-map-${group}.svg`, latentMapSvg(group, ev.heldOut.targets[group].slice(0, L), preds.slice(0, L), ev.r2[group], `${name} ${config.model.prior}, seed ${config.seed}`));
  }
  const summary: ModelSummary = {
    env: name,
    prior: config.model.prior,
    seed: config.seed,
    r2: ev.r2,
    r2_change: ev.r2_change,
    r2_absent: ev.absent,
    one_step_error: ev.one_step_error,
    final: lastLog,
    steps: model.step,
    env_steps: envSteps,
    backend: backendInfo()?.name ?? 'unknown',
    wall_s: wall(),
    train_s: trainS,
  };
  dir.writeJson('summary.json', summary);
  model.dispose();
  return summary;
}
