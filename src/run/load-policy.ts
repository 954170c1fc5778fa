/**
 * A trained run's final policy, to act with outside `solar train` — on a simulated task, a
 * user's own, or a robot (as Stable-Baselines3's `Model.load(path).predict(obs)`):
 *
 *   const policy = await loadPolicy('runs/train-nav2d-solar-pixels-s0');
 *   const env = await makeEnv('nav2d');
 *   let ts = await env.reset(7);
 *   policy.reset();
 *   while (!ts.done) ts = await env.step(await policy.act(ts));
 *   await policy.close();
 *
 * `act` takes the env's TimeStep, or the bare input the method acts on: the camera image
 * (Float32Array, H×W×C in [0, 1]) for solar, vae, mpc and PPO from pixels; the true state
 * (Float64Array) for LQR-FLM and PPO from the state. It returns the mean action, clipped to the
 * task's bounds — what the run's own evaluation executes, so acting on the evaluation's episode
 * seeds reproduces its actions.
 *
 * The latent agents (solar, vae, mpc) act from inside their episode loop (filtering,
 * frame stacking, planning), the code their evaluation runs. `loadPolicy` drives that loop
 * with a stand-in task whose reset/step wait for the caller's observations: one code path,
 * not a second implementation that could drift from the first.
 */
import { makeEnv } from '../envs/registry.js';
import type { Env, EnvSpec, TimeStep } from '../envs/types.js';
import { trainConfigSchema, type MethodName, type TrainConfig } from '../config/train-config.js';
import { formatZodError } from '../util/zod.js';
import { meanAction, openLqrflmPolicy } from './lqrflm-job.js';
import { openMpcRun } from './mpc-job.js';
import { openPpoRun } from './ppo-job.js';
import { RunDir } from './run-dir.js';
import { readSavedConfig } from './saved-config.js';
import { openSolarRun } from './solar-job.js';
import { openVaeRun } from './vae-job.js';

export interface LoadedPolicy {
  readonly method: MethodName;
  /** The run's config (config.json, at the current config version). */
  readonly config: TrainConfig;
  /** The task the policy was trained on (its observation shape, action bounds, horizon T). */
  readonly spec: EnvSpec;
  /** What `act` needs: the camera image (`pixels`) or the true state (`state`). */
  readonly input: 'pixels' | 'state';
  /** Starts a new episode (the first `act` after loading starts one too). */
  reset(): void;
  /** The mean action u_t for this step's observation (or state); at most T per episode. */
  act(input: TimeStep | Float32Array | Float64Array): Promise<Float64Array>;
  /** Frees the model and the backend memory; the policy cannot act afterwards. */
  close(): Promise<void>;
}

export interface LoadPolicyOptions {
  /** The task, if not the registry's (a user's own task registered under another process's registry). */
  makeEnv?(name: string, params: Record<string, unknown>): Promise<Env>;
}

/** Loads the final policy of a finished `solar train` run directory. */
export async function loadPolicy(runDir: string, opts: LoadPolicyOptions = {}): Promise<LoadedPolicy> {
  const dir = RunDir.open(runDir);
  const config = savedTrainConfig(dir);
  if (dir.readJsonIfExists('summary.json') === undefined) {
    throw new Error(`loadPolicy: ${dir.display()} has not finished (no summary.json, so no final policy); resume it with solar train --resume ${dir.display()}`);
  }
  const { name, ...envParams } = config.env;
  const create = opts.makeEnv ?? makeEnv;
  const probe = await create(name, { ...envParams, render: false });
  const spec = probe.spec;
  probe.close();
  switch (config.method) {
    case 'solar':
    case 'vae':
    case 'mpc':
      return latentPolicy(config, dir, spec);
    case 'lqrflm':
      return lqrflmPolicy(config, dir, spec);
    case 'ppo':
      return ppoPolicy(config, dir, spec);
  }
}

function savedTrainConfig(dir: RunDir): TrainConfig {
  const raw = readSavedConfig(dir.path('config.json'), `loadPolicy: cannot read '${dir.display()}'`);
  if (raw.command !== undefined && raw.command !== 'train') throw new Error(`loadPolicy: '${dir.display()}' is a solar ${String(raw.command)} run; only solar train runs have a policy`);
  const r = trainConfigSchema.safeParse(raw);
  if (!r.success) throw new Error(`loadPolicy: '${dir.display()}' has no train config:\n${formatZodError(r.error)}`);
  return r.data;
}

