/**
 * The job every latent agent runs (`solar train --method solar | vae | mpc`): pretrain the
 * latent model on random rollouts, build the method's agent on it, then iterate. Writes
 * config.json, pretrain.jsonl, metrics.jsonl (a flushed line per iteration), a learning
 * curve, the policy per iteration (agents with a linear-Gaussian policy), a GIF per
 * iteration (camera | decoded latent), summary.json, and checkpoints: `pretraining.ckpt`
 * (the model mid-pretraining, every PRETRAIN_CHECKPOINT_EVERY steps; removed once
 * `latest.ckpt` exists), `pretrained.ckpt` (its last step), `latest.ckpt` (model + agent,
 * after each iteration) and `final.ckpt`. A resume continues from `latest.ckpt`, else from
 * `pretrained.ckpt`, else `pretraining.ckpt`: every completed iteration is kept, none is
 * repeated, and pretraining goes on from its last saved step exactly as it would have. A stop request (`hooks.signal`)
 * is noticed at the next pretraining step or episode, after saving what it can.
 *
 * A method is a `LatentMethod`: its agent config, a check of the model config, how its agent
 * is built on the pretrained model, and which latents its GIF decodes.
 */
import { existsSync, rmSync } from 'node:fs';
import type { IterationProgress } from '../agents/core/iteration.js';
import { withoutAddedAgentDefaults } from '../agents/core/config-fields.js';
import type { LinearGaussianPolicy } from '../control/index.js';
import { makeEnv } from '../envs/registry.js';
import type { EpisodeOutcome } from '../envs/rollout.js';
import type { Env, EnvSpec } from '../envs/types.js';
import { getModelState, modelConfigSchema, setModelState, SolarModel, withoutAddedDefaults, type ModelConfig } from '../model/index.js';
import { backendInfo, initBackend } from '../nn/index.js';
import { configFingerprint, loadCheckpoint, saveCheckpoint, type Checkpoint, type StoredArray } from './checkpoint.js';
import { configDifferences } from '../config/config-diff.js';
import { collectPretraining, latentGif, modelShapeOf, pretrainLatentModel, scorePretrained, type LatentFilm, type PretrainedScore, type Pretraining, type PretrainLogLine } from './latent-pretrain.js';
import { recordingEnv, type RecordingEnv, type StepRecord } from './video.js';
import { RunInterrupted, yieldToEvents } from './interrupt.js';
import type { PretrainProgress } from './latent-pretrain.js';
import { curveReferences, learningCurveSvg, type CurveReferences } from './plots.js';
import type { RunDir } from './run-dir.js';
import { runSummary, type RunSummary } from './summary.js';
import { readSavedConfig } from './saved-config.js';
import { withNewDefaults, type TrainConfig } from '../config/train-config.js';
import { configRecord } from './version.js';
import { attachShardWorkers, defaultThreads } from './shard-pool.js';
import { checkLabels, jobLabeller, type LabelSource } from './labels.js';
import { LiveFilm } from './live-film.js';
import type { SuccessLabeller, SuccessLabels } from '../agents/core/success-labels.js';

/** What every iteration reports at least (the learning curve and the CLI read these); the job sets wall_s. */
export type IterationReport = IterationProgress & { wall_s: number };
/** The agent settings the job itself reads. */
export type LoopConfig = { iterations: number; eval_episodes: number };
/** An episode the GIF can show: its camera images o_0..o_T (and its reset seed, which finds its recorded steps). */
export type Filmed = { frames: Float32Array[]; seed: number };

