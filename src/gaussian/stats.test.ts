import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { BlockTridiagGaussian } from './block-tridiag.js';
import { accumulateTransitionStats } from './stats.js';
import { allocTransitionStats, clearTransitionStats } from './types.js';
import { denseReference, maxRelErr, randomProblem } from './test-helpers.js';

describe('accumulateTransitionStats', () => {
  it('equals the second moments of the dense Gaussian, with jitter on the u-block', () => {
    const T = 4;
    const ds = 2;
    const da = 2;
    const q = ds + da;
    const p = randomProblem(new Rng(8), T, ds, da);
    const g = new BlockTridiagGaussian(T, ds, da);
    g.setInitialState(p.init);
    g.forward(p.m, p.s, p.u, p.dyn);
    const d = denseReference(p);
    const n = T * ds;
    // E[y yᵀ] for the stacked y = (x_0..x_{T−1}) from the dense covariance and mean
    const Exx = (i: number, j: number): number => d.cov[i * n + j] + d.mean[i] * d.mean[j];
    const st = allocTransitionStats(ds, da, T - 1);
    accumulateTransitionStats(g, p.u, st, 2);
    const shared = allocTransitionStats(ds, da, 1);
    accumulateTransitionStats(g, p.u, shared);
    const sumSzz = new Float64Array(q * q);
    for (let t = 0; t < T - 1; t++) {
      const z = (a: number): { x: number } | { u: number } => (a < ds ? { x: t * ds + a } : { u: p.u[t * da + a - ds] });
      const Ezz = (a: number, b: number): number => {
        const za = z(a);
        const zb = z(b);
        if ('x' in za && 'x' in zb) return Exx(za.x, zb.x);
        if ('x' in za && 'u' in zb) return d.mean[za.x] * zb.u;
        if ('u' in za && 'x' in zb) return za.u * d.mean[zb.x];
        return (za as { u: number }).u * (zb as { u: number }).u + (a === b ? 1e-4 : 0);
      };
      const wantXX = new Float64Array(ds * ds);
      const wantXZ = new Float64Array(ds * q);
      const wantZZ = new Float64Array(q * q);
      for (let i = 0; i < ds; i++) {
        for (let j = 0; j < ds; j++) wantXX[i * ds + j] = 2 * Exx((t + 1) * ds + i, (t + 1) * ds + j);
        for (let b = 0; b < q; b++) {
          const zb = z(b);
          wantXZ[i * q + b] = 2 * ('x' in zb ? Exx((t + 1) * ds + i, zb.x) : d.mean[(t + 1) * ds + i] * zb.u);
        }
      }
      for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) wantZZ[a * q + b] = 2 * Ezz(a, b);
      expect(maxRelErr(st.Sxx.subarray(t * ds * ds, (t + 1) * ds * ds), wantXX)).toBeLessThan(1e-9);
      expect(maxRelErr(st.Sxz.subarray(t * ds * q, (t + 1) * ds * q), wantXZ)).toBeLessThan(1e-9);
      expect(maxRelErr(st.Szz.subarray(t * q * q, (t + 1) * q * q), wantZZ)).toBeLessThan(1e-9);
      expect(st.n[t]).toBe(2);
      for (let k = 0; k < q * q; k++) sumSzz[k] += wantZZ[k] / 2;
    }
    expect(maxRelErr(shared.Szz, sumSzz)).toBeLessThan(1e-9);
    expect(shared.n[0]).toBe(T - 1);
    clearTransitionStats(shared);
    expect(shared.Szz.every((v) => v === 0) && shared.n[0] === 0).toBe(true);
  });
});
