import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { cholesky, inverseSPD, logDetFromCholesky } from '../linalg/index.js';
import {
  defaultMniwPrior, mniwExpectations, mniwFromNatural, mniwKL, mniwLogPartition, mniwToNatural, validateMniw, type Mniw, type MniwNatural,
} from './mniw.js';
import { digamma, lgamma, multidigamma, multigammaln } from './special.js';
import { randSPD } from './test-helpers.js';

const EULER = 0.5772156649015329;

function randomMniw(rng: Rng, ds: number, da: number, nu: number): Mniw {
  const q = ds + da;
  const M = new Float64Array(ds * q);
  for (let i = 0; i < M.length; i++) M[i] = rng.normal();
  return { ds, q, M, V: randSPD(rng, q, 0.5, 0.5), Psi: randSPD(rng, ds, 0.5, 0.7), nu };
}

/** One draw (F, Σ): Σ⁻¹ = Σ_k g_k g_kᵀ with g_k ~ N(0, Ψ⁻¹) (integer ν), F = M + chol(Σ) Z chol(V)ᵀ. */
function sample(rng: Rng, p: Mniw): { F: Float64Array; Sigma: Float64Array; Prec: Float64Array } {
  const { ds, q } = p;
  const Lpi = cholesky(inverseSPD(p.Psi, ds)!, ds)!;
  const Prec = new Float64Array(ds * ds);
  const z = new Float64Array(ds);
  for (let k = 0; k < p.nu; k++) {
    for (let i = 0; i < ds; i++) z[i] = rng.normal();
    const g = new Float64Array(ds);
    for (let i = 0; i < ds; i++) for (let j = 0; j <= i; j++) g[i] += Lpi[i * ds + j] * z[j];
    for (let i = 0; i < ds; i++) for (let j = 0; j < ds; j++) Prec[i * ds + j] += g[i] * g[j];
  }
  const Sigma = inverseSPD(Prec, ds)!;
  const Ls = cholesky(Sigma, ds)!;
  const Lv = cholesky(p.V, q)!;
  const Z = new Float64Array(ds * q);
  for (let i = 0; i < Z.length; i++) Z[i] = rng.normal();
  const F = Float64Array.from(p.M);
  for (let i = 0; i < ds; i++) {
    for (let j = 0; j < q; j++) {
      let v = 0;
      for (let a = 0; a <= i; a++) for (let b = 0; b <= j; b++) v += Ls[i * ds + a] * Z[a * q + b] * Lv[j * q + b];
      F[i * q + j] += v;
    }
  }
  return { F, Sigma, Prec };
}

/** Textbook log density: log MN(F; M, Σ, V) + log IW(Σ; Ψ, ν). */
function logPdf(p: Mniw, F: Float64Array, Sigma: Float64Array): number {
  const { ds, q, nu } = p;
  const ldS = logDetFromCholesky(cholesky(Sigma, ds)!, ds);
  const ldV = logDetFromCholesky(cholesky(p.V, q)!, q);
  const ldP = logDetFromCholesky(cholesky(p.Psi, ds)!, ds);
  const Si = inverseSPD(Sigma, ds)!;
  const Vi = inverseSPD(p.V, q)!;
  // tr(V⁻¹ (F−M)ᵀ Σ⁻¹ (F−M)) and tr(Ψ Σ⁻¹)
  let quad = 0;
  for (let a = 0; a < ds; a++) for (let b = 0; b < ds; b++) for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) {
    quad += (F[a * q + i] - p.M[a * q + i]) * Si[a * ds + b] * (F[b * q + j] - p.M[b * q + j]) * Vi[j * q + i];
  }
  let trPS = 0;
  for (let a = 0; a < ds; a++) for (let b = 0; b < ds; b++) trPS += p.Psi[a * ds + b] * Si[b * ds + a];
  const logMN = -0.5 * ds * q * Math.log(2 * Math.PI) - 0.5 * q * ldS - 0.5 * ds * ldV - 0.5 * quad;
  const logIW = 0.5 * nu * ldP - 0.5 * nu * ds * Math.LN2 - multigammaln(nu / 2, ds) - 0.5 * (nu + ds + 1) * ldS - 0.5 * trPS;
  return logMN + logIW;
}