/** One step's input as the method needs it, checked against the task's shapes. */
function inputOf(kind: 'pixels' | 'state', spec: EnvSpec, x: TimeStep | Float32Array | Float64Array): Float32Array | Float64Array {
  const fromStep = !(x instanceof Float32Array || x instanceof Float64Array);
  if (kind === 'pixels') {
    const obs = fromStep ? (x as TimeStep).observation : x;
    if (!(obs instanceof Float32Array)) throw new Error('act: this policy acts on camera images: pass the TimeStep or its observation (a Float32Array), not a state');
    const [h, w, c] = spec.observation.shape;
    if (obs.length !== h * w * c) throw new Error(`act: the observation has ${obs.length} values; this policy was trained on ${h}×${w}×${c} images (${h * w * c} values)`);
    return obs;
  }
  const state = fromStep ? (x as TimeStep).state : x;
  if (!(state instanceof Float64Array)) throw new Error('act: this policy acts on the true state: pass the TimeStep or its state (a Float64Array), not an image');
  if (state.length !== spec.stateDim) throw new Error(`act: the state has ${state.length} components; the task's has ${spec.stateDim}`);
  return state;
}

function checkFinite(x: ArrayLike<number>, what: string): void {
  for (let i = 0; i < x.length; i++) if (!Number.isFinite(x[i])) throw new Error(`act: ${what}[${i}] is ${x[i]}`);
}

/** LQR-FLM on the true state: u_t = clip(K_t s_t + k_t). */
function lqrflmPolicy(config: TrainConfig, dir: RunDir, spec: EnvSpec): LoadedPolicy {
  const policy = openLqrflmPolicy(config, dir);
  const { T, dx, du } = { T: spec.horizon, dx: spec.stateDim, du: spec.action.dim };
  if (policy.T !== T || policy.dx !== dx || policy.du !== du) {
    throw new Error(`loadPolicy: ${dir.display()}/policy.ckpt is for T=${policy.T}, state ${policy.dx}, action ${policy.du}; the task has T=${T}, state ${dx}, action ${du}`);
  }
  const mean = meanAction(policy, spec.action);
  let t = 0;
  let closed = false;
  return {
    method: 'lqrflm', config, spec, input: 'state',
    reset: () => void (t = 0),
    act: async (x) => {
      if (closed) throw new Error('act: the policy was closed');
      const s = inputOf('state', spec, x) as Float64Array;
      checkFinite(s, 'state');
      if (t >= T) throw new Error(`act: this policy was trained for T = ${T} steps per episode; call reset() to start another`);
      return mean({ state: s }, t++);
    },
    close: async () => void (closed = true),
  };
}

/** PPO's mean action μ(o_t) on the (stacked, normalised as trained) observation or state. */
async function ppoPolicy(config: TrainConfig, dir: RunDir, spec: EnvSpec): Promise<LoadedPolicy> {
  const input = config.obs;
  const agent = await openPpoRun(config, dir, { spec, reset: () => { throw new Error('unused'); }, step: () => { throw new Error('unused'); }, close: () => {} });
  const T = spec.horizon;
  let mean = agent.meanPolicy();
  let t = 0;
  let closed = false;
  return {
    method: 'ppo', config, spec, input,
    reset: () => {
      t = 0;
      mean = agent.meanPolicy();
    },
    act: async (x) => {
      if (closed) throw new Error('act: the policy was closed');
      const v = inputOf(input, spec, x);
      checkFinite(v, input === 'pixels' ? 'observation' : 'state');
      if (t >= T) throw new Error(`act: this policy was trained for T = ${T} steps per episode; call reset() to start another`);
      const ts: TimeStep = input === 'pixels'
        ? { observation: v as Float32Array, state: new Float64Array(spec.stateDim), cost: 0, done: false, info: { distance: NaN, success: false } }
        : { observation: new Float32Array(0), state: v as Float64Array, cost: 0, done: false, info: { distance: NaN, success: false } };
      return mean(ts, t++);
    },
    close: async () => {
      if (closed) return;
      closed = true;
      agent.dispose();
    },
  };
}