/** The hooks of every latent-agent job; `onIteration` receives the method's iteration metrics M. */
export interface LatentJobHooks<M = Pick<IterationProgress, 'iteration' | 'mean_final_distance' | 'mean_cost'>> {
  onPretrainStep?(step: number, total: number): void;
  /** Every `pretrain.log_every` steps: the line pretrain.jsonl gets. */
  onPretrainLog?(line: PretrainLogLine, total: number): void;
  onIteration?(m: M): void;
  onEpisode?(): void;
  /** Something the user should know that does not stop the run (e.g. blank images). */
  onWarning?(message: string): void;
  /**
   * Asks the run to stop (Ctrl-C): it saves what it can at the next pretraining step or
   * episode and rejects with RunInterrupted, whose `saved` says what a resume starts from.
   */
  signal?: AbortSignal;
  /** The task, if not the registry's (tests inject fakes; a real robot plugs in here). */
  makeEnv?(name: string, params: Record<string, unknown>): Promise<Env>;
  /**
   * A fresh run starts from this run's `checkpoints/pretrained.ckpt` instead of pretraining
   * (same task, model, pretraining settings, seed and backend, so the same model pretraining
   * would give): agent settings can be tried without paying for pretraining again.
   */
  pretrainedFrom?: RunDir;
  /**
   * Threads that train the model (its minibatch shards run on threads − 1 workers besides
   * this one); default: the cores, at most `model.batch_shards`. The result does not depend
   * on it (model/shards.ts), only the wall time.
   */
  threads?: number;
  /** agent.labels 'human': the person who labels each iteration's rollouts (the page or the terminal). */
  labelSource?: LabelSource;
}

export type LatentJobSummary = RunSummary & {
  pretrain_env_steps: number;
  backend: string;
  /** Threads that trained the model (no effect on the result). */
  threads: number;
  /** wasm: which build of solar's SIMD kernels ran ('relaxed' FMA or 'simd'; their floats differ), or 'none'. */
  simd_kernels?: 'relaxed' | 'simd' | 'none';
  /** Present only when something looked wrong (e.g. the images carry no information). */
  warnings?: string[];
  /** The run whose pretrained model this run started from (its pretraining time is in wall_s). */
  pretrained_from?: string;
  /** How well the pretrained model encodes the true state (also in pretrained-model.json). */
  pretrained_model?: PretrainedScore;
  /** agent.keep_best: the evaluated policy is the one rolled out at this iteration, not the last update's. */
  policy_from_iteration?: number;
};

/** An agent's checkpointable state: `meta` as JSON, `arrays` of typed arrays (stored under `agent/`). */
export interface AgentState {
  meta: unknown;
  arrays: object;
}

/** What the job needs of an agent (SolarAgent, VaeAgent and MpcAgent all are one). */
export interface LatentAgent<M extends IterationReport, E, S extends AgentState> {
  /** Next iteration to run (0-based). */
  readonly iteration: number;
  readonly envSteps: number;
  /** The time-varying linear-Gaussian policy, saved per iteration; absent for MPC (it plans). */
  readonly policy?: LinearGaussianPolicy;
  /** The iteration whose rollouts chose the evaluated policy, when it is not the last update's (agent.keep_best). */
  readonly evaluatedIteration?: number;
  /** Sparse tasks: who labels the training rollouts (SOLAR and the VAE ablation; the job sets it). */
  labeller?: SuccessLabeller | null;
  iterate(onEpisode?: (e: E) => void): Promise<M>;
  evaluate(episodes: number, onEpisode?: (e: E) => void): Promise<EpisodeOutcome[]>;
  getState(): S;
  setState(st: S): void;
  dispose?(): void;
}

/** What differs between SOLAR and its ablations as far as the job is concerned. */
export interface LatentMethod<C extends LoopConfig, M extends IterationReport, E extends Filmed, S extends AgentState> {
  /** As in `--method`: names the method in messages and the learning curve. */
  name: string;
  agentConfig: { parse(agent: unknown): C };
  /**
   * Throws when the settings do not suit the method or each other (e.g. the VAE needs the N(0, I)
   * prior); called before pretraining, so a bad combination costs seconds, not the pretraining.
   */
  checkSettings?(agent: C, model: ModelConfig, task: EnvSpec): void;
  /**
   * The agent on the model; `pretraining`: the random rollouts of a fresh run (on resume null,
   * unless `pretrainingOnResume` asks for them to be re-collected).
   */
  newAgent(env: Env, model: SolarModel, config: C, seed: number, pretrainSteps: number, pretraining: Pretraining | null): LatentAgent<M, E, S> | Promise<LatentAgent<M, E, S>>;
  /** Whether a resumed agent needs the pretraining rollouts again (e.g. to refine the model on them). */
  pretrainingOnResume?(config: C): boolean;
  /** A checkpoint without agent state cannot resume (else the agent starts afresh). */
  needsAgentState?: boolean;
  /** The latents the GIF decodes beside the camera images. */
  gifLatents(e: E): Float64Array;
}

