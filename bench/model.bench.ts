/**
 * Model training-step benchmark: one full `trainStep` of the structured latent model (conv
 * encoder/decoder, the block-tridiagonal latent op forward + VJP in Float64, Adam with
 * clipping, the SVI update of time-varying q(θ)) on 64 frames per step (4 sequences × 16
 * frames, ds = 10), at 32×32×1 and 64×64×3, on the wasm and cpu backends; for wasm also the
 * VAE ablation (same networks, no latent op or SVI), so the difference is the SVAE's own cost.
 * Median ms over a few steps after warm-up; single-threaded. On the shared 2-core machine
 * expect ±20–30 % between runs.
 */
import { initBackend } from '../src/nn/backend.js';
import { MODEL_DEFAULTS, SolarModel, trainStep, type ModelConfig, type SequenceSet } from '../src/model/index.js';
import { Rng } from '../src/random/rng.js';
import type { BenchResult } from './types.js';

const SEQS = 4;
const FRAMES = 16;

function data(shape: [number, number, number], seed: number): SequenceSet {
  const rng = new Rng(seed);
  const hwc = shape[0] * shape[1] * shape[2];
  const sequences = Array.from({ length: SEQS }, () => ({
    images: new Float32Array(FRAMES * hwc).map(() => (rng.uniform() < 0.1 ? 1 : 0)),
    actions: Float64Array.from({ length: FRAMES * 2 }, () => 0.5 * rng.normal()),
    costs: new Float64Array(FRAMES),
    states: new Float64Array(0),
  }));
  return { length: FRAMES, imageShape: shape, actionDim: 2, stateDim: 0, sequences };
}

function medianMs(fn: () => unknown, warmup: number, reps: number): number {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function run(): Promise<BenchResult[]> {
  const out: BenchResult[] = [];
  const cases: Array<['wasm' | 'cpu', 'lds' | 'normal']> = [['wasm', 'lds'], ['wasm', 'normal'], ['cpu', 'lds']];
  for (const [backend, prior] of cases) {
    await initBackend(backend);
    for (const shape of [[32, 32, 1], [64, 64, 3]] as [number, number, number][]) {
      const config: ModelConfig = { ...MODEL_DEFAULTS, prior, latent_dim: 10, batch_sequences: SEQS, kl_warmup_steps: 0, dynamics_start_step: 0 };
      const model = new SolarModel(config, { imageShape: shape, actionDim: 2, length: FRAMES }, 1);
      const d = data(shape, 2);
      const [warmup, reps] = backend === 'wasm' ? [2, 5] : [1, 2];
      const ms = medianMs(() => trainStep(model, d), warmup, reps);
      model.dispose();
      out.push({ name: `model: ${prior} train step ${shape.join('x')}, ${SEQS}x${FRAMES} frames (${backend})`, value: ms, unit: 'ms/step' });
    }
  }
  await initBackend('auto');
  return out;
}
