import { describe, expect, it } from 'vitest';
import { Rng, deriveSeed } from './rng.js';

describe('Rng', () => {
  it('gives the same sequence for the same seed and a different one for another seed', () => {
    const a = new Rng(7), b = new Rng(7), c = new Rng(8);
    const sa = Array.from({ length: 20 }, () => a.normal());
    const sb = Array.from({ length: 20 }, () => b.normal());
    const sc = Array.from({ length: 20 }, () => c.normal());
    expect(sa).toEqual(sb);
    expect(sa).not.toEqual(sc);
  });

  it('draws normals with mean 0 and variance 1 (to sampling error)', () => {
    const r = new Rng(1);
    const n = 200_000;
    let s = 0, s2 = 0, s4 = 0;
    for (let i = 0; i < n; i++) { const x = r.normal(); s += x; s2 += x * x; s4 += x ** 4; }
    expect(Math.abs(s / n)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(s2 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(s4 / n - 3)).toBeLessThan(0.1); // Gaussian kurtosis
  });

  it('draws uniforms in [0, 1) with mean 1/2', () => {
    const r = new Rng(3);
    let s = 0, lo = 1, hi = 0;
    for (let i = 0; i < 100_000; i++) { const u = r.uniform(); s += u; lo = Math.min(lo, u); hi = Math.max(hi, u); }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / 100_000 - 0.5)).toBeLessThan(0.005);
  });

  it('restores its exact state from getState, including a pending Box–Muller sample', () => {
    const r = new Rng(11);
    r.normal();
    const copy = Rng.fromState(r.getState());
    expect(Array.from({ length: 5 }, () => copy.normal())).toEqual(Array.from({ length: 5 }, () => r.normal()));
  });

  it('permutes without losing elements', () => {
    const p = new Rng(5).permutation(100);
    expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
  });

  it('derives distinct seeds for distinct (seed, stream) pairs', () => {
    const seen = new Set<number>();
    for (let s = 0; s < 50; s++) for (let k = 0; k < 50; k++) seen.add(deriveSeed(s, k));
    expect(seen.size).toBe(2500);
  });

  it('rejects a non-integer seed', () => {
    expect(() => new Rng(1.5)).toThrow(/seed must be an integer/);
  });
});

describe('Rng seeding', () => {
  it('decorrelates nearby seeds from the first draw on', () => {
    const first = Array.from({ length: 64 }, (_, s) => new Rng(s).uniform());
    const mean = first.reduce((a, b) => a + b, 0) / first.length;
    expect(Math.abs(mean - 0.5)).toBeLessThan(0.15);
    expect(Math.max(...first) - Math.min(...first)).toBeGreaterThan(0.8);
    // No first normal of 64 seeds should be a 4σ outlier (probability ≈ 0.4%).
    expect(Math.max(...Array.from({ length: 64 }, (_, s) => Math.abs(new Rng(s).normal())))).toBeLessThan(4);
  });
});
