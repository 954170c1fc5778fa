/**
 * CoordConv input and the spatial broadcast decoder: the coordinate grid's values, shapes at
 * the tasks' image sizes, clear errors, wasm against tfjs's own cpu kernels (outputs and the
 * full loss gradient), and that the decoder's output moves with the latent as it should.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { initBackend } from './backend.js';
import { BroadcastDecoder, coordChannels } from './broadcast.js';
import { bernoulliLogLik, klToStandardNormal } from './likelihoods.js';
import { ImageEncoder } from './networks.js';
import { onBackend, randn, relErr } from './test-helpers.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('coordinate channels', () => {
  it('hold x (channel 0) and y (channel 1) from −1 to 1 across the pixel centres', () => {
    const c = coordChannels(3, 5);
    const v = c.dataSync();
    const at = (i: number, j: number, k: number) => v[(i * 5 + j) * 2 + k];
    expect([at(0, 0, 0), at(0, 2, 0), at(0, 4, 0), at(2, 4, 0)]).toEqual([-1, 0, 1, 1]);
    expect([at(0, 0, 1), at(1, 3, 1), at(2, 0, 1)]).toEqual([-1, 0, 1]);
    c.dispose();
  });
});

describe('BroadcastDecoder', () => {
  it('maps latents to logits of the tasks image sizes and names bad shapes', () => {
    for (const shape of [[32, 32, 2], [32, 32, 1], [64, 64, 3]] as [number, number, number][]) {
      const dec = new BroadcastDecoder({ imageShape: shape, latentDim: 6, channels: 4 }, 1);
      const z = tf.tensor2d(randn([3, 6], 2), [3, 6]);
      const y = dec.apply(z);
      expect(y.shape).toEqual([3, ...shape]);
      expect(() => dec.apply(tf.zeros([3, 5]) as tf.Tensor2D)).toThrow(/expected latents \[B, 6\], got \[3,5\]/);
      tf.dispose([z, y]);
      dec.params.dispose();
    }
    expect(() => new BroadcastDecoder({ imageShape: [31, 31, 1], latentDim: 2 }, 1)).toThrow(/divisible by 2\^1/);
    expect(() => new BroadcastDecoder({ imageShape: [32, 32, 1], latentDim: 0 }, 1)).toThrow(/latentDim/);
  });

  it('without upsampling is a per-pixel function of (z, x, y): a latent-free decoder draws the same at every z', () => {
    const dec = new BroadcastDecoder({ imageShape: [8, 8, 1], latentDim: 2, channels: 4, upsample: 0 }, 3);
    // Zero the weights reading the latent (input channels 0..1 of the first conv): the output
    // then depends only on the coordinates, so two different latents give the same image.
    const w = dec.params.getWeights().map((p) => {
      if (p.name !== 'dec.conv0.w') return p;
      const values = Float32Array.from(p.values);
      const [kh, kw, cin, cout] = p.shape;
      for (let a = 0; a < kh * kw; a++) for (let i = 0; i < 2; i++) for (let o = 0; o < cout; o++) values[(a * cin + i) * cout + o] = 0;
      return { ...p, values };
    });
    dec.params.setWeights(w);
    const a = dec.apply(tf.tensor2d([[3, -1]])), b = dec.apply(tf.tensor2d([[-2, 5]]));
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    // …and the image is not constant: it varies with the position it is drawn at.
    const v = a.dataSync();
    expect(Math.max(...v) - Math.min(...v)).toBeGreaterThan(1e-3);
    tf.dispose([a, b]);
    dec.params.dispose();
  });

  it("on wasm: outputs and the full loss gradient of a CoordConv encoder + broadcast decoder match tfjs's cpu kernels", async () => {
    const run = () => {
      const enc = new ImageEncoder({ imageShape: [16, 16, 2], latentDim: 3, channels: [4, 8], hidden: 16, coords: true }, 1);
      const dec = new BroadcastDecoder({ imageShape: [16, 16, 2], latentDim: 3, channels: 5 }, 2);
      const x = tf.sigmoid(tf.tensor(randn([4, 16, 16, 2], 3), [4, 16, 16, 2])) as tf.Tensor4D;
      const eps = tf.tensor2d(randn([4, 3], 4), [4, 3]);
      const vars = [...enc.params.variables(), ...dec.params.variables()];
      const { value, grads } = tf.variableGrads(() => {
        const { mean, rawScale } = enc.apply(x);
        const scale = tf.softplus(rawScale).add(0.01) as tf.Tensor2D;
        const logits = dec.apply(mean.add(scale.mul(eps)) as tf.Tensor2D);
        return klToStandardNormal(mean, scale).sub(bernoulliLogLik(logits, x)).mean() as tf.Scalar;
      }, vars);
      const out = [value, ...vars.map((v) => grads[v.name])];
      enc.params.dispose();
      dec.params.dispose();
      return out;
    };
    const ref = await onBackend('cpu-reference', run);
    const wasm = await onBackend('wasm', run);
    // encoder: 2 convs + 2 dense (w, b each) = 8; decoder: 2 convs + 1 deconv = 6.
    expect(ref).toHaveLength(1 + 14);
    for (let i = 0; i < ref.length; i++) expect(relErr(wasm[i], ref[i])).toBeLessThan(1e-4);
    await initBackend('wasm');
  });
});
