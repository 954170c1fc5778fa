import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../nn/index.js';
import { Rng } from '../../random/rng.js';
import { resolvePpoConfig, plannedUpdates } from './config.js';
import { clippedSurrogate, gae, gaussianEntropy, gaussianLogProb, gaussianLogProbFromNoise, normalizeAdvantages, valueLoss } from './losses.js';
import { orthogonal, PpoNetworks } from './networks.js';
import { RunningMeanStd } from './running-stats.js';

beforeAll(async () => {
  await initBackend('wasm');
});

describe('gae', () => {
  const base = { rewards: [1, 0, 2], values: [0.5, 1, 1.5], nextValues: [1, 1.5, 3], terminals: [0, 0, 0], ends: [0, 0, 1], gamma: 0.9, lambda: 0.5 };

  it('matches a hand-computed 3-step example with a bootstrapped cut', () => {
    // δ = [1 + 0.9·1 − 0.5, 0 + 0.9·1.5 − 1, 2 + 0.9·3 − 1.5] = [1.4, 0.35, 3.2]
    // Â₂ = 3.2, Â₁ = 0.35 + 0.45·3.2 = 1.79, Â₀ = 1.4 + 0.45·1.79 = 2.2055
    const { advantages, returns } = gae(base);
    expect(Array.from(advantages)).toEqual([2.2055, 1.79, 3.2].map((v) => expect.closeTo(v, 12)));
    expect(Array.from(returns)).toEqual([2.7055, 2.79, 4.7].map((v) => expect.closeTo(v, 12)));
  });

  it('does not carry across an episode end, and drops V(s_{t+1}) after a terminal state', () => {
    const { advantages } = gae({ ...base, terminals: [1, 0, 0], ends: [1, 0, 1] });
    // δ₀ = 1 − 0.5 (terminal), no carry from step 1.
    expect(Array.from(advantages)).toEqual([0.5, 1.79, 3.2].map((v) => expect.closeTo(v, 12)));
  });

  it('gives Monte Carlo returns with λ = 1 ending in a terminal state, and TD(0) errors with λ = 0', () => {
    const rewards = [0.3, -1, 2, 0.5], values = [0.1, -0.2, 0.4, 0.7];
    const nextValues = [-0.2, 0.4, 0.7, 99];
    const mc = gae({ rewards, values, nextValues, terminals: [0, 0, 0, 1], ends: [0, 0, 0, 1], gamma: 0.8, lambda: 1 });
    const discounted = rewards.map((_, t) => rewards.slice(t).reduce((s, r, k) => s + 0.8 ** k * r, 0));
    expect(Array.from(mc.returns)).toEqual(discounted.map((v) => expect.closeTo(v, 12)));
    const td = gae({ rewards, values, nextValues, terminals: [0, 0, 0, 0], ends: [0, 0, 0, 1], gamma: 0.8, lambda: 0 });
    expect(Array.from(td.advantages)).toEqual(rewards.map((r, t) => expect.closeTo(r + 0.8 * nextValues[t] - values[t], 12)));
  });

  it('rejects mismatched lengths and bad γ, λ', () => {
    expect(() => gae({ ...base, values: [1, 2] })).toThrow(/values has length 2/);
    expect(() => gae({ ...base, lambda: 1.5 })).toThrow(/\[0, 1\]/);
  });
});

describe('PPO losses', () => {
  it('clipped surrogate, approximate KL and clip fraction match hand-checked numbers, with the right gradient', () => {
    const ratios = [1.5, 0.5, 1.1, 0.7];
    const adv = tf.tensor1d([1, 1, -1, -1]);
    const old = tf.zeros([4]) as tf.Tensor1D;
    const logp = tf.tensor1d(ratios.map(Math.log));
    const s = clippedSurrogate(logp, old, adv, 0.2);
    // min(r Â, clip(r) Â) = [1.2, 0.5, −1.1, −0.8] → mean −0.05 → loss 0.05
    expect(s.loss.dataSync()[0]).toBeCloseTo(0.05, 6);
    expect(s.clipFrac.dataSync()[0]).toBeCloseTo(0.75, 6);
    const kl = ratios.reduce((a, r) => a + (r - 1 - Math.log(r)), 0) / 4;
    expect(kl).toBeCloseTo(0.0872617, 6);
    expect(s.approxKl.dataSync()[0]).toBeCloseTo(kl, 6);
    // ∂L/∂log π: 0 where the clip is active, −r Â / B elsewhere.
    const g = tf.grad((lp: tf.Tensor) => clippedSurrogate(lp as tf.Tensor1D, old, adv, 0.2).loss)(logp);
    expect(Array.from(g.dataSync())).toEqual([0, -0.125, 0.275, 0].map((v) => expect.closeTo(v, 6)));
    tf.dispose([adv, old, logp, s.loss, s.approxKl, s.clipFrac, g]);
  });

  it('value loss takes the larger of the plain and clipped squared errors', () => {
    const v = tf.tensor1d([1, 2, 1]), vOld = tf.tensor1d([0, 2.5, 0]), R = tf.tensor1d([0.5, 3, 1]);
    // plain (V − R)² = [0.25, 1, 0]; clipped V = [0.2, 2.3, 0.2] → [0.09, 0.49, 0.64]
    expect(valueLoss(v, vOld, R, 0.2).dataSync()[0]).toBeCloseTo(0.5 * (0.25 + 1 + 0.64) / 3, 6);
    expect(valueLoss(v, vOld, R, null).dataSync()[0]).toBeCloseTo(0.5 * (0.25 + 1 + 0) / 3, 6);
    tf.dispose([v, vOld, R]);
  });

  it('Gaussian log-density and entropy match the closed forms', () => {
    const mean = tf.tensor2d([[0.5, -1]]), logStd = tf.tensor1d([Math.log(2), 0]), a = tf.tensor2d([[1.5, 0]]);
    // z = (0.5, 1): −½(0.25 + 1) − log 2 − log 2π
    const expected = -0.625 - Math.log(2) - Math.log(2 * Math.PI);
    expect(gaussianLogProb(mean, logStd, a).dataSync()[0]).toBeCloseTo(expected, 5);
    expect(gaussianLogProbFromNoise([0.5, 1], [Math.log(2), 0])).toBeCloseTo(expected, 12);
    expect(gaussianEntropy(logStd).dataSync()[0]).toBeCloseTo(2 * (0.5 + 0.5 * Math.log(2 * Math.PI)) + Math.log(2), 5);
    tf.dispose([mean, logStd, a]);
  });

  it('normalises advantages to mean 0 and std 1', () => {
    const s = Math.sqrt(2 / 3);
    expect(Array.from(normalizeAdvantages([1, 2, 3]))).toEqual([-1 / s, 0, 1 / s].map((v) => expect.closeTo(v, 5)));
    expect(Array.from(normalizeAdvantages([4]))).toEqual([4]);
  });
});

