import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BlockTridiagBatch } from '../gaussian/index.js';
import { initBackend } from '../nn/backend.js';
import { Rng } from '../random/rng.js';
import { LatentOp } from './latent-op.js';
import { randomDynamics } from './test-helpers.js';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('latent op (block-tridiagonal Gaussian as one tfjs custom-gradient op)', () => {
  const B = 2, T = 4, ds = 2, da = 1, n = T * ds;
  const rng = new Rng(5);
  const f32 = (x: number) => Math.fround(x);
  const m = Float64Array.from({ length: B * n }, () => f32(rng.normal()));
  const s = Float64Array.from({ length: B * n }, () => f32(0.3 + rng.uniform()));
  const u = Float64Array.from({ length: B * T * da }, () => rng.normal());
  const eps = Float64Array.from({ length: B * n }, () => rng.normal());
  const dyn = randomDynamics(ds, da, T - 1, 9);
  // Random weights on the outputs: f = Σ w ⊙ sample + Σ v ⊙ kl.
  const w = Float64Array.from({ length: B * n }, () => f32(rng.normal()));
  const v = Float64Array.from({ length: B }, () => f32(rng.normal()));

  /** f in Float64 straight from the kernel (the independent side). */
  const ref = new BlockTridiagBatch(T, ds, da);
  const f = (mm: Float64Array, ss: Float64Array) => {
    const o = ref.forward(mm, ss, u, dyn, eps);
    let y = 0;
    for (let k = 0; k < B * n; k++) y += w[k] * o.sample[k];
    for (let b = 0; b < B; b++) y += v[b] * o.kl[b];
    return y;
  };

  it('outputs the sample and the local KL of the kernel', () => {
    const op = new LatentOp(T, ds, da);
    const out = tf.tidy(() => op.apply(tf.tensor3d(Float32Array.from(m), [B, T, ds]), tf.tensor3d(Float32Array.from(s), [B, T, ds]), { u, dyn, eps }).arraySync());
    const o = ref.forward(m, s, u, dyn, eps);
    for (let b = 0; b < B; b++) {
      for (let k = 0; k < n; k++) expect(out[b][k]).toBeCloseTo(o.sample[b * n + k], 5);
      expect(out[b][n]).toBeCloseTo(o.kl[b], 3);
    }
  });

  it('has gradients to (m, s) through tf.grads that match central finite differences', () => {
    const op = new LatentOp(T, ds, da);
    const wT = tf.tensor2d(Array.from({ length: B }, (_, b) => [...w.subarray(b * n, (b + 1) * n), v[b]]));
    const [gm, gs] = tf.grads((mt: tf.Tensor, st: tf.Tensor) => op.apply(mt as tf.Tensor3D, st as tf.Tensor3D, { u, dyn, eps }).mul(wT).sum())(
      [tf.tensor3d(Float32Array.from(m), [B, T, ds]), tf.tensor3d(Float32Array.from(s), [B, T, ds])],
    ).map((g) => g.dataSync());
    const h = 1e-6;
    let worst = 0, scale = 0;
    for (const [x, g] of [[m, gm], [s, gs]] as const) {
      for (let k = 0; k < x.length; k++) {
        const xp = Float64Array.from(x), xm = Float64Array.from(x);
        xp[k] += h;
        xm[k] -= h;
        const fd = x === m ? (f(xp, s) - f(xm, s)) / (2 * h) : (f(m, xp) - f(m, xm)) / (2 * h);
        worst = Math.max(worst, Math.abs(fd - g[k]));
        scale = Math.max(scale, Math.abs(fd));
      }
    }
    // The op returns float32 gradients of a float64 computation: ~1e-7 relative.
    expect(worst / scale).toBeLessThan(1e-5);
  });

  it('refuses NaN or non-positive potentials, naming where', () => {
    const op = new LatentOp(T, ds, da);
    const bad = Float32Array.from(m);
    bad[n + 3] = Number.NaN;
    expect(() => tf.tidy(() => op.apply(tf.tensor3d(bad, [B, T, ds]), tf.tensor3d(Float32Array.from(s), [B, T, ds]), { u, dyn, eps }))).toThrow(/sequence 1, t=1, dim 1/);
  });
});
