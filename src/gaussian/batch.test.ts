import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { BlockTridiagBatch } from './batch.js';
import { BlockTridiagGaussian } from './block-tridiag.js';
import { localKL, localKLVjp } from './local-kl.js';
import { allocTransitionStats } from './types.js';
import { accumulateTransitionStats } from './stats.js';
import { randomDynamics } from './test-helpers.js';

describe('BlockTridiagBatch', () => {
  it('matches per-sequence forward, VJP and statistics', () => {
    const rng = new Rng(21);
    const [B, T, ds, da] = [3, 5, 3, 2];
    const n = T * ds;
    const vec = (len: number, f = () => rng.normal()): Float64Array => Float64Array.from({ length: len }, f);
    const m = vec(B * n);
    const s = vec(B * n, () => 0.2 + rng.uniform());
    const u = vec(B * T * da);
    const eps = vec(B * n);
    const dyn = randomDynamics(rng, ds, da, T - 1);
    const cot = { kl: vec(B), logZ: vec(B), mean: vec(B * n), sample: vec(B * n), cov: vec(B * T * ds * ds), crossCov: vec(B * (T - 1) * ds * ds) };
    const batch = new BlockTridiagBatch(T, ds, da);
    const out = batch.forward(m, s, u, dyn, eps);
    const { gradM, gradS } = batch.vjp(cot);
    const stats = allocTransitionStats(ds, da, T - 1);
    batch.accumulateStats(u, stats);
    const ref = allocTransitionStats(ds, da, T - 1);
    for (let b = 0; b < B; b++) {
      const g = new BlockTridiagGaussian(T, ds, da);
      const sl = (x: Float64Array, size: number): Float64Array => x.slice(b * size, (b + 1) * size);
      g.forward(sl(m, n), sl(s, n), sl(u, T * da), dyn, { eps: sl(eps, n) });
      expect(out.logZ[b]).toBe(g.logZ);
      expect(out.kl[b]).toBe(localKL(g));
      expect(Array.from(sl(out.sample, n))).toEqual(Array.from(g.sample));
      expect(Array.from(sl(out.crossCov, (T - 1) * ds * ds))).toEqual(Array.from(g.crossCov));
      const gm = new Float64Array(n);
      const gs = new Float64Array(n);
      localKLVjp(g, cot.kl[b], gm, gs, {
        logZ: cot.logZ[b], mean: sl(cot.mean, n), sample: sl(cot.sample, n),
        cov: sl(cot.cov, T * ds * ds), crossCov: sl(cot.crossCov, (T - 1) * ds * ds),
      });
      expect(Array.from(sl(gradM, n))).toEqual(Array.from(gm));
      expect(Array.from(sl(gradS, n))).toEqual(Array.from(gs));
      accumulateTransitionStats(g, sl(u, T * da), ref);
    }
    expect(Array.from(stats.Szz)).toEqual(Array.from(ref.Szz));
  });

  it('accepts Float32Array inputs (tensor data) like their Float64 values', () => {
    const rng = new Rng(22);
    const [T, ds, da] = [3, 2, 1];
    const dyn = randomDynamics(rng, ds, da, T - 1);
    const m = Float32Array.from({ length: 2 * T * ds }, () => rng.normal());
    const s = Float32Array.from({ length: 2 * T * ds }, () => 0.5 + rng.uniform());
    const u = Float32Array.from({ length: 2 * T * da }, () => rng.normal());
    const a = new BlockTridiagBatch(T, ds, da).forward(m, s, u, dyn);
    const b = new BlockTridiagBatch(T, ds, da).forward(Float64Array.from(m), Float64Array.from(s), Float64Array.from(u), dyn);
    expect(Array.from(a.mean)).toEqual(Array.from(b.mean));
  });

  it('names the failing sequence and rejects bad shapes', () => {
    const batch = new BlockTridiagBatch(2, 1, 1);
    const dyn = randomDynamics(new Rng(1), 1, 1, 1);
    expect(() => batch.forward([0, 0, 0], [1, 1, 1], [0, 0], dyn)).toThrow(/not a multiple of T·ds = 2/);
    expect(() => batch.forward([0, 0, 0, 0], [1, 1, 1, 0], [0, 0, 0, 0], dyn)).toThrow(/sequence 1: .*s\[t=1\]\[i=0\] = 0 must be > 0/);
  });
});
