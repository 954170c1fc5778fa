import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { BlockTridiagGaussian } from './block-tridiag.js';
import { localKL, localKLVjp } from './local-kl.js';
import { denseReference, randomProblem } from './test-helpers.js';

describe('localKL', () => {
  const p = randomProblem(new Rng(31), 4, 3, 1);
  const g = new BlockTridiagGaussian(4, 3, 1);
  g.setInitialState(p.init);
  const n = 12;

  it('equals Σ_t E_q[log ψ_t] − log Z from the dense Gaussian', () => {
    g.forward(p.m, p.s, p.u, p.dyn);
    const d = denseReference(p);
    let e = 0;
    for (let k = 0; k < n; k++) {
      const diff = d.mean[k] - p.m[k];
      e += -0.5 * Math.log(2 * Math.PI) - Math.log(p.s[k]) - (diff * diff + d.cov[k * n + k]) / (2 * p.s[k] ** 2);
    }
    expect(Math.abs(localKL(g) - (e - d.logZ))).toBeLessThan(1e-9 * Math.max(1, Math.abs(e - d.logZ)));
  });

  it('its VJP (with a sample cotangent riding along) matches central differences', () => {
    const rng = new Rng(32);
    const gx = Float64Array.from({ length: n }, () => rng.normal());
    const phi = (m: Float64Array, s: Float64Array): number => {
      g.forward(m, s, p.u, p.dyn, { eps: p.eps });
      let v = 0.7 * localKL(g);
      for (let k = 0; k < n; k++) v += gx[k] * g.sample[k];
      return v;
    };
    g.forward(p.m, p.s, p.u, p.dyn, { eps: p.eps });
    const gm = new Float64Array(n);
    const gs = new Float64Array(n);
    localKLVjp(g, 0.7, gm, gs, { sample: gx });
    const h = 1e-5;
    for (let k = 0; k < n; k++) {
      for (const [x, grad] of [[p.m, gm], [p.s, gs]] as const) {
        const xp = Float64Array.from(x);
        const xm = Float64Array.from(x);
        xp[k] += h;
        xm[k] -= h;
        const fd = x === p.m ? (phi(xp, p.s) - phi(xm, p.s)) / (2 * h) : (phi(p.m, xp) - phi(p.m, xm)) / (2 * h);
        expect(Math.abs(fd - grad[k])).toBeLessThan(1e-5 * Math.max(1, Math.abs(grad[k])));
      }
    }
  });
});
