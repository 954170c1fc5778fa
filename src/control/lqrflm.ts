/**
 * The LQR-FLM policy update (docs/method.md, 'The improvement loop', step 5): minimise the expected cost under the
 * fitted local model subject to Σ_t E KL(p_new(u|x) ‖ p_old(u|x)) ≤ ε, by searching the dual
 * variable η in log space. KL(η) decreases monotonically in η (η → ∞ returns p_old), so
 * η is bracketed between a value whose KL is too large and one whose KL is too small, and
 * the bracket is shrunk by secant steps on (log η, log KL) with bisection as a safeguard.
 */
import { choleskyInPlace, inverseSPD, logDetFromCholesky } from '../linalg/index.js';
import { backwardPass, BackwardWork, klCostTerms } from './backward.js';
import { emptyStateDistribution, forwardPass, ForwardWork } from './forward.js';
import { checkPolicy, expectedPolicyKL } from './policy.js';
import { checkQuadraticCost } from './cost.js';
import type { LinearDynamics, LinearGaussianPolicy, QuadraticCost } from './types.js';

export interface LqrflmOptions {
  /** The KL bound ε (total over the T steps; the trainer passes kl_step · T · step_mult). */
  readonly klBound: number;
  /** Starting η (e.g. the previous iteration's); default 1. */
  readonly etaInit?: number;
  readonly etaMin?: number; // 1e-8
  readonly etaMax?: number; // 1e16
  readonly maxTries?: number; // 50
  /** Accept when |KL − ε| < tol · ε; default 0.1. */
  readonly tol?: number;
  /** Outer iteration number, for error messages. */
  readonly iteration?: number;
}

export interface LqrflmResult {
  readonly policy: LinearGaussianPolicy;
  readonly eta: number;
  /** Σ_t E KL(p_new ‖ p_old) under p_new's state distribution. */
  readonly kl: number;
  readonly klBound: number;
  /** True when |KL − ε| < tol·ε, or the constraint is inactive at η_min. */
  readonly converged: boolean;
  /** Why the search ended (always set; explains a miss of the KL target). */
  readonly reason: string;
  readonly tries: number;
  /** Number of η values rejected because Q_uu was not positive definite. */
  readonly nonPDCount: number;
  /** Expected total cost of the new / old policy under (dyn, cost). */
  readonly expectedCostNew: number;
  readonly expectedCostOld: number;
}

/** Reusable buffers for one (T, dx, du); pass the same one to repeated updates. */
export class LqrflmWork {
  readonly back: BackwardWork;
  readonly fwd: ForwardWork;
  readonly dist;
  readonly cand: { T: number; dx: number; du: number; K: Float64Array; k: Float64Array; S: Float64Array; cholS: Float64Array; invS: Float64Array; logDetS: Float64Array };
  readonly klWork: Float64Array;
  constructor(readonly T: number, readonly dx: number, readonly du: number) {
    this.back = new BackwardWork(T, dx, du);
    this.fwd = new ForwardWork(dx, du);
    this.dist = emptyStateDistribution(T, dx, du);
    const dd = du * du;
    this.cand = {
      T, dx, du,
      K: this.back.K, k: this.back.k, invS: this.back.Quu,
      S: new Float64Array(T * dd), cholS: new Float64Array(T * dd), logDetS: new Float64Array(T),
    };
    this.klWork = new Float64Array(2 * du * dx + 2 * du);
  }
}

/** Completes the candidate policy from the backward pass: S = Q_uu⁻¹, chol(S), log det S. */
function fillCandidate(w: LqrflmWork): void {
  const { T, du } = w;
  const dd = du * du;
  const c = w.cand;
  for (let t = 0; t < T; t++) {
    c.logDetS[t] = -logDetFromCholesky(w.back.Luu.subarray(t * dd, (t + 1) * dd), du);
    const St = c.S.subarray(t * dd, (t + 1) * dd);
    inverseSPD(w.back.Quu.subarray(t * dd, (t + 1) * dd), du, St);
    choleskyInPlace(St, du, c.cholS.subarray(t * dd, (t + 1) * dd));
  }
}

