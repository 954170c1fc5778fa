/** Test doubles for the SOLAR agent: an env that "renders" its true state, and an oracle model. */
import type { Env, TimeStep } from '../../envs/types.js';
import { MniwPosterior, type InitialState } from '../../gaussian/index.js';
import type { LatentModel, Potentials } from './latent-model.js';

/** What a perfect encoder shows of the true state: `dim` features of s_t (and s_{t−1}; at reset both are s_0). */
export interface StateFeatures {
  readonly dim: number;
  features(state: Float64Array, previous: Float64Array): Float32Array;
}

/** Wraps an env so that its observation is the true state (as float32), or `features` of it. */
export function stateAsImage(env: Env, features?: StateFeatures): Env {
  let previous: Float64Array | null = null;
  const wrap = (ts: TimeStep, first: boolean): TimeStep => {
    if (first || !previous) previous = Float64Array.from(ts.state);
    const observation = features ? features.features(ts.state, previous) : Float32Array.from(ts.state);
    previous = Float64Array.from(ts.state);
    return { ...ts, observation };
  };
  return {
    spec: { ...env.spec, observation: { shape: [1, 1, features?.dim ?? env.spec.stateDim] } },
    reset: async (seed) => wrap(await env.reset(seed), true),
    step: async (u) => wrap(await env.step(u), false),
    close: () => env.close(),
  };
}

/** A "perfect encoder": ψ_t = N(state_t, s²I) read off the state-as-image frames. */
export class OracleModel implements LatentModel {
  readonly frameStack = 1;
  private readonly global: MniwPosterior;
  encodeCalls = 0;

  constructor(readonly ds: number, readonly da: number, T: number, private readonly scale = 0.05) {
    this.global = new MniwPosterior({ ds, da, count: T });
  }

  encode(frames: readonly Float32Array[]): Potentials {
    this.encodeCalls += frames.length;
    const m = new Float64Array(frames.length * this.ds);
    frames.forEach((f, t) => m.set(f, t * this.ds));
    return { m, s: new Float64Array(m.length).fill(this.scale) };
  }

  globalDynamics(): MniwPosterior {
    return this.global;
  }

  initialState(): InitialState {
    const cov = new Float64Array(this.ds * this.ds);
    for (let i = 0; i < this.ds; i++) cov[i * this.ds + i] = 4;
    return { mean: new Float64Array(this.ds), cov };
  }
}
