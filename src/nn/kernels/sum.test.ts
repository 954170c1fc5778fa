/**
 * The wasm Sum (leading axes by solar's SIMD column sum; with those kernels off, and any other
 * reduction, tfjs's own) against tfjs's cpu Sum.
 */
import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { describeEachKernelMode, onBackend, randn, relErr } from '../test-helpers.js';

describeEachKernelMode("wasm with solar's kernels", () => {
  it.each([
    // Leading axes (the column-sum path): a bias gradient, a vector, negative axes, keepDims.
    [[4, 5, 6, 7], [0, 1, 2], false],
    [[4, 5, 6, 7], [2, 0, 1], true],
    [[9, 3], 0, false],
    [[6, 5, 4], [-3, -2], false],
    // Other reductions (tfjs's own kernel).
    [[4, 5, 6], [1, 2], false],
    [[4, 5, 6], 2, true],
    [[7], 0, false],
    [[4, 5, 6], [0, 2], false],
  ] as Array<[number[], number | number[], boolean]>)('sum of %j over %j (keepDims %s) equals cpu', async (shape, axis, keepDims) => {
    const x = randn(shape, 7);
    const run = () => {
      const t = tf.tensor(x, shape);
      return [tf.sum(t, axis, keepDims), tf.grad((v: tf.Tensor) => tf.sum(v.square(), axis, keepDims).sum())(t)];
    };
    const cpu = await onBackend('cpu-reference', run);
    const wasm = await onBackend('wasm', run);
    for (let i = 0; i < cpu.length; i++) expect(relErr(wasm[i], cpu[i])).toBeLessThan(1e-5);
    const shapes = await onBackend('wasm', () => [tf.tensor1d(tf.tidy(() => tf.sum(tf.tensor(x, shape), axis, keepDims)).shape)]);
    const refShapes = await onBackend('cpu-reference', () => [tf.tensor1d(tf.tidy(() => tf.sum(tf.tensor(x, shape), axis, keepDims)).shape)]);
    expect(Array.from(shapes[0])).toEqual(Array.from(refShapes[0]));
  });

  it('a large leading-axes sum (a conv bias gradient) equals cpu', async () => {
    const shape = [8, 16, 16, 32];
    const x = randn(shape, 8);
    const run = () => [tf.sum(tf.tensor(x, shape), [0, 1, 2])];
    const [cpu] = await onBackend('cpu-reference', run);
    const [wasm] = await onBackend('wasm', run);
    expect(relErr(wasm, cpu)).toBeLessThan(1e-5);
  });
});
