/**
 * Time-varying linear-Gaussian policy p(u_t | x_t) = N(K_t x_t + k_t, S_t): construction,
 * sampling, log-density and the expected KL between two such policies.
 */
import { choleskyInPlace, logDetFromCholesky, inverseSPD, allFinite } from '../linalg/index.js';
import type { Rng } from '../random/rng.js';
import type { LinearGaussianPolicy } from './types.js';

/**
 * Builds a policy from gains and covariances, deriving chol(S_t), S_t⁻¹ and log det S_t.
 * Throws when a shape is wrong, a value is non-finite, or some S_t is not positive definite.
 */
export function createPolicy(
  T: number,
  dx: number,
  du: number,
  K: Float64Array,
  k: Float64Array,
  S: Float64Array,
): LinearGaussianPolicy {
  if (K.length !== T * du * dx || k.length !== T * du || S.length !== T * du * du) {
    throw new Error(`createPolicy: array sizes do not match T=${T}, dx=${dx}, du=${du}`);
  }
  const cholS = new Float64Array(T * du * du);
  const invS = new Float64Array(T * du * du);
  const logDetS = new Float64Array(T);
  const dd = du * du;
  for (let t = 0; t < T; t++) {
    const St = S.subarray(t * dd, (t + 1) * dd);
    const Lt = cholS.subarray(t * dd, (t + 1) * dd);
    const i = choleskyInPlace(St, du, Lt);
    if (i >= 0) throw new Error(`createPolicy: S_t at t=${t} is not positive definite (pivot ${i} is ${Lt[i * du + i]})`);
    logDetS[t] = logDetFromCholesky(Lt, du);
    inverseSPD(St, du, invS.subarray(t * dd, (t + 1) * dd));
  }
  return checkPolicy({ T, dx, du, K, k, S, cholS, invS, logDetS }, 'createPolicy');
}

/** The exploration start of LQR-FLM: K = 0, k = 0, S = variance · I. */
export function initialPolicy(T: number, dx: number, du: number, variance: number): LinearGaussianPolicy {
  if (!(variance > 0)) throw new Error(`initialPolicy: variance must be > 0, got ${variance}`);
  const S = new Float64Array(T * du * du);
  for (let t = 0; t < T; t++) for (let i = 0; i < du; i++) S[t * du * du + i * du + i] = variance;
  return createPolicy(T, dx, du, new Float64Array(T * du * dx), new Float64Array(T * du), S);
}

/** Throws (naming `what` and the array) when any entry of the policy is not finite. */
export function checkPolicy(p: LinearGaussianPolicy, what: string): LinearGaussianPolicy {
  for (const [name, a] of [['K', p.K], ['k', p.k], ['S', p.S], ['cholS', p.cholS], ['invS', p.invS], ['logDetS', p.logDetS]] as const) {
    if (!allFinite(a)) {
      const i = a.findIndex((v) => !Number.isFinite(v));
      const per = a.length / p.T;
      throw new Error(`${what}: policy ${name} is not finite at t=${Math.floor(i / per)} (entry ${i % per}: ${a[i]})`);
    }
  }
  return p;
}

/** Mean action K_t x + k_t. */
export function policyMean(p: LinearGaussianPolicy, t: number, x: ArrayLike<number>, out?: Float64Array): Float64Array {
  const { dx, du } = p;
  const u = out ?? new Float64Array(du);
  for (let i = 0; i < du; i++) {
    let s = p.k[t * du + i];
    const r = (t * du + i) * dx;
    for (let j = 0; j < dx; j++) s += p.K[r + j] * x[j];
    u[i] = s;
  }
  return u;
}

/** A sample u = K_t x + k_t + chol(S_t) ε, ε ~ N(0, I) drawn from `rng`. */
export function sampleAction(
  p: LinearGaussianPolicy,
  t: number,
  x: ArrayLike<number>,
  rng: Rng,
  out?: Float64Array,
): Float64Array {
  const { du } = p;
  const u = policyMean(p, t, x, out);
  const eps = new Float64Array(du);
  rng.fillNormal(eps);
  const L = t * du * du;
  for (let i = 0; i < du; i++) {
    let s = 0;
    for (let j = 0; j <= i; j++) s += p.cholS[L + i * du + j] * eps[j];
    u[i] += s;
  }
  return u;
}

