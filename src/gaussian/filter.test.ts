import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { BlockTridiagGaussian } from './block-tridiag.js';
import { GaussianFilter } from './filter.js';
import { denseReference, maxRelErr, randomProblem, type Problem } from './test-helpers.js';

/** The problem restricted to its first `len` steps (same dynamics blocks, same prior). */
function prefix(p: Problem, len: number): Problem {
  const shared = p.dyn.count === 1;
  const { ds, da } = p;
  const q = ds + da;
  const c = shared ? 1 : Math.max(len - 1, 1);
  const dyn = {
    ds, da, count: c,
    Einv: p.dyn.Einv.slice(0, c * ds * ds),
    EinvF: p.dyn.EinvF.slice(0, c * ds * q),
    EFinvF: p.dyn.EFinvF.slice(0, c * q * q),
    Elogdet: p.dyn.Elogdet.slice(0, c),
  };
  return {
    ...p, T: len, dyn,
    m: p.m.slice(0, len * ds), s: p.s.slice(0, len * ds), u: p.u.slice(0, len * da), eps: p.eps.slice(0, len * ds),
  };
}

function runFilter(p: Problem, onStep: (t: number, f: GaussianFilter) => void): void {
  const { T, ds, da } = p;
  const f = new GaussianFilter(ds, da, p.init);
  for (let t = 0; t < T; t++) {
    const u = t > 0 ? p.u.subarray((t - 1) * da, t * da) : undefined;
    f.step(p.m.subarray(t * ds, (t + 1) * ds), p.s.subarray(t * ds, (t + 1) * ds), u, t > 0 ? p.dyn : undefined);
    onStep(t, f);
  }
}

describe('GaussianFilter', () => {
  for (const [T, ds, da, shared] of [[6, 3, 2, false], [5, 2, 1, true], [4, 4, 0, false]] as const) {
    it(`T=${T} ds=${ds} da=${da}${shared ? ' shared' : ''}: every step equals the last marginal of the dense prefix model`, () => {
      const p = randomProblem(new Rng(T * 13 + ds), T, ds, da, shared);
      runFilter(p, (t, f) => {
        const d = denseReference(prefix(p, t + 1));
        const n = (t + 1) * ds;
        const last = t * ds;
        const mean = d.mean.slice(last, last + ds);
        const cov = new Float64Array(ds * ds);
        for (let i = 0; i < ds; i++) for (let j = 0; j < ds; j++) cov[i * ds + j] = d.cov[(last + i) * n + last + j];
        expect(maxRelErr(f.mean, mean)).toBeLessThan(1e-9);
        expect(maxRelErr(f.cov, cov)).toBeLessThan(1e-9);
      });
    });
  }

  it("last step equals the smoother's last marginal (T=50, ds=5)", () => {
    const p = randomProblem(new Rng(99), 50, 5, 2);
    const g = new BlockTridiagGaussian(50, 5, 2);
    g.setInitialState(p.init);
    g.forward(p.m, p.s, p.u, p.dyn);
    runFilter(p, (t, f) => {
      if (t !== 49) return;
      expect(maxRelErr(f.mean, g.mean.subarray(49 * 5))).toBeLessThan(1e-9);
      expect(maxRelErr(f.cov, g.cov.subarray(49 * 25))).toBeLessThan(1e-9);
    });
  });

  it('reset starts a new episode; errors name t and component', () => {
    const p = randomProblem(new Rng(4), 3, 2, 1);
    const f = new GaussianFilter(2, 1, p.init);
    f.step(p.m.subarray(0, 2), p.s.subarray(0, 2));
    const first = Array.from(f.mean);
    f.step(p.m.subarray(2, 4), p.s.subarray(2, 4), p.u.subarray(0, 1), p.dyn);
    f.reset();
    f.step(p.m.subarray(0, 2), p.s.subarray(0, 2));
    expect(Array.from(f.mean)).toEqual(first);
    expect(() => f.step([0, Number.NaN], [1, 1], [0], p.dyn)).toThrow(/m\[t=1\]\[i=1\] is NaN/);
    expect(() => f.step([0, 0], [1, -1], [0], p.dyn)).toThrow(/s\[t=1\]\[i=1\] = -1 must be > 0/);
    expect(() => f.step([0, 0], [1, 1])).toThrow(/needs the previous action and the dynamics/);
  });
});
