/**
 * ClippedAdam: one step against the formula by hand in float64, and on wasm the one-kernel
 * update (nn/kernels/adam.ts) against the tfjs-ops update bit for bit, clipped and not.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../nn/backend.js';
import { randn, useKernels } from '../nn/test-helpers.js';
import { ClippedAdam } from './adam.js';

beforeAll(async () => {
  await initBackend('wasm');
});
afterAll(() => useKernels('relaxed'));

/** Three steps from fixed weights and gradients; returns the weights and moments. */
function run(clipNorm: number): Float32Array[] {
  const shapes = [[7, 5], [13]];
  const vars = shapes.map((s, i) => tf.variable(tf.tensor(randn(s, i + 1), s)));
  const adam = new ClippedAdam(vars, { lr: 0.01, clipNorm });
  for (let k = 0; k < 3; k++) {
    const grads = shapes.map((s, i) => tf.tensor(randn(s, 10 * k + i + 5), s));
    adam.apply(grads);
    tf.dispose(grads);
  }
  const st = adam.getState();
  const out = [...vars.map((v) => v.dataSync() as Float32Array), ...st.m, ...st.v].map((a) => Float32Array.from(a));
  adam.dispose();
  tf.dispose(vars);
  return out;
}

it.each([
  ['unclipped', 100],
  ['clipped', 0.5],
])('the one-kernel update equals the tfjs-ops update bit for bit (%s)', async (_, clip) => {
  await useKernels('relaxed');
  const kernel = run(clip);
  await useKernels('composite');
  const ops = run(clip);
  await useKernels('simd');
  const plain = run(clip);
  expect(kernel.map((a) => Array.from(a))).toEqual(ops.map((a) => Array.from(a)));
  expect(plain.map((a) => Array.from(a))).toEqual(ops.map((a) => Array.from(a)));
});

it('takes one step by the formula (float64 by hand): θ − lr·√(1−β₂)/(1−β₁) · m / (√v + ε)', async () => {
  await useKernels('relaxed');
  const theta = [0.5, -1, 2];
  const g = [0.3, -0.2, 4];
  const v0 = tf.variable(tf.tensor1d(theta));
  const adam = new ClippedAdam([v0], { lr: 0.1, clipNorm: 1 });
  const gt = tf.tensor1d(g);
  const norm = adam.apply([gt]);
  const n = Math.hypot(...g);
  expect(norm).toBeCloseTo(n, 5);
  const got = v0.dataSync();
  const lrHat = (0.1 * Math.sqrt(1 - 0.999)) / (1 - 0.9);
  theta.forEach((t, i) => {
    const gi = g[i] / n; // clipped to norm 1
    const m = 0.1 * gi;
    const v = 0.001 * gi * gi;
    expect(got[i]).toBeCloseTo(t - (lrHat * m) / (Math.sqrt(v) + 1e-8), 5);
  });
  adam.dispose();
  tf.dispose([v0, gt]);
});

it('sets moments below float32’s smallest normal to 0, in the kernel and the ops alike', async () => {
  // g = 0: m₁ = 0.9·m₀ and v₁ = 0.999·v₀. 1.08e-38, −1.125e-38 and 0.999e-38 fall below
  // FLT_MIN ≈ 1.1755e-38 (a subnormal m₀ stays below it); 9e-4, 0.999 and 3.996e-6 are kept.
  const m0 = [1.2e-38, -1.25e-38, 1e-3, 5e-39];
  const v0 = [1e-38, 1, 4e-6, 0];
  const results: number[][] = [];
  for (const mode of ['relaxed', 'composite', 'simd'] as const) {
    await useKernels(mode);
    const theta = tf.variable(tf.tensor1d([1, 2, 3, 4]));
    const adam = new ClippedAdam([theta], { lr: 0.01, clipNorm: 10 });
    adam.setState({ step: 5, m: [m0], v: [v0] });
    const g = tf.zeros([4]);
    adam.apply([g]);
    const st = adam.getState();
    results.push([...st.m[0], ...st.v[0], ...theta.dataSync()]);
    adam.dispose();
    tf.dispose([theta, g]);
  }
  const [kernel, ops, plain] = results;
  expect(kernel.slice(0, 4)).toEqual([0, 0, Math.fround(Math.fround(1e-3) * Math.fround(0.9)), 0]);
  expect(kernel[4]).toBe(0);
  expect(kernel[5]).toBeCloseTo(0.999, 6);
  expect([kernel[8], kernel[9], kernel[11]]).toEqual([1, 2, 4]); // m = 0: θ does not move
  expect(kernel[10]).toBeLessThan(3);
  expect(kernel).toEqual(ops);
  expect(plain).toEqual(ops);
});
