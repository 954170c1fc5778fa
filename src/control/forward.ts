/**
 * Forward pass: the Gaussian state marginals p(x_t) = N(μ_t, Σ_t) of a linear-Gaussian
 * policy run on linear-Gaussian dynamics, and the expected quadratic cost along them.
 *
 *   z_t = [x_t; u_t]:  μ_z = [μ; Kμ + k],  Σ_z = [[Σ, ΣKᵀ], [KΣ, KΣKᵀ + S]]
 *   μ_{t+1} = F μ_z + f,                    Σ_{t+1} = F Σ_z Fᵀ + W   (symmetrised)
 *   E ℓ_t = ½ tr(C Σ_z) + ½ μ_zᵀ C μ_z + cᵀ μ_z + c0
 */
import type { LinearDynamics, LinearGaussianPolicy, QuadraticCost, StateDistribution } from './types.js';

/** Scratch buffers for one (dx, du) shape; reuse across calls to avoid allocation. */
export class ForwardWork {
  readonly muz: Float64Array;
  readonly Sz: Float64Array;
  readonly FS: Float64Array;
  constructor(readonly dx: number, readonly du: number) {
    const dz = dx + du;
    this.muz = new Float64Array(dz);
    this.Sz = new Float64Array(dz * dz);
    this.FS = new Float64Array(dx * dz);
  }
}

export function emptyStateDistribution(T: number, dx: number, du: number): StateDistribution {
  return { T, dx, du, mu: new Float64Array((T + 1) * dx), Sigma: new Float64Array((T + 1) * dx * dx) };
}

/** Fills μ_z, Σ_z of step t from the state marginal (terminal t = T: x-block only). */
function jointMoments(p: LinearGaussianPolicy, t: number, mu: Float64Array, Sigma: Float64Array, w: ForwardWork): void {
  const { dx, du } = p;
  const dz = dx + du;
  const { muz, Sz } = w;
  const mo = t * dx;
  const so = t * dx * dx;
  for (let i = 0; i < dx; i++) {
    muz[i] = mu[mo + i];
    for (let j = 0; j < dx; j++) Sz[i * dz + j] = Sigma[so + i * dx + j];
  }
  if (t >= p.T) return;
  const Ko = t * du * dx;
  for (let a = 0; a < du; a++) {
    let m = p.k[t * du + a];
    for (let j = 0; j < dx; j++) m += p.K[Ko + a * dx + j] * mu[mo + j];
    muz[dx + a] = m;
    // (KΣ)_{a,j}
    for (let j = 0; j < dx; j++) {
      let s = 0;
      for (let l = 0; l < dx; l++) s += p.K[Ko + a * dx + l] * Sigma[so + l * dx + j];
      Sz[(dx + a) * dz + j] = s;
      Sz[j * dz + dx + a] = s;
    }
  }
  for (let a = 0; a < du; a++) {
    for (let b = 0; b <= a; b++) {
      let s = p.S[t * du * du + a * du + b];
      for (let j = 0; j < dx; j++) s += Sz[(dx + a) * dz + j] * p.K[Ko + b * dx + j];
      Sz[(dx + a) * dz + dx + b] = s;
      Sz[(dx + b) * dz + dx + a] = s;
    }
  }
}

/** E ℓ_t under the joint moments in `w` (n = dz, or dx at the terminal step). */
function expectedStepCost(cost: QuadraticCost, t: number, w: ForwardWork, n: number): number {
  const dz = cost.dx + cost.du;
  const Co = t * dz * dz;
  let v = cost.c0[t];
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) {
      const c = cost.C[Co + i * dz + j];
      s += c * w.muz[j];
      v += 0.5 * c * w.Sz[j * dz + i];
    }
    v += (0.5 * s + cost.c[t * dz + i]) * w.muz[i];
  }
  return v;
}

/**
 * Propagates the state distribution; writes into `out` and, when `cost` is given,
 * returns the expected total cost Σ_{t=0}^{T} E ℓ_t (else 0).
 */
export function forwardPass(
  p: LinearGaussianPolicy,
  dyn: LinearDynamics,
  out: StateDistribution,
  cost?: QuadraticCost,
  work?: ForwardWork,
): number {
  const { T, dx, du } = p;
  const dz = dx + du;
  const w = work ?? new ForwardWork(dx, du);
  const { mu, Sigma } = out;
  mu.set(dyn.mu0, 0);
  Sigma.set(dyn.Sigma0, 0);
  let total = 0;
  for (let t = 0; t < T; t++) {
    jointMoments(p, t, mu, Sigma, w);
    if (cost) total += expectedStepCost(cost, t, w, dz);
    const Fo = t * dx * dz;
    const mo = (t + 1) * dx;
    const so = (t + 1) * dx * dx;
    const { muz, Sz, FS } = w;
    // FS = F Σ_z (dx × dz); μ' = F μ_z + f
    for (let i = 0; i < dx; i++) {
      let m = dyn.f[t * dx + i];
      for (let j = 0; j < dz; j++) {
        const Fij = dyn.F[Fo + i * dz + j];
        m += Fij * muz[j];
      }
      mu[mo + i] = m;
      for (let j = 0; j < dz; j++) {
        let s = 0;
        for (let l = 0; l < dz; l++) s += dyn.F[Fo + i * dz + l] * Sz[l * dz + j];
        FS[i * dz + j] = s;
      }
    }
    // Σ' = FS Fᵀ + W, computed on the lower triangle and mirrored (exactly symmetric).
    for (let i = 0; i < dx; i++) {
      for (let j = 0; j <= i; j++) {
        let s = dyn.W[t * dx * dx + i * dx + j];
        for (let l = 0; l < dz; l++) s += FS[i * dz + l] * dyn.F[Fo + j * dz + l];
        Sigma[so + i * dx + j] = s;
        Sigma[so + j * dx + i] = s;
      }
    }
  }
  if (cost) {
    jointMoments(p, T, mu, Sigma, w);
    total += expectedStepCost(cost, T, w, dx);
  }
  return total;
}

/** Expected total cost of a policy under a model (allocates a state distribution). */
export function expectedTotalCost(p: LinearGaussianPolicy, dyn: LinearDynamics, cost: QuadraticCost): number {
  return forwardPass(p, dyn, emptyStateDistribution(p.T, p.dx, p.du), cost);
}