describe('special functions', () => {
  it('lgamma and digamma at known values', () => {
    expect(lgamma(1)).toBeCloseTo(0, 14);
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma(5)).toBeCloseTo(Math.log(24), 13);
    expect(lgamma(0.1)).toBeCloseTo(2.252712651734206, 12);
    expect(digamma(1)).toBeCloseTo(-EULER, 13);
    expect(digamma(0.5)).toBeCloseTo(-EULER - 2 * Math.LN2, 13);
    let h9 = 0;
    for (let k = 1; k <= 9; k++) h9 += 1 / k;
    expect(digamma(10)).toBeCloseTo(h9 - EULER, 13);
  });
  it('digamma is the derivative of lgamma; multivariate versions reduce for p = 1', () => {
    for (const x of [0.3, 1.7, 4.2, 12.5]) {
      const fd = (lgamma(x + 1e-5) - lgamma(x - 1e-5)) / 2e-5;
      expect(Math.abs(fd - digamma(x))).toBeLessThan(1e-8);
      const fdp = (multigammaln(x + 2 + 1e-5, 3) - multigammaln(x + 2 - 1e-5, 3)) / 2e-5;
      expect(Math.abs(fdp - multidigamma(x + 2, 3))).toBeLessThan(1e-8);
    }
    expect(multigammaln(2.5, 1)).toBe(lgamma(2.5));
    expect(() => lgamma(0)).toThrow(/> 0/);
  });
});

