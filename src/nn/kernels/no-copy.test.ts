/** Identity and same-type Cast on wasm share the input's buffer: values intact after either side is freed, nothing leaked. */
import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../backend.js';

beforeAll(async () => {
  await initBackend('wasm');
});

it.each([
  ['clone (Identity)', (x: tf.Tensor) => tf.clone(x)],
  ['cast float32 → float32', (x: tf.Tensor) => tf.cast(x, 'float32')],
])('%s keeps its values when the source is freed, and frees its buffer', (_, copy) => {
  const buffers = () => tf.backend().numDataIds();
  const before = { buffers: buffers(), tensors: tf.memory().numTensors };
  const x = tf.tensor([1.5, -2, 3], [3]);
  const y = copy(x);
  expect(buffers()).toBe(before.buffers + 1); // one buffer, two tensors
  expect(y.dataId).toBe(x.dataId);
  x.dispose();
  expect(Array.from(y.dataSync())).toEqual([1.5, -2, 3]);
  const z = copy(y);
  y.dispose();
  expect(Array.from(z.dataSync())).toEqual([1.5, -2, 3]);
  z.dispose();
  expect(buffers()).toBe(before.buffers);
  expect(tf.memory().numTensors).toBe(before.tensors);
});

it('cast to another dtype still converts', () => {
  const x = tf.tensor([1.7, -2.2, 3]);
  expect(Array.from(tf.cast(x, 'int32').dataSync())).toEqual([1, -2, 3]);
  const i = tf.tensor([0, 2], [2], 'int32');
  const f = tf.cast(i, 'float32');
  expect(f.dtype).toBe('float32');
  expect(f.dataId).not.toBe(i.dataId);
  expect(Array.from(f.dataSync())).toEqual([0, 2]);
  tf.dispose([x, i, f]);
});

it('a gradient through saved tensors is unchanged (relu, whose gradient clones and casts)', () => {
  const x = tf.tensor([-1, 0.5, 2, -0.1]);
  const g = tf.grad((v: tf.Tensor) => tf.relu(v).mul(v).sum())(x);
  // d/dv relu(v)·v = 2v for v > 0, 0 otherwise
  expect(Array.from(g.dataSync())).toEqual([0, 1, 4, 0]);
  tf.dispose([x, g]);
});
