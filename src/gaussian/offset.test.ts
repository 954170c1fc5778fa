import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { mniwMeanDynamics } from './mniw.js';
import { withConstantInput, withOffsetInput, withOffsetStats } from './offset.js';
import { MniwPosterior } from './svi.js';
import { allocTransitionStats } from './types.js';

describe('dynamics offset as a constant input', () => {
  it('appends a 1 to every action', () => {
    expect(Array.from(withConstantInput([1, 2, 3, 4], 2, 2))).toEqual([1, 2, 1, 3, 4, 1]);
    expect(Array.from(withConstantInput([], 3, 0))).toEqual([1, 1, 1]);
    expect(() => withConstantInput([1, 2, 3], 2, 2)).toThrow(/3 action values, expected 2 × 2/);
  });

  it('extends the prior column-wise: M̃ = [M | 0], Ṽ = blockdiag(V, v_a), Ψ and ν unchanged', () => {
    const ds = 2, da = 1;
    // A posterior that is not the prior: one SVI step on a few transitions.
    const p = new MniwPosterior({ ds, da, count: 2 });
    const st = allocTransitionStats(ds, da, 2);
    const rng = new Rng(3);
    for (let i = 0; i < st.Sxz.length; i++) st.Sxz[i] = rng.normal();
    for (let k = 0; k < 2; k++) {
      for (let i = 0; i < 3; i++) st.Szz[k * 9 + i * 3 + i] = 5;
      for (let i = 0; i < 2; i++) st.Sxx[k * 4 + i * 2 + i] = 6;
      st.n[k] = 5;
    }
    p.sviStep(st, 1, 1);
    const ext = withOffsetInput(p, 0.25);
    expect(ext.da).toBe(2);
    expect(ext.count).toBe(2);
    for (let k = 0; k < 2; k++) {
      const a = p.standard(k), b = ext.standard(k);
      expect(b.nu).toBeCloseTo(a.nu, 12);
      Array.from(a.Psi).forEach((v, i) => expect(b.Psi[i]).toBeCloseTo(v, 10));
      for (let i = 0; i < ds; i++) {
        for (let j = 0; j < 3; j++) expect(b.M[i * 4 + j]).toBeCloseTo(a.M[i * 3 + j], 10);
        expect(b.M[i * 4 + 3]).toBeCloseTo(0, 12);
      }
      for (let i = 0; i < 3; i++) {
        for (let j = 0; j < 3; j++) expect(b.V[i * 4 + j]).toBeCloseTo(a.V[i * 3 + j], 10);
        expect(b.V[i * 4 + 3]).toBeCloseTo(0, 12);
      }
      expect(b.V[15]).toBeCloseTo(0.25, 12);
    }
    expect(() => withOffsetInput(p, 0)).toThrow(/prior variance must be finite and > 0/);
  });

  it('conditioned on affine transitions, recovers the generating [A B] and offset a; without it the fit is biased', () => {
    const ds = 2, da = 1, n = 200;
    const A = [0.9, 0.2, -0.1, 0.95], B = [0.5, -0.3], a = [0.4, -0.7];
    const rng = new Rng(7);
    const withOff = allocTransitionStats(ds, da + 1, 1);
    const without = allocTransitionStats(ds, da, 1);
    const sumNext = new Float64Array(ds), sumZ = new Float64Array(ds + da);
    for (let k = 0; k < n; k++) {
      const x = [1 + rng.normal(), -2 + rng.normal()], u = rng.normal();
      const x1 = [0, 1].map((i) => A[2 * i] * x[0] + A[2 * i + 1] * x[1] + B[i] * u + a[i]);
      x1.forEach((v, i) => (sumNext[i] += v));
      [x[0], x[1], u].forEach((v, i) => (sumZ[i] += v));
      for (const [st, z] of [[withOff, [x[0], x[1], u, 1]], [without, [x[0], x[1], u]]] as const) {
        const q = z.length;
        for (let i = 0; i < ds; i++) {
          for (let j = 0; j < ds; j++) st.Sxx[i * ds + j] += x1[i] * x1[j];
          for (let j = 0; j < q; j++) st.Sxz[i * q + j] += x1[i] * z[j];
        }
        for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) st.Szz[i * q + j] += z[i] * z[j];
        st.n[0] += 1;
      }
    }
    // The [x; u; 1] statistics assembled from the [x; u] ones and the first moments are the same.
    const assembled = withOffsetStats(without, sumNext, sumZ);
    for (const key of ['Sxx', 'Sxz', 'Szz', 'n'] as const) Array.from(withOff[key]).forEach((v, i) => expect(assembled[key][i]).toBeCloseTo(v, 8));
    // A heavy data weight: the posterior mean is the least-squares fit, here exact.
    const F = mniwMeanDynamics(withOffsetInput(new MniwPosterior({ ds, da, count: 1 }), 1).conditioned(withOff, 1e6).standard(0)).F;
    const expected = [A[0], A[1], B[0], a[0], A[2], A[3], B[1], a[1]];
    expected.forEach((v, i) => expect(F[i]).toBeCloseTo(v, 4));
    const F0 = mniwMeanDynamics(new MniwPosterior({ ds, da, count: 1 }).conditioned(without, 1e6).standard(0)).F;
    const err = Math.max(...[A[0], A[1], B[0], A[2], A[3], B[1]].map((v, i) => Math.abs(F0[i] - v)));
    expect(err).toBeGreaterThan(0.05);
  });
});
