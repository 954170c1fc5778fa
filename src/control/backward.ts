/**
 * LQR-FLM backward pass (Levine & Abbeel 2014; docs/method.md, 'The improvement loop', step 5). For a dual variable η
 * the KL-constrained problem becomes maximum-entropy LQR with the surrogate cost
 *
 *   ℓ̃_t(x, u) = ℓ_t(x, u) / η − log p̄(u | x)
 *             = ½ zᵀ (C_t/η + P̃_t) z + (c_t/η + p̃_t)ᵀ z + const,
 *   P̃_t = [[K̄ᵀ S̄⁻¹ K̄, −K̄ᵀ S̄⁻¹], [−S̄⁻¹ K̄, S̄⁻¹]],  p̃_t = [K̄ᵀ S̄⁻¹ k̄; −S̄⁻¹ k̄]
 *
 * (p̄ = N(K̄ x + k̄, S̄) is the previous policy). With V_{T}(x) = ℓ_T(x)/η and, backwards,
 *
 *   Q_zz = C̃_t + Fᵀ V_xx F,   q_z = c̃_t + Fᵀ (V_xx f + v_x)
 *   K_t = −Q_uu⁻¹ Q_ux,  k_t = −Q_uu⁻¹ q_u,  S_t = Q_uu⁻¹
 *   V_xx = Q_xx + Q_xu K_t,  v_x = q_x + Q_xu k_t           (symmetrised)
 *
 * the new policy is N(K_t x + k_t, S_t). Q_uu must be positive definite; when it is not,
 * the pass stops and reports the time step (the caller raises η).
 */
import { choleskyInPlace, choleskySolve } from '../linalg/index.js';
import type { LinearDynamics, LinearGaussianPolicy, QuadraticCost } from './types.js';

/** Precomputed KL terms P̃_t, p̃_t of the old policy (they do not depend on η). */
export interface KLCostTerms {
  readonly P: Float64Array; // T × dz × dz
  readonly p: Float64Array; // T × dz
}

export function klCostTerms(old: LinearGaussianPolicy): KLCostTerms {
  const { T, dx, du } = old;
  const dz = dx + du;
  const P = new Float64Array(T * dz * dz);
  const p = new Float64Array(T * dz);
  const PK = new Float64Array(du * dx); // S̄⁻¹ K̄
  const Pk = new Float64Array(du);
  for (let t = 0; t < T; t++) {
    const Io = t * du * du;
    const Ko = t * du * dx;
    for (let a = 0; a < du; a++) {
      for (let j = 0; j < dx; j++) {
        let s = 0;
        for (let b = 0; b < du; b++) s += old.invS[Io + a * du + b] * old.K[Ko + b * dx + j];
        PK[a * dx + j] = s;
      }
      let s = 0;
      for (let b = 0; b < du; b++) s += old.invS[Io + a * du + b] * old.k[t * du + b];
      Pk[a] = s;
    }
    const o = t * dz * dz;
    for (let i = 0; i < dx; i++) {
      for (let j = 0; j < dx; j++) {
        let s = 0;
        for (let a = 0; a < du; a++) s += old.K[Ko + a * dx + i] * PK[a * dx + j];
        P[o + i * dz + j] = s;
      }
      for (let a = 0; a < du; a++) {
        P[o + i * dz + dx + a] = -PK[a * dx + i];
        P[o + (dx + a) * dz + i] = -PK[a * dx + i];
      }
      let s = 0;
      for (let a = 0; a < du; a++) s += old.K[Ko + a * dx + i] * Pk[a];
      p[t * dz + i] = s;
    }
    for (let a = 0; a < du; a++) {
      for (let b = 0; b < du; b++) P[o + (dx + a) * dz + dx + b] = old.invS[Io + a * du + b];
      p[t * dz + dx + a] = -Pk[a];
    }
  }
  return { P, p };
}

/** Output and scratch of the backward pass for one (T, dx, du). */
export class BackwardWork {
  readonly K: Float64Array;
  readonly k: Float64Array;
  /** T × du × du: Q_uu (the new policy's precision). */
  readonly Quu: Float64Array;
  /** T × du × du: Cholesky factors of Q_uu. */
  readonly Luu: Float64Array;
  readonly Vxx: Float64Array;
  readonly vx: Float64Array;
  readonly Qzz: Float64Array;
  readonly qz: Float64Array;
  readonly VF: Float64Array;
  readonly Vf: Float64Array;
  readonly rhs: Float64Array;
  constructor(readonly T: number, readonly dx: number, readonly du: number) {
    const dz = dx + du;
    this.K = new Float64Array(T * du * dx);
    this.k = new Float64Array(T * du);
    this.Quu = new Float64Array(T * du * du);
    this.Luu = new Float64Array(T * du * du);
    this.Vxx = new Float64Array(dx * dx);
    this.vx = new Float64Array(dx);
    this.Qzz = new Float64Array(dz * dz);
    this.qz = new Float64Array(dz);
    this.VF = new Float64Array(dx * dz);
    this.Vf = new Float64Array(dx);
    this.rhs = new Float64Array(du * (dx + 1));
  }
}

