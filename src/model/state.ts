/**
 * The model's complete state as `{meta, arrays}` for src/run/checkpoint.ts: network and cost
 * head weights (float32, by name), Adam's moments and step, q(θ)'s natural parameters
 * (float64), step counters and the training RNG. Restoring it into a model built with the
 * same config and shape gives bit-identical predictions, and training resumes exactly as an
 * uninterrupted run would (same minibatches, same ε).
 */
import { Rng } from '../random/rng.js';
import { withoutAddedDefaults, type ModelConfig } from './config.js';
import type { ModelShape, SolarModel } from './model.js';
import type { NamedWeights, ParamStore } from './networks.js';

export type ModelArray = Float64Array | Float32Array;

export interface ModelState {
  readonly meta: {
    kind: 'solar-model';
    config: ModelConfig;
    shape: ModelShape;
    seed: number;
    step: number;
    sviSteps: number;
    adamStep: number;
    /** Rng state; JSON turns its NaN "no spare" into null, which Rng.fromState reads back as NaN. */
    rng: (number | null)[];
    weights: { name: string; shape: number[] }[];
  };
  readonly arrays: Record<string, ModelArray>;
}

function stores(model: SolarModel): [string, ParamStore][] {
  const out: [string, ParamStore][] = [['enc', model.encoder.params], ['dec', model.decoder.params]];
  if (model.costHead) out.push(['cost', model.costHead.params]);
  return out;
}

export function getModelState(model: SolarModel): ModelState {
  const arrays: Record<string, ModelArray> = {};
  const weights: { name: string; shape: number[] }[] = [];
  for (const [prefix, store] of stores(model)) {
    for (const w of store.getWeights()) {
      const key = `${prefix}/${w.name}`;
      arrays[key] = w.values;
      weights.push({ name: key, shape: w.shape });
    }
  }
  const adam = model.adam.getState();
  adam.m.forEach((a, i) => (arrays[`adam/m/${i}`] = a));
  adam.v.forEach((a, i) => (arrays[`adam/v/${i}`] = a));
  if (model.posterior) {
    const p = model.posterior;
    arrays['qtheta/n1'] = Float64Array.from(p.n1);
    arrays['qtheta/n2'] = Float64Array.from(p.n2);
    arrays['qtheta/n3'] = Float64Array.from(p.n3);
    arrays['qtheta/n4'] = Float64Array.from(p.n4);
  }
  return {
    meta: {
      kind: 'solar-model',
      config: model.config,
      shape: model.shape,
      seed: model.seed,
      step: model.step,
      sviSteps: model.sviSteps,
      adamStep: adam.step,
      rng: model.rng.getState().map((x) => (Number.isNaN(x) ? null : x)),
      weights,
    },
    arrays,
  };
}

const canon = (x: unknown) => JSON.stringify(x, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));

/** Restores `getModelState` output; the model must have the same config and shape. */
export function setModelState(model: SolarModel, state: { meta: unknown; arrays: Record<string, ArrayLike<number>> }): void {
  const meta = state.meta as ModelState['meta'];
  if (!meta || meta.kind !== 'solar-model') throw new Error('model state: not a solar model checkpoint (meta.kind is not "solar-model")');
  // A setting added since the save, at the value that keeps the behaviour from before it existed, is no difference.
  if (canon(withoutAddedDefaults(meta.config ?? {})) !== canon(withoutAddedDefaults(model.config))) throw new Error(`model state: saved with a different model config (${canon(meta.config)}) than this model's (${canon(model.config)})`);
  if (canon(meta.shape) !== canon(model.shape)) throw new Error(`model state: saved for data of shape ${canon(meta.shape)}, this model has ${canon(model.shape)}`);
  const get = (key: string, n: number): ArrayLike<number> => {
    const a = state.arrays[key];
    if (!a) throw new Error(`model state: array '${key}' is missing`);
    if (a.length !== n) throw new Error(`model state: array '${key}' has ${a.length} values, expected ${n}`);
    return a;
  };
  const shapes = new Map(meta.weights.map((w) => [w.name, w.shape]));
  for (const [prefix, store] of stores(model)) {
    const ws: NamedWeights[] = store.getWeights().map((w) => {
      const key = `${prefix}/${w.name}`;
      const saved = shapes.get(key);
      if (!saved || saved.join() !== w.shape.join()) throw new Error(`model state: weight '${key}' has shape [${saved ?? 'missing'}], expected [${w.shape}]`);
      return { name: w.name, shape: w.shape, values: Float32Array.from(get(key, w.values.length)) };
    });
    store.setWeights(ws);
  }
  const vars = model.variables();
  model.adam.setState({
    step: meta.adamStep,
    m: vars.map((v, i) => get(`adam/m/${i}`, v.size)),
    v: vars.map((v, i) => get(`adam/v/${i}`, v.size)),
  });
  if (model.posterior) {
    const p = model.posterior;
    p.setState({ n1: get('qtheta/n1', p.n1.length), n2: get('qtheta/n2', p.n2.length), n3: get('qtheta/n3', p.n3.length), n4: get('qtheta/n4', p.n4.length) });
    model.invalidateDynamics();
  }
  model.step = meta.step;
  model.sviSteps = meta.sviSteps;
  model.rng = Rng.fromState(meta.rng.map((x) => (x === null ? Number.NaN : x)));
}
