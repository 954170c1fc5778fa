import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { choleskyOrThrow, choleskySolve, logDetFromCholesky, solveLowerTransposed } from '../linalg/index.js';
import { initBackend } from '../nn/backend.js';
import { Rng } from '../random/rng.js';
import { LatentOp } from './latent-op.js';
import { boundTerms } from './losses.js';
import { MlpDecoder } from './mlp.js';
import { randomDynamics } from './test-helpers.js';

beforeAll(async () => {
  await initBackend('cpu');
});

const LOG2PI = Math.log(2 * Math.PI);

/**
 * Dense reference of q(x) ∝ p̄(x | u)·Π_t N(x_t; m_t, diag s_t²) for one sequence: collect
 * −½xᵀJx + hᵀx + c from x_0 ~ N(0, I), the expected transition log-densities
 *   E[log N(x'; F z, Σ)] = −½x'ᵀE[Σ⁻¹]x' + x'ᵀE[Σ⁻¹F]z − ½zᵀE[FᵀΣ⁻¹F]z − ½E[log|Σ|] − (ds/2)log 2π
 * (z = [x; u]) and the potentials, then log Z = c + ½hᵀJ⁻¹h + (n/2)log 2π − ½log|J|.
 */
function dense(m: Float64Array, s: Float64Array, u: Float64Array, dyn: ReturnType<typeof randomDynamics>, T: number, ds: number, da: number) {
  const n = T * ds, q = ds + da;
  const J = new Float64Array(n * n), h = new Float64Array(n);
  let c = -0.5 * ds * LOG2PI;
  for (let i = 0; i < ds; i++) J[i * n + i] += 1;
  for (let t = 0; t + 1 < T; t++) {
    const P = dyn.Einv.subarray(t * ds * ds), Q = dyn.EinvF.subarray(t * ds * q), R = dyn.EFinvF.subarray(t * q * q);
    const a = t * ds, b = (t + 1) * ds, ut = u.subarray(t * da, (t + 1) * da);
    c += -0.5 * dyn.Elogdet[t] - 0.5 * ds * LOG2PI;
    for (let i = 0; i < da; i++) for (let j = 0; j < da; j++) c -= 0.5 * ut[i] * R[(ds + i) * q + ds + j] * ut[j];
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < ds; j++) {
        J[(b + i) * n + b + j] += P[i * ds + j];
        J[(a + i) * n + a + j] += R[i * q + j];
        J[(b + i) * n + a + j] -= Q[i * q + j];
        J[(a + j) * n + b + i] -= Q[i * q + j];
      }
      for (let j = 0; j < da; j++) {
        h[b + i] += Q[i * q + ds + j] * ut[j];
        h[a + i] -= R[i * q + ds + j] * ut[j];
      }
    }
  }
  for (let k = 0; k < n; k++) {
    const lam = 1 / (s[k] * s[k]);
    J[k * n + k] += lam;
    h[k] += lam * m[k];
    c += -0.5 * m[k] * m[k] * lam - Math.log(s[k]) - 0.5 * LOG2PI;
  }
  const L = choleskyOrThrow(J, n, 'dense J');
  const mu = choleskySolve(L, n, h, 1);
  let hmu = 0;
  for (let k = 0; k < n; k++) hmu += h[k] * mu[k];
  const logZ = c + 0.5 * hmu + 0.5 * n * LOG2PI - 0.5 * logDetFromCholesky(L, n);
  const Sigma = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const e = new Float64Array(n);
    e[k] = 1;
    Sigma.set(choleskySolve(L, n, e, 1), k * n);
  }
  let elogpsi = 0;
  for (let k = 0; k < n; k++) elogpsi += -0.5 * LOG2PI - Math.log(s[k]) - ((mu[k] - m[k]) ** 2 + Sigma[k * n + k]) / (2 * s[k] * s[k]);
  return { logZ, kl: elogpsi - logZ, mu, L };
}

