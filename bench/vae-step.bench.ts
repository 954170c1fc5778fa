/**
 * The conv VAE's training step against the same network in libtorch (the speed peer,
 * ../shared/peers/libtorch_vae_step.cpp): one Adam step of the VAE ablation's model (conv
 * encoder and decoder, Bernoulli likelihood, KL to N(0, I)) on 64 images, at 32×32×1 and
 * 64×64×3, on 1 and 2 threads — the model's two minibatch shards on the main thread alone, or
 * one on a shard worker (model/shards.ts, run/shard-pool.ts).
 *
 * With VAE_PEER=/path/to/peer set, the peer runs between our measurements (interleaved, 5
 * rounds each), with OPENBLAS_NUM_THREADS=1 and torch's own thread count set to ours (letting
 * OpenBLAS start threads of its own inside torch's oversubscribed the 2 cores: 2× slower
 * here); each line then carries peer_ms and ratio = ms / peer_ms. Medians over the rounds of
 * each round's median step.
 */
import { execFileSync } from 'node:child_process';
import { SolarModel, MODEL_DEFAULTS, trainStep, type SequenceSet } from '../src/model/index.js';
import { initBackend } from '../src/nn/backend.js';
import { Rng } from '../src/random/rng.js';
import { attachShardWorkers } from '../src/run/shard-pool.js';
import type { BenchResult } from './types.js';

const SHAPES: Array<[number, number, number]> = [[32, 32, 1], [64, 64, 3]];
const THREADS = [1, 2];
const BATCH = 64;
const ROUNDS = 5;
const STEPS = 7;
const WARMUP = 3;

/** 32 two-frame sequences: a minibatch of 64 images, as the peer's. */
function vaeStep(imageShape: [number, number, number], threads: number): { step: () => void; close: () => void } {
  const L = 2;
  const seqs = BATCH / L;
  const config = {
    ...MODEL_DEFAULTS, prior: 'normal' as const, latent_dim: 10, network: 'conv' as const, batch_sequences: seqs,
    batch_shards: 2, kl_warmup_steps: 0, beta_start: 1,
  };
  const model = new SolarModel(config, { imageShape, actionDim: 1, length: L }, 1);
  const pool = attachShardWorkers(model, threads, 'wasm');
  if (threads > 1 && pool == null) throw new Error('vae-step: no built shard worker (run it through npm run bench)');
  const rng = new Rng(2);
  const n = L * imageShape[0] * imageShape[1] * imageShape[2];
  const data: SequenceSet = {
    length: L, imageShape, actionDim: 1, stateDim: 1,
    sequences: Array.from({ length: seqs }, () => ({
      images: new Float32Array(n).map(() => (rng.uniform() < 0.1 ? 1 : 0)),
      actions: new Float64Array(L), costs: new Float64Array(L), states: new Float64Array(L),
    })),
  };
  return { step: () => void trainStep(model, data), close: () => model.dispose() };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median wall ms of STEPS steps. */
function timeSteps(step: () => void): number {
  const ts: number[] = [];
  for (let i = 0; i < STEPS; i++) {
    const t0 = performance.now();
    step();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** One run of the peer: its median ms per shape ("64x64x3" → ms). */
function runPeer(peer: string, threads: number): Map<string, number> {
  const out = execFileSync(peer, [String(threads), String(STEPS + WARMUP)], {
    encoding: 'utf8',
    env: { ...process.env, OPENBLAS_NUM_THREADS: '1', LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ?? '/usr/lib/x86_64-linux-gnu/openblas-pthread' },
  });
  const ms = new Map<string, number>();
  for (const m of out.matchAll(/VAE (\d+x\d+x\d+) B=\d+ step: median ([\d.]+) ms/g)) ms.set(m[1], Number(m[2]));
  if (ms.size === 0) throw new Error(`vae-step: could not read the peer's output:\n${out}`);
  return ms;
}

export async function run(): Promise<BenchResult[]> {
  await initBackend('wasm');
  const peer = process.env.VAE_PEER;
  const results: BenchResult[] = [];
  for (const threads of THREADS) {
    const steps = SHAPES.map((shape) => ({ shape, ...vaeStep(shape, threads), ours: [] as number[], theirs: [] as number[] }));
    try {
      for (const s of steps) for (let i = 0; i < WARMUP; i++) s.step();
      for (let round = 0; round < ROUNDS; round++) {
        for (const s of steps) s.ours.push(timeSteps(s.step));
        if (peer) {
          const p = runPeer(peer, threads);
          for (const s of steps) s.theirs.push(p.get(s.shape.join('x')) ?? NaN);
        }
      }
    } finally {
      steps.forEach((s) => s.close());
    }
    for (const s of steps) {
      const shape = s.shape.join('x');
      const ms = median(s.ours);
      const json: Record<string, unknown> = { shape, batch: BATCH, threads, ms: round1(ms) };
      if (peer) {
        const peerMs = median(s.theirs);
        Object.assign(json, { peer_ms: round1(peerMs), ratio: Math.round((ms / peerMs) * 100) / 100 });
      }
      results.push({ name: `vae-step: ${shape}, batch ${BATCH}, ${threads} thread${threads > 1 ? 's' : ''}${peer ? ` (libtorch ${json.peer_ms} ms, ratio ${json.ratio})` : ''}`, value: ms, unit: 'ms/step', json });
    }
  }
  return results;
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