/**
 * Runs the backward pass for dual variable `eta`. Returns −1 on success (results in `w`:
 * K, k, Quu, Luu) or the time step t at which Q_uu was not positive definite.
 */
export function backwardPass(
  eta: number,
  dyn: LinearDynamics,
  cost: QuadraticCost,
  kl: KLCostTerms,
  w: BackwardWork,
): number {
  const { T, dx, du } = w;
  const dz = dx + du;
  const inv = 1 / eta;
  const { Vxx, vx, Qzz, qz, VF, Vf, rhs } = w;
  // Terminal value: V_T = ℓ_T(x)/η (x-block only).
  const To = T * dz * dz;
  for (let i = 0; i < dx; i++) {
    for (let j = 0; j < dx; j++) Vxx[i * dx + j] = cost.C[To + i * dz + j] * inv;
    vx[i] = cost.c[T * dz + i] * inv;
  }
  for (let t = T - 1; t >= 0; t--) {
    const Fo = t * dx * dz;
    const Co = t * dz * dz;
    // VF = V_xx F (dx × dz), Vf = V_xx f + v_x.
    for (let i = 0; i < dx; i++) {
      let s = vx[i];
      for (let l = 0; l < dx; l++) s += Vxx[i * dx + l] * dyn.f[t * dx + l];
      Vf[i] = s;
      for (let j = 0; j < dz; j++) {
        let r = 0;
        for (let l = 0; l < dx; l++) r += Vxx[i * dx + l] * dyn.F[Fo + l * dz + j];
        VF[i * dz + j] = r;
      }
    }
    // Q_zz = C/η + P̃ + Fᵀ VF (lower triangle, mirrored); q_z = c/η + p̃ + Fᵀ Vf.
    for (let i = 0; i < dz; i++) {
      for (let j = 0; j <= i; j++) {
        let s = cost.C[Co + i * dz + j] * inv + kl.P[Co + i * dz + j];
        for (let l = 0; l < dx; l++) s += dyn.F[Fo + l * dz + i] * VF[l * dz + j];
        Qzz[i * dz + j] = s;
      }
      let s = cost.c[t * dz + i] * inv + kl.p[t * dz + i];
      for (let l = 0; l < dx; l++) s += dyn.F[Fo + l * dz + i] * Vf[l];
      qz[i] = s;
    }
    for (let i = 0; i < dz; i++) for (let j = 0; j < i; j++) Qzz[j * dz + i] = Qzz[i * dz + j];
    // Q_uu and its Cholesky factor.
    const Uo = t * du * du;
    const Quu = w.Quu.subarray(Uo, Uo + du * du);
    const Luu = w.Luu.subarray(Uo, Uo + du * du);
    for (let a = 0; a < du; a++) for (let b = 0; b < du; b++) Quu[a * du + b] = Qzz[(dx + a) * dz + dx + b];
    if (choleskyInPlace(Quu, du, Luu) >= 0) return t;
    // [K | k] = −Q_uu⁻¹ [Q_ux | q_u]  (du × (dx+1)).
    const m = dx + 1;
    for (let a = 0; a < du; a++) {
      for (let j = 0; j < dx; j++) rhs[a * m + j] = -Qzz[(dx + a) * dz + j];
      rhs[a * m + dx] = -qz[dx + a];
    }
    choleskySolve(Luu, du, rhs, m, rhs);
    const Ko = t * du * dx;
    for (let a = 0; a < du; a++) {
      for (let j = 0; j < dx; j++) w.K[Ko + a * dx + j] = rhs[a * m + j];
      w.k[t * du + a] = rhs[a * m + dx];
    }
    // V_xx = Q_xx + Q_xu K (symmetrised), v_x = q_x + Q_xu k.
    for (let i = 0; i < dx; i++) {
      for (let j = 0; j <= i; j++) {
        let s = Qzz[i * dz + j];
        let r = Qzz[j * dz + i];
        for (let a = 0; a < du; a++) {
          s += Qzz[i * dz + dx + a] * rhs[a * m + j];
          r += Qzz[j * dz + dx + a] * rhs[a * m + i];
        }
        const v = 0.5 * (s + r);
        Vxx[i * dx + j] = v;
        Vxx[j * dx + i] = v;
      }
      let s = qz[i];
      for (let a = 0; a < du; a++) s += Qzz[i * dz + dx + a] * rhs[a * m + dx];
      vx[i] = s;
    }
  }
  return -1;
}
