import { describe, expect, it } from 'vitest';
import { MniwPosterior } from '../../gaussian/index.js';
import { Rng } from '../../random/rng.js';
import { latentEm, timeVarying, type LatentSequence } from './latent-em.js';

const A = [0.9, 0.2, -0.1, 0.95];
const B = [0.5, -0.3];

/** Rollouts of x_{t+1} = A x_t + B u_t + w, w ~ N(0, σ²I), observed through potentials N(x_t, s²). */
function simulate(N: number, T: number, sigma: number, s: number, seed: number): { seqs: LatentSequence[]; xs: Float64Array[] } {
  const rng = new Rng(seed);
  const seqs: LatentSequence[] = [], xs: Float64Array[] = [];
  for (let n = 0; n < N; n++) {
    const x = new Float64Array((T + 1) * 2), u = new Float64Array(T), m = new Float64Array((T + 1) * 2);
    x[0] = rng.normal();
    x[1] = rng.normal();
    for (let t = 0; t < T; t++) {
      u[t] = rng.normal();
      for (let i = 0; i < 2; i++) x[(t + 1) * 2 + i] = A[2 * i] * x[2 * t] + A[2 * i + 1] * x[2 * t + 1] + B[i] * u[t] + sigma * rng.normal();
    }
    for (let i = 0; i < m.length; i++) m[i] = x[i] + s * rng.normal();
    seqs.push({ m, s: new Float64Array(m.length).fill(s), u });
    xs.push(x);
  }
  return { seqs, xs };
}

describe('latent EM for local dynamics', () => {
  it('recovers known time-varying dynamics from nearly exact potentials, and the smoothed means track the states', () => {
    const T = 8;
    const { seqs, xs } = simulate(30, T, 0.05, 0.01, 1);
    const global = new MniwPosterior({ ds: 2, da: 1, count: T });
    const r = latentEm(seqs, global, { dataWeight: 50 });
    expect(r.converged).toBe(true);
    for (let t = 0; t < T; t++) {
      const F = r.dynamics.F.subarray(t * 6, (t + 1) * 6); // [A B] rows of length 3
      expect(F[0]).toBeCloseTo(A[0], 1);
      expect(F[1]).toBeCloseTo(A[1], 1);
      expect(F[3]).toBeCloseTo(A[2], 1);
      expect(F[4]).toBeCloseTo(A[3], 1);
      expect(F[2]).toBeCloseTo(B[0], 1);
      expect(F[5]).toBeCloseTo(B[1], 1);
      // Noise covariance of the order of σ² (0.0025), far from the prior's 2·I/(ν − ds − 1) = 2.
      expect(r.dynamics.W[t * 4]).toBeLessThan(0.05);
      expect(Array.from(r.dynamics.f.subarray(t * 2, t * 2 + 2))).toEqual([0, 0]);
    }
    let worst = 0;
    xs.forEach((x, n) => x.forEach((v, i) => (worst = Math.max(worst, Math.abs(r.means[n * 18 + i] - v)))));
    expect(worst).toBeLessThan(0.05);
    // x_0 ~ N(0, I): the fitted initial distribution is about that.
    expect(Math.abs(r.dynamics.mu0[0])).toBeLessThan(0.5);
    expect(r.dynamics.Sigma0[0]).toBeGreaterThan(0.4);
    expect(r.dynamics.Sigma0[0]).toBeLessThan(2);
  });

  it('never decreases the bound (coordinate ascent), and stops on the tolerance', () => {
    const { seqs } = simulate(10, 6, 0.1, 0.3, 2);
    const r = latentEm(seqs, new MniwPosterior({ ds: 2, da: 1, count: 6 }), { dataWeight: 50, tol: 1e-6, maxIters: 30 });
    for (let i = 1; i < r.bounds.length; i++) expect(r.bounds[i]).toBeGreaterThanOrEqual(r.bounds[i - 1] - 1e-6 * Math.abs(r.bounds[i - 1]));
    expect(r.bounds.length).toBeGreaterThan(2);
  });

  it('with data weight → 0 keeps the global dynamics', () => {
    const { seqs } = simulate(5, 4, 0.1, 0.1, 3);
    const r = latentEm(seqs, new MniwPosterior({ ds: 2, da: 1, count: 1 }), { dataWeight: 1e-12 });
    // The default prior's mean dynamics: F = [I | 0], E[Σ] = 2I/(ν − ds − 1) = 2I.
    [1, 0, 0, 0, 1, 0].forEach((v, i) => expect(r.dynamics.F[i]).toBeCloseTo(v, 6));
    expect(r.dynamics.W[0]).toBeCloseTo(2, 6);
  });

  it('expands a shared global q(θ) to one block per transition', () => {
    const g = new MniwPosterior({ ds: 2, da: 1, count: 1 });
    const tv = timeVarying(g, 5);
    expect(tv.count).toBe(5);
    expect(tv.natural(4)).toEqual(g.natural(0));
    expect(() => timeVarying(new MniwPosterior({ ds: 2, da: 1, count: 3 }), 5)).toThrow(/3 blocks; expected 1 or T = 5/);
  });

  it('rejects rollouts of unequal length and NaN potentials, naming the rollout', () => {
    const { seqs } = simulate(3, 4, 0.1, 0.1, 4);
    const g = new MniwPosterior({ ds: 2, da: 1, count: 4 });
    const short = { ...seqs[1], m: seqs[1].m.subarray(0, 8), s: seqs[1].s.subarray(0, 8) };
    expect(() => latentEm([seqs[0], short], g)).toThrow(/rollout 1 has potentials of length 8\/8, expected 10/);
    const bad = { ...seqs[2], m: Float64Array.from(seqs[2].m) };
    bad.m[5] = Number.NaN;
    expect(() => latentEm([seqs[0], bad], g)).toThrow(/rollout 1: .*NaN/);
  });
});