/** What a checkpoint must match: everything but the output settings, the iteration and evaluation counts. */
export function fingerprint(config: TrainConfig): string {
  const { output: _o, agent, ...rest } = config;
  const { iterations: _i, eval_episodes: _e, ...agentRest } = agent;
  return configFingerprint({ ...rest, model: rest.model && withoutAddedDefaults(rest.model), agent: withoutAddedAgentDefaults(agentRest) });
}

/** What a checkpoint's meta holds besides the model, agent and history. */
interface PackExtra {
  /** The warnings so far, for summary.json after a resume (absent in older checkpoints). */
  warnings?: string[];
  /** pretraining.ckpt only: how far pretraining got. */
  pretraining?: PretrainProgress;
}

function pack(model: SolarModel, agent: { getState(): AgentState } | null, history: unknown[], wall: number, extra: PackExtra = {}): Checkpoint {
  const ms = getModelState(model);
  const arrays: Record<string, StoredArray> = {};
  for (const [k, v] of Object.entries(ms.arrays)) arrays[`model/${k}`] = v;
  const as = agent?.getState() ?? null;
  if (as) for (const [k, v] of Object.entries(as.arrays)) arrays[`agent/${k}`] = v as StoredArray;
  return { meta: { model: ms.meta, agent: as?.meta ?? null, history, wall_s: wall, ...extra }, arrays };
}

export function unpack<M, S>(ckpt: Checkpoint) {
  const meta = ckpt.meta as { model: unknown; agent: unknown; history: M[]; wall_s: number } & PackExtra;
  const model: Record<string, StoredArray> = {}, agent: Record<string, StoredArray> = {};
  for (const [k, v] of Object.entries(ckpt.arrays)) {
    if (k.startsWith('model/')) model[k.slice(6)] = v;
    else if (k.startsWith('agent/')) agent[k.slice(6)] = v;
  }
  return {
    model: { meta: meta.model, arrays: model } as Parameters<typeof setModelState>[1],
    agent: meta.agent ? ({ meta: meta.agent, arrays: agent } as unknown as S) : null,
    history: meta.history,
    wall: meta.wall_s,
    warnings: meta.warnings ?? [],
    pretraining: meta.pretraining ?? null,
  };
}

/** What decides a pretrained model: a run may start from another's only where these agree. */
function pretrainingSettings(c: Pick<TrainConfig, 'seed' | 'env' | 'model' | 'pretrain' | 'backend'>) {
  // eval_rollouts only decides how the model is scored, not the model.
  const { eval_rollouts: _, ...pretrain } = c.pretrain ?? {};
  return { seed: c.seed, env: c.env, model: c.model, pretrain: c.pretrain ? pretrain : undefined, backend: c.backend };
}

/**
 * Loads `source`'s pretrained model into `model` and copies its pretraining log, after
 * checking it was pretrained as this run would be. Returns the source's pretraining wall time.
 */
function adoptPretrained(source: RunDir, config: TrainConfig, model: SolarModel, dir: RunDir): number {
  const where = `--pretrained-from '${source.display()}'`;
  const saved = readSavedConfig(source.path('config.json'), where) as unknown as TrainConfig;
  const diffs = configDifferences(pretrainingSettings(withNewDefaults(saved) as TrainConfig), pretrainingSettings(config));
  if (diffs.length > 0) throw new Error(`${where}: its model was pretrained with other settings:\n  ${diffs.join('\n  ')}`);
  const ckpt = loadCheckpoint(source.path('checkpoints/pretrained.ckpt'), fingerprint(saved));
  setModelState(model, unpack(ckpt).model);
  const log = source.readJsonl('pretrain.jsonl');
  dir.writeFile('pretrain.jsonl', log.map((l) => JSON.stringify(l) + '\n').join(''));
  const wall = log.at(-1)?.wall_s;
  return typeof wall === 'number' ? wall : 0;
}

