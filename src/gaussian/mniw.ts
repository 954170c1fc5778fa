/**
 * Matrix-normal inverse-Wishart MNIW(M, V, Ψ, ν) over θ = (F, Σ), F ∈ R^{ds×q} (q = ds + da):
 *   Σ ~ IW(Ψ, ν),  F | Σ ~ MN(M, Σ, V)  (row covariance Σ, column covariance V).
 *
 * As an exponential family with sufficient statistics
 *   t(θ) = (−½Σ⁻¹, Σ⁻¹F, −½FᵀΣ⁻¹F, −½log|Σ|)
 * its natural parameters are
 *   η1 = Ψ + M V⁻¹ Mᵀ,  η2 = M V⁻¹,  η3 = V⁻¹,  η4 = ν + ds + q + 1,
 * so a transition's likelihood N(x'; F z, Σ) adds (x'x'ᵀ, x'zᵀ, zzᵀ, 1) to (η1, η2, η3, η4):
 * the conjugate update is a sum. The log partition is
 *   A = −(ν/2) log|Ψ| + (ν·ds/2) log 2 + log Γ_ds(ν/2) + (ds·q/2) log 2π + (ds/2) log|V|,
 * and ∇A(η) = E[t(θ)], with
 *   E[Σ⁻¹] = νΨ⁻¹,  E[Σ⁻¹F] = νΨ⁻¹M,  E[FᵀΣ⁻¹F] = Mᵀ νΨ⁻¹ M + ds·V,
 *   E[log|Σ|] = log|Ψ| − ds·log 2 − ψ_ds(ν/2).
 * KL(q‖p) = ⟨η_q − η_p, E_q[t]⟩ − A(η_q) + A(η_p).
 */
import { choleskyOrThrow, inverseSPD, logDetFromCholesky, matmul, matmulBT, symmetrize } from '../linalg/index.js';
import { multidigamma, multigammaln } from './special.js';

/** Standard parameters. Matrices row-major: M ds×q, V q×q, Psi ds×ds. */
export interface Mniw {
  readonly ds: number;
  readonly q: number;
  readonly M: Float64Array;
  readonly V: Float64Array;
  readonly Psi: Float64Array;
  readonly nu: number;
}

/** Natural parameters (see the module comment). n1 ds×ds, n2 ds×q, n3 q×q. */
export interface MniwNatural {
  readonly ds: number;
  readonly q: number;
  readonly n1: Float64Array;
  readonly n2: Float64Array;
  readonly n3: Float64Array;
  readonly n4: number;
}

/** Expected statistics of one MNIW (see the module comment). */
export interface MniwExpectations {
  readonly Einv: Float64Array;
  readonly EinvF: Float64Array;
  readonly EFinvF: Float64Array;
  readonly Elogdet: number;
}

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * The method's default prior: M0 = [I_ds | 0], V = I_q, Ψ = psiScale·I_ds (2), ν = ds + 2.
 */
export function defaultMniwPrior(ds: number, da: number, psiScale = 2, nu = ds + 2): Mniw {
  const q = ds + da;
  const M = new Float64Array(ds * q);
  for (let i = 0; i < ds; i++) M[i * q + i] = 1;
  const V = new Float64Array(q * q);
  for (let i = 0; i < q; i++) V[i * q + i] = 1;
  const Psi = new Float64Array(ds * ds);
  for (let i = 0; i < ds; i++) Psi[i * ds + i] = psiScale;
  return validateMniw({ ds, q, M, V, Psi, nu });
}

/** Checks shapes, finiteness and ν > ds + 1 (so E[Σ] exists); returns its argument. */
export function validateMniw(p: Mniw): Mniw {
  const { ds, q } = p;
  if (p.M.length !== ds * q || p.V.length !== q * q || p.Psi.length !== ds * ds) {
    throw new Error(`mniw: expected M ${ds}×${q}, V ${q}×${q}, Ψ ${ds}×${ds}`);
  }
  for (const [name, a] of [['M', p.M], ['V', p.V], ['Psi', p.Psi]] as const) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new Error(`mniw: ${name}[${i}] is ${a[i]}`);
  }
  if (!(p.nu > ds + 1)) throw new Error(`mniw: ν = ${p.nu} must be > ds + 1 = ${ds + 1}`);
  return p;
}

