/** Tiny models and data for src/model's tests (not used by library code). */
import { MniwPosterior, type DynamicsExpectations } from '../gaussian/index.js';
import { Rng } from '../random/rng.js';
import { MODEL_DEFAULTS, type ModelConfig } from './config.js';
import type { SequenceSet } from './dataset.js';
import { SolarModel } from './model.js';

export function tinyConfig(over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...MODEL_DEFAULTS, network: 'mlp', hidden: 8, latent_dim: 2, batch_sequences: 2,
    kl_warmup_steps: 2, dynamics_start_step: 1, ...over,
  };
}

/** Random binary-ish images, small random actions, states = (frame index, a constant). */
export function tinyData(n: number, L: number, shape: [number, number, number], da: number, seed: number): SequenceSet {
  const rng = new Rng(seed);
  const hwc = shape[0] * shape[1] * shape[2];
  const sequences = Array.from({ length: n }, () => {
    const images = new Float32Array(L * hwc).map(() => (rng.uniform() < 0.3 ? 1 : 0));
    const actions = Float64Array.from({ length: L * da }, () => 0.5 * rng.normal());
    const states = new Float64Array(L * 2);
    for (let t = 0; t < L; t++) {
      states[t * 2] = t + 0.1 * rng.normal();
      states[t * 2 + 1] = 3;
    }
    return { images, actions, costs: new Float64Array(L).map(() => rng.uniform()), states };
  });
  return { length: L, imageShape: shape, actionDim: da, stateDim: 2, sequences };
}

export function tinyModel(over: Partial<ModelConfig> = {}, seed = 1, L = 4): SolarModel {
  return new SolarModel(tinyConfig(over), { imageShape: [3, 3, 1], actionDim: 1, length: L }, seed);
}

/** Non-trivial expected dynamics: the prior conditioned on random statistics. */
export function randomDynamics(ds: number, da: number, count: number, seed: number): DynamicsExpectations {
  const rng = new Rng(seed);
  const post = new MniwPosterior({ ds, da, count });
  const q = ds + da;
  const stats = { ds, da, count, Sxx: new Float64Array(count * ds * ds), Sxz: new Float64Array(count * ds * q), Szz: new Float64Array(count * q * q), n: new Float64Array(count).fill(3) };
  for (let k = 0; k < count; k++) {
    // Three random transitions per block: x' = 0.8x + noise.
    for (let r = 0; r < 3; r++) {
      const z = Array.from({ length: q }, () => rng.normal());
      const x1 = Array.from({ length: ds }, (_, i) => 0.8 * z[i] + 0.3 * rng.normal());
      for (let i = 0; i < ds; i++) {
        for (let j = 0; j < ds; j++) stats.Sxx[k * ds * ds + i * ds + j] += x1[i] * x1[j];
        for (let j = 0; j < q; j++) stats.Sxz[k * ds * q + i * q + j] += x1[i] * z[j];
      }
      for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) stats.Szz[k * q * q + i * q + j] += z[i] * z[j];
    }
  }
  post.sviStep(stats, 1, 1);
  return post.expectations();
}