/** A fresh run: pretraining, then the iterations. */
export async function runLatentAgentJob<C extends LoopConfig, M extends IterationReport, E extends Filmed, S extends AgentState>(
  method: LatentMethod<C, M, E, S>, config: TrainConfig, dir: RunDir, hooks: LatentJobHooks<M>,
): Promise<LatentJobSummary> {
  dir.writeJson('config.json', configRecord(config));
  return continueLatentAgentJob(method, config, dir, null, hooks);
}

const LATEST = 'checkpoints/latest.ckpt';
const PRETRAINED = 'checkpoints/pretrained.ckpt';
const PRETRAINING = 'checkpoints/pretraining.ckpt';

/**
 * Continues the run in `dir` from its latest checkpoint: `latest.ckpt` (iterations), else
 * `pretrained.ckpt` (pretraining done; those of runs made before this resume or adopted with
 * --pretrained-from hold no pretraining progress and are passed over), else
 * `pretraining.ckpt` (pretraining from its last saved step); a run stopped before any is
 * refused in one line.
 */
export async function resumeLatentAgentJob<C extends LoopConfig, M extends IterationReport, E extends Filmed, S extends AgentState>(
  method: LatentMethod<C, M, E, S>, config: TrainConfig, dir: RunDir, hooks: LatentJobHooks<M>,
): Promise<LatentJobSummary> {
  if (existsSync(dir.path(LATEST))) return continueLatentAgentJob(method, config, dir, loadCheckpoint(dir.path(LATEST), fingerprint(config)), hooks);
  if (existsSync(dir.path(PRETRAINED))) {
    const done = loadCheckpoint(dir.path(PRETRAINED), fingerprint(config));
    if (unpack(done).pretraining) return continueLatentAgentJob(method, config, dir, null, hooks, done);
  }
  if (existsSync(dir.path(PRETRAINING))) return continueLatentAgentJob(method, config, dir, null, hooks, loadCheckpoint(dir.path(PRETRAINING), fingerprint(config)));
  throw new Error(`'${dir.display()}' has no checkpoint to resume from (it stopped before its first, while setting up): start it again with --out ${dir.display()} --force`);
}

