import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { BlockTridiagGaussian } from './block-tridiag.js';
import { blockTridiagVjp, type BlockTridiagCotangents } from './block-tridiag-vjp.js';
import { randomProblem, type Problem } from './test-helpers.js';
import { MniwPosterior } from './svi.js';

type Which = 'logZ' | 'mean' | 'sample' | 'cov' | 'crossCov';

function randomCotangents(rng: Rng, p: Problem, which: Which[]): BlockTridiagCotangents {
  const { T, ds } = p;
  const vec = (n: number): Float64Array => {
    const v = new Float64Array(n);
    for (let i = 0; i < n; i++) v[i] = rng.normal();
    return v;
  };
  return {
    logZ: which.includes('logZ') ? rng.normal() : undefined,
    mean: which.includes('mean') ? vec(T * ds) : undefined,
    sample: which.includes('sample') ? vec(T * ds) : undefined,
    cov: which.includes('cov') ? vec(T * ds * ds) : undefined, // not symmetric on purpose
    crossCov: which.includes('crossCov') ? vec((T - 1) * ds * ds) : undefined,
  };
}

/** φ(m, s) = ⟨cot, outputs⟩. */
function phi(g: BlockTridiagGaussian, p: Problem, m: Float64Array, s: Float64Array, cot: BlockTridiagCotangents): number {
  g.forward(m, s, p.u, p.dyn, { eps: p.eps });
  let f = (cot.logZ ?? 0) * g.logZ;
  const dot = (a: ArrayLike<number> | undefined, b: Float64Array): number => {
    let v = 0;
    if (a) for (let i = 0; i < b.length; i++) v += a[i] * b[i];
    return v;
  };
  f += dot(cot.mean, g.mean) + dot(cot.sample, g.sample) + dot(cot.cov, g.cov) + dot(cot.crossCov, g.crossCov);
  return f;
}

/** Checks every coordinate of the VJP against central differences (step 1e-5). */
function checkFiniteDifferences(p: Problem, cot: BlockTridiagCotangents): number {
  const g = new BlockTridiagGaussian(p.T, p.ds, p.da);
  g.setInitialState(p.init);
  g.forward(p.m, p.s, p.u, p.dyn, { eps: p.eps });
  const n = p.T * p.ds;
  const gm = new Float64Array(n);
  const gs = new Float64Array(n);
  blockTridiagVjp(g, cot, gm, gs);
  const h = 1e-5;
  let scale = 0;
  for (let k = 0; k < n; k++) scale = Math.max(scale, Math.abs(gm[k]), Math.abs(gs[k]));
  let worst = 0;
  for (const [x, grad] of [[p.m, gm], [p.s, gs]] as const) {
    for (let k = 0; k < n; k++) {
      const xp = Float64Array.from(x);
      const xm = Float64Array.from(x);
      xp[k] += h;
      xm[k] -= h;
      const mArgs = x === p.m ? [xp, xm] : [p.m, p.m];
      const sArgs = x === p.s ? [xp, xm] : [p.s, p.s];
      const fd = (phi(g, p, mArgs[0], sArgs[0], cot) - phi(g, p, mArgs[1], sArgs[1], cot)) / (2 * h);
      // relative error, with a floor at 1e-2 of the gradient's scale for near-zero entries
      worst = Math.max(worst, Math.abs(fd - grad[k]) / Math.max(Math.abs(grad[k]), 1e-2 * scale));
    }
  }
  return worst;
}

describe('blockTridiagVjp vs central finite differences', () => {
  const singles: Which[][] = [['logZ'], ['mean'], ['sample'], ['cov'], ['crossCov']];
  for (const which of singles) {
    it(`cotangent on ${which[0]} alone (T=4, ds=3, da=2)`, () => {
      const rng = new Rng(which[0].length * 31);
      const p = randomProblem(rng, 4, 3, 2);
      expect(checkFiniteDifferences(p, randomCotangents(rng, p, which))).toBeLessThan(1e-5);
    });
  }
  const shapes: Array<[number, number, number, boolean]> = [
    [1, 3, 1, false],
    [2, 2, 0, false],
    [5, 2, 1, true],
    [6, 4, 2, false],
  ];
  for (const [T, ds, da, shared] of shapes) {
    it(`all cotangents at once, T=${T} ds=${ds} da=${da}${shared ? ' shared θ' : ''}`, () => {
      const rng = new Rng(T * 7 + ds);
      for (let rep = 0; rep < 2; rep++) {
        const p = randomProblem(rng, T, ds, da, shared);
        const cot = randomCotangents(rng, p, ['logZ', 'mean', 'sample', 'cov', 'crossCov']);
        expect(checkFiniteDifferences(p, cot)).toBeLessThan(1e-5);
      }
    });
  }

  it('directional derivatives at the benchmark size (T=50, ds=10, da=2, default MNIW prior)', () => {
    const [T, ds, da] = [50, 10, 2];
    const rng = new Rng(50);
    const p = randomProblem(rng, T, ds, da);
    p.dyn = new MniwPosterior({ ds, da, count: T - 1 }).expectations();
    for (let i = 0; i < T * ds; i++) p.s[i] = 0.05 + rng.uniform();
    const cot = randomCotangents(rng, p, ['logZ', 'mean', 'sample', 'cov', 'crossCov']);
    const g = new BlockTridiagGaussian(T, ds, da);
    g.setInitialState(p.init);
    g.forward(p.m, p.s, p.u, p.dyn, { eps: p.eps });
    const gm = new Float64Array(T * ds);
    const gs = new Float64Array(T * ds);
    blockTridiagVjp(g, cot, gm, gs);
    for (let rep = 0; rep < 3; rep++) {
      const dm = Float64Array.from({ length: T * ds }, () => rng.normal());
      const dsd = Float64Array.from({ length: T * ds }, (_, i) => 0.01 * p.s[i] * rng.normal());
      const h = 1e-5;
      const shift = (x: Float64Array, d: Float64Array, k: number): Float64Array => x.map((v, i) => v + k * h * d[i]);
      const fd = (phi(g, p, shift(p.m, dm, 1), shift(p.s, dsd, 1), cot) - phi(g, p, shift(p.m, dm, -1), shift(p.s, dsd, -1), cot)) / (2 * h);
      let an = 0;
      for (let i = 0; i < T * ds; i++) an += gm[i] * dm[i] + gs[i] * dsd[i];
      expect(Math.abs(fd - an) / Math.abs(an)).toBeLessThan(1e-5);
    }
  });

  it('rejects a sample cotangent when no sample was drawn, and wrong lengths', () => {
    const p = randomProblem(new Rng(2), 3, 2, 1);
    const g = new BlockTridiagGaussian(3, 2, 1).forward(p.m, p.s, p.u, p.dyn);
    const gm = new Float64Array(6);
    const gs = new Float64Array(6);
    expect(() => blockTridiagVjp(g, { sample: new Float64Array(6) }, gm, gs)).toThrow(/no sample/);
    expect(() => blockTridiagVjp(g, { mean: new Float64Array(5) }, gm, gs)).toThrow(/mean must have length 6/);
  });
});
