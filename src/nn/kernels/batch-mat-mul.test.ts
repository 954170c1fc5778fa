/** The wasm matmul (transpose-free, solar's SIMD kernel where it applies) against the cpu backend, for every flag combination and batching. */
import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend.js';
import { onBackend, randn, relErr, useKernels } from '../test-helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

it.each([
  [false, false],
  [true, false],
  [false, true],
  [true, true],
])('matMul with transposeA=%s transposeB=%s (plain, batched, fused with bias+relu) equals cpu', async (tA, tB) => {
  const aShape: [number, number, number] = tA ? [3, 5, 4] : [3, 4, 5];
  const bShape: [number, number, number] = tB ? [3, 6, 5] : [3, 5, 6];
  const a = randn(aShape, 1);
  const b = randn(bShape, 2);
  const bias = randn([6], 3);
  const run = () => {
    const [at, bt] = [tf.tensor(a, aShape) as tf.Tensor3D, tf.tensor(b, bShape) as tf.Tensor3D];
    const a2 = at.slice([0, 0, 0], [1, -1, -1]).squeeze([0]) as tf.Tensor2D;
    const b2 = bt.slice([0, 0, 0], [1, -1, -1]).squeeze([0]) as tf.Tensor2D;
    return [
      tf.matMul(at, bt, tA, tB),
      tf.matMul(a2, b2, tA, tB),
      tf.fused.matMul({ a: a2, b: b2, transposeA: tA, transposeB: tB, bias: tf.tensor1d(bias), activation: 'relu' }),
    ];
  };
  const cpu = await onBackend('cpu-reference', run);
  const wasm = await onBackend('wasm', run);
  for (let i = 0; i < cpu.length; i++) expect(relErr(wasm[i], cpu[i])).toBeLessThan(1e-5);
});

it.each([
  [false, false, 'relaxed'],
  [true, false, 'simd'],
  [false, true, 'relaxed'],
  [true, true, 'composite'],
] as const)('an unbatched product with N in 8s (solar\'s SIMD kernel) equals cpu: transposeA=%s transposeB=%s (kernels: %s)', async (tA, tB, mode) => {
  await useKernels(mode);
  try {
    const [M, K, N] = [7, 13, 16];
    const aShape = tA ? [K, M] : [M, K];
    const bShape = tB ? [N, K] : [K, N];
    const a = randn(aShape, 4);
    const b = randn(bShape, 5);
    const run = () => [tf.matMul(tf.tensor2d(a, aShape as [number, number]), tf.tensor2d(b, bShape as [number, number]), tA, tB)];
    const [cpu] = await onBackend('cpu-reference', run);
    const [wasm] = await onBackend('wasm', run);
    expect(relErr(wasm, cpu)).toBeLessThan(1e-5);
  } finally {
    await useKernels('relaxed');
  }
});
