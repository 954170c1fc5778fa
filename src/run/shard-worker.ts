/**
 * Worker-thread entry of the shard pool (shard-pool.ts; loaded from the built JS,
 * build/src/run/shard-worker.js): a replica of the model's networks that, per message, takes
 * the weights and one shard and posts that shard's gradient (flat, variables in order), then
 * raises the shared flag the main thread waits on.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { SolarModel } from '../model/index.js';
import { flatGradients, setFlatWeights, shardGradients, type ShardInput } from '../model/shards.js';
import { initBackend } from '../nn/index.js';
import type { ShardReply, ShardWorkerData } from './shard-pool.js';

const data = workerData as ShardWorkerData | null;
if (parentPort == null || data?.flag == null) throw new Error('shard-worker.js is a worker-thread entry; the shard pool starts it');
const { flag, port } = data;

function reply(msg: ShardReply, transfer: ArrayBuffer[] = []): void {
  port.postMessage(msg, transfer);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
}

process.on('exit', () => {
  Atomics.store(flag, 0, 2);
  Atomics.notify(flag, 0);
});

const ready = initBackend(data.backend).then(() => new SolarModel(data.config, data.shape, data.seed));

parentPort.on('message', (job: { weights: Float32Array; input: ShardInput }) => {
  ready
    .then((model) => {
      setFlatWeights(model, job.weights);
      const out = shardGradients(model, job.input);
      const grads = flatGradients(out.grads);
      reply({ ok: true, out: { ...out, grads } }, [grads.buffer as ArrayBuffer]);
    })
    .catch((e: unknown) => reply({ ok: false, error: e instanceof Error ? e.message : String(e) }));
});
