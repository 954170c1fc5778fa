/**
 * Network training-step benchmark: one Adam step of encoder + decoder (Bernoulli
 * reconstruction + Gaussian KL to N(0, I), i.e. the VAE-ablation loss, which costs the same
 * network work as the SVAE's) at 32×32×1 and 64×64×3, batch 64, on the wasm and cpu backends.
 * Reports the median wall-clock ms per step over a few steps after warm-up, and the process's
 * CPU time per step. Single process, one core for wasm under Node; on a shared machine wall
 * times are noisy (2× when the cores are oversubscribed), CPU times less so.
 *
 * Also the kernels solar replaces on wasm against tfjs's own: conv2dTranspose forward
 * (= Conv2DBackpropInput) at the decoder's shapes, and matMul with transposeA.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/nn/backend.js';
import { registerSolarKernels, restoreTfjsKernels } from '../src/nn/kernels/register.js';
import { ImageDecoder, ImageEncoder, type ImageShape } from '../src/nn/networks.js';
import { bernoulliLogLik, klToStandardNormal } from '../src/nn/likelihoods.js';
import { Rng } from '../src/random/rng.js';
import type { BenchResult } from './types.js';


const BATCH = 64;
const LATENT = 10;

/** Builds a VAE for `imageShape` and returns a function doing one Adam step on a fixed batch. */
export function makeVaeStep(imageShape: ImageShape, batch = BATCH, seed = 1): { step: () => number; dispose: () => void } {
  const encoder = new ImageEncoder({ imageShape, latentDim: LATENT }, seed);
  const decoder = new ImageDecoder({ imageShape, latentDim: LATENT }, seed + 1);
  const rng = new Rng(seed + 2);
  const n = batch * imageShape[0] * imageShape[1] * imageShape[2];
  const pixels = new Float32Array(n).map(() => (rng.uniform() < 0.1 ? 1 : 0));
  const images = tf.tensor4d(pixels, [batch, ...imageShape]);
  const eps = tf.tensor2d(rng.fillNormal(new Float32Array(batch * LATENT)) as Float32Array, [batch, LATENT]);
  const vars = [...encoder.params.variables(), ...decoder.params.variables()];
  const optimizer: tf.Optimizer = tf.train.adam(1e-3);
  const loss = (): tf.Scalar => {
    const { mean, rawScale } = encoder.apply(images);
    const scale = tf.softplus(rawScale).add(0.01) as tf.Tensor2D;
    const z = mean.add(scale.mul(eps)) as tf.Tensor2D;
    const logits = decoder.apply(z);
    return klToStandardNormal(mean, scale).sub(bernoulliLogLik(logits, images)).mean() as tf.Scalar;
  };
  const step = (): number => {
    const value = tf.tidy(() => {
      const { value, grads } = tf.variableGrads(loss, vars);
      optimizer.applyGradients(grads);
      return value;
    });
    const v = value.dataSync()[0];
    value.dispose();
    return v;
  };
  const dispose = () => {
    optimizer.dispose();
    encoder.params.dispose();
    decoder.params.dispose();
    tf.dispose([images, eps]);
  };
  return { step, dispose };
}

/** Median wall-clock ms of `reps` calls after `warmup` calls. */
export function medianMs(fn: () => unknown, warmup: number, reps: number): number {
  return measure(fn, warmup, reps).wallMs;
}

/**
 * Median wall-clock ms of `reps` calls after `warmup` calls, and this process's mean CPU time
 * (user + system) per call: on a shared machine the CPU time is the steadier number, since
 * wall time also counts waiting for a core.
 */
export function measure(fn: () => unknown, warmup: number, reps: number): { wallMs: number; cpuMs: number } {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  const cpu = process.cpuUsage(cpu0);
  times.sort((a, b) => a - b);
  return { wallMs: times[Math.floor(times.length / 2)], cpuMs: (cpu.user + cpu.system) / 1000 / reps };
}

/**
 * Process CPU ms per call of `fn` (inside tidy, synchronised by dataSync) with solar's wasm
 * kernels and with tfjs's: CPU time, so that the ratio survives a busy machine.
 */
function solarVsTfjs(fn: () => tf.Tensor): { solar: number; tfjs: number } {
  // The callback returns nothing: tidy would walk a returned typed array element by element.
  const once = () => tf.tidy(() => {
    fn().dataSync();
  });
  const solar = measure(once, 2, 7).cpuMs;
  restoreTfjsKernels('wasm');
  try {
    return { solar, tfjs: measure(once, 1, 3).cpuMs };
  } finally {
    registerSolarKernels('wasm');
  }
}

export async function kernelResults(): Promise<BenchResult[]> {
  await initBackend('wasm');
  const out: BenchResult[] = [];
  const rng = new Rng(3);
  const randn = (shape: number[]) => tf.tensor(rng.fillNormal(new Float32Array(shape.reduce((a, b) => a * b, 1))) as Float32Array, shape);
  // Decoder upsampling layers of the 64×64×3 network: [in] → [out] with 4×4 filters, stride 2.
  for (const [inShape, outShape] of [
    [[64, 8, 8, 64], [64, 16, 16, 32]],
    [[64, 32, 32, 32], [64, 64, 64, 3]],
  ]) {
    const y = randn(inShape) as tf.Tensor4D;
    const w = randn([4, 4, outShape[3], inShape[3]]) as tf.Tensor4D;
    const t = solarVsTfjs(() => tf.conv2dTranspose(y, w, outShape as [number, number, number, number], 2, 'same'));
    const what = `conv2dTranspose ${inShape.join('x')} -> ${outShape.join('x')}`;
    out.push({ name: `nn: ${what} (wasm, solar kernel)`, value: t.solar, unit: 'ms CPU' });
    out.push({ name: `nn: ${what} (wasm, tfjs kernel)`, value: t.tfjs, unit: 'ms CPU' });
    tf.dispose([y, w]);
  }
  // A dense layer's weight gradient xᵀ·dy: batch 64, 1024 → 256.
  const x = randn([64, 1024]) as tf.Tensor2D;
  const dy = randn([64, 256]) as tf.Tensor2D;
  const t = solarVsTfjs(() => tf.matMul(x, dy, true, false));
  out.push({ name: 'nn: matMul transposeA 1024x64 * 64x256 (wasm, solar kernel)', value: t.solar, unit: 'ms CPU' });
  out.push({ name: 'nn: matMul transposeA 1024x64 * 64x256 (wasm, tfjs kernel)', value: t.tfjs, unit: 'ms CPU' });
  tf.dispose([x, dy]);
  return out;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = await kernelResults();
  for (const backend of ['wasm', 'cpu'] as const) {
    await initBackend(backend);
    for (const shape of [[32, 32, 1], [64, 64, 3]] as ImageShape[]) {
      // The cpu backend is ~20× slower (~2 s and ~9 s a step here): fewer repetitions keep the
      // whole bench under a minute. The cpu backend needs no warm-up at the large size.
      const [warmup, reps] = backend === 'wasm' ? [2, 5] : shape[0] === 32 ? [1, 3] : [0, 3];
      const { step, dispose } = makeVaeStep(shape);
      const { wallMs, cpuMs } = measure(step, warmup, reps);
      dispose();
      const what = `nn: VAE Adam step ${shape.join('x')}, batch ${BATCH} (${backend}`;
      results.push({ name: `${what})`, value: wallMs, unit: 'ms/step' });
      results.push({ name: `${what}, process CPU time)`, value: cpuMs, unit: 'CPU ms/step' });
    }
  }
  await initBackend('auto');
  return results;
}
