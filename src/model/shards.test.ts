/**
 * Sharded minibatch gradients: the shards' sum is the whole minibatch's gradient (an
 * independent computation on all sequences at once), and running shards on workers gives
 * bit-for-bit the run that computes them all on one thread.
 */
import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../nn/backend.js';
import { relErr } from '../nn/test-helpers.js';
import { getModelState } from './state.js';
import { flatGradients, flatWeights, setFlatWeights, shardBounds, shardGradients, type ShardInput, type ShardOutput, type ShardWorkers } from './shards.js';
import { tinyData, tinyModel } from './test-helpers.js';
import { trainStep } from './train.js';
import type { SolarModel } from './model.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const L = 4;
const data = tinyData(6, L, [3, 3, 1], 1, 2);

it('shardBounds splits B sequences into contiguous, near-equal, ordered shards', () => {
  expect(shardBounds(4, 2)).toEqual([[0, 2], [2, 4]]);
  expect(shardBounds(5, 2)).toEqual([[0, 2], [2, 5]]);
  expect(shardBounds(6, 4)).toEqual([[0, 1], [1, 3], [3, 4], [4, 6]]);
  expect(shardBounds(2, 4)).toEqual([[0, 1], [1, 2]]); // never an empty shard
  expect(shardBounds(3, 1)).toEqual([[0, 3]]);
});

it.each([
  ['lds prior with the cost head and a frame stack', { cost_head: true, frame_stack: 2 }],
  ['normal prior (VAE ablation)', { prior: 'normal' as const }],
])('the shards\' gradients, bound terms and SVI statistics add up to the whole minibatch\'s (%s)', (_, over) => {
  const model = tinyModel({ batch_sequences: 6, ...over }, 3, L);
  const lds = model.config.prior === 'lds';
  const ds = model.config.latent_dim;
  const eps = Float64Array.from({ length: 6 * L * ds }, (_, i) => Math.sin(i));
  const input = (lo: number, hi: number): ShardInput => {
    const seqs = data.sequences.slice(lo, hi);
    const u = new Float64Array((hi - lo) * L);
    seqs.forEach((s, b) => u.set(s.actions, b * L));
    return {
      images: seqs.map((s) => s.images), costs: seqs.map((s) => s.costs), u,
      eps: eps.subarray(lo * L * ds, hi * L * ds), dyn: lds ? model.dynamicsExpectations() : null,
      beta: 0.7, frames: 6 * L, stats: lds,
    };
  };
  const values = (o: ShardOutput<tf.Tensor[]>) => o.grads.map((g) => g.dataSync() as Float32Array);
  const whole = shardGradients(model, input(0, 6));
  const parts = [[0, 1], [1, 4], [4, 6]].map(([lo, hi]) => shardGradients(model, input(lo, hi)));
  const wholeGrads = values(whole);
  const partGrads = parts.map(values);
  wholeGrads.forEach((g, i) => {
    const sum = new Float32Array(g.length);
    for (const p of partGrads) p[i].forEach((x, k) => (sum[k] += x));
    expect(relErr(sum, g)).toBeLessThan(1e-5);
  });
  for (const k of ['recon', 'kl', 'costLl'] as const) {
    expect(parts.reduce((a, p) => a + p[k], 0)).toBeCloseTo(whole[k], 3);
  }
  if (lds) {
    for (const k of ['Sxx', 'Sxz', 'Szz', 'n'] as const) {
      const sum = new Float64Array(whole.stats![k].length);
      for (const p of parts) p.stats![k].forEach((x, i) => (sum[i] += x));
      expect(relErr(sum, whole.stats![k])).toBeLessThan(1e-9);
    }
  }
  tf.dispose([...whole.grads, ...parts.flatMap((p) => p.grads)]);
  model.dispose();
});

/** Workers that run their shards on replicas in this thread, through the same flat-weights protocol. */
function inProcessWorkers(size: number, replica: () => SolarModel): ShardWorkers & { jobs: number } {
  const models = Array.from({ length: size }, replica);
  const pending: Array<ShardOutput<Float32Array> | null> = models.map(() => null);
  return {
    size,
    jobs: 0,
    start(w, weights, input) {
      this.jobs += 1;
      setFlatWeights(models[w], weights);
      const out = shardGradients(models[w], input);
      pending[w] = { ...out, grads: flatGradients(out.grads) };
    },
    wait(w) {
      const out = pending[w];
      pending[w] = null;
      if (out == null) throw new Error('nothing started');
      return out;
    },
    close() {
      models.forEach((m) => m.dispose());
    },
  };
}

it('shards on workers reproduce the single-thread run exactly (weights, q(θ), metrics)', () => {
  const over = { batch_sequences: 5, batch_shards: 3, cost_head: true };
  const alone = tinyModel(over, 4, L);
  const shared = tinyModel(over, 4, L);
  const workers = inProcessWorkers(2, () => tinyModel(over, 99, L)); // other init: the weights must come from the step
  shared.shardWorkers = workers;
  for (let s = 0; s < 6; s++) {
    const a = trainStep(alone, data, true);
    const b = trainStep(shared, data, true);
    expect(b).toEqual(a);
  }
  expect(workers.jobs).toBe(12);
  expect(flatWeights(shared)).toEqual(flatWeights(alone));
  expect(getModelState(shared)).toEqual(getModelState(alone));
  alone.dispose();
  shared.dispose();
});
