import { describe, expect, it } from 'vitest';
import { Rng } from '../random/rng.js';
import { inverseSPD } from '../linalg/index.js';
import { MniwPosterior } from './svi.js';
import { mniwToNatural, mniwMeanDynamics } from './mniw.js';
import { allocTransitionStats, type TransitionStats } from './types.js';
import { symmetricEigen } from '../linalg/index.js';

/** Statistics of exactly observed transitions x' = A x + B u + noise (point masses). */
function simulate(rng: Rng, ds: number, da: number, n: number, F: Float64Array, noise: number): TransitionStats {
  const q = ds + da;
  const st = allocTransitionStats(ds, da, 1);
  const z = new Float64Array(q);
  const x1 = new Float64Array(ds);
  for (let k = 0; k < n; k++) {
    for (let i = 0; i < q; i++) z[i] = rng.normal();
    for (let i = 0; i < ds; i++) {
      let v = noise * rng.normal();
      for (let j = 0; j < q; j++) v += F[i * q + j] * z[j];
      x1[i] = v;
    }
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < ds; j++) st.Sxx[i * ds + j] += x1[i] * x1[j];
      for (let j = 0; j < q; j++) st.Sxz[i * q + j] += x1[i] * z[j];
    }
    for (let i = 0; i < q; i++) for (let j = 0; j < q; j++) st.Szz[i * q + j] += z[i] * z[j];
    st.n[0] += 1;
  }
  return st;
}

