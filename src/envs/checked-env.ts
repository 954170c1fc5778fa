/**
 * A user's task checked at its boundary: its spec when made, every time step it returns. A
 * NaN cost or a wrong-sized image from one's own simulator is then one line naming the task,
 * the step and the field, not an error deep in the model's training (the built-in tasks are
 * tested and go unchecked).
 */
import type { Env, EnvSpec, TimeStep } from './types.js';

function checkSpec(spec: EnvSpec | undefined, who: string): EnvSpec {
  if (!spec || typeof spec !== 'object') throw new Error(`${who}: the env has no spec`);
  const posInt = (v: unknown) => Number.isInteger(v) && (v as number) > 0;
  const shape = spec.observation?.shape;
  if (!Array.isArray(shape) || shape.length !== 3 || !shape.every(posInt)) throw new Error(`${who}: spec.observation.shape must be [height, width, channels] (positive integers), got ${JSON.stringify(shape)}`);
  const a = spec.action;
  if (!a || !posInt(a.dim) || a.low?.length !== a.dim || a.high?.length !== a.dim) throw new Error(`${who}: spec.action must be { dim, low, high } with low and high of length dim`);
  for (let i = 0; i < a.dim; i++) if (!(a.low[i] < a.high[i])) throw new Error(`${who}: spec.action.low[${i}] = ${a.low[i]} is not below high[${i}] = ${a.high[i]}`);
  if (!posInt(spec.horizon)) throw new Error(`${who}: spec.horizon must be a positive integer (steps per episode), got ${spec.horizon}`);
  if (!posInt(spec.stateDim)) throw new Error(`${who}: spec.stateDim must be a positive integer, got ${spec.stateDim}`);
  if (spec.cost?.kind !== 'dense' && spec.cost?.kind !== 'sparse') throw new Error(`${who}: spec.cost.kind must be 'dense' or 'sparse'`);
  if (!(spec.cost.actionWeight >= 0)) throw new Error(`${who}: spec.cost.actionWeight must be a number ≥ 0, got ${spec.cost.actionWeight}`);
  if (!(spec.successDistance >= 0)) throw new Error(`${who}: spec.successDistance must be a number ≥ 0, got ${spec.successDistance}`);
  return spec;
}

function checkStep(ts: TimeStep, spec: EnvSpec, who: string, at: string): TimeStep {
  const bad = (what: string) => new Error(`${who}: ${at} returned ${what}`);
  if (!ts || typeof ts !== 'object') throw bad(`${String(ts)} instead of a time step { observation, state, cost, done, info }`);
  if (typeof ts.cost !== 'number' || !Number.isFinite(ts.cost)) throw bad(`cost ${String(ts.cost)}; costs must be finite numbers`);
  const [h, w, c] = spec.observation.shape;
  if (!(ts.observation instanceof Float32Array)) throw bad('an observation that is not a Float32Array (H×W×C values in [0, 1])');
  if (ts.observation.length !== 0 && ts.observation.length !== h * w * c) throw bad(`an observation of ${ts.observation.length} values; spec.observation.shape ${h}×${w}×${c} needs ${h * w * c} (or none without rendering)`);
  if (!(ts.state instanceof Float64Array) || ts.state.length !== spec.stateDim) throw bad(`a state that is not a Float64Array of spec.stateDim = ${spec.stateDim} values`);
  for (let i = 0; i < ts.state.length; i++) if (!Number.isFinite(ts.state[i])) throw bad(`state[${i}] = ${ts.state[i]}`);
  if (typeof ts.done !== 'boolean') throw bad(`done = ${String(ts.done)}; it must be a boolean`);
  if (!ts.info || typeof ts.info.distance !== 'number' || !Number.isFinite(ts.info.distance) || typeof ts.info.success !== 'boolean') throw bad('an info that is not { distance: a finite number, success: a boolean }');
  return ts;
}

export function checkedEnv(env: Env, name: string): Env {
  const who = `task '${name}'`;
  if (!env || typeof env.reset !== 'function' || typeof env.step !== 'function') throw new Error(`${who}: create() must return an env with spec, reset(seed), step(action) and close()`);
  const spec = checkSpec(env.spec, who);
  let t = 0;
  return {
    spec,
    reset: async (seed) => {
      t = 0;
      return checkStep(await env.reset(seed), spec, who, 'reset()');
    },
    step: async (action) => {
      t++;
      return checkStep(await env.step(action), spec, who, `step ${t}`);
    },
    close: () => env.close?.(),
  };
}