async function continueLatentAgentJob<C extends LoopConfig, M extends IterationReport, E extends Filmed, S extends AgentState>(
  method: LatentMethod<C, M, E, S>, config: TrainConfig, dir: RunDir, ckpt: Checkpoint | null, hooks: LatentJobHooks<M>, partial: Checkpoint | null = null,
): Promise<LatentJobSummary> {
  const start = performance.now();
  const fp = fingerprint(config);
  const { backend, env: taskEnv, agentConfig, model, pretrainSteps } = await setUp(method, config, hooks);
  const name = config.env.name;
  // What a resume would start from now: the interruption message names it.
  let saved: string | null = null;
  // Each episode starts by letting a stop request in (a signal handler runs only between tasks).
  const env = stoppableAtReset(taskEnv, async () => {
    await yieldToEvents();
    if (hooks.signal?.aborted) throw new RunInterrupted(saved);
    await live.write();
  });
  let agent: LatentAgent<M, E, S> | null = null;
  let history: M[] = [];
  let wallBefore = 0;
  const wall = () => wallBefore + (performance.now() - start) / 1000;
  const warnings: string[] = [];
  const warn = (w: string) => {
    warnings.push(w);
    hooks.onWarning?.(w);
  };
  // The latest training rollout, filmed now and then into live.gif for solar serve's page.
  const live = new LiveFilm(dir, model, taskEnv, config, warn);
  try {
    checkLabels(labelsOf(agentConfig), env.spec, hooks.labelSource ?? null);
    if (ckpt) {
      const st = unpack<M, S>(ckpt);
      warnings.push(...st.warnings);
      const pretraining = method.pretrainingOnResume?.(agentConfig) ? await collectPretraining(env, config) : null;
      agent = await restoreAgent(method, { env, agentConfig, model, pretrainSteps }, config, st, pretraining, `${dir.display()}/checkpoints/latest.ckpt`);
      const done = agent.iteration;
      saved = latestSaved(done, agentConfig.iterations);
      history = st.history.filter((m) => m.iteration < done);
      wallBefore = st.wall;
      // The metrics file holds exactly the checkpointed iterations (a line written after the
      // last checkpoint belongs to an iteration that will run again).
      dir.writeFile('metrics.jsonl', history.map((m) => JSON.stringify(m) + '\n').join(''));
    } else {
      let pretraining: Pretraining;
      // Pretraining's last step, saved with pretrained.ckpt.
      let finished: PretrainProgress | null = null;
      if (hooks.pretrainedFrom) {
        wallBefore = adoptPretrained(hooks.pretrainedFrom, config, model, dir);
        pretraining = await collectPretraining(env, config);
      } else {
        const steps = config.pretrain!.steps;
        const st = partial ? unpack<M, S>(partial) : null;
        const from = st?.pretraining ?? undefined;
        if (st && from) {
          setModelState(model, st.model);
          wallBefore = st.wall;
          if (from.step === steps) finished = from;
          saved = from.step === steps ? `${PRETRAINED} (pretraining done)` : `${PRETRAINING} (pretraining step ${from.step} of ${steps})`;
          // Exactly the checkpointed lines: those written after it belong to steps that run again.
          if (from.log.length > 0) dir.writeFile('pretrain.jsonl', from.log.map((l) => l + '\n').join(''));
          else rmSync(dir.path('pretrain.jsonl'), { force: true });
        }
        pretraining = await pretrainLatentModel(env, model, config, dir, hooks, warn, start - wallBefore * 1000, {
          from,
          save: (p) => {
            finished = p;
            // The last step's state is pretrained.ckpt, written next: not written twice.
            if (p.step === steps) return `${PRETRAINED} (pretraining done)`;
            // Pretraining warnings are not saved: the rollouts and the last step give them again.
            saveCheckpoint(dir.path(PRETRAINING), pack(model, null, [], wall(), { pretraining: p }), fp);
            return (saved = `${PRETRAINING} (pretraining step ${p.step} of ${steps})`);
          },
          stopRequested: () => hooks.signal?.aborted ?? false,
        });
      }
      // With the progress of the last step (when pretrained here), from which a resume goes on.
      saveCheckpoint(dir.path(PRETRAINED), pack(model, null, [], wall(), { warnings, pretraining: finished ?? undefined }), fp);
      if (finished) saved = `${PRETRAINED} (pretraining done)`;
      const score = await scorePretrained(env, model, config, pretraining);
      if (score) dir.writeJson('pretrained-model.json', score);
      agent = await method.newAgent(env, model, agentConfig, config.seed, pretrainSteps, pretraining);
      saveCheckpoint(dir.path(LATEST), pack(model, agent, [], wall(), { warnings }), fp);
      saved = latestSaved(0, agentConfig.iterations);
      rmSync(dir.path(PRETRAINING), { force: true });
    }
    if ('labeller' in agent && env.spec.cost.kind === 'sparse') agent.labeller = jobLabeller(labelsOf(agentConfig), env.spec, dir, hooks.labelSource ?? null, hooks.signal, () => saved);
    // The curve's success and random-policy lines: made once, on their own env and RNGs.
    let curveRefs: CurveReferences | undefined;
    while (agent.iteration < agentConfig.iterations) {
      const it = agent.iteration;
      const m = await iterateOrExplain(method.name, agent, dir, wall, config.output.gif_episodes, hooks, env, (e, steps) => {
        live.offer({ frames: e.frames, latents: method.gifLatents(e), steps }, `${method.name} on ${name}, iteration ${it}: latest rollout`);
      });
      m.report.wall_s = wall();
      history.push(m.report);
      const tag = String(m.report.iteration).padStart(3, '0');
      const p = agent.policy;
      if (p) saveCheckpoint(dir.path(`policies/iter-${tag}.ckpt`), { meta: { iteration: m.report.iteration, T: p.T, dx: p.dx, du: p.du }, arrays: { K: p.K, k: p.k, S: p.S } }, fp);
      if (m.shown.length > 0) {
        const films = m.shown.map(({ e, steps }) => ({ frames: e.frames, latents: method.gifLatents(e), steps }));
        dir.writeFile(`rollouts/iter-${tag}.gif`, await latentGif(model, env, films, config, `${method.name} on ${name}, iteration ${m.report.iteration}`));
      }
      saveCheckpoint(dir.path(LATEST), pack(model, agent, history, wall(), { warnings }), fp);
      saved = latestSaved(history.length, agentConfig.iterations);
      dir.appendJsonl('metrics.jsonl', m.report);
      curveRefs ??= await curveReferences(config.env, config.seed, { successDistance: env.spec.successDistance, randomPolicy: !hooks.makeEnv, pretrainSteps });
      dir.writeFile('learning-curve.svg', learningCurveSvg(history, `${method.name} on ${name} (pixels), seed ${config.seed}`, curveRefs));
      hooks.onIteration?.(m.report);
    }
    // The video of the final policy shows the first of these very episodes (nothing is drawn again).
    const watched: LatentFilm[] = [];
    const evals = await agent.evaluate(agentConfig.eval_episodes, (e) => {
      if (watched.length < config.output.gif_episodes) watched.push({ frames: e.frames, latents: method.gifLatents(e), steps: env.recorded(e.seed) });
      hooks.onEpisode?.();
    });
    saveCheckpoint(dir.path('checkpoints/final.ckpt'), pack(model, agent, history, wall(), { warnings }), fp);
    const summary: LatentJobSummary = {
      ...runSummary(evals, agent.envSteps, wall()), pretrain_env_steps: pretrainSteps, backend: backendInfo()?.name ?? backend, threads: 1 + (model.shardWorkers?.size ?? 0),
    };
    const kernels = backendInfo()?.simdKernels;
    if (kernels !== undefined) summary.simd_kernels = kernels;
    if (warnings.length > 0) summary.warnings = warnings;
    if (hooks.pretrainedFrom) summary.pretrained_from = hooks.pretrainedFrom.display();
    if (agent.evaluatedIteration !== undefined) summary.policy_from_iteration = agent.evaluatedIteration;
    const score = dir.readJsonIfExists('pretrained-model.json') as PretrainedScore | undefined;
    if (score) summary.pretrained_model = score;
    dir.writeJson('summary.json', summary);
    // After summary.json, so the run is finished (and its wall time measured) whatever the video does.
    if (watched.length > 0) {
      try {
        dir.writeFile('watch.gif', await latentGif(model, env, watched, config, `${method.name} on ${name}, seed ${config.seed}: final policy`));
      } catch (e) {
        hooks.onWarning?.(`could not write watch.gif: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
    return summary;
  } finally {
    env.close();
    agent?.dispose?.();
    model.dispose();
  }
}

/** What latest.ckpt lets a resume start from, for the interruption message. */
function latestSaved(done: number, iterations: number): string {
  return `${LATEST} (${done} of ${iterations} iterations done)`;
}

/**
 * `env` with `check` awaited before each reset (its other members as they are, bound to it):
 * a check that throws stops the caller there.
 */
function stoppableAtReset<T extends Env>(env: T, check: () => Promise<void>): T {
  return new Proxy(env, {
    get(target, key) {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      const f = value as (...args: unknown[]) => unknown;
      return key === 'reset' ? async (...args: unknown[]) => (await check(), f.apply(target, args)) : f.bind(target);
    },
  });
}

/** The backend, task, agent settings and (untrained) model of a run, as its config says. */
export async function setUp<C extends LoopConfig, M extends IterationReport, E extends Filmed, S extends AgentState>(
  method: LatentMethod<C, M, E, S>, config: TrainConfig, hooks: Pick<LatentJobHooks<M>, 'makeEnv' | 'threads'>,
) {
  const backend = await initBackend(config.backend ?? 'wasm');
  const { name, ...envParams } = config.env;
  // Recording only notes each step's distance and success for the videos' captions.
  const env = recordingEnv(await (hooks.makeEnv ?? makeEnv)(name, { ...envParams, render: true }));
  let agentConfig: C, modelConfig: ModelConfig;
  try {
    agentConfig = method.agentConfig.parse(config.agent);
    modelConfig = modelConfigSchema.parse(config.model);
    method.checkSettings?.(agentConfig, modelConfig, env.spec);
  } catch (e) {
    env.close();
    throw e;
  }
  const pretrainSteps = config.pretrain!.rollouts * env.spec.horizon;
  const model = new SolarModel(modelConfig, modelShapeOf(env), config.seed);
  attachShardWorkers(model, hooks.threads ?? defaultThreads(modelConfig), config.backend ?? 'wasm');
  return { backend, env, agentConfig, model, pretrainSteps };
}

/** agent.labels of SOLAR and the VAE ablation ('task' for a method without it). */
function labelsOf(agent: LoopConfig): SuccessLabels {
  return (agent as { labels?: SuccessLabels }).labels ?? 'task';
}

/** The model and agent of a checkpoint, on the set-up's model. */
export async function restoreAgent<C extends LoopConfig, M extends IterationReport, E extends Filmed, S extends AgentState>(
  method: LatentMethod<C, M, E, S>, run: { env: Env; agentConfig: C; model: SolarModel; pretrainSteps: number }, config: TrainConfig,
  st: ReturnType<typeof unpack<M, S>>, pretraining: Pretraining | null, label: string,
): Promise<LatentAgent<M, E, S>> {
  setModelState(run.model, st.model);
  const agent = await method.newAgent(run.env, run.model, run.agentConfig, config.seed, run.pretrainSteps, pretraining);
  if (st.agent) agent.setState(st.agent);
  else if (method.needsAgentState) throw new Error(`${label} holds no ${method.name.toUpperCase()} agent state`);
  return agent;
}

/**
 * One iteration, keeping the first `gifEpisodes` episodes for the GIF. A failure leaves
 * error.json and says how to resume: the completed iterations are in latest.ckpt.
 */
async function iterateOrExplain<M extends IterationReport, E extends Filmed>(
  name: string, agent: LatentAgent<M, E, AgentState>, dir: RunDir, wall: () => number, gifEpisodes: number, hooks: LatentJobHooks<M>, env: RecordingEnv,
  onFilmed: (e: E, steps: StepRecord) => void,
): Promise<{ report: M; shown: { e: E; steps: StepRecord }[] }> {
  const shown: { e: E; steps: StepRecord }[] = [];
  try {
    const report = await agent.iterate((e) => {
      const steps = env.recorded(e.seed);
      if (shown.length < gifEpisodes) shown.push({ e, steps });
      onFilmed(e, steps);
      hooks.onEpisode?.();
    });
    return { report, shown };
  } catch (e) {
    // A stop request is no failure: nothing to fix, no error.json.
    if (e instanceof RunInterrupted) throw e;
    const message = e instanceof Error ? e.message : String(e);
    dir.writeJson('error.json', { iteration: agent.iteration, message, wall_s: wall() });
    throw new Error(
      `${name} stopped in iteration ${agent.iteration}: ${message}\n` +
        `${dir.display()} keeps the ${agent.iteration} completed iteration(s) and checkpoints/latest.ckpt; ` +
        `once the cause is fixed, continue with: solar train --resume ${dir.display()}`,
    );
  }
}