describe('MniwPosterior (SVI on q(θ))', () => {
  const ds = 2;
  const da = 1;
  const q = 3;

  it('ρ = 1 gives the conjugate posterior (textbook MNIW update)', () => {
    const rng = new Rng(1);
    const F = Float64Array.from([0.9, 0.1, 0.5, -0.2, 0.8, 0.3]);
    const st = simulate(rng, ds, da, 30, F, 0.3);
    const post = new MniwPosterior({ ds, da, count: 1 });
    const scale = 2.5;
    post.sviStep(st, 1, scale);
    const got = post.standard(0);
    // Textbook: Vn⁻¹ = V⁻¹ + S_zz, Mn = (M V⁻¹ + S_xz) Vn, Ψn = Ψ + M V⁻¹Mᵀ + S_xx − Mn Vn⁻¹ Mnᵀ, νn = ν + n
    const p = post.prior;
    const Vi = inverseSPD(p.V, q)!;
    const Vni = new Float64Array(q * q);
    for (let i = 0; i < q * q; i++) Vni[i] = Vi[i] + scale * st.Szz[i];
    const Vn = inverseSPD(Vni, q)!;
    const MVi = new Float64Array(ds * q);
    for (let i = 0; i < ds; i++) for (let j = 0; j < q; j++) {
      for (let k = 0; k < q; k++) MVi[i * q + j] += p.M[i * q + k] * Vi[k * q + j];
      MVi[i * q + j] += scale * st.Sxz[i * q + j];
    }
    const Mn = new Float64Array(ds * q);
    for (let i = 0; i < ds; i++) for (let j = 0; j < q; j++) for (let k = 0; k < q; k++) Mn[i * q + j] += MVi[i * q + k] * Vn[k * q + j];
    const Psin = new Float64Array(ds * ds);
    for (let i = 0; i < ds; i++) for (let j = 0; j < ds; j++) {
      let v = p.Psi[i * ds + j] + scale * st.Sxx[i * ds + j];
      for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) {
        v += p.M[i * q + a] * Vi[a * q + b] * p.M[j * q + b] - Mn[i * q + a] * Vni[a * q + b] * Mn[j * q + b];
      }
      Psin[i * ds + j] = v;
    }
    for (let i = 0; i < q * q; i++) expect(got.V[i]).toBeCloseTo(Vn[i], 10);
    for (let i = 0; i < ds * q; i++) expect(got.M[i]).toBeCloseTo(Mn[i], 10);
    for (let i = 0; i < ds * ds; i++) expect(got.Psi[i]).toBeCloseTo(Psin[i], 8);
    expect(got.nu).toBeCloseTo(p.nu + scale * 30, 10);
  });

  it('ρ < 1 is the convex combination of natural parameters; repeated steps converge to the ρ = 1 answer', () => {
    const st = simulate(new Rng(2), ds, da, 20, Float64Array.from([1, 0, 0.5, 0, 1, -0.5]), 0.2);
    const full = new MniwPosterior({ ds, da, count: 1 });
    full.sviStep(st, 1, 1);
    const half = new MniwPosterior({ ds, da, count: 1 });
    half.sviStep(st, 0.5, 1);
    const prior = mniwToNatural(half.prior);
    for (let i = 0; i < ds * q; i++) expect(half.n2[i]).toBeCloseTo(0.5 * prior.n2[i] + 0.5 * full.n2[i], 12);
    for (let k = 0; k < 60; k++) half.sviStep(st, 0.5, 1);
    for (let i = 0; i < ds * ds; i++) expect(half.n1[i]).toBeCloseTo(full.n1[i], 9);
  });

  it('recovers known linear dynamics from many transitions', () => {
    const F = Float64Array.from([0.9, 0.2, 0.5, -0.3, 0.7, -1]);
    const post = new MniwPosterior({ ds, da, count: 1 });
    post.sviStep(simulate(new Rng(3), ds, da, 20000, F, 0.1), 1, 1);
    const { F: EF, Sigma } = mniwMeanDynamics(post.standard(0));
    for (let i = 0; i < ds * q; i++) expect(Math.abs(EF[i] - F[i])).toBeLessThan(0.01);
    expect(Sigma[0]).toBeCloseTo(0.01, 3);
    expect(Math.abs(Sigma[1])).toBeLessThan(1e-3);
    expect(post.kl()).toBeGreaterThan(0);
  });

  it('time-varying blocks update independently; the prior has KL 0', () => {
    const post = new MniwPosterior({ ds, da, count: 3 });
    expect(post.kl()).toBeCloseTo(0, 10);
    const st = allocTransitionStats(ds, da, 3);
    const one = simulate(new Rng(4), ds, da, 10, Float64Array.from([1, 0, 0, 0, 1, 0]), 0.5);
    st.Sxx.set(one.Sxx, 4);
    st.Sxz.set(one.Sxz, 6);
    st.Szz.set(one.Szz, 9);
    st.n[1] = one.n[0];
    post.sviStep(st, 1, 1);
    const ref = new MniwPosterior({ ds, da, count: 1 });
    ref.sviStep(one, 1, 1);
    expect(Array.from(post.natural(1).n1)).toEqual(Array.from(ref.n1));
    expect(Array.from(post.natural(0).n1)).toEqual(Array.from(post.natural(2).n1));
    const e = post.expectations();
    expect(e.count).toBe(3);
    expect(e.Einv[0]).toBeCloseTo(4 / 2, 12); // prior block: νΨ⁻¹ = 4·(1/2)
  });

  it('noise floor raises E[Σ] eigenvalues to the floor and leaves M, V untouched', () => {
    const F = Float64Array.from([1, 0, 0.5, 0, 1, -0.5]);
    const st = simulate(new Rng(5), ds, da, 5000, F, 1e-3);
    const plain = new MniwPosterior({ ds, da, count: 1 });
    plain.sviStep(st, 1, 1);
    const floored = new MniwPosterior({ ds, da, count: 1, noiseFloor: 0.05 });
    floored.sviStep(st, 1, 1);
    const a = plain.standard(0);
    const b = floored.standard(0);
    for (let i = 0; i < ds * q; i++) expect(b.M[i]).toBeCloseTo(a.M[i], 10);
    for (let i = 0; i < q * q; i++) expect(b.V[i]).toBeCloseTo(a.V[i], 10);
    const { values } = symmetricEigen(mniwMeanDynamics(b).Sigma, ds);
    for (const v of values) expect(v).toBeGreaterThanOrEqual(0.05 - 1e-12);
    expect(Math.min(...symmetricEigen(mniwMeanDynamics(a).Sigma, ds).values)).toBeLessThan(0.01);
  });

  it('conditioned(stats, λ) adds λ·stats to η; state round-trips and is validated', () => {
    const st = simulate(new Rng(7), ds, da, 10, Float64Array.from([1, 0, 0, 0, 1, 0]), 0.5);
    const post = new MniwPosterior({ ds, da, count: 1 });
    post.sviStep(st, 0.3, 2);
    const cond = post.conditioned(st, 50);
    for (let i = 0; i < q * q; i++) expect(cond.n3[i]).toBeCloseTo(post.n3[i] + 50 * st.Szz[i], 10);
    expect(cond.n4[0]).toBeCloseTo(post.n4[0] + 500, 10);
    const copy = new MniwPosterior({ ds, da, count: 1 });
    copy.setState(JSON.parse(JSON.stringify(post.getState())));
    expect(Array.from(copy.n1)).toEqual(Array.from(post.n1));
    const bad = post.getState();
    bad.n4[0] = 1; // ν = 1 − ds − q − 1 < ds + 1
    expect(() => copy.setState(bad)).toThrow(/block 0 is not a valid MNIW/);
    expect(() => copy.setState({ ...bad, n1: [1] })).toThrow(/n1 has length 1/);
  });

  it('rejects bad steps and statistics', () => {
    const post = new MniwPosterior({ ds, da, count: 2 });
    const st = allocTransitionStats(ds, da, 2);
    expect(() => post.sviStep(st, 0, 1)).toThrow(/ρ must be in \(0, 1\]/);
    expect(() => post.sviStep(st, 1.5, 1)).toThrow(/ρ must be in/);
    expect(() => post.sviStep(allocTransitionStats(ds, da, 1), 1, 1)).toThrow(/statistics have 1 blocks/);
    st.n[0] = -100;
    expect(() => post.sviStep(st, 1, 1)).toThrow(/block 0 would get ν = .* ≤ ds \+ 1/);
    st.n[0] = 0;
    st.Szz[3] = Number.NaN;
    expect(() => post.sviStep(st, 1, 1)).toThrow(/Szz\[3\] is NaN/);
    expect(() => new MniwPosterior({ ds, da, count: 1, prior: { ...post.prior, nu: 3 } })).toThrow(/must be > ds \+ 1/);
  });
});
