/**
 * Exact vector–Jacobian product of the block-tridiagonal Gaussian (blockTridiag.ts) from
 * cotangents on (log Z, μ, x̃, Cov(x_t), Cov(x_t, x_{t+1})) back to the node potentials (m, s).
 * Hand-written reverse mode of the two sweeps, O(T·ds³), allocation-free after first use.
 *
 * Phase 1 reverses the backward (RTS) sweep, t = 0 … T−1 (bars are cotangents):
 *   ā_t = μ̄_t,  S⁻¹̄_t = Σ̄_t,  L̄_t = −tril(w_t (W_t ξ̄_t)ᵀ)        (w_t = L_t⁻ᵀε_t)
 *   Ḡ_t = −μ̄_t μ_{t+1}ᵀ − ξ̄_t ξ_{t+1}ᵀ − 2 Σ̄_t C_t − C̄_t Σ_{t+1}   (G_tΣ_{t+1} = −C_t)
 *   μ̄_{t+1} += −G_tᵀ μ̄_t,  ξ̄_{t+1} += −G_tᵀ ξ̄_t,  Σ̄_{t+1} += G_tᵀ Σ̄_t G_t − sym(G_tᵀ C̄_t)
 * Phase 2 reverses the forward (filter) sweep, t = T−1 … 0:
 *   ā_t −= O_tᵀ r̄_{t+1},  Ḡ_t −= O_tᵀ S̄_{t+1},  S⁻¹̄_t += Ḡ_t O_t
 *   ā_t += ½ḡ r_t,  r̄_t = ½ḡ a_t + S_t⁻¹ ā_t,  S⁻¹̄_t += ā_t r_tᵀ          (ḡ = cotangent of log Z)
 *   S̄_t = W_tᵀ [ sym Φ(L_tᵀ L̄_t) − W_t sym(S⁻¹̄_t) W_tᵀ − ½ḡ I ] W_t
 *     (Cholesky adjoint with Φ = lower triangle, halved diagonal; dS⁻¹ = −S⁻¹dS S⁻¹;
 *      d log|S| = tr(S⁻¹dS); S⁻¹ = W_tᵀW_t)
 *   D̄_t = S̄_t,  h̄_t = r̄_t.
 * Finally, with λ = 1/s², D_t ∋ diag(λ), h_t ∋ λ⊙m, c ∋ −log s − ½λm²:
 *   m̄ = λ h̄ − ḡ λ m,   λ̄ = diag(D̄) + h̄ m − ½ḡ m²,   s̄ = −2 λ̄ / s³ − ḡ / s.
 */
import type { BlockTridiagGaussian } from './blockTridiag.js';
import { copyBlock, mtv, mulNN, mulNT, mulTN, mv, symmetrizeBlock } from './blocks.js';

/** Output cotangents; omitted entries are zero. Lengths as the matching outputs. */
export interface BlockTridiagCotangents {
  readonly logZ?: number;
  readonly mean?: ArrayLike<number>;
  readonly sample?: ArrayLike<number>;
  readonly cov?: ArrayLike<number>;
  readonly crossCov?: ArrayLike<number>;
}

interface Scratch {
  abar: Float64Array;
  Sinvbar: Float64Array;
  Lbar: Float64Array;
  Gbar: Float64Array;
  mubar: Float64Array;
  xibar: Float64Array;
  vec: Float64Array;
  Sigbar: Float64Array;
  Sig2: Float64Array;
  rbar: Float64Array;
  Sbar: Float64Array;
  M: Float64Array;
  B: Float64Array;
}

function scratchFor(g: BlockTridiagGaussian): Scratch {
  const existing = g.vjpScratch as Scratch | null;
  if (existing) return existing;
  const { T, ds } = g;
  const ds2 = ds * ds;
  const s: Scratch = {
    abar: new Float64Array(T * ds),
    Sinvbar: new Float64Array(T * ds2),
    Lbar: new Float64Array(T * ds2),
    Gbar: new Float64Array(Math.max(T - 1, 0) * ds2),
    mubar: new Float64Array(ds),
    xibar: new Float64Array(ds),
    vec: new Float64Array(ds),
    Sigbar: new Float64Array(ds2),
    Sig2: new Float64Array(ds2),
    rbar: new Float64Array(ds),
    Sbar: new Float64Array(ds2),
    M: new Float64Array(ds2),
    B: new Float64Array(ds2),
  };
  g.vjpScratch = s;
  return s;
}

