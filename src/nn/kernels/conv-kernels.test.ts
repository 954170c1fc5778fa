/**
 * solar's conv backprop kernels (wasm, and the cpu filter gradient) against tfjs's own cpu
 * kernels (independent, pure-JS loops): same seeded inputs, all in one process, 1e-4
 * relative in float32. On wasm both implementations: the SIMD kernels (native/) and the
 * composite ones on XNNPACK's Conv2D that run when those cannot load.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend.js';
import { KERNEL_MODES, onBackend, randn, relErr, useKernels } from '../test-helpers.js';
import { nativeKernels } from './native/module.js';

type Pad = 'same' | 'valid' | tf.backend_util.ExplicitPadding;
// [input NHWC, filter [kh, kw, Cin, Cout], stride, padding]: odd sizes, strides that skip
// trailing rows, filters smaller than the stride, non-square strides.
const CASES: Array<[number[], number[], number | [number, number], Pad]> = [
  [[2, 8, 8, 3], [3, 3, 3, 4], 1, 'same'],
  [[2, 7, 6, 2], [3, 2, 2, 3], 1, 'valid'],
  [[2, 8, 8, 3], [3, 3, 3, 4], 2, 'same'],
  [[2, 9, 7, 3], [3, 3, 3, 4], 2, 'valid'],
  [[2, 9, 7, 3], [4, 4, 3, 4], 2, 'same'],
  [[3, 10, 10, 1], [4, 4, 1, 5], 2, 'valid'],
  [[1, 11, 11, 2], [5, 5, 2, 3], 3, 'same'],
  [[1, 11, 12, 2], [1, 2, 2, 3], 3, 'valid'],
  [[2, 9, 8, 2], [3, 4, 2, 3], [2, 1], 'same'],
  // Explicit, asymmetric padding (tfjs's third kind), including a pad wider than the filter.
  [[2, 7, 9, 2], [3, 3, 2, 3], 2, [[0, 0], [2, 0], [1, 4], [0, 0]]],
  [[1, 6, 5, 2], [3, 2, 2, 2], 1, [[0, 0], [4, 1], [0, 3], [0, 0]]],
  // The SIMD kernels' blocks: 8 output channels and a tail of 4, channel blocks of 4 and 1,
  // and the networks' own layer (32 channels, 4×4 stride 2).
  [[2, 9, 9, 5], [4, 4, 5, 12], 2, 'same'],
  [[2, 8, 8, 32], [4, 4, 32, 32], 2, 'same'],
  [[2, 16, 16, 3], [4, 4, 3, 32], 2, 'same'],
  // The tiled forward and input-gradient kernels (channels in 8s): rows of 7 and 13 output
  // pixels (tiles of 4 plus a remainder, edge pixels alone), stride 1 and 3, and 12 input
  // channels (the per-pixel input gradient).
  [[2, 13, 11, 8], [4, 4, 8, 16], 2, 'same'],
  [[1, 13, 13, 16], [3, 3, 16, 8], 1, 'valid'],
  [[1, 14, 15, 8], [5, 4, 8, 8], 3, 'same'],
  [[2, 7, 7, 12], [3, 3, 12, 8], 2, 'same'],
  // A left pad wider than the filter, for the tiled kernels' padded copies.
  [[1, 9, 9, 8], [3, 3, 8, 8], 2, [[0, 0], [1, 2], [4, 1], [0, 0]]],
];

beforeAll(async () => {
  expect(await initBackend('wasm')).toBe('wasm');
  expect(nativeKernels(tf.backend())).not.toBeNull();
});

describe.each(KERNEL_MODES)('wasm with solar\'s kernels: %s', (mode) => {
  beforeAll(() => useKernels(mode));
  afterAll(() => useKernels('relaxed'));

  describe('conv2d and its gradients on wasm and (solar) cpu match tfjs cpu', () => {
    it.each(CASES)('x %j, filter %j, stride %j, %s', async (xShape, fShape, stride, pad) => {
      const x = randn(xShape, 1);
      const w = randn(fShape, 2);
      const outShape = tf.backend_util.computeConv2DInfo(xShape as never, fShape as never, stride, 1, pad).outShape;
      const dy = randn(outShape, 3);
      const grads = () => {
        const f = (a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, stride, pad);
        const [xt, wt] = [tf.tensor(x, xShape), tf.tensor(w, fShape)];
        return [...tf.grads(f)([xt, wt], tf.tensor(dy, outShape)), f(xt, wt)];
      };
      const [refDx, refDw, refY] = await onBackend('cpu-reference', grads);
      const [wasmDx, wasmDw, wasmY] = await onBackend('wasm', grads);
      const [cpuDx, cpuDw] = await onBackend('cpu', grads);
      expect(relErr(wasmY, refY)).toBeLessThan(1e-5);
      expect(relErr(wasmDx, refDx)).toBeLessThan(1e-4);
      expect(relErr(wasmDw, refDw)).toBeLessThan(1e-4);
      expect(relErr(cpuDx, refDx)).toBe(0); // same tfjs kernel
      expect(relErr(cpuDw, refDw)).toBeLessThan(1e-4);
    });
  });

  describe('conv2dTranspose on wasm matches cpu', () => {
    // conv2dTranspose(y, W, xShape) is Conv2DBackpropInput; its gradients need Conv2D and Conv2DBackpropFilter.
    it.each(CASES)('output %j, filter %j, stride %j, %s', async (xShape, fShape, stride, pad) => {
      const outShape = tf.backend_util.computeConv2DInfo(xShape as never, fShape as never, stride, 1, pad).outShape;
      const y = randn(outShape, 4);
      const w = randn(fShape, 5);
      const dx = randn(xShape, 6);
      const run = () => {
        const f = (a: tf.Tensor, b: tf.Tensor) =>
          tf.conv2dTranspose(a as tf.Tensor4D, b as tf.Tensor4D, xShape as [number, number, number, number], stride, pad);
        const [ya, wa] = [tf.tensor(y, outShape), tf.tensor(w, fShape)];
        return [f(ya, wa), ...tf.grads(f)([ya, wa], tf.tensor(dx, xShape))];
      };
      const ref = await onBackend('cpu-reference', run);
      const wasm = await onBackend('wasm', run);
      const cpu = await onBackend('cpu', run);
      for (let i = 0; i < 3; i++) {
        expect(relErr(wasm[i], ref[i])).toBeLessThan(1e-4);
        expect(relErr(cpu[i], ref[i])).toBeLessThan(1e-4);
      }
    });
  });

});

describe('a small conv net', () => {
  it('has the same full gradient (tf.variableGrads) on wasm as on cpu', async () => {
    const images = randn([4, 16, 16, 2], 7);
    const shapes: Record<string, number[]> = { c1: [4, 4, 2, 8], c2: [3, 3, 8, 8], d: [4 * 4 * 8, 5], t1: [4, 4, 8, 5], t2: [4, 4, 2, 8] };
    const run = () => {
      const v = Object.fromEntries(
        Object.entries(shapes).map(([k, s], i) => [k, tf.variable(tf.tensor(randn(s, 10 + i), s).mul(0.3), true, `n${k}`)]),
      );
      const x = tf.tensor4d(images, [4, 16, 16, 2]);
      const { value, grads } = tf.variableGrads(() => {
        const h1 = tf.relu(tf.conv2d(x, v.c1 as tf.Tensor4D, 2, 'same')); // 8×8×8
        const h2 = tf.relu(tf.conv2d(h1, v.c2 as tf.Tensor4D, 2, 'same')); // 4×4×8
        const z = tf.matMul(h2.reshape([4, 128]), v.d as tf.Tensor2D); // 4×5
        const u = tf.relu(tf.conv2dTranspose(z.reshape([4, 1, 1, 5]).tile([1, 4, 4, 1]) as tf.Tensor4D, v.t1 as tf.Tensor4D, [4, 8, 8, 8], 2, 'same'));
        const logits = tf.conv2dTranspose(u, v.t2 as tf.Tensor4D, [4, 16, 16, 2], 2, 'same');
        return tf.losses.sigmoidCrossEntropy(x.greater(0).toFloat(), logits) as tf.Scalar;
      });
      const out = [value, ...Object.keys(shapes).map((k) => grads[`n${k}`])];
      Object.values(v).forEach((t) => t.dispose());
      return out;
    };
    const ref = await onBackend('cpu-reference', run);
    const wasm = await onBackend('wasm', run);
    expect(ref).toHaveLength(6);
    for (let i = 0; i < ref.length; i++) expect(relErr(wasm[i], ref[i])).toBeLessThan(1e-4);
  });
});

describe('the solar kernels', () => {
  it.each(['wasm', 'cpu'] as const)('free every intermediate buffer (%s)', async (backend) => {
    await initBackend(backend);
    const before = tf.memory().numDataBuffers;
    tf.tidy(() => {
      const x = tf.tensor4d(randn([2, 9, 7, 3], 1), [2, 9, 7, 3]);
      const w = tf.tensor4d(randn([4, 4, 3, 4], 2), [4, 4, 3, 4]);
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, 'same'))([x, w]);
      tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, true))([tf.ones([3, 2]), tf.ones([4, 3])]);
    });
    expect(tf.memory().numDataBuffers).toBe(before);
  });

  it('reject NCHW with a clear error', async () => {
    await tf.setBackend('wasm');
    const dy = tf.zeros([1, 2, 6, 6]);
    const filter = tf.zeros([3, 3, 2, 2]);
    const attrs = { inputShape: [1, 2, 6, 6], strides: 1, pad: 'same', dataFormat: 'NCHW' };
    for (const kernel of ['Conv2DBackpropInput', 'Conv2DBackpropFilter']) {
      const inputs: tf.NamedTensorMap = kernel === 'Conv2DBackpropInput' ? { dy, filter } : { x: dy, dy };
      expect(() => tf.engine().runKernel(kernel, inputs, { ...attrs, filterShape: [3, 3, 2, 2] })).toThrow(/only dataFormat 'NHWC'/);
    }
    tf.dispose([dy, filter]);
  });
});
