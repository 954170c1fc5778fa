/**
 * The shard pool on real worker threads (the built shard-worker.js): a run whose shards are
 * trained on a worker equals, bit for bit, the run that trains them all on the main thread.
 */
import { beforeAll, expect, it } from 'vitest';
import { flatWeights } from '../model/shards.js';
import { getModelState } from '../model/state.js';
import { tinyData, tinyModel } from '../model/test-helpers.js';
import { trainStep } from '../model/train.js';
import { initBackend } from '../nn/backend.js';
import { attachShardWorkers, shardWorkerScript } from './shard-pool.js';

beforeAll(async () => {
  await initBackend('wasm');
});

it('trains shards on a worker thread to exactly the single-thread run, and reports a worker error', () => {
  expect(shardWorkerScript()).not.toBeNull(); // npm ci builds it (prepare)
  const over = { batch_sequences: 5, batch_shards: 2, cost_head: true, frame_stack: 2 };
  const data = tinyData(7, 4, [3, 3, 1], 1, 2);
  const alone = tinyModel(over, 4, 4);
  const pooled = tinyModel(over, 4, 4);
  const pool = attachShardWorkers(pooled, 2, 'wasm');
  expect(pool?.size).toBe(1);
  for (let s = 0; s < 4; s++) expect(trainStep(pooled, data, true)).toEqual(trainStep(alone, data, true));
  expect(flatWeights(pooled)).toEqual(flatWeights(alone));
  expect(getModelState(pooled)).toEqual(getModelState(alone));
  // Bad input reaches the worker's shard: its error comes back as one clear line.
  const bad = { ...data, sequences: data.sequences.map((q, i) => (i === 0 ? q : { ...q, images: q.images.map(() => Number.NaN) })) };
  expect(() => {
    for (let s = 0; s < 10; s++) trainStep(pooled, bad);
  }).toThrow(/latent potentials are not finite|shard worker 0:/);
  alone.dispose();
  pooled.dispose();
}, 120_000);

it('stays on one thread when asked for one, or when the model has one shard', () => {
  expect(attachShardWorkers(tinyModel({ batch_shards: 2 }), 1, 'wasm')).toBeNull();
  expect(attachShardWorkers(tinyModel({ batch_shards: 1 }), 2, 'wasm')).toBeNull();
  expect(() => attachShardWorkers(tinyModel(), 0, 'wasm')).toThrow(/threads must be a positive integer/);
});