/** Standard → natural parameters. */
export function mniwToNatural(p: Mniw): MniwNatural {
  const { ds, q } = p;
  const n3 = inverseSPD(p.V, q);
  if (!n3) throw new Error('mniw: V is not positive definite');
  const n2 = matmul(p.M, n3, ds, q, q);
  const n1 = matmulBT(n2, p.M, ds, q, ds);
  for (let i = 0; i < ds * ds; i++) n1[i] += p.Psi[i];
  symmetrize(n1, ds);
  return { ds, q, n1, n2, n3, n4: p.nu + ds + q + 1 };
}

/** Natural → standard: V = η3⁻¹, M = η2 V, Ψ = η1 − M η2ᵀ, ν = η4 − ds − q − 1. */
export function mniwFromNatural(n: MniwNatural): Mniw {
  const { ds, q } = n;
  const V = inverseSPD(n.n3, q);
  if (!V) throw new Error('mniw: natural parameter η3 = V⁻¹ is not positive definite');
  const M = matmul(n.n2, V, ds, q, q);
  const MVinvMt = matmulBT(M, n.n2, ds, q, ds);
  const Psi = new Float64Array(ds * ds);
  for (let i = 0; i < ds * ds; i++) Psi[i] = n.n1[i] - MVinvMt[i];
  symmetrize(Psi, ds);
  return { ds, q, M, V, Psi, nu: n.n4 - ds - q - 1 };
}

/** E[Σ⁻¹], E[Σ⁻¹F], E[FᵀΣ⁻¹F], E[log|Σ|] (module comment). */
export function mniwExpectations(p: Mniw): MniwExpectations {
  const { ds, q, nu } = p;
  const Lpsi = choleskyOrThrow(p.Psi, ds, 'mniw: Ψ');
  const Psiinv = inverseSPD(p.Psi, ds)!;
  const Einv = new Float64Array(ds * ds);
  for (let i = 0; i < ds * ds; i++) Einv[i] = nu * Psiinv[i];
  const EinvF = matmul(Einv, p.M, ds, ds, q);
  // Mᵀ (νΨ⁻¹ M) + ds·V
  const EFinvF = new Float64Array(q * q);
  for (let k = 0; k < ds; k++) {
    for (let i = 0; i < q; i++) {
      const mki = p.M[k * q + i];
      for (let j = 0; j < q; j++) EFinvF[i * q + j] += mki * EinvF[k * q + j];
    }
  }
  for (let i = 0; i < q * q; i++) EFinvF[i] += ds * p.V[i];
  symmetrize(EFinvF, q);
  const Elogdet = logDetFromCholesky(Lpsi, ds) - ds * Math.LN2 - multidigamma(nu / 2, ds);
  return { Einv, EinvF, EFinvF, Elogdet };
}

/** Log partition A (module comment). */
export function mniwLogPartition(p: Mniw): number {
  const { ds, q, nu } = p;
  const ldPsi = logDetFromCholesky(choleskyOrThrow(p.Psi, ds, 'mniw: Ψ'), ds);
  const ldV = logDetFromCholesky(choleskyOrThrow(p.V, q, 'mniw: V'), q);
  return -0.5 * nu * ldPsi + 0.5 * nu * ds * Math.LN2 + multigammaln(nu / 2, ds) + 0.5 * ds * q * LOG_2PI + 0.5 * ds * ldV;
}

/** KL(q ‖ p) = ⟨η_q − η_p, E_q[t]⟩ − A(q) + A(p) ≥ 0. */
export function mniwKL(qd: Mniw, pd: Mniw): number {
  const nq = mniwToNatural(qd);
  const np = mniwToNatural(pd);
  const e = mniwExpectations(qd);
  const { ds, q } = qd;
  let inner = 0;
  for (let i = 0; i < ds * ds; i++) inner -= 0.5 * (nq.n1[i] - np.n1[i]) * e.Einv[i];
  for (let i = 0; i < ds * q; i++) inner += (nq.n2[i] - np.n2[i]) * e.EinvF[i];
  for (let i = 0; i < q * q; i++) inner -= 0.5 * (nq.n3[i] - np.n3[i]) * e.EFinvF[i];
  inner -= 0.5 * (nq.n4 - np.n4) * e.Elogdet;
  return inner - mniwLogPartition(qd) + mniwLogPartition(pd);
}

/** Mean dynamics for control: E[F] = M and E[Σ] = Ψ/(ν − ds − 1). */
export function mniwMeanDynamics(p: Mniw): { F: Float64Array; Sigma: Float64Array } {
  const Sigma = new Float64Array(p.ds * p.ds);
  for (let i = 0; i < Sigma.length; i++) Sigma[i] = p.Psi[i] / (p.nu - p.ds - 1);
  return { F: Float64Array.from(p.M), Sigma };
}
