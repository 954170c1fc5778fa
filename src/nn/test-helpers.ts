/**
 * Helpers for src/nn's tests: the same seeded inputs on two backends, and a tolerance measure.
 * Not used by library code.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe } from 'vitest';
import { Rng } from '../random/rng.js';
import { initBackend } from './backend.js';
import { registerSolarKernels, restoreTfjsKernels } from './kernels/register.js';
import { loadNativeKernels, setNativeKernelsEnabled } from './kernels/native/module.js';

/**
 * Which of solar's wasm implementations the next tests use: the SIMD kernels' relaxed-SIMD
 * build (the default under bin/solar.js and vitest), their plain SIMD build, or the composite
 * kernels on XNNPACK that run when neither loads.
 */
export type KernelMode = 'relaxed' | 'simd' | 'composite';
export const KERNEL_MODES: KernelMode[] = ['relaxed', 'simd', 'composite'];

export async function useKernels(mode: KernelMode): Promise<void> {
  await initBackend('wasm');
  setNativeKernelsEnabled(mode !== 'composite');
  const failure = await loadNativeKernels(tf.backend(), mode === 'simd' ? 'simd' : 'relaxed');
  if (failure != null) throw new Error(failure);
}

/** Standard-normal float32 values from a seeded generator, identical on every backend. */
export function randn(shape: number[], seed: number): Float32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  return new Rng(seed).fillNormal(new Float32Array(n)) as Float32Array;
}

/** max |a − b| / max |b|: a relative error that does not blow up on entries near zero. */
export function relErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`relErr: lengths ${a.length} and ${b.length} differ`);
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return den === 0 ? num : num / den;
}

/**
 * Runs `fn` on a backend and returns its outputs' values (tensors disposed). 'cpu-reference'
 * is the cpu backend with tfjs's own kernels only: the independent reference for solar's.
 */
export async function onBackend(backend: 'cpu' | 'wasm' | 'cpu-reference', fn: () => tf.Tensor[]): Promise<Float32Array[]> {
  await initBackend(backend === 'wasm' ? 'wasm' : 'cpu');
  if (backend === 'cpu-reference') restoreTfjsKernels('cpu');
  try {
    const outs = tf.tidy(fn);
    const values = outs.map((t) => t.dataSync() as Float32Array);
    tf.dispose(outs);
    return values;
  } finally {
    if (backend === 'cpu-reference') registerSolarKernels('cpu');
  }
}

/**
 * `body` once per implementation (KERNEL_MODES) on the wasm backend, in a describe block titled
 * with `title` and the mode; the relaxed build is restored after each.
 */
export function describeEachKernelMode(title: string, body: (mode: KernelMode) => void): void {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  describe.each(KERNEL_MODES)(`${title}: %s`, (mode) => {
    beforeAll(() => useKernels(mode));
    afterAll(() => useKernels('relaxed'));
    body(mode);
  });
}
