/** The per-example terms against float64 formulas written out independently. */
import { beforeAll, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.js';
import { bernoulliLogLik, klToStandardNormal } from './likelihoods.js';
import { describeEachKernelMode, randn } from './test-helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

it('bernoulliLogLik sums x·log σ(l) + (1 − x)·log(1 − σ(l)) per example, stably for large |l|', () => {
  const shape = [3, 4, 5, 2];
  const logits = randn(shape, 1).map((v, i) => (i % 17 === 0 ? 40 * Math.sign(v) : 3 * v));
  const targets = randn(shape, 2).map((v) => 1 / (1 + Math.exp(-v)));
  const got = tf.tidy(() => bernoulliLogLik(tf.tensor(logits, shape), tf.tensor(targets, shape)).arraySync());
  const per = logits.length / 3;
  for (let b = 0; b < 3; b++) {
    let want = 0;
    for (let i = b * per; i < (b + 1) * per; i++) {
      const l = logits[i];
      const logSig = -Math.log1p(Math.exp(-Math.abs(l))) + Math.min(l, 0); // log σ(l)
      const logOneMinus = logSig - l; // log(1 − σ(l)) = log σ(l) − l
      want += targets[i] * logSig + (1 - targets[i]) * logOneMinus;
    }
    expect(got[b]).toBeCloseTo(want, 2);
    expect(Math.abs(got[b] - want) / Math.abs(want)).toBeLessThan(1e-5);
  }
  expect(() => bernoulliLogLik(tf.zeros([2, 3]), tf.zeros([2, 4]))).toThrow(/differ/);
});

it('klToStandardNormal is ½ Σ (m² + s² − 1 − log s²) per row', () => {
  const m = randn([4, 3], 3);
  const s = randn([4, 3], 4).map((v) => Math.exp(0.5 * v));
  const got = tf.tidy(() => klToStandardNormal(tf.tensor2d(m, [4, 3]), tf.tensor2d(s, [4, 3])).arraySync());
  for (let r = 0; r < 4; r++) {
    let want = 0;
    for (let j = 0; j < 3; j++) {
      const [mu, sd] = [m[r * 3 + j], s[r * 3 + j]];
      want += 0.5 * (mu * mu + sd * sd - 1 - Math.log(sd * sd));
    }
    expect(Math.abs(got[r] - want)).toBeLessThan(1e-5 * Math.max(1, want));
  }
  // Zero exactly at the prior.
  const zero = tf.tidy(() => klToStandardNormal(tf.zeros([1, 3]) as tf.Tensor2D, tf.ones([1, 3]) as tf.Tensor2D).arraySync());
  expect(Math.abs(zero[0])).toBeLessThan(1e-7);
});

describeEachKernelMode("bernoulliLogLik with solar's kernels (composite: tfjs ops)", () => {

  it('has the gradient w·(x − σ(l)) per element (float64 by hand), for large |l| too, and the value above', () => {
    const shape = [4, 6, 4];
    const logits = randn(shape, 3).map((v, i) => (i % 13 === 0 ? 60 * Math.sign(v) : 4 * v));
    const targets = randn(shape, 4).map((v) => (v > 0 ? 1 : 0));
    const w = [0.5, -1, 2, 3];
    const [value, grad] = tf.tidy(() => {
      const [l, t] = [tf.tensor(logits, shape), tf.tensor(targets, shape)];
      const f = (x: tf.Tensor) => bernoulliLogLik(x, t).mul(tf.tensor1d(w)).sum();
      return [bernoulliLogLik(l, t).arraySync(), tf.grad(f)(l).dataSync()];
    });
    const per = logits.length / 4;
    for (let i = 0; i < logits.length; i++) {
      const sig = 1 / (1 + Math.exp(-logits[i]));
      expect(Math.abs(grad[i] - w[Math.floor(i / per)] * (targets[i] - sig))).toBeLessThan(3e-6 * Math.abs(w[Math.floor(i / per)]));
    }
    for (let b = 0; b < 4; b++) {
      let want = 0;
      for (let i = b * per; i < (b + 1) * per; i++) want += targets[i] * logits[i] - (Math.max(logits[i], 0) + Math.log1p(Math.exp(-Math.abs(logits[i]))));
      expect(Math.abs((value as number[])[b] - want) / Math.abs(want)).toBeLessThan(1e-6);
    }
  });
});
