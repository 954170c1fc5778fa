/**
 * The keypoint encoder: the spatial softmax against a plain-loop reference of its equation, a
 * bright spot's keypoint at the spot's image coordinates, the temperature's and every weight's
 * gradient against finite differences and against tfjs's cpu kernels, shapes and checkpoints.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.js';
import { KeypointEncoder, keypointGrid, spatialSoftmax } from './keypoint-encoder.js';
import { onBackend, randn, relErr } from './test-helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

/** k_c = Σ_ij softmax(a_c / τ)_ij · (x_j, y_i), x_j = (2j + 1)/w − 1, in float64 loops. */
function spatialSoftmaxReference(a: Float32Array, [B, h, w, C]: number[], tau: number): Float64Array {
  const out = new Float64Array(B * 2 * C);
  for (let b = 0; b < B; b++) {
    for (let c = 0; c < C; c++) {
      const at = (i: number, j: number) => a[((b * h + i) * w + j) * C + c] / tau;
      let max = -Infinity;
      for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) max = Math.max(max, at(i, j));
      let z = 0, kx = 0, ky = 0;
      for (let i = 0; i < h; i++) {
        for (let j = 0; j < w; j++) {
          const e = Math.exp(at(i, j) - max);
          z += e;
          kx += e * ((2 * j + 1) / w - 1);
          ky += e * ((2 * i + 1) / h - 1);
        }
      }
      out[b * 2 * C + 2 * c] = kx / z;
      out[b * 2 * C + 2 * c + 1] = ky / z;
    }
  }
  return out;
}

describe('spatial softmax', () => {
  it('matches the equation computed in float64 loops', () => {
    const shape = [3, 5, 7, 4];
    const a = randn(shape, 1);
    for (const tau of [1, 0.3]) {
      const got = tf.tidy(() => spatialSoftmax(tf.tensor4d(a, shape as [number, number, number, number]), tf.scalar(tau)).dataSync());
      expect(relErr(got, spatialSoftmaxReference(a, shape, tau))).toBeLessThan(1e-5);
    }
  });

  it("puts a sharp spot's keypoint at the spot's pixel centre, and a flat map's at the centre", () => {
    const [h, w] = [8, 16];
    const maps = new Float32Array(h * w * 2);
    maps[(2 * w + 11) * 2] = 50; // channel 0: a spot at row 2, column 11
    const k = tf.tidy(() => spatialSoftmax(tf.tensor4d(maps, [1, h, w, 2]), tf.scalar(1)).dataSync());
    expect(k[0]).toBeCloseTo((2 * 11 + 1) / w - 1, 5);
    expect(k[1]).toBeCloseTo((2 * 2 + 1) / h - 1, 5);
    expect(k[2]).toBeCloseTo(0, 6);
    expect(k[3]).toBeCloseTo(0, 6);
    expect(keypointGrid(2, 2)).toEqual(new Float32Array([-0.5, -0.5, 0.5, -0.5, -0.5, 0.5, 0.5, 0.5]));
  });
});

describe('KeypointEncoder', () => {
  it('halves the image to a 16×16 map, then keeps it: output shapes per task image and frame stack', () => {
    for (const [shape, k] of [[[64, 64, 3], 2], [[32, 32, 1], 1], [[16, 16, 1], 1]] as Array<[[number, number, number], number]>) {
      const enc = new KeypointEncoder({ imageShape: shape, latentDim: 5, frameStack: k }, 1);
      tf.tidy(() => {
        const x = tf.zeros([2, shape[0], shape[1], shape[2] * k]) as tf.Tensor4D;
        expect(enc.keypoints(x).shape).toEqual([2, 64]);
        const { mean, rawScale } = enc.apply(x);
        expect(mean.shape).toEqual([2, 5]);
        expect(rawScale.shape).toEqual([2, 5]);
      });
      expect(() => enc.apply(tf.zeros([1, 8, 8, 1]) as tf.Tensor4D)).toThrow(/expected images \[B, /);
      enc.params.dispose();
    }
  });

  it('is seeded and round-trips through getWeights/setWeights; the temperature starts at 1', () => {
    const cfg = { imageShape: [16, 16, 1] as [number, number, number], latentDim: 3, channels: [4, 6], hidden: 8 };
    const [a, b] = [new KeypointEncoder(cfg, 3), new KeypointEncoder(cfg, 4)];
    const rho = a.params.getWeights().find((w) => w.name === 'enc.keypoint_rho')!;
    expect(Math.log1p(Math.exp(rho.values[0])) + 0.01).toBeCloseTo(1, 6);
    const x = tf.tensor4d(randn([2, 16, 16, 1], 9), [2, 16, 16, 1]);
    const out = (e: KeypointEncoder) => tf.tidy(() => e.apply(x).mean.dataSync());
    expect(out(b)).not.toEqual(out(a));
    b.params.setWeights(a.params.getWeights());
    expect(out(b)).toEqual(out(a));
    tf.dispose(x);
    a.params.dispose();
    b.params.dispose();
  });

  /** A scalar loss of the encoder's outputs, so every weight (the temperature too) gets a gradient. */
  const loss = (enc: KeypointEncoder, x: tf.Tensor4D, wt: tf.Tensor2D) =>
    tf.tidy(() => {
      const { mean, rawScale } = enc.apply(x);
      return mean.mul(wt).sum().add(tf.softplus(rawScale).sum()) as tf.Scalar;
    });

  const cfg = { imageShape: [32, 32, 1] as [number, number, number], latentDim: 3, frameStack: 2, channels: [4, 6], hidden: 8 };
  const inputs = () => ({ x: tf.tensor4d(randn([3, 32, 32, 2], 2), [3, 32, 32, 2]), wt: tf.tensor2d(randn([3, 3], 3), [3, 3]) });

  it("gradients of every weight match tfjs's cpu kernels", async () => {
    const run = () => {
      const enc = new KeypointEncoder(cfg, 1);
      const { x, wt } = inputs();
      const vars = enc.params.variables();
      const { value, grads } = tf.variableGrads(() => loss(enc, x, wt), vars);
      const out = [value, ...vars.map((v) => grads[v.name])];
      enc.params.dispose();
      return out;
    };
    const ref = await onBackend('cpu-reference', run);
    const wasm = await onBackend('wasm', run);
    expect(ref).toHaveLength(1 + 8);
    for (let i = 0; i < ref.length; i++) expect(relErr(wasm[i], ref[i])).toBeLessThan(1e-4);
    await initBackend('wasm');
  });

  it("the temperature's gradient matches central finite differences", () => {
    const enc = new KeypointEncoder(cfg, 1);
    const { x, wt } = inputs();
    const rho = enc.params.variables().find((v) => v.shape.length === 0)!;
    const { grads } = tf.variableGrads(() => loss(enc, x, wt), [rho]);
    const analytic = grads[rho.name].dataSync()[0];
    const r0 = rho.dataSync()[0];
    const at = (r: number) => {
      rho.assign(tf.scalar(r));
      const l = loss(enc, x, wt);
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    };
    const h = 1e-2;
    const numeric = (at(r0 + h) - at(r0 - h)) / (2 * h);
    expect(Math.abs(analytic)).toBeGreaterThan(1e-4);
    expect(Math.abs(numeric - analytic)).toBeLessThan(2e-2 * Math.abs(analytic));
    tf.dispose([x, wt, ...Object.values(grads)]);
    enc.params.dispose();
  });
});
