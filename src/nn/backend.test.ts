import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { backendInfo, initBackend } from './backend.js';
import { registerSolarKernels, restoreTfjsKernels, solarKernelsRegistered } from './kernels/register.js';

describe('initBackend', () => {
  it("'auto' picks wasm under Node, with solar's kernels registered and SIMD recorded", async () => {
    expect(await initBackend('auto')).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(solarKernelsRegistered('wasm')).toBe(true);
    const info = backendInfo();
    expect(info).toMatchObject({ name: 'wasm', requested: 'auto', tfjsVersion: tf.version_core });
    expect(typeof info?.simd).toBe('boolean');
    expect(info?.fallbackReason).toBeUndefined();
  });

  it('is idempotent and can switch between backends', async () => {
    expect(await initBackend('wasm')).toBe('wasm');
    expect(await initBackend('wasm')).toBe('wasm');
    expect(await initBackend('cpu')).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(backendInfo()).toMatchObject({ name: 'cpu', solarKernels: ['Conv2DBackpropFilter', 'SolarReluGrad'] });
    expect(solarKernelsRegistered('cpu')).toBe(true);
    // Overlapping calls are serialised: the last one wins.
    const [a, b] = await Promise.all([initBackend('cpu'), initBackend('wasm')]);
    expect([a, b, tf.getBackend()]).toEqual(['cpu', 'wasm', 'wasm']);
  });

  it("'tensorflow' without @tensorflow/tfjs-node installed fails naming the package, leaving the backend as it was", async () => {
    await initBackend('wasm');
    await expect(initBackend('tensorflow')).rejects.toThrow(/@tensorflow\/tfjs-node/);
    expect(tf.getBackend()).toBe('wasm');
    expect(backendInfo()?.name).toBe('wasm');
  });

  it('rejects an unknown backend name', async () => {
    await expect(initBackend('webgpu' as never)).rejects.toThrow(/unknown backend 'webgpu'/);
  });

  it("restoreTfjsKernels puts tfjs's own kernels back (the tests' reference) and registerSolarKernels reinstates ours", async () => {
    await initBackend('cpu');
    const ours = tf.getKernel('Conv2DBackpropFilter', 'cpu');
    restoreTfjsKernels('cpu');
    expect(solarKernelsRegistered('cpu')).toBe(false);
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).not.toBe(ours);
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBeDefined();
    registerSolarKernels('cpu');
    expect(tf.getKernel('Conv2DBackpropFilter', 'cpu')).toBe(ours);
  });

  it("tfjs's own wasm kernels work again after restoreTfjsKernels (their setup is rerun) and agree with ours", async () => {
    await initBackend('wasm');
    const y = tf.tensor4d(Array.from({ length: 2 * 3 * 3 * 2 }, (_, i) => Math.sin(i)), [2, 3, 3, 2]);
    const w = tf.tensor4d(Array.from({ length: 4 * 4 * 1 * 2 }, (_, i) => Math.cos(i)), [4, 4, 1, 2]);
    const ours = tf.conv2dTranspose(y, w, [2, 6, 6, 1], 2, 'same');
    restoreTfjsKernels('wasm');
    try {
      expect(solarKernelsRegistered('wasm')).toBe(false);
      const theirs = tf.conv2dTranspose(y, w, [2, 6, 6, 1], 2, 'same');
      const [a, b] = [ours.dataSync(), theirs.dataSync()];
      for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i], 4);
      tf.dispose(theirs);
    } finally {
      registerSolarKernels('wasm');
    }
    expect(solarKernelsRegistered('wasm')).toBe(true);
    tf.dispose([y, w, ours]);
  });
});
