/**
 * Local latent dynamics by variational EM (docs/method.md, 'The improvement loop', step 3): given the encoder's node
 * potentials ψ_t of N rollouts and their actions, alternate
 *   E-step: smooth every rollout under the current q(θ_t) (block-tridiagonal Gaussian),
 *   M-step: η_t = η_t^global + λ Σ_n E_q(x_n)[t(x^n_t, u^n_t, x^n_{t+1})]
 * with the learned global q(θ_t) as the prior and λ the data weight (50). Coordinate ascent
 * on the tempered bound
 *   J = λ Σ_n log Z_n − Σ_t KL(q(θ_t) ‖ q_global(θ_t)),
 * stopped when |ΔJ| / (λ·N·T) < tol (per weighted transition) or after maxIters rounds.
 * The result, per t: (A_t, B_t) = E[F_t] and the noise E[Σ_t] = Ψ_t/(ν_t − ds − 1), with no
 * offset, as the model's own dynamics; the initial state from the smoothed x_0 of the rollouts (variance floored at 1e-6); and the
 * smoothed means (what the cost is fitted on).
 */
import type { LinearDynamics } from '../../control/index.js';
import {
  accumulateTransitionStats, allocTransitionStats, BlockTridiagGaussian, clearTransitionStats, mniwKL, mniwMeanDynamics,
  MniwPosterior, type DynamicsExpectations, type InitialState,
} from '../../gaussian/index.js';

export interface LatentSequence {
  /** Potential means and scales, (T+1)·ds each (one per image o_0..o_T). */
  readonly m: Float64Array;
  readonly s: Float64Array;
  /** Actions u_0..u_{T−1}, T·da. */
  readonly u: Float64Array;
}

export interface LatentEmOptions {
  /** λ, the weight of the rollouts' statistics against the global prior (parasol: 50). */
  readonly dataWeight?: number;
  readonly tol?: number;
  readonly maxIters?: number;
  /** Prior of x_0 in the smoother (default N(0, I), the model's). */
  readonly init?: InitialState;
}

export interface LatentEmResult {
  /** Local time-varying dynamics for LQR-FLM (T transitions; f = 0). */
  readonly dynamics: LinearDynamics;
  /** The local q(θ_t): its expected statistics filter the next rollouts online. */
  readonly local: MniwPosterior;
  readonly expectations: DynamicsExpectations;
  /** Smoothed means, N × (T+1) × ds. */
  readonly means: Float64Array;
  /** The bound J after each E-step. */
  readonly bounds: number[];
  readonly converged: boolean;
}

/** A time-varying copy (T blocks) of a global q(θ) that may be shared (1 block). */
export function timeVarying(global: MniwPosterior, T: number): MniwPosterior {
  if (global.count === T) return global;
  if (global.count !== 1) throw new Error(`latent EM: the global dynamics have ${global.count} blocks; expected 1 or T = ${T}`);
  const out = new MniwPosterior({ ds: global.ds, da: global.da, count: T, prior: global.prior, noiseFloor: global.noiseFloor });
  const block = global.natural(0);
  for (let t = 0; t < T; t++) out.setNatural(t, block);
  return out;
}