function checkLen(name: string, x: ArrayLike<number> | undefined, n: number): void {
  if (x !== undefined && x.length !== n) throw new Error(`gaussian vjp: cotangent ${name} must have length ${n}, got ${x.length}`);
}

/**
 * Writes ∂⟨cot, outputs⟩/∂m and ∂⟨cot, outputs⟩/∂s (T·ds each) into gradM and gradS
 * (overwritten). Call right after `g.forward(...)` on the inputs to differentiate.
 */
export function blockTridiagVjp(
  g: BlockTridiagGaussian, cot: BlockTridiagCotangents, gradM: Float64Array, gradS: Float64Array,
): void {
  const { T, ds } = g;
  const ds2 = ds * ds;
  checkLen('mean', cot.mean, T * ds);
  checkLen('sample', cot.sample, T * ds);
  checkLen('cov', cot.cov, T * ds2);
  checkLen('crossCov', cot.crossCov, Math.max(T - 1, 0) * ds2);
  if (gradM.length !== T * ds || gradS.length !== T * ds) throw new Error(`gaussian vjp: gradients must have length ${T * ds}`);
  if (cot.sample !== undefined && !g.hasSample) throw new Error('gaussian vjp: sample cotangent given but the forward pass drew no sample');
  const gz = cot.logZ ?? 0;
  const sc = scratchFor(g);
  const useSample = cot.sample !== undefined;
  const useCov = cot.cov !== undefined || cot.crossCov !== undefined;
  reverseSmooth(g, sc, cot, useSample, useCov);
  reverseFactor(g, sc, gz, useSample, gradM, gradS);
}

/** Phase 1: reverse of the RTS sweep, filling ā_t, S⁻¹̄_t, L̄_t, Ḡ_t. */
function reverseSmooth(
  g: BlockTridiagGaussian, sc: Scratch, cot: BlockTridiagCotangents, useSample: boolean, useCov: boolean,
): void {
  const { T, ds, G, W, w, mean, xi, cov, crossCov } = g;
  const { abar, Sinvbar, Lbar, Gbar, mubar, xibar, vec, Sigbar, Sig2, B } = sc;
  const ds2 = ds * ds;
  const gm = cot.mean;
  const gx = cot.sample;
  const gc = cot.cov;
  const gcc = cot.crossCov;
  const seed = (t: number): void => {
    for (let i = 0; i < ds; i++) {
      const k = t * ds + i;
      mubar[i] += (gm ? gm[k] : 0) + (gx ? gx[k] : 0);
      if (gx) xibar[i] += gx[k];
    }
    if (gc) {
      for (let i = 0; i < ds; i++) {
        for (let j = 0; j < ds; j++) Sigbar[i * ds + j] += 0.5 * (gc[t * ds2 + i * ds + j] + gc[t * ds2 + j * ds + i]);
      }
    }
  };
  mubar.fill(0);
  xibar.fill(0);
  Sigbar.fill(0);
  seed(0);
  for (let t = 0; t < T; t++) {
    const bo = t * ds2;
    const vo = t * ds;
    copyBlock(abar, vo, mubar, 0, ds);
    copyBlock(Sinvbar, bo, Sigbar, 0, ds2);
    if (useSample) {
      mv(vec, 0, W, bo, xibar, 0, ds, ds, 1, false);
      for (let i = 0; i < ds; i++) {
        const wi = w[vo + i];
        for (let j = 0; j < ds; j++) Lbar[bo + i * ds + j] = j <= i ? -wi * vec[j] : 0;
      }
    }
    if (t === T - 1) break;
    // Ḡ_t
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < ds; j++) {
        Gbar[bo + i * ds + j] = -mubar[i] * mean[vo + ds + j] - (useSample ? xibar[i] * xi[vo + ds + j] : 0);
      }
    }
    if (useCov) {
      mulNN(Gbar, bo, Sigbar, 0, crossCov, bo, ds, ds, ds, -2, true);
      if (gcc) mulNN(Gbar, bo, gcc, bo, cov, bo + ds2, ds, ds, ds, -1, true);
      // Σ̄_{t+1} = G_tᵀ Σ̄_t G_t − sym(G_tᵀ C̄_t), then + sym(gCov_{t+1}) in seed
      mulNN(B, 0, Sigbar, 0, G, bo, ds, ds, ds, 1, false);
      mulTN(Sig2, 0, G, bo, B, 0, ds, ds, ds, 1, false);
      if (gcc) {
        mulTN(B, 0, G, bo, gcc, bo, ds, ds, ds, 1, false);
        symmetrizeBlock(B, 0, ds);
        for (let k = 0; k < ds2; k++) Sig2[k] -= B[k];
      }
      copyBlock(Sigbar, 0, Sig2, 0, ds2);
    }
    // μ̄_{t+1} = −G_tᵀ μ̄_t, ξ̄_{t+1} = −G_tᵀ ξ̄_t (+ seeds)
    mtv(vec, 0, G, bo, mubar, 0, ds, ds, -1, false);
    copyBlock(mubar, 0, vec, 0, ds);
    if (useSample) {
      mtv(vec, 0, G, bo, xibar, 0, ds, ds, -1, false);
      copyBlock(xibar, 0, vec, 0, ds);
    }
    seed(t + 1);
  }
}