/** log N(u; K_t x + k_t, S_t) = −½ (δᵀ S⁻¹ δ + log det S + du log 2π), δ = u − mean. */
export function policyLogDensity(p: LinearGaussianPolicy, t: number, x: ArrayLike<number>, u: ArrayLike<number>): number {
  const { du } = p;
  const m = policyMean(p, t, x);
  for (let i = 0; i < du; i++) m[i] = u[i] - m[i];
  let q = 0;
  const P = t * du * du;
  for (let i = 0; i < du; i++) for (let j = 0; j < du; j++) q += m[i] * p.invS[P + i * du + j] * m[j];
  return -0.5 * (q + p.logDetS[t] + du * Math.log(2 * Math.PI));
}

/**
 * Expected KL of the action conditionals under a Gaussian state distribution, per step:
 *   KL_t = E_{x ~ N(μ_t, Σ_t)} KL(N(K x + k, S) ‖ N(K̄ x + k̄, S̄))
 *        = ½ [tr(S̄⁻¹S) − du + log det S̄ − log det S + δᵀ S̄⁻¹ δ + tr(ΔKᵀ S̄⁻¹ ΔK Σ_t)]
 * with ΔK = K − K̄, δ = ΔK μ_t + k − k̄. Each term is clipped at ≥ 0 (round-off). `mu` and
 * `Sigma` hold at least T state marginals ((T+1)-long arrays from a forward pass are fine).
 * Writes per-step values into `out` (length T) and returns their sum.
 */
export function expectedPolicyKL(
  pNew: LinearGaussianPolicy,
  pOld: LinearGaussianPolicy,
  mu: Float64Array,
  Sigma: Float64Array,
  out?: Float64Array,
  work?: Float64Array,
): number {
  const { T, dx, du } = pNew;
  if (pOld.T !== T || pOld.dx !== dx || pOld.du !== du) throw new Error('expectedPolicyKL: policies of different shapes');
  const w = work ?? new Float64Array(du * dx + 2 * du + du * dx);
  const dK = w.subarray(0, du * dx);
  const d = w.subarray(du * dx, du * dx + du);
  const PdK = w.subarray(du * dx + 2 * du, 2 * du * dx + 2 * du); // S̄⁻¹ ΔK
  const dd = du * du;
  let total = 0;
  for (let t = 0; t < T; t++) {
    const P = pOld.invS.subarray(t * dd, (t + 1) * dd);
    for (let i = 0; i < du * dx; i++) dK[i] = pNew.K[t * du * dx + i] - pOld.K[t * du * dx + i];
    for (let i = 0; i < du; i++) {
      let s = pNew.k[t * du + i] - pOld.k[t * du + i];
      for (let j = 0; j < dx; j++) s += dK[i * dx + j] * mu[t * dx + j];
      d[i] = s;
    }
    let trPS = 0;
    let quad = 0;
    for (let i = 0; i < du; i++) {
      for (let j = 0; j < du; j++) {
        trPS += P[i * du + j] * pNew.S[t * dd + j * du + i];
        quad += d[i] * P[i * du + j] * d[j];
      }
    }
    for (let i = 0; i < du; i++) {
      for (let j = 0; j < dx; j++) {
        let s = 0;
        for (let l = 0; l < du; l++) s += P[i * du + l] * dK[l * dx + j];
        PdK[i * dx + j] = s;
      }
    }
    // tr(ΔKᵀ P ΔK Σ) = Σ_{i,j,l} (PΔK)_{ij} Σ_{jl} ΔK_{il}.
    let trSig = 0;
    const So = t * dx * dx;
    for (let i = 0; i < du; i++) {
      for (let j = 0; j < dx; j++) {
        const a = PdK[i * dx + j];
        if (a === 0) continue;
        let s = 0;
        for (let l = 0; l < dx; l++) s += Sigma[So + j * dx + l] * dK[i * dx + l];
        trSig += a * s;
      }
    }
    const kl = 0.5 * (trPS - du + pOld.logDetS[t] - pNew.logDetS[t] + quad + trSig);
    const klc = kl > 0 ? kl : 0;
    if (out) out[t] = klc;
    total += klc;
  }
  return total;
}