describe('the SVAE bound', () => {
  it('equals an independent dense computation on a tiny case (lds prior)', () => {
    const B = 2, T = 3, ds = 2, da = 1, n = T * ds;
    const rng = new Rng(3);
    const m = Float64Array.from({ length: B * n }, () => Math.fround(rng.normal()));
    const s = Float64Array.from({ length: B * n }, () => Math.fround(0.4 + rng.uniform()));
    const u = Float64Array.from({ length: B * T * da }, () => rng.normal());
    const eps = Float64Array.from({ length: B * n }, () => rng.normal());
    const dyn = randomDynamics(ds, da, T - 1, 4);
    const decoder = new MlpDecoder([2, 2, 1], ds, 5, 7);
    const images = Float32Array.from({ length: B * T * 4 }, () => (rng.uniform() < 0.5 ? 1 : 0));
    const op = new LatentOp(T, ds, da);
    const got = tf.tidy(() => {
      const t = boundTerms({
        B, L: T, ds, prior: 'lds', mean: tf.tensor2d(Float32Array.from(m), [B * T, ds]), scale: tf.tensor2d(Float32Array.from(s), [B * T, ds]),
        targets: tf.tensor4d(images, [B * T, 2, 2, 1]), decode: (x) => decoder.apply(x), op, opInputs: { u, dyn, eps },
      });
      return { recon: t.recon.arraySync(), kl: t.kl.arraySync() };
    });
    for (let b = 0; b < B; b++) {
      const r = dense(m.subarray(b * n, (b + 1) * n), s.subarray(b * n, (b + 1) * n), u.subarray(b * T * da, (b + 1) * T * da), dyn, T, ds, da);
      expect(got.kl[b]).toBeCloseTo(r.kl, 3);
      // Sample x̃ = μ + L⁻ᵀε with J = LLᵀ, then Σ_t log Bernoulli(o_t | decoder(x̃_t)) by hand.
      const xi = solveLowerTransposed(r.L, n, Float64Array.from(eps.subarray(b * n, (b + 1) * n)), 1);
      const x = r.mu.map((v, k) => v + xi[k]);
      const logits = tf.tidy(() => decoder.apply(tf.tensor2d(Float32Array.from(x), [T, ds])).dataSync());
      let recon = 0;
      for (let k = 0; k < T * 4; k++) {
        const l = logits[k], o = images[b * T * 4 + k];
        recon += o * l - Math.log1p(Math.exp(l));
      }
      expect(got.recon[b]).toBeCloseTo(recon, 3);
    }
    decoder.params.dispose();
  });

  it('VAE ablation: the KL is the closed form ½Σ(m² + s² − 1 − 2 log s) per sequence', () => {
    const B = 2, T = 3, ds = 2;
    const rng = new Rng(8);
    const m = Float32Array.from({ length: B * T * ds }, () => rng.normal());
    const s = Float32Array.from({ length: B * T * ds }, () => 0.2 + rng.uniform());
    const decoder = new MlpDecoder([2, 2, 1], ds, 5, 7);
    const got = tf.tidy(() => boundTerms({
      B, L: T, ds, prior: 'normal', mean: tf.tensor2d(m, [B * T, ds]), scale: tf.tensor2d(s, [B * T, ds]),
      targets: tf.zeros([B * T, 2, 2, 1]) as tf.Tensor4D, decode: (x) => decoder.apply(x),
      opInputs: { u: new Float64Array(0), dyn: null as never, eps: new Float64Array(B * T * ds) },
    }).kl.arraySync());
    for (let b = 0; b < B; b++) {
      let kl = 0;
      for (let k = b * T * ds; k < (b + 1) * T * ds; k++) kl += 0.5 * (m[k] ** 2 + s[k] ** 2 - 1 - 2 * Math.log(s[k]));
      expect(got[b]).toBeCloseTo(kl, 4);
    }
    decoder.params.dispose();
  });

  it('cost head: Σ_t −½((c_t − ĉ_t)/σ_c)² − log σ_c − ½ log 2π over unmasked frames, ĉ = ½xᵀ½(W + Wᵀ)x + cᵀx + b', () => {
    const B = 1, T = 3, ds = 2;
    const m = Float32Array.from([0.5, -1, 2, 0.25, -0.5, 1.5]);
    const W = [[1, 0.4], [-0.2, 2]], c = [0.3, -0.1], b = 0.7;
    const observed = [1.2, -0.4, 9], mask = [1, 1, 0];
    const decoder = new MlpDecoder([2, 2, 1], ds, 5, 7);
    for (const std of [1, 0.05]) {
      const got = tf.tidy(() => boundTerms({
        B, L: T, ds, prior: 'normal', mean: tf.tensor2d(m, [T, ds]), scale: tf.fill([T, ds], 0.1) as tf.Tensor2D,
        targets: tf.zeros([T, 2, 2, 1]) as tf.Tensor4D, decode: (x) => decoder.apply(x),
        opInputs: { u: new Float64Array(0), dyn: null as never, eps: new Float64Array(T * ds) },
        cost: { W: tf.tensor2d(W), c: tf.tensor1d(c), b: tf.tensor1d([b]), observed: tf.tensor1d(observed), mask: tf.tensor1d(mask), std },
      }).costLl.arraySync());
      let want = 0;
      for (let t = 0; t < T; t++) {
        if (!mask[t]) continue;
        const x = [m[2 * t], m[2 * t + 1]];
        let quad = 0;
        for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) quad += 0.5 * x[i] * 0.5 * (W[i][j] + W[j][i]) * x[j];
        const pred = quad + c[0] * x[0] + c[1] * x[1] + b;
        want += -0.5 * ((observed[t] - pred) / std) ** 2 - Math.log(std) - 0.5 * LOG2PI;
      }
      expect(got[0]).toBeCloseTo(want, std === 1 ? 4 : 1);
      expect(Math.abs(got[0] - want) / Math.abs(want)).toBeLessThan(1e-5);
    }
    decoder.params.dispose();
  });
});