function clonePolicy(p: LinearGaussianPolicy): LinearGaussianPolicy {
  return { T: p.T, dx: p.dx, du: p.du, K: p.K.slice(), k: p.k.slice(), S: p.S.slice(), cholS: p.cholS.slice(), invS: p.invS.slice(), logDetS: p.logDetS.slice() };
}

/**
 * One LQR-FLM update. Throws when the inputs have mismatched shapes, the cost is invalid
 * (checkQuadraticCost), or Q_uu stays non-positive-definite up to η_max (the error names the
 * iteration, the time step and η). Never returns a non-finite policy.
 */
export function lqrflmUpdate(
  old: LinearGaussianPolicy,
  dyn: LinearDynamics,
  cost: QuadraticCost,
  opts: LqrflmOptions,
  work?: LqrflmWork,
): LqrflmResult {
  const { T, dx, du } = old;
  for (const [name, o] of [['dynamics', dyn], ['cost', cost]] as const) {
    if (o.T !== T || o.dx !== dx || o.du !== du) {
      throw new Error(`lqrflmUpdate: ${name} shape (T=${o.T}, dx=${o.dx}, du=${o.du}) differs from the policy's (T=${T}, dx=${dx}, du=${du})`);
    }
  }
  const it = opts.iteration ?? 0;
  checkQuadraticCost(cost, `lqrflmUpdate (iteration ${it})`);
  const eps = opts.klBound;
  if (!(eps > 0)) throw new Error(`lqrflmUpdate: klBound must be > 0, got ${eps}`);
  const etaMin = opts.etaMin ?? 1e-8;
  const etaMax = opts.etaMax ?? 1e16;
  const maxTries = opts.maxTries ?? 50;
  const tol = opts.tol ?? 0.1;
  const w = work ?? new LqrflmWork(T, dx, du);
  const klTerms = klCostTerms(old);

  let lo = etaMin; // KL(lo) > ε known when klLo is finite (or +∞ after a non-PD failure)
  let hi = etaMax; // KL(hi) < ε known when klHi is finite
  let klLo = Number.NaN;
  let klHi = Number.NaN;
  let eta = Math.min(Math.max(opts.etaInit ?? 1, etaMin), etaMax);
  let del = 1e-4;
  let minStep = Math.LN2;
  let lastDir = 0;
  let nonPD = 0;
  let best: { policy: LinearGaussianPolicy; eta: number; kl: number } | null = null;
  let last: { policy: LinearGaussianPolicy; eta: number; kl: number } | null = null;
  let tries = 0;
  let reason = '';
  let converged = false;
  while (tries < maxTries) {
    tries++;
    const failT = backwardPass(eta, dyn, cost, klTerms, w.back);
    if (failT >= 0) {
      nonPD++;
      lo = eta;
      klLo = Number.POSITIVE_INFINITY;
      if (Number.isFinite(klHi)) {
        eta = Math.sqrt(lo * hi);
      } else {
        // As guided policy search: raise η additively, doubling the increment.
        eta += del;
        del *= 2;
        if (eta > etaMax) {
          throw new Error(
            `LQR-FLM iteration ${it}: Q_uu is not positive definite at time step t=${failT} even for eta=${eta.toExponential(3)} ` +
              `(> eta_max ${etaMax}); the cost or dynamics are not usable (check the cost is convex in u and the data are sane)`,
          );
        }
      }
      if (tries === maxTries) reason = `gave up after ${tries} tries; last eta ${eta} had non-PD Q_uu at t=${failT}`;
      continue;
    }
    fillCandidate(w);
    forwardPass(w.cand, dyn, w.dist, undefined, w.fwd);
    const kl = expectedPolicyKL(w.cand, old, w.dist.mu, w.dist.Sigma, undefined, w.klWork);
    if (!Number.isFinite(kl)) throw new Error(`LQR-FLM iteration ${it}: KL is ${kl} at eta=${eta}`);
    last = { policy: clonePolicy(w.cand), eta, kl };
    if (kl <= eps && (!best || kl > best.kl)) best = last;
    if (Math.abs(kl - eps) < tol * eps) {
      converged = true;
      reason = `|KL − ε| < ${tol}ε after ${tries} tries`;
      break;
    }
    if (kl < eps && eta <= etaMin * (1 + 1e-9)) {
      converged = true;
      reason = `constraint inactive: KL ${kl.toExponential(3)} < ε at eta_min ${etaMin}`;
      break;
    }
    if (kl > eps && eta >= etaMax * (1 - 1e-9)) {
      reason = `KL ${kl.toExponential(3)} > ε even at eta_max ${etaMax}`;
      break;
    }
    if (kl > eps) {
      lo = eta;
      klLo = kl;
    } else {
      hi = eta;
      klHi = kl;
    }
    const gap = Math.log(hi) - Math.log(lo);
    let next: number;
    if (Number.isFinite(klLo) && Number.isFinite(klHi) && klLo > klHi) {
      // Secant on (log η, log KL) inside the bracket, kept 5% away from its ends.
      const s = (Math.log(eps) - Math.log(klLo)) / (Math.log(klHi) - Math.log(klLo));
      next = Math.log(lo) + Math.min(0.95, Math.max(0.05, s)) * gap;
    } else {
      // One-sided: KL ∝ η⁻² far from the unconstrained optimum, so step by ½ log(KL/ε),
      // at least a factor 2 and at most 4 decades, then stay inside the bracket.
      // Consecutive one-sided moves double the minimum step (KL saturates near η_min).
      const dir = kl > eps ? 1 : -1;
      minStep = dir === lastDir ? 2 * minStep : Math.LN2;
      lastDir = dir;
      const step = Math.min(4 * Math.LN10, Math.max(minStep, 0.5 * Math.abs(Math.log(kl / eps))));
      next = Math.log(eta) + (kl > eps ? step : -step);
      // Past a bare bound (no KL known there yet) try the bound itself; past a measured end
      // of the bracket, bisect.
      if (next <= Math.log(lo)) next = Number.isNaN(klLo) ? Math.log(lo) : Math.log(lo) + 0.5 * gap;
      if (next >= Math.log(hi)) next = Number.isNaN(klHi) ? Math.log(hi) : Math.log(lo) + 0.5 * gap;
    }
    eta = Math.exp(next);
    if (tries === maxTries) reason = `no η within ${maxTries} tries met |KL − ε| < ${tol}ε (bracket [${lo}, ${hi}])`;
  }
  const chosen = converged ? last : best ?? last;
  if (!chosen) throw new Error(`LQR-FLM iteration ${it}: no η gave a positive-definite Q_uu in ${tries} tries (${reason})`);
  if (!converged && chosen !== last) reason += `; returning the largest-KL policy within the bound (KL ${chosen.kl.toExponential(3)})`;
  checkPolicy(chosen.policy, `LQR-FLM iteration ${it}`);
  const dist = emptyStateDistribution(T, dx, du);
  const expectedCostNew = forwardPass(chosen.policy, dyn, dist, cost, w.fwd);
  const expectedCostOld = forwardPass(old, dyn, dist, cost, w.fwd);
  if (!Number.isFinite(expectedCostNew)) throw new Error(`LQR-FLM iteration ${it}: expected cost of the new policy is ${expectedCostNew}`);
  return { policy: chosen.policy, eta: chosen.eta, kl: chosen.kl, klBound: eps, converged, reason, tries, nonPDCount: nonPD, expectedCostNew, expectedCostOld };
}
