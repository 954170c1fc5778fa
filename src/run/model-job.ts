/**
 * `solar model`: collect random-policy rollouts (u ~ N(0, action_std²), clipped by the task),
 * train the structured latent model (or the VAE ablation), and write the run directory:
 * config.json, metrics.jsonl (losses averaged per logging interval), checkpoints/,
 * summary.json (held-out R² per state group, one-step error), reconstructions.png and
 * latent-map-<group>.svg.
 */
import { makeEnv } from '../envs/registry.js';
import { rollout, type Episode } from '../envs/rollout.js';
import type { Env } from '../envs/types.js';
import {
  evaluateLatents, getModelState, sequencesFromEpisodes, SolarModel, trainStep, type SequenceSet, type StepMetrics,
} from '../model/index.js';
import { backendInfo, initBackend } from '../nn/backend.js';
import { deriveSeed, Rng } from '../random/rng.js';
import { configFingerprint, saveCheckpoint } from './checkpoint.js';
import type { ModelJobConfig } from './model-config.js';
import { latentMapSvg, reconstructionStrip } from './model-pictures.js';
import type { RunDir } from './run-dir.js';
import { packageVersion } from './version.js';

export interface ModelJobHooks {
  onRollout?(): void;
  onStep?(m: StepMetrics): void;
  onLog?(line: Record<string, number>): void;
}

export interface ModelSummary {
  env: string;
  prior: 'lds' | 'normal';
  seed: number;
  r2: Record<string, number>;
  r2_absent: string[];
  one_step_error: number;
  final: Record<string, number>;
  steps: number;
  env_steps: number;
  backend: string;
  wall_s: number;
  train_s: number;
}

/** Episode seeds: training episodes and held-out episodes never share one. */
export function episodeSeed(seed: number, split: 'train' | 'test', i: number): number {
  return deriveSeed(seed, (split === 'train' ? 1_000_000 : 2_000_000) + i);
}

export async function collectRandomRollouts(env: Env, seed: number, split: 'train' | 'test', n: number, std: number, onEpisode?: () => void): Promise<Episode[]> {
  const out: Episode[] = [];
  const da = env.spec.action.dim;
  for (let i = 0; i < n; i++) {
    const epSeed = episodeSeed(seed, split, i);
    const rng = new Rng(deriveSeed(epSeed, 7));
    out.push(await rollout(env, () => Array.from({ length: da }, () => std * rng.normal()), epSeed));
    onEpisode?.();
  }
  return out;
}

export function modelFingerprint(config: ModelJobConfig): string {
  // What the checkpoint's contents depend on (not the output or step settings).
  return configFingerprint({ env: config.env, model: config.model, seed: config.seed });
}

export async function runModelJob(config: ModelJobConfig, dir: RunDir, hooks: ModelJobHooks = {}): Promise<ModelSummary> {
  const start = performance.now();
  dir.writeJson('config.json', { ...config, version: packageVersion() });
  await initBackend(config.backend);
  const { name, ...envParams } = config.env;
  const env = await makeEnv(name, { ...envParams, render: true });
  let train: SequenceSet, test: SequenceSet;
  const spec = env.spec;
  const shape = [...spec.observation.shape] as [number, number, number];
  try {
    const trEp = await collectRandomRollouts(env, config.seed, 'train', config.rollouts, config.action_std, hooks.onRollout);
    const teEp = await collectRandomRollouts(env, config.seed, 'test', config.eval_rollouts, config.action_std, hooks.onRollout);
    train = sequencesFromEpisodes(trEp, shape, spec.action.dim);
    test = sequencesFromEpisodes(teEp, shape, spec.action.dim);
  } finally {
    env.close();
  }
  const model = new SolarModel(config.model, { imageShape: shape, actionDim: spec.action.dim, length: train.length }, config.seed);
  const fp = modelFingerprint(config);
  const envSteps = config.rollouts * spec.horizon;
  const trainStart = performance.now();
  const acc: Record<string, number> = {};
  let accN = 0, logIndex = 0;
  let lastLog: Record<string, number> = {};
  const save = (label: string) => {
    const st = getModelState(model);
    saveCheckpoint(dir.path(`checkpoints/${label}.ckpt`), st, fp);
  };
  const { log_every, checkpoint_every } = config.output;
  for (let s = 0; s < config.steps; s++) {
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
      line.wall_s = (performance.now() - start) / 1000;
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
    r2_absent: ev.absent,
    one_step_error: ev.one_step_error,
    final: lastLog,
    steps: model.step,
    env_steps: envSteps,
    backend: backendInfo()?.name ?? 'unknown',
    wall_s: (performance.now() - start) / 1000,
    train_s: trainS,
  };
  dir.writeJson('summary.json', summary);
  model.dispose();
  return summary;
}
