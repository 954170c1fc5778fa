/**
 * Test helpers for src/gaussian: random problems and an independent dense reference.
 *
 * The dense reference never uses the kernel's algebra: it evaluates the unnormalised log
 * density f(x) = log N(x_0; μ0, P0) + Σ_t log ψ_t(x_t) + Σ_t E_q(θ)[log N(x_{t+1}; F z_t, Σ)]
 * term by term, recovers (J, h, c) of f(x) = −½xᵀJx + hᵀx + c by polarisation (exact for a
 * quadratic), and applies the Gaussian integral with a dense Cholesky (src/linalg).
 */
import { Rng } from '../random/rng.js';
import { cholesky, inverseSPD, logDetFromCholesky, solveLowerTransposed } from '../linalg/index.js';
import type { DynamicsExpectations, InitialState } from './types.js';

const LOG_2PI = Math.log(2 * Math.PI);

export interface Problem {
  T: number;
  ds: number;
  da: number;
  m: Float64Array;
  s: Float64Array;
  u: Float64Array;
  dyn: DynamicsExpectations;
  init: InitialState;
  eps: Float64Array;
}

/** Random SPD n×n matrix A Aᵀ + ridge·I. */
export function randSPD(rng: Rng, n: number, ridge: number, scale = 1): Float64Array {
  const A = new Float64Array(n * n);
  for (let i = 0; i < n * n; i++) A[i] = scale * rng.normal();
  const S = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let v = 0;
      for (let k = 0; k < n; k++) v += A[i * n + k] * A[j * n + k];
      S[i * n + j] = v + (i === j ? ridge : 0);
    }
  }
  return S;
}

/**
 * Consistent random dynamics statistics: P = E[Σ⁻¹] SPD, E[Σ⁻¹F] = P F, E[FᵀΣ⁻¹F] = FᵀPF + E
 * with E ⪰ 0 (what an MNIW gives: Mᵀ νΨ⁻¹ M + ds·V), so the joint precision is PD.
 */
export function randomDynamics(rng: Rng, ds: number, da: number, count: number): DynamicsExpectations {
  const q = ds + da;
  const Einv = new Float64Array(count * ds * ds);
  const EinvF = new Float64Array(count * ds * q);
  const EFinvF = new Float64Array(count * q * q);
  const Elogdet = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const P = randSPD(rng, ds, 0.5, 0.5);
    const F = new Float64Array(ds * q);
    for (let i = 0; i < ds * q; i++) F[i] = (i % (q + 1) === 0 ? 0.9 : 0) + 0.3 * rng.normal();
    const E = randSPD(rng, q, 0.1, 0.3);
    for (let i = 0; i < ds * ds; i++) Einv[k * ds * ds + i] = P[i];
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < q; j++) {
        let v = 0;
        for (let l = 0; l < ds; l++) v += P[i * ds + l] * F[l * q + j];
        EinvF[k * ds * q + i * q + j] = v;
      }
    }
    for (let i = 0; i < q; i++) {
      for (let j = 0; j < q; j++) {
        let v = E[i * q + j];
        for (let a = 0; a < ds; a++) for (let b = 0; b < ds; b++) v += F[a * q + i] * P[a * ds + b] * F[b * q + j];
        EFinvF[k * q * q + i * q + j] = v;
      }
    }
    Elogdet[k] = rng.normal();
  }
  return { ds, da, count, Einv, EinvF, EFinvF, Elogdet };
}

export function randomProblem(rng: Rng, T: number, ds: number, da: number, shared = false): Problem {
  const n = T * ds;
  const m = new Float64Array(n);
  const s = new Float64Array(n);
  const eps = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    m[i] = rng.normal();
    s[i] = 0.3 + 1.5 * rng.uniform();
    eps[i] = rng.normal();
  }
  const u = new Float64Array(T * da);
  for (let i = 0; i < u.length; i++) u[i] = rng.normal();
  const dyn = randomDynamics(rng, ds, da, shared ? 1 : Math.max(T - 1, 1));
  const mean = new Float64Array(ds);
  for (let i = 0; i < ds; i++) mean[i] = 0.5 * rng.normal();
  const init = { mean, cov: randSPD(rng, ds, 0.5, 0.5) };
  return { T, ds, da, m, s, u, dyn, init, eps };
}

