/**
 * Encoder/decoder: shapes for the task image sizes, seeded initialisation, checkpoint
 * round trips, wasm against tfjs's own cpu kernels (outputs and full gradients), a
 * finite-difference check of the gradient, and that a few Adam steps reduce the loss.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.js';
import { defaultChannels, ImageDecoder, ImageEncoder, type ImageShape } from './networks.js';
import { bernoulliLogLik, klToStandardNormal } from './likelihoods.js';
import { onBackend, randn, relErr } from './test-helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** Small networks so the tests stay fast; the real defaults are exercised in the shape test. */
const small = { channels: [4, 8], hidden: 16 };

function images(shape: [number, number, number, number], seed: number): tf.Tensor4D {
  return tf.tidy(() => tf.sigmoid(tf.tensor(randn(shape, seed), shape)) as tf.Tensor4D);
}

/** Negative VAE bound on a fixed batch and noise, for gradient checks. */
function vaeLoss(enc: ImageEncoder, dec: ImageDecoder, x: tf.Tensor4D, eps: tf.Tensor2D): tf.Scalar {
  const { mean, rawScale } = enc.apply(x);
  const scale = tf.softplus(rawScale).add(0.01) as tf.Tensor2D;
  const logits = dec.apply(mean.add(scale.mul(eps)) as tf.Tensor2D);
  const target = x.slice([0, 0, 0, 0], [-1, -1, -1, dec.config.imageShape[2]]);
  return klToStandardNormal(mean, scale).sub(bernoulliLogLik(logits, target)).mean() as tf.Scalar;
}

describe('shapes', () => {
  it.each([
    [[32, 32, 1], 1, [32, 32, 64]],
    [[32, 32, 2], 2, [32, 32, 64]],
    [[64, 64, 3], 1, [32, 32, 64, 64]],
  ] as Array<[ImageShape, number, number[]]>)('image %j with frame stack %i: default channels, output shapes', (shape, k, channels) => {
    expect(defaultChannels(shape[0])).toEqual(channels);
    const enc = new ImageEncoder({ imageShape: shape, latentDim: 5, frameStack: k }, 1);
    const dec = new ImageDecoder({ imageShape: shape, latentDim: 5 }, 2);
    tf.tidy(() => {
      const { mean, rawScale } = enc.apply(tf.zeros([3, shape[0], shape[1], shape[2] * k]) as tf.Tensor4D);
      expect(mean.shape).toEqual([3, 5]);
      expect(rawScale.shape).toEqual([3, 5]);
      expect(dec.apply(mean).shape).toEqual([3, ...shape]);
    });
    enc.params.dispose();
    dec.params.dispose();
  });

  it('adapts its layers to any camera with even sides: halving while the bottom stays ≥ 4', () => {
    // Hand-counted: 48 → 24 → 12 → 6 (a fourth halving would give 3); 50 → 25; 40×24 → 20×12 → 10×6 (5×3 < 4).
    expect(defaultChannels(48)).toEqual([32, 32, 64]);
    expect(defaultChannels(50)).toEqual([32]);
    expect(defaultChannels(40, 24)).toEqual([32, 32]);
    expect(defaultChannels(8)).toEqual([32]);
    for (const shape of [[48, 48, 1], [40, 24, 2]] as ImageShape[]) {
      const enc = new ImageEncoder({ imageShape: shape, latentDim: 3, hidden: 8 }, 1);
      const dec = new ImageDecoder({ imageShape: shape, latentDim: 3, hidden: 8 }, 1);
      const shapes = tf.tidy(() => {
        const { mean } = enc.apply(tf.zeros([2, ...shape]) as tf.Tensor4D);
        return [mean.shape, dec.apply(mean).shape];
      });
      expect(shapes).toEqual([[2, 3], [2, ...shape]]);
      enc.params.dispose();
      dec.params.dispose();
    }
  });

  it('rejects wrong image shapes and impossible configs with clear errors', () => {
    const enc = new ImageEncoder({ imageShape: [16, 16, 1], latentDim: 3, frameStack: 2, ...small }, 1);
    const dec = new ImageDecoder({ imageShape: [16, 16, 1], latentDim: 3, ...small }, 1);
    const x = tf.zeros([2, 16, 16, 1]) as tf.Tensor4D;
    expect(() => enc.apply(x)).toThrow(/expected images \[B, 16, 16, 2\], got \[2,16,16,1\]/);
    expect(() => dec.apply(tf.zeros([2, 4]) as tf.Tensor2D)).toThrow(/expected latents \[B, 3\]/);
    expect(() => new ImageEncoder({ imageShape: [30, 30, 1], latentDim: 3, ...small }, 1)).toThrow(/divisible by 2\^2/);
    expect(() => defaultChannels(6)).toThrow('the conv model halves the camera image at each layer: it needs even sides of at least 8 pixels, the task gives 6×6');
    expect(() => defaultChannels(31, 32)).toThrow('the task gives 31×32');
    expect(() => new ImageDecoder({ imageShape: [16, 16, 1], latentDim: 0, ...small }, 1)).toThrow(/latentDim/);
    tf.dispose(x);
    enc.params.dispose();
    dec.params.dispose();
  });
});