export function latentEm(seqs: readonly LatentSequence[], globalPosterior: MniwPosterior, opts: LatentEmOptions = {}): LatentEmResult {
  const lambda = opts.dataWeight ?? 50;
  const tol = opts.tol ?? 1e-3;
  const maxIters = opts.maxIters ?? 100;
  const N = seqs.length;
  if (N === 0) throw new Error('latent EM: no rollouts');
  const { ds, da } = globalPosterior;
  const T1 = seqs[0].m.length / ds; // T + 1 states
  const T = T1 - 1;
  if (!Number.isInteger(T1) || T < 1) throw new Error(`latent EM: potentials of length ${seqs[0].m.length} are not (T+1)·ds with ds = ${ds}`);
  seqs.forEach((q, n) => {
    if (q.m.length !== T1 * ds || q.s.length !== T1 * ds) throw new Error(`latent EM: rollout ${n} has potentials of length ${q.m.length}/${q.s.length}, expected ${T1 * ds} (rollouts must have equal length)`);
    if (q.u.length !== T * da) throw new Error(`latent EM: rollout ${n} has ${q.u.length / da} actions, expected T = ${T}`);
  });
  const global = timeVarying(globalPosterior, T);
  const g = new BlockTridiagGaussian(T1, ds, da);
  if (opts.init) g.setInitialState(opts.init);
  const stats = allocTransitionStats(ds, da, T);
  const means = new Float64Array(N * T1 * ds);
  const x0Cov = new Float64Array(ds * ds);
  let local = global;
  let expectations = local.expectations();
  const bounds: number[] = [];
  let converged = false;
  for (let it = 0; it < maxIters; it++) {
    clearTransitionStats(stats);
    x0Cov.fill(0);
    let sumLogZ = 0;
    for (let n = 0; n < N; n++) {
      try {
        g.forward(seqs[n].m, seqs[n].s, seqs[n].u, expectations);
      } catch (e) {
        throw new Error(`latent EM, round ${it}, rollout ${n}: ${(e as Error).message}`);
      }
      sumLogZ += g.logZ;
      accumulateTransitionStats(g, seqs[n].u, stats, 1);
      means.set(g.mean, n * T1 * ds);
      for (let i = 0; i < ds * ds; i++) x0Cov[i] += g.cov[i] / N;
    }
    let kl = 0;
    if (local !== global) for (let t = 0; t < T; t++) kl += mniwKL(local.standard(t), global.standard(t));
    const J = lambda * sumLogZ - kl;
    if (!Number.isFinite(J)) throw new Error(`latent EM, round ${it}: the bound is ${J}`);
    bounds.push(J);
    if (bounds.length > 1 && Math.abs(J - bounds[bounds.length - 2]) < tol * lambda * N * T) {
      converged = true;
      break;
    }
    if (it === maxIters - 1) break;
    local = global.conditioned(stats, lambda);
    expectations = local.expectations(expectations);
  }
  return { dynamics: toLinearDynamics(local, means, x0Cov, N, T, ds, da), local, expectations, means, bounds, converged };
}

/** E[F_t] = [A_t B_t], E[Σ_t] per transition and the x_0 distribution of the smoothed rollouts. */
function toLinearDynamics(local: MniwPosterior, means: Float64Array, x0Cov: Float64Array, N: number, T: number, ds: number, da: number): LinearDynamics {
  const q = ds + da;
  const F = new Float64Array(T * ds * q);
  const f = new Float64Array(T * ds);
  const W = new Float64Array(T * ds * ds);
  for (let t = 0; t < T; t++) {
    const { F: Ft, Sigma } = mniwMeanDynamics(local.standard(t));
    for (let i = 0; i < ds; i++) {
      F.set(Ft.subarray(i * q, i * q + q), (t * ds + i) * q);
    }
    W.set(Sigma, t * ds * ds);
  }
  const T1 = T + 1;
  const mu0 = new Float64Array(ds);
  for (let n = 0; n < N; n++) for (let i = 0; i < ds; i++) mu0[i] += means[n * T1 * ds + i] / N;
  // Σ0 = E_n[Cov_n(x_0)] + the scatter of the smoothed x_0 means around μ0.
  const Sigma0 = Float64Array.from(x0Cov);
  for (let n = 0; n < N; n++) {
    for (let i = 0; i < ds; i++) {
      const di = means[n * T1 * ds + i] - mu0[i];
      for (let j = 0; j < ds; j++) Sigma0[i * ds + j] += (di * (means[n * T1 * ds + j] - mu0[j])) / N;
    }
  }
  for (let i = 0; i < ds; i++) Sigma0[i * ds + i] = Math.max(Sigma0[i * ds + i], 1e-6);
  return { T, dx: ds, du: da, F, f, W, mu0, Sigma0 };
}
