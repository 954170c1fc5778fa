import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { BlockTridiagGaussian } from './block-tridiag.js';
import { denseReference, maxRelErr, randomProblem, type Problem } from './test-helpers.js';

function run(p: Problem, withInit = true): BlockTridiagGaussian {
  const g = new BlockTridiagGaussian(p.T, p.ds, p.da);
  if (withInit) g.setInitialState(p.init);
  return g.forward(p.m, p.s, p.u, p.dyn, { eps: p.eps });
}

/** Block (t, t') of a dense n×n matrix, as ds×ds. */
function block(A: Float64Array, n: number, ds: number, t: number, t2: number): Float64Array {
  const B = new Float64Array(ds * ds);
  for (let i = 0; i < ds; i++) for (let j = 0; j < ds; j++) B[i * ds + j] = A[(t * ds + i) * n + t2 * ds + j];
  return B;
}

describe('BlockTridiagGaussian vs dense T·ds × T·ds Gaussian', () => {
  const shapes: Array<[number, number, number, boolean]> = [
    [1, 2, 1, false],
    [2, 1, 0, false],
    [3, 2, 1, false],
    [5, 3, 2, false],
    [4, 4, 1, true],
    [6, 2, 3, false],
  ];
  for (const [T, ds, da, shared] of shapes) {
    it(`T=${T} ds=${ds} da=${da}${shared ? ' shared θ' : ''}: log Z, means, covariances, sample to 1e-9`, () => {
      const rng = new Rng(100 * T + 10 * ds + da);
      for (let rep = 0; rep < 3; rep++) {
        const p = randomProblem(rng, T, ds, da, shared);
        const g = run(p);
        const d = denseReference(p);
        const n = T * ds;
        expect(Math.abs(g.logZ - d.logZ) / Math.max(1, Math.abs(d.logZ))).toBeLessThan(1e-9);
        expect(maxRelErr(g.mean, d.mean)).toBeLessThan(1e-9);
        expect(maxRelErr(g.sample, d.sample)).toBeLessThan(1e-9);
        for (let t = 0; t < T; t++) {
          expect(maxRelErr(g.cov.subarray(t * ds * ds, (t + 1) * ds * ds), block(d.cov, n, ds, t, t))).toBeLessThan(1e-9);
          if (t < T - 1) {
            const C = g.crossCov.subarray(t * ds * ds, (t + 1) * ds * ds);
            expect(maxRelErr(C, block(d.cov, n, ds, t, t + 1))).toBeLessThan(1e-9);
          }
        }
      }
    });
  }

  it('defaults to the N(0, I) initial state and accepts (T−1)·da actions', () => {
    const p = randomProblem(new Rng(7), 4, 2, 2);
    p.init = { mean: new Float64Array(2), cov: Float64Array.from([1, 0, 0, 1]) };
    const d = denseReference(p);
    const g = new BlockTridiagGaussian(4, 2, 2).forward(p.m, p.s, p.u.subarray(0, 3 * 2), p.dyn, { eps: p.eps });
    expect(Math.abs(g.logZ - d.logZ)).toBeLessThan(1e-9 * Math.max(1, Math.abs(d.logZ)));
    expect(maxRelErr(g.mean, d.mean)).toBeLessThan(1e-9);
  });

  it('sample map ε ↦ x̃ − μ is L⁻ᵀ with L⁻ᵀL⁻¹ = J⁻¹ (column by column)', () => {
    const p = randomProblem(new Rng(11), 4, 3, 1);
    const n = 12;
    const g = new BlockTridiagGaussian(4, 3, 1);
    g.setInitialState(p.init);
    const A = new Float64Array(n * n); // column k = image of e_k
    for (let k = 0; k < n; k++) {
      const e = new Float64Array(n);
      e[k] = 1;
      g.forward(p.m, p.s, p.u, p.dyn, { eps: e });
      for (let i = 0; i < n; i++) A[i * n + k] = g.sample[i] - g.mean[i];
    }
    const d = denseReference(p);
    const AAt = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) AAt[i * n + j] += A[i * n + k] * A[j * n + k];
    expect(maxRelErr(AAt, d.cov)).toBeLessThan(1e-10);
  });

  it('reuses its workspace: a second call gives the same answer as a fresh one', () => {
    const rng = new Rng(3);
    const p1 = randomProblem(rng, 5, 3, 1);
    const p2 = randomProblem(rng, 5, 3, 1);
    const g = run(p1);
    g.setInitialState(p2.init);
    g.forward(p2.m, p2.s, p2.u, p2.dyn, { eps: p2.eps });
    const fresh = run(p2);
    expect(g.logZ).toBe(fresh.logZ);
    expect(Array.from(g.sample)).toEqual(Array.from(fresh.sample));
  });
});

describe('BlockTridiagGaussian input errors', () => {
  const p = randomProblem(new Rng(5), 3, 2, 1);
  const g = new BlockTridiagGaussian(3, 2, 1);
  it('names t and component of a NaN potential', () => {
    const m = Float64Array.from(p.m);
    m[3] = Number.NaN;
    expect(() => g.forward(m, p.s, p.u, p.dyn)).toThrow(/m\[t=1\]\[i=1\] is NaN/);
    const s = Float64Array.from(p.s);
    s[4] = Number.NaN;
    expect(() => g.forward(p.m, s, p.u, p.dyn)).toThrow(/s\[t=2\]\[i=0\] is NaN/);
  });
  it('rejects non-positive scales', () => {
    const s = Float64Array.from(p.s);
    s[1] = 0;
    expect(() => g.forward(p.m, s, p.u, p.dyn)).toThrow(/s\[t=0\]\[i=1\] = 0 must be > 0/);
    s[1] = -0.5;
    expect(() => g.forward(p.m, s, p.u, p.dyn)).toThrow(/must be > 0/);
  });
  it('reports a precision that is not positive definite, naming t', () => {
    const dyn = { ...p.dyn, Einv: Float64Array.from(p.dyn.Einv) };
    // E[Σ⁻¹] of transition 1 → 2 made hugely negative: D_2 indefinite.
    for (let i = 0; i < 2; i++) dyn.Einv[4 + i * 2 + i] = -1e3;
    expect(() => g.forward(p.m, p.s, p.u, dyn)).toThrow(/not positive definite at t=2/);
  });
  it('rejects wrong lengths and NaN actions or dynamics', () => {
    expect(() => g.forward(p.m.subarray(1), p.s, p.u, p.dyn)).toThrow(/length T·ds = 6/);
    expect(() => g.forward(p.m, p.s, new Float64Array(5), p.dyn)).toThrow(/actions must have length/);
    const u = Float64Array.from(p.u);
    u[1] = Number.POSITIVE_INFINITY;
    expect(() => g.forward(p.m, p.s, u, p.dyn)).toThrow(/u\[t=1\]\[j=0\] is Infinity/);
    const dyn = { ...p.dyn, Elogdet: Float64Array.from([0, Number.NaN]) };
    expect(() => g.forward(p.m, p.s, p.u, dyn)).toThrow(/Elogdet\[1\] is NaN/);
  });
});
