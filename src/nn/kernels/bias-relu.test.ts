/** The bias Add and relu's one-kernel gradient against tfjs's own cpu kernels and formula. */
import { expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { describeEachKernelMode, onBackend, randn, relErr } from '../test-helpers.js';

describeEachKernelMode("wasm with solar's kernels", () => {
  it.each([
    [[2, 3, 4, 8], [8]],
    [[5, 3], [3]],
    [[6, 7], [7]], // a channel count that is not a multiple of 4
    [[8], [8, 3, 8]], // the bias first
    [[4, 5], [4, 5]], // not a bias: the backend's own Add
    [[4, 1], [1, 5]],
  ])('add %j + %j and its gradient equal cpu', async (aShape, bShape) => {
    const a = randn(aShape, 1);
    const b = randn(bShape, 2);
    const run = () => {
      const [at, bt] = [tf.tensor(a, aShape), tf.tensor(b, bShape)];
      const f = (x: tf.Tensor, y: tf.Tensor) => tf.add(x, y).square().sum();
      return [tf.add(at, bt), ...tf.grads(f)([at, bt])];
    };
    const ref = await onBackend('cpu-reference', run);
    const wasm = await onBackend('wasm', run);
    for (let i = 0; i < ref.length; i++) expect(relErr(wasm[i], ref[i])).toBeLessThan(1e-6);
  });

  it('relu\'s gradient equals dy·step(x), zero at x = 0, on wasm and cpu', async () => {
    const shape = [3, 5, 7];
    const x = randn(shape, 3).map((v, i) => (i % 11 === 0 ? 0 : v));
    const dy = randn(shape, 4);
    const run = () => [tf.grad((v: tf.Tensor) => tf.relu(v))(tf.tensor(x, shape), tf.tensor(dy, shape))];
    const [ref] = await onBackend('cpu-reference', run);
    const [wasm] = await onBackend('wasm', run);
    const [cpu] = await onBackend('cpu', run);
    // + 0 maps −0 (tfjs's dy·0 for dy < 0) to 0.
    const values = (a: Float32Array) => Array.from(a, (v) => v + 0);
    const byHand = values(dy.map((d, i) => (x[i] > 0 ? d : 0)));
    expect(values(ref)).toEqual(byHand);
    expect(values(wasm)).toEqual(byHand);
    expect(values(cpu)).toEqual(byHand);
  });
});