/** f(x): the unnormalised log density, evaluated term by term from its definition. */
export function logDensity(p: Problem, x: Float64Array): number {
  const { T, ds, da, m, s, u, dyn, init } = p;
  const q = ds + da;
  const P0inv = inverseSPD(init.cov, ds)!;
  const L0 = cholesky(init.cov, ds)!;
  let f = -0.5 * ds * LOG_2PI - 0.5 * logDetFromCholesky(L0, ds);
  for (let i = 0; i < ds; i++) for (let j = 0; j < ds; j++) f -= 0.5 * (x[i] - init.mean[i]) * P0inv[i * ds + j] * (x[j] - init.mean[j]);
  for (let k = 0; k < T * ds; k++) {
    const d = (x[k] - m[k]) / s[k];
    f += -0.5 * LOG_2PI - Math.log(s[k]) - 0.5 * d * d;
  }
  const z = new Float64Array(q);
  for (let t = 0; t < T - 1; t++) {
    const j = dyn.count === 1 ? 0 : t;
    for (let i = 0; i < ds; i++) z[i] = x[t * ds + i];
    for (let i = 0; i < da; i++) z[ds + i] = u[t * da + i];
    let xpx = 0;
    let xqz = 0;
    let zrz = 0;
    for (let a = 0; a < ds; a++) {
      for (let b = 0; b < ds; b++) xpx += x[(t + 1) * ds + a] * dyn.Einv[j * ds * ds + a * ds + b] * x[(t + 1) * ds + b];
      for (let b = 0; b < q; b++) xqz += x[(t + 1) * ds + a] * dyn.EinvF[j * ds * q + a * q + b] * z[b];
    }
    for (let a = 0; a < q; a++) for (let b = 0; b < q; b++) zrz += z[a] * dyn.EFinvF[j * q * q + a * q + b] * z[b];
    f += -0.5 * ds * LOG_2PI - 0.5 * dyn.Elogdet[j] - 0.5 * (xpx - 2 * xqz + zrz);
  }
  return f;
}

export interface DenseResult {
  J: Float64Array;
  h: Float64Array;
  logZ: number;
  mean: Float64Array;
  cov: Float64Array;
  /** μ + L⁻ᵀε with L the dense Cholesky factor of J. */
  sample: Float64Array;
}

/** The dense T·ds × T·ds computation. */
export function denseReference(p: Problem): DenseResult {
  const n = p.T * p.ds;
  const x = new Float64Array(n);
  const f = (): number => logDensity(p, x);
  const c = f();
  const fp = new Float64Array(n);
  const fm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = 1;
    fp[i] = f();
    x[i] = -1;
    fm[i] = f();
    x[i] = 0;
  }
  const h = new Float64Array(n);
  const J = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    h[i] = 0.5 * (fp[i] - fm[i]);
    J[i * n + i] = -(fp[i] + fm[i] - 2 * c);
    for (let j = 0; j < i; j++) {
      x[i] = 1;
      x[j] = 1;
      const fij = f();
      x[i] = 0;
      x[j] = 0;
      // f(e_i + e_j) − f(e_i) − f(e_j) + f(0) = −J_ij
      const v = -(fij - fp[i] - fp[j] + c);
      J[i * n + j] = v;
      J[j * n + i] = v;
    }
  }
  const L = cholesky(J, n)!;
  const cov = inverseSPD(J, n)!;
  const mean = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) mean[i] += cov[i * n + j] * h[j];
  let hmu = 0;
  for (let i = 0; i < n; i++) hmu += h[i] * mean[i];
  const logZ = c + 0.5 * n * LOG_2PI - 0.5 * logDetFromCholesky(L, n) + 0.5 * hmu;
  const xi = solveLowerTransposed(L, n, Float64Array.from(p.eps), 1);
  const sample = new Float64Array(n);
  for (let i = 0; i < n; i++) sample[i] = mean[i] + xi[i];
  return { J, h, logZ, mean, cov, sample };
}

/** max_i |a_i − b_i| / max(1, |b_i|). */
export function maxRelErr(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let e = 0;
  for (let i = 0; i < a.length; i++) e = Math.max(e, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
  return e;
}