/** Phase 2: reverse of the filter sweep, giving D̄_t, h̄_t and then (m̄, s̄). */
function reverseFactor(
  g: BlockTridiagGaussian, sc: Scratch, gz: number, useSample: boolean, gradM: Float64Array, gradS: Float64Array,
): void {
  const { T, ds, O, L, W, Sinv, r, a, m, s } = g;
  const { abar, Sinvbar, Lbar, Gbar, rbar, Sbar, M, B, vec } = sc;
  const ds2 = ds * ds;
  for (let t = T - 1; t >= 0; t--) {
    const bo = t * ds2;
    const vo = t * ds;
    if (t < T - 1) {
      mtv(abar, vo, O, bo, rbar, 0, ds, ds, -1, true);
      mulTN(Gbar, bo, O, bo, Sbar, 0, ds, ds, ds, -1, true);
      mulNN(Sinvbar, bo, Gbar, bo, O, bo, ds, ds, ds, 1, true);
    }
    for (let i = 0; i < ds; i++) abar[vo + i] += 0.5 * gz * r[vo + i];
    mv(vec, 0, Sinv, bo, abar, vo, ds, ds, 1, false);
    for (let i = 0; i < ds; i++) rbar[i] = 0.5 * gz * a[vo + i] + vec[i];
    for (let i = 0; i < ds; i++) {
      const ai = abar[vo + i];
      for (let j = 0; j < ds; j++) Sinvbar[bo + i * ds + j] += ai * r[vo + j];
    }
    // M = −W sym(S⁻¹̄) Wᵀ + sym Φ(Lᵀ L̄) − ½ḡ I
    symmetrizeBlock(Sinvbar, bo, ds);
    mulNN(B, 0, W, bo, Sinvbar, bo, ds, ds, ds, 1, false);
    mulNT(M, 0, B, 0, W, bo, ds, ds, ds, -1, false);
    if (useSample) {
      mulTN(B, 0, L, bo, Lbar, bo, ds, ds, ds, 1, false);
      for (let i = 0; i < ds; i++) {
        M[i * ds + i] += 0.5 * B[i * ds + i];
        for (let j = 0; j < i; j++) {
          const v = 0.5 * B[i * ds + j];
          M[i * ds + j] += v;
          M[j * ds + i] += v;
        }
      }
    }
    for (let i = 0; i < ds; i++) M[i * ds + i] -= 0.5 * gz;
    // S̄_t = Wᵀ M W
    mulNN(B, 0, M, 0, W, bo, ds, ds, ds, 1, false);
    mulTN(Sbar, 0, W, bo, B, 0, ds, ds, ds, 1, false);
    symmetrizeBlock(Sbar, 0, ds);
    for (let i = 0; i < ds; i++) {
      const k = vo + i;
      const si = s[k];
      const lam = 1 / (si * si);
      const mi = m[k];
      gradM[k] = lam * rbar[i] - gz * lam * mi;
      const lamBar = Sbar[i * ds + i] + rbar[i] * mi - 0.5 * gz * mi * mi;
      gradS[k] = (-2 * lamBar) / (si * si * si) - gz / si;
    }
  }
}