describe('MNIW', () => {
  it('natural ↔ standard round trip', () => {
    const p = randomMniw(new Rng(1), 3, 2, 7.5);
    const back = mniwFromNatural(mniwToNatural(p));
    for (const k of ['M', 'V', 'Psi'] as const) {
      for (let i = 0; i < p[k].length; i++) expect(back[k][i]).toBeCloseTo(p[k][i], 10);
    }
    expect(back.nu).toBeCloseTo(7.5, 12);
  });

  it('expected statistics equal the gradient of the log partition (finite differences in η)', () => {
    const p = randomMniw(new Rng(2), 2, 1, 6.3);
    const eta = mniwToNatural(p);
    const e = mniwExpectations(p);
    const A = (n: MniwNatural): number => mniwLogPartition(mniwFromNatural(n));
    const h = 1e-6;
    const bump = (which: 'n1' | 'n2' | 'n3', i: number, j: number, dim: number, sym: boolean, d: number): MniwNatural => {
      const arr = Float64Array.from(eta[which]);
      arr[i * dim + j] += d;
      if (sym && i !== j) arr[j * dim + i] += d;
      return { ...eta, [which]: arr };
    };
    const fd = (f: (d: number) => MniwNatural): number => (A(f(h)) - A(f(-h))) / (2 * h);
    const { ds, q } = p;
    for (let i = 0; i < ds; i++) for (let j = 0; j <= i; j++) {
      // dA = −½ tr(E[Σ⁻¹] dη1) for a symmetric dη1
      const want = i === j ? -0.5 * e.Einv[i * ds + i] : -e.Einv[i * ds + j];
      expect(fd((d) => bump('n1', i, j, ds, true, d))).toBeCloseTo(want, 6);
    }
    for (let i = 0; i < ds; i++) for (let j = 0; j < q; j++) {
      expect(fd((d) => bump('n2', i, j, q, false, d))).toBeCloseTo(e.EinvF[i * q + j], 6);
    }
    for (let i = 0; i < q; i++) for (let j = 0; j <= i; j++) {
      const want = i === j ? -0.5 * e.EFinvF[i * q + i] : -e.EFinvF[i * q + j];
      expect(fd((d) => bump('n3', i, j, q, true, d))).toBeCloseTo(want, 6);
    }
    const d4 = (A({ ...eta, n4: eta.n4 + h }) - A({ ...eta, n4: eta.n4 - h })) / (2 * h);
    expect(d4).toBeCloseTo(-0.5 * e.Elogdet, 6);
  });

  it('expected statistics and KL agree with Monte Carlo (closed forms E[Σ⁻¹] = νΨ⁻¹ …)', () => {
    const rng = new Rng(3);
    const p = randomMniw(rng, 2, 1, 6);
    const p2 = randomMniw(rng, 2, 1, 5);
    const e = mniwExpectations(p);
    const N = 20000;
    const { ds, q } = p;
    const acc = { Einv: new Float64Array(ds * ds), EinvF: new Float64Array(ds * q), EFinvF: new Float64Array(q * q), Elogdet: 0, kl: 0 };
    const klTerms: number[] = [];
    for (let n = 0; n < N; n++) {
      const { F, Sigma, Prec } = sample(rng, p);
      for (let i = 0; i < ds * ds; i++) acc.Einv[i] += Prec[i] / N;
      for (let i = 0; i < ds; i++) for (let j = 0; j < q; j++) {
        let v = 0;
        for (let k = 0; k < ds; k++) v += Prec[i * ds + k] * F[k * q + j];
        acc.EinvF[i * q + j] += v / N;
      }
      for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) {
        let v = 0;
        for (let a = 0; a < ds; a++) for (let b = 0; b < ds; b++) v += F[a * q + i] * Prec[a * ds + b] * F[b * q + j];
        acc.EFinvF[i * q + j] += v / N;
      }
      acc.Elogdet += logDetFromCholesky(cholesky(Sigma, ds)!, ds) / N;
      klTerms.push(logPdf(p, F, Sigma) - logPdf(p2, F, Sigma));
    }
    const rel = (a: number, b: number, scale: number): number => Math.abs(a - b) / scale;
    const sc = (x: Float64Array): number => Math.max(...Array.from(x, Math.abs));
    for (let i = 0; i < ds * ds; i++) expect(rel(acc.Einv[i], e.Einv[i], sc(e.Einv))).toBeLessThan(0.03);
    for (let i = 0; i < ds * q; i++) expect(rel(acc.EinvF[i], e.EinvF[i], sc(e.EinvF))).toBeLessThan(0.03);
    for (let i = 0; i < q * q; i++) expect(rel(acc.EFinvF[i], e.EFinvF[i], sc(e.EFinvF))).toBeLessThan(0.03);
    expect(Math.abs(acc.Elogdet - e.Elogdet)).toBeLessThan(0.03);
    const mean = klTerms.reduce((a, b) => a + b, 0) / N;
    const sd = Math.sqrt(klTerms.reduce((a, b) => a + (b - mean) ** 2, 0) / N);
    expect(Math.abs(mean - mniwKL(p, p2))).toBeLessThan(4 * sd / Math.sqrt(N) + 1e-9);
  });

  it('KL(q‖q) = 0 and KL ≥ 0', () => {
    const rng = new Rng(4);
    for (let r = 0; r < 10; r++) {
      const a = randomMniw(rng, 3, 2, 5 + 5 * rng.uniform());
      const b = randomMniw(rng, 3, 2, 5 + 5 * rng.uniform());
      expect(Math.abs(mniwKL(a, a))).toBeLessThan(1e-9);
      expect(mniwKL(a, b)).toBeGreaterThan(0);
    }
  });

  it('default prior: M0 = [I | 0], V = I, Ψ = 2I, ν = ds + 2; E[Σ⁻¹] = νΨ⁻¹', () => {
    const p = defaultMniwPrior(3, 2);
    expect(Array.from(p.M.subarray(0, 5))).toEqual([1, 0, 0, 0, 0]);
    expect(p.nu).toBe(5);
    const e = mniwExpectations(p);
    expect(e.Einv[0]).toBeCloseTo(2.5, 14);
    expect(e.Einv[1]).toBe(0);
    expect(() => validateMniw({ ...p, nu: 4 })).toThrow(/ν = 4 must be > ds \+ 1 = 4/);
  });
});
