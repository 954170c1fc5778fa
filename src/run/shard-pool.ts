/**
 * Worker threads that train minibatch shards (model/shards.ts) beside the main thread, so one
 * run keeps several cores busy. Each worker holds a replica of the model's networks on its own
 * tfjs backend; per step it gets the weights and its shard, and returns the shard's gradient.
 *
 * A training step is synchronous, so the main thread blocks in `Atomics.wait` on a shared flag
 * the worker raises when its result is posted, and takes the result with
 * `receiveMessageOnPort` (no event loop needed). Workers load the built JS
 * (`build/src/run/shard-worker.js`); from the TypeScript sources (vitest) the built copy is
 * used if there is one, else shards run on the main thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { MessageChannel, receiveMessageOnPort, Worker, type MessagePort } from 'node:worker_threads';
import type { ModelConfig, ModelShape, SolarModel } from '../model/index.js';
import type { ShardInput, ShardOutput, ShardWorkers } from '../model/shards.js';
import type { BackendRequest } from '../nn/index.js';

/** What a shard worker is started with. */
export interface ShardWorkerData {
  config: ModelConfig;
  shape: ModelShape;
  seed: number;
  backend: BackendRequest;
  /** [0]: result ready (1) / worker gone (2); the worker raises it, the main thread clears it. */
  flag: Int32Array;
  port: MessagePort;
}

export type ShardReply = { ok: true; out: ShardOutput<Float32Array> } | { ok: false; error: string };

/** A worker taking longer than this for one shard is taken as hung. */
const SHARD_TIMEOUT_MS = 30 * 60 * 1000;

/** The shard worker's script: built beside this module, or the build's copy when running from sources. */
export function shardWorkerScript(): string | null {
  for (const rel of ['./shard-worker.js', '../../build/src/run/shard-worker.js']) {
    const file = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(file)) return file;
  }
  return null;
}

/** The default thread count of a run: this machine's cores, at most the model's shards. */
export function defaultThreads(config: Pick<ModelConfig, 'batch_shards'>): number {
  return Math.max(1, Math.min(availableParallelism(), config.batch_shards));
}

class ShardPool implements ShardWorkers {
  private readonly workers: Array<{ worker: Worker; port: MessagePort; flag: Int32Array; busy: boolean }> = [];
  private closed = false;

  constructor(script: string, count: number, data: Omit<ShardWorkerData, 'flag' | 'port'>) {
    for (let i = 0; i < count; i++) {
      const flag = new Int32Array(new SharedArrayBuffer(4));
      const { port1, port2 } = new MessageChannel();
      const workerData: ShardWorkerData = { ...data, flag, port: port2 };
      const worker = new Worker(script, { workerData, transferList: [port2] });
      // Neither keeps the process alive: a run that forgets to close still exits.
      worker.unref();
      port1.unref();
      this.workers.push({ worker, port: port1, flag, busy: false });
    }
  }

  get size(): number {
    return this.workers.length;
  }

  start(w: number, weights: Float32Array, input: ShardInput): void {
    const slot = this.workers[w];
    if (this.closed || slot == null) throw new Error(`shard pool: no worker ${w}`);
    if (slot.busy) throw new Error(`shard pool: worker ${w} is still busy`);
    slot.busy = true;
    slot.worker.postMessage({ weights, input });
  }

  wait(w: number): ShardOutput<Float32Array> {
    const slot = this.workers[w];
    if (slot == null || !slot.busy) throw new Error(`shard pool: nothing started on worker ${w}`);
    const t0 = Date.now();
    while (Atomics.load(slot.flag, 0) === 0) {
      if (Atomics.wait(slot.flag, 0, 0, 1000) === 'timed-out' && Date.now() - t0 > SHARD_TIMEOUT_MS) {
        throw new Error(`shard worker ${w} gave no result in ${SHARD_TIMEOUT_MS / 60000} min`);
      }
    }
    slot.busy = false;
    const state = Atomics.exchange(slot.flag, 0, 0);
    const msg = receiveMessageOnPort(slot.port)?.message as ShardReply | undefined;
    if (msg == null) throw new Error(state === 2 ? `shard worker ${w} exited unexpectedly` : `shard worker ${w} raised its flag without a result`);
    if (!msg.ok) throw new Error(`shard worker ${w}: ${msg.error}`);
    return msg.out;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const { worker, port } of this.workers) {
      port.close();
      void worker.terminate();
    }
  }
}

/**
 * Gives `model` threads − 1 shard workers (at most its shards − 1) on `backend`; returns
 * them, or null when the run stays on one thread (threads 1, one shard, or no built worker
 * script). `model.dispose()` closes them.
 */
export function attachShardWorkers(model: SolarModel, threads: number, backend: BackendRequest): ShardWorkers | null {
  if (!(Number.isInteger(threads) && threads >= 1)) throw new Error(`threads must be a positive integer, got ${threads}`);
  const count = Math.min(threads, model.config.batch_shards) - 1;
  const script = count > 0 ? shardWorkerScript() : null;
  if (script == null) return null;
  model.shardWorkers?.close();
  const pool = new ShardPool(script, count, { config: model.config, shape: model.shape, seed: model.seed, backend });
  model.shardWorkers = pool;
  return pool;
}