describe('PPO pieces', () => {
  it('running mean/variance matches the batch statistics', () => {
    const rng = new Rng(5);
    const rms = new RunningMeanStd(2);
    const xs = Array.from({ length: 500 }, () => [3 + 2 * rng.normal(), -1 + 0.5 * rng.normal()]);
    for (const x of xs) rms.update(x);
    for (let i = 0; i < 2; i++) {
      const m = xs.reduce((s, x) => s + x[i], 0) / xs.length;
      const v = xs.reduce((s, x) => s + (x[i] - m) ** 2, 0) / xs.length;
      expect(rms.mean[i]).toBeCloseTo(m, 4);
      expect(rms.var[i]).toBeCloseTo(v, 3);
    }
    const z = rms.normalize([rms.mean[0] + 100, rms.mean[1]], 10);
    expect(z[0]).toBe(10);
    expect(z[1]).toBeCloseTo(0, 6);
  });

  it('orthogonal init has orthonormal columns (tall) or rows (wide), times the gain', () => {
    for (const [r, c] of [[6, 3], [3, 6]]) {
      const w = orthogonal(r, c, 2, new Rng(1));
      const tall = r >= c, k = Math.min(r, c);
      for (let i = 0; i < k; i++) {
        for (let j = 0; j < k; j++) {
          let dot = 0;
          for (let l = 0; l < Math.max(r, c); l++) dot += tall ? w[l * c + i] * w[l * c + j] : w[i * c + l] * w[j * c + l];
          expect(dot).toBeCloseTo(i === j ? 4 : 0, 5);
        }
      }
    }
  });

  it('networks map state and pixel batches to means and values, and refuse wrong shapes', () => {
    const cfg = { hidden: [8, 8], conv_channels: [4, 8], conv_hidden: 16, log_std_init: -0.5 };
    const s = new PpoNetworks({ kind: 'state', dim: 3 }, 2, cfg, 1);
    const out = s.apply(tf.ones([5, 3]));
    expect(out.mean.shape).toEqual([5, 2]);
    expect(out.value.shape).toEqual([5]);
    expect(Array.from(s.logStd.dataSync())).toEqual([-0.5, -0.5]);
    expect(() => s.apply(tf.ones([5, 4]))).toThrow(/expected observations \[B, 3\]/);
    const p = new PpoNetworks({ kind: 'pixels', shape: [8, 8, 2] }, 2, cfg, 1);
    const po = p.apply(tf.ones([3, 8, 8, 2]));
    expect(po.mean.shape).toEqual([3, 2]);
    expect(po.value.shape).toEqual([3]);
    expect(() => new PpoNetworks({ kind: 'pixels', shape: [6, 6, 1] }, 2, cfg, 1)).toThrow(/divisible by 2\^2/);
    tf.dispose([out.mean, out.value, po.mean, po.value]);
    s.dispose();
    p.dispose();
  });

  it('config: standard defaults, named errors, budget in updates', () => {
    const c = resolvePpoConfig({});
    expect([c.clip_coef, c.gae_lambda, c.gamma, c.lr, c.epochs, c.minibatch_size, c.steps_per_update, c.ent_coef, c.vf_coef, c.max_grad_norm]).toEqual([0.2, 0.95, 0.99, 3e-4, 10, 64, 2048, 0, 0.5, 0.5]);
    expect(() => resolvePpoConfig({ clip: 0.1 })).toThrow(/clip/);
    expect(() => resolvePpoConfig({ steps_per_update: 100, num_envs: 3 })).toThrow(/multiple of num_envs/);
    expect(plannedUpdates({ iterations: 100, steps_per_update: 2048, total_steps: 20_000 })).toBe(10);
    expect(plannedUpdates({ iterations: 3, steps_per_update: 2048, total_steps: 20_000 })).toBe(3);
    expect(plannedUpdates(c)).toBe(489); // 1M steps (CleanRL's total_timesteps) in batches of 2048
  });
});
