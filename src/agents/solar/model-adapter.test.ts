import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeLatents } from '../../model/index.js';
import { tinyData, tinyModel } from '../../model/test-helpers.js';
import { initBackend } from '../../nn/index.js';
import { StructuredLatentModel } from './model-adapter.js';

beforeAll(async () => {
  await initBackend('cpu');
});

/** An episode whose every image is the same pattern, unlike the random pretraining images. */
function patternEpisode() {
  const img = Float32Array.from([1, 1, 1, 0, 0, 0, 1, 1, 1]);
  return { frames: Array.from({ length: 4 }, () => img), actions: new Float64Array(3).fill(0.1), costs: new Float64Array(3), states: [] };
}

/** Mean squared error of σ(decoder(encoder mean)) against the episode's images. */
function reconError(adapter: StructuredLatentModel, e: ReturnType<typeof patternEpisode>): number {
  const decoded = decodeLatents(adapter.model, adapter.encode(e.frames).m);
  let sq = 0;
  e.frames.forEach((f, t) => f.forEach((v, i) => (sq += (decoded[t * f.length + i] - v) ** 2)));
  return sq / decoded.length;
}

describe('StructuredLatentModel.refine', () => {
  it('takes the given training steps on the pretraining data together with the new episodes', () => {
    const pre = tinyData(2, 4, [3, 3, 1], 1, 2);
    const withEpisode = new StructuredLatentModel(tinyModel({ learning_rate: 0.01 }), pre);
    const without = new StructuredLatentModel(tinyModel({ learning_rate: 0.01 }), pre);
    const e = patternEpisode();
    const before = reconError(withEpisode, e);
    expect(reconError(without, e)).toBe(before);
    withEpisode.refine([e], 150);
    without.refine([], 150);
    expect(withEpisode.model.step).toBe(150);
    // The pattern episode is one of three sequences (minibatches of two): only the refinement
    // that saw it learns to reconstruct it (measured: 0.24 → 4e-7, without it 0.29).
    expect(reconError(withEpisode, e)).toBeLessThan(0.01 * before);
    expect(reconError(without, e)).toBeGreaterThan(0.5 * before);
  });

  it('names an episode of the wrong length', () => {
    const adapter = new StructuredLatentModel(tinyModel(), tinyData(2, 4, [3, 3, 1], 1, 2));
    const e = { ...patternEpisode(), frames: patternEpisode().frames.slice(0, 3) };
    expect(() => adapter.refine([e], 1)).toThrow(/episode 0 has 3 frames, the model expects 4/);
  });
});

describe('StructuredLatentModel.costHead', () => {
  it('reads the head as ½xᵀCx + cᵀx + b with C = ½(W + Wᵀ), checked at a point by the dense sum ½Σ W_ij x_i x_j', () => {
    const model = tinyModel({ cost_head: true });
    const d = model.latentDim;
    const W = Array.from({ length: d * d }, (_, i) => Math.sin(1 + i));
    const c = Array.from({ length: d }, (_, i) => 0.5 - 0.3 * i);
    model.costHead!.W.assign(tf.tensor2d(W, [d, d]));
    model.costHead!.c.assign(tf.tensor1d(c));
    model.costHead!.b.assign(tf.tensor1d([0.7]));
    const q = new StructuredLatentModel(model).costHead!();
    const x = Array.from({ length: d }, (_, i) => Math.cos(2 + i));
    let dense = 0.7;
    for (let i = 0; i < d; i++) {
      dense += c[i] * x[i];
      for (let j = 0; j < d; j++) dense += 0.5 * W[i * d + j] * x[i] * x[j];
    }
    let read = q.c0;
    for (let i = 0; i < d; i++) {
      read += q.cx[i] * x[i];
      for (let j = 0; j < d; j++) read += 0.5 * q.Cx[i * d + j] * x[i] * x[j];
      for (let j = 0; j < d; j++) expect(q.Cx[i * d + j]).toBe(q.Cx[j * d + i]);
    }
    expect(read).toBeCloseTo(dense, 5);
  });

  it('is absent for a model without a cost head', () => {
    expect(new StructuredLatentModel(tinyModel()).costHead).toBeUndefined();
  });
});
