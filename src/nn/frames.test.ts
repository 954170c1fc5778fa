import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.js';
import { stackFrames } from './frames.js';

beforeAll(async () => {
  await initBackend('wasm');
});

it('stacks frames t−k+1 … t along channels, oldest first, repeating frame 0 at the start', () => {
  // Frame (b, t) is filled with the value 10·b + t in channel 0 and its negative in channel 1.
  const [B, T, H, W, k] = [2, 4, 2, 3, 3];
  const values = new Float32Array(B * T * H * W * 2);
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++)
      for (let p = 0; p < H * W; p++) {
        const i = (((b * T + t) * H * W + p) * 2);
        values[i] = 10 * b + t;
        values[i + 1] = -(10 * b + t);
      }
  const seq = tf.tensor5d(values, [B, T, H, W, 2]);
  const out = stackFrames(seq, k);
  expect(out.shape).toEqual([B, T, H, W, 2 * k]);
  const a = out.arraySync();
  for (let b = 0; b < B; b++)
    for (let t = 0; t < T; t++) {
      const expected = [t - 2, t - 1, t].flatMap((s) => [10 * b + Math.max(0, s), -(10 * b + Math.max(0, s))]);
      expect(a[b][t][1][2]).toEqual(expected);
    }
  expect(stackFrames(seq, 1).arraySync()).toEqual(seq.arraySync());
  expect(() => stackFrames(seq, 0)).toThrow(/positive integer/);
  tf.dispose([seq, out]);
});