describe('parameters', () => {
  it('are seeded: same seed, same weights; another seed, other weights', () => {
    const cfg = { imageShape: [16, 16, 1] as ImageShape, latentDim: 3, ...small };
    const [a, b, c] = [new ImageEncoder(cfg, 7), new ImageEncoder(cfg, 7), new ImageEncoder(cfg, 8)];
    const [wa, wb, wc] = [a, b, c].map((e) => e.params.getWeights());
    expect(wa.map((w) => w.name)).toEqual(['enc.conv0.w', 'enc.conv0.b', 'enc.conv1.w', 'enc.conv1.b', 'enc.fc0.w', 'enc.fc0.b', 'enc.out.w', 'enc.out.b']);
    expect(wb).toEqual(wa);
    expect(wc[0].values).not.toEqual(wa[0].values);
    [a, b, c].forEach((e) => e.params.dispose());
  });

  it('leave no tensors behind once disposed', () => {
    const before = tf.memory().numTensors;
    const enc = new ImageEncoder({ imageShape: [16, 16, 1], latentDim: 3, ...small }, 1);
    expect(tf.memory().numTensors).toBe(before + enc.params.variables().length);
    enc.params.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('round-trip through getWeights/setWeights to bit-identical outputs, and reject mismatches', () => {
    const cfg = { imageShape: [16, 16, 1] as ImageShape, latentDim: 3, ...small };
    const [src, dst] = [new ImageDecoder(cfg, 1), new ImageDecoder(cfg, 2)];
    const z = tf.tensor2d(randn([4, 3], 3), [4, 3]);
    // Values are read outside tidy: tidy would walk a returned typed array element by element.
    const values = (net: ImageDecoder) => {
      const t = net.apply(z);
      const v = t.dataSync();
      t.dispose();
      return v;
    };
    const before = values(dst);
    dst.params.setWeights(src.params.getWeights());
    const [a, b] = [values(src), values(dst)];
    expect(b).toEqual(a);
    expect(b).not.toEqual(before);
    const w = src.params.getWeights();
    expect(() => dst.params.setWeights(w.slice(1))).toThrow(/missing: \[dec.fc0.w\]/);
    expect(() => dst.params.setWeights(w.map((x, i) => (i === 0 ? { ...x, shape: [x.shape[1], x.shape[0]] } : x)))).toThrow(/'dec.fc0.w' has shape \[16,3\]/);
    tf.dispose(z);
    src.params.dispose();
    dst.params.dispose();
  });
});

describe('on wasm', () => {
  it("outputs and the full loss gradient match tfjs's cpu kernels", async () => {
    const shape: ImageShape = [16, 16, 2];
    const run = () => {
      const enc = new ImageEncoder({ imageShape: shape, latentDim: 3, frameStack: 2, ...small }, 1);
      const dec = new ImageDecoder({ imageShape: shape, latentDim: 3, ...small }, 2);
      const x = images([4, 16, 16, 4], 3);
      const eps = tf.tensor2d(randn([4, 3], 4), [4, 3]);
      const vars = [...enc.params.variables(), ...dec.params.variables()];
      const { value, grads } = tf.variableGrads(() => vaeLoss(enc, dec, x, eps), vars);
      const out = [value, ...vars.map((v) => grads[v.name])];
      enc.params.dispose();
      dec.params.dispose();
      return out;
    };
    const ref = await onBackend('cpu-reference', run);
    const wasm = await onBackend('wasm', run);
    expect(ref).toHaveLength(1 + 16);
    for (let i = 0; i < ref.length; i++) expect(relErr(wasm[i], ref[i])).toBeLessThan(1e-4);
    await initBackend('wasm');
  });

  it('the loss gradient matches central finite differences along a random direction', () => {
    const shape: ImageShape = [8, 8, 1];
    const enc = new ImageEncoder({ imageShape: shape, latentDim: 2, channels: [3], hidden: 6 }, 1);
    const dec = new ImageDecoder({ imageShape: shape, latentDim: 2, channels: [3], hidden: 6 }, 2);
    const x = images([3, 8, 8, 1], 5);
    const eps = tf.tensor2d(randn([3, 2], 6), [3, 2]);
    const vars = [...enc.params.variables(), ...dec.params.variables()];
    const dirs = vars.map((v, i) => tf.tensor(randn(v.shape, 100 + i), v.shape));
    const { grads } = tf.variableGrads(() => vaeLoss(enc, dec, x, eps), vars);
    const analytic = vars.reduce((s, v, i) => s + tf.sum(grads[v.name].mul(dirs[i])).dataSync()[0], 0);
    // Float32 loss of size ~40: steps above ~1e-2 cross relu kinks (seen: 4–8 % off at 1e-2..1e-1),
    // 3e-4..3e-3 agree to 0.3 %; tolerance 2 % leaves room for float32 rounding (~1e-4/h).
    const h = 1e-3;
    const lossAt = (t: number) => {
      const saved = vars.map((v) => v.clone());
      vars.forEach((v, i) => v.assign(saved[i].add(dirs[i].mul(t))));
      const l = tf.tidy(() => vaeLoss(enc, dec, x, eps).dataSync()[0]);
      vars.forEach((v, i) => v.assign(saved[i]));
      tf.dispose(saved);
      return l;
    };
    const numeric = (lossAt(h) - lossAt(-h)) / (2 * h);
    expect(Math.abs(numeric - analytic) / Math.abs(analytic)).toBeLessThan(2e-2);
    tf.dispose([x, eps, ...dirs, ...Object.values(grads)]);
    enc.params.dispose();
    dec.params.dispose();
  });

  it('Adam steps reduce the loss without leaking tensors', () => {
    const shape: ImageShape = [16, 16, 1];
    const enc = new ImageEncoder({ imageShape: shape, latentDim: 3, ...small }, 1);
    const dec = new ImageDecoder({ imageShape: shape, latentDim: 3, ...small }, 2);
    const x = tf.tidy(() => images([8, 16, 16, 1], 7).greater(0.5).toFloat() as tf.Tensor4D);
    const eps = tf.tensor2d(randn([8, 3], 8), [8, 3]);
    const vars = [...enc.params.variables(), ...dec.params.variables()];
    const opt = tf.train.adam(1e-2);
    const losses: number[] = [];
    let tensorsAfterFirst = 0;
    for (let i = 0; i < 25; i++) {
      const loss = opt.minimize(() => vaeLoss(enc, dec, x, eps), true, vars)!;
      losses.push(loss.dataSync()[0]);
      loss.dispose();
      if (i === 0) tensorsAfterFirst = tf.memory().numTensors;
    }
    expect(tf.memory().numTensors).toBe(tensorsAfterFirst);
    expect(losses[24]).toBeLessThan(0.9 * losses[0]);
    opt.dispose();
    tf.dispose([x, eps]);
    enc.params.dispose();
    dec.params.dispose();
  });
});