/** A one-slot-per-item async queue: `take` waits for the next `put`. */
class Channel<T> {
  private items: T[] = [];
  private takers: ((v: T) => void)[] = [];
  put(v: T): void {
    const taker = this.takers.shift();
    if (taker) taker(v);
    else this.items.push(v);
  }
  take(): Promise<T> {
    if (this.items.length > 0) return Promise.resolve(this.items.shift()!);
    return new Promise((resolve) => this.takers.push(resolve));
  }
  clear(): void {
    this.items = [];
  }
}

/**
 * The stand-in task a latent agent's episode loop acts on: reset and step wait for the
 * caller's next observation; the actions the loop sends go back to the caller. After T
 * steps (or when the caller resets mid-episode) it answers with blank steps so the loop ends.
 */
class CallerTask implements Env {
  readonly observations = new Channel<TimeStep>();
  readonly actions = new Channel<Float64Array>();
  /** Steps the loop has taken in this episode. */
  t = 0;
  draining = false;

  constructor(readonly spec: EnvSpec) {}

  reset(): Promise<TimeStep> {
    this.t = 0;
    this.draining = false;
    return this.observations.take();
  }

  step(action: ArrayLike<number>): TimeStep | Promise<TimeStep> {
    this.t++;
    if (this.draining) return this.blank();
    this.actions.put(Float64Array.from(action));
    return this.t >= this.spec.horizon ? this.blank() : this.observations.take();
  }

  blank(): TimeStep {
    const [h, w, c] = this.spec.observation.shape;
    return { observation: new Float32Array(h * w * c), state: new Float64Array(this.spec.stateDim), cost: 0, done: true, info: { distance: NaN, success: false } };
  }

  close(): void {}
}

async function latentPolicy(config: TrainConfig, dir: RunDir, spec: EnvSpec): Promise<LoadedPolicy> {
  const task = new CallerTask(spec);
  const open = config.method === 'solar' ? openSolarRun : config.method === 'vae' ? openVaeRun : openMpcRun;
  const run = await open(config, dir, { makeEnv: async () => task });
  const T = spec.horizon;
  /** The running episode: the agent's own evaluation loop for one episode, and its failure as a rejection. */
  let episode: { done: Promise<unknown>; failed: Promise<never>; taken: number } | null = null;
  /** A reset episode's loop running out on blank steps; the next one starts after it. */
  let ending: Promise<unknown> = Promise.resolve();
  let closed = false;

  const end = () => {
    const e = episode;
    if (!e) return;
    episode = null;
    if (e.taken < T) {
      task.draining = true;
      task.observations.put(task.blank());
    }
    ending = e.done.catch(() => {});
  };

  return {
    method: config.method, config, spec, input: 'pixels',
    reset: () => {
      if (closed) throw new Error('act: the policy was closed');
      end();
    },
    act: async (x) => {
      if (closed) throw new Error('act: the policy was closed');
      const obs = inputOf('pixels', spec, x);
      checkFinite(obs, 'observation');
      if (episode && episode.taken >= T) throw new Error(`act: this policy was trained for T = ${T} steps per episode; call reset() to start another`);
      if (!episode) {
        await ending;
        task.observations.clear();
        task.actions.clear();
        const done = run.agent.evaluate(1);
        // An error in the loop (e.g. deep in the encoder) reaches the waiting act().
        const failed = done.then(() => new Promise<never>(() => {}), (err: unknown) => Promise.reject(err));
        failed.catch(() => {});
        episode = { done, failed, taken: 0 };
      }
      const e = episode;
      const step: TimeStep = x instanceof Float32Array
        ? { observation: obs as Float32Array, state: new Float64Array(spec.stateDim), cost: 0, done: false, info: { distance: NaN, success: false } }
        : (x as TimeStep);
      task.observations.put(step);
      const u = await Promise.race([task.actions.take(), e.failed]);
      e.taken++;
      return u;
    },
    close: async () => {
      if (closed) return;
      closed = true;
      end();
      await ending;
      run.close();
    },
  };
}
