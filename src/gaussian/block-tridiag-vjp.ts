/**
 * Exact vector–Jacobian product of the block-tridiagonal Gaussian (block-tridiag.ts) from
 * cotangents on (log Z, μ, x̃, Cov(x_t), Cov(x_t, x_{t+1})) back to the node potentials (m, s).
 * Hand-written reverse mode of the two sweeps, O(T·ds³), no per-step allocations (scratch
 * is allocated on first use and kept on the workspace).
 * Bars are cotangents; ḡ is log Z's; primes mean "at t+1".
 *
 * Phase 1 reverses the backward (RTS) sweep, t = 0 … T−1:
 *   μ̄_{t+1} += −G_tᵀ μ̄_t,  ξ̄_{t+1} += −G_tᵀ ξ̄_t,  Σ̄_{t+1} += G_tᵀ Σ̄_t G_t − sym(G_tᵀ C̄_t)
 *   Ḡ_t = −μ̄_t μ'ᵀ − ξ̄_t ξ'ᵀ − 2 Σ̄_t C_t − C̄_t Σ'   (as G_tΣ' = −C_t)
 *   and the sample's L̄_t = −tril(w_t z_tᵀ), z_t = W_t ξ̄_t  (w_t = L_t⁻ᵀε_t).
 * Phase 2 reverses the forward (filter) sweep, t = T−1 … 0:
 *   ā_t = μ̄_t − O_tᵀ r̄' + ½ḡ r_t,   p_t = S_t⁻¹ ā_t,   r̄_t = h̄_t = ½ḡ a_t + p_t
 *   S̄_t = −S⁻¹ sym(X_t) S⁻¹ + W_tᵀ sym Φ(L_tᵀL̄_t) W_t − ½ḡ S⁻¹,
 *     X_t = Σ̄_t + Ḡ_t O_t + ā_t r_tᵀ − O_tᵀ S̄' O_t        (the cotangent of S_t⁻¹)
 *   (dS⁻¹ = −S⁻¹dS S⁻¹; d log|S| = tr(S⁻¹dS); Cholesky adjoint with Φ = lower triangle with
 *   halved diagonal, S⁻¹ = WᵀW). The rank-one parts cost O(ds²) because S⁻¹Oᵀ = G and S⁻¹r = a:
 *     −S⁻¹ sym(ā rᵀ) S⁻¹ = −sym(p aᵀ),   −S⁻¹ sym(−μ̄ μ'ᵀ O) S⁻¹ = sym((S⁻¹μ̄)(G μ')ᵀ)  (same for ξ),
 *     −S⁻¹ sym(−Oᵀ S̄' O) S⁻¹ = G S̄' Gᵀ,   and tril(LᵀL̄) = −tril(ε zᵀ) since Lᵀw = ε, whose
 *   sandwich Wᵀ Φ(·) W needs one product after O(ds²) prefix sums (see the code);
 *   and the covariance cotangents' part, using S⁻¹Σ̄ GΣ'O S⁻¹ = S⁻¹Σ̄ (Σ_t − S⁻¹) and
 *   S⁻¹C̄ Σ'O S⁻¹ = −S⁻¹C̄ C_tᵀ, is S⁻¹Σ̄S⁻¹ − 2 sym(S⁻¹Σ̄ Σ_t) − sym(S⁻¹C̄ C_tᵀ).
 * Finally D̄_t = S̄_t, and with λ = 1/s² (D_t ∋ diag λ, h_t ∋ λ⊙m, c ∋ −log s − ½λm²):
 *   m̄ = λ h̄ − ḡ λ m,   λ̄ = diag(D̄) + h̄ m − ½ḡ m²,   s̄ = −2 λ̄ / s³ − ḡ / s.
 */
import type { BlockTridiagGaussian } from './block-tridiag.js';
import { addSymNT, copyBlock, gemm, mtv, mulNN, mulNTSym, mulTN, mulTNSym, mv, symmetrizeBlock } from './blocks.js';

/** Output cotangents; omitted entries are zero. Lengths as the matching outputs. */
export interface BlockTridiagCotangents {
  readonly logZ?: number;
  readonly mean?: ArrayLike<number>;
  readonly sample?: ArrayLike<number>;
  readonly cov?: ArrayLike<number>;
  readonly crossCov?: ArrayLike<number>;
}

interface Scratch {
  mubar1: Float64Array; // μ̄_t after phase 1, T·ds
  xibar1: Float64Array; // ξ̄_t after phase 1, T·ds
  z: Float64Array; // W_t ξ̄_t, T·ds
  Sigbar1: Float64Array; // Σ̄_t after phase 1, T·ds²
  mubar: Float64Array;
  xibar: Float64Array;
  vec: Float64Array;
  p: Float64Array;
  v: Float64Array;
  rbar: Float64Array;
  Sigbar: Float64Array;
  Sig2: Float64Array;
  Sbar: Float64Array;
  Sbar2: Float64Array;
  M: Float64Array;
  B: Float64Array;
}

function scratchFor(g: BlockTridiagGaussian): Scratch {
  const existing = g.vjpScratch as Scratch | null;
  if (existing) return existing;
  const { T, ds } = g;
  const ds2 = ds * ds;
  const v = (): Float64Array => new Float64Array(ds);
  const b = (): Float64Array => new Float64Array(ds2);
  const sc: Scratch = {
    mubar1: new Float64Array(T * ds),
    xibar1: new Float64Array(T * ds),
    z: new Float64Array(T * ds),
    Sigbar1: new Float64Array(T * ds2),
    mubar: v(), xibar: v(), vec: v(), p: v(), v: v(), rbar: v(),
    Sigbar: b(), Sig2: b(), Sbar: b(), Sbar2: b(), M: b(), B: b(),
  };
  g.vjpScratch = sc;
  return sc;
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
  reverseFactor(g, sc, cot, useSample, useCov, gradM, gradS);
}

/** Phase 1: reverse of the RTS sweep, storing μ̄_t, ξ̄_t, z_t, Σ̄_t. */
function reverseSmooth(
  g: BlockTridiagGaussian, sc: Scratch, cot: BlockTridiagCotangents, useSample: boolean, useCov: boolean,
): void {
  const { T, ds, G, W } = g;
  const { mubar1, xibar1, z, Sigbar1, mubar, xibar, vec, Sigbar, Sig2, B } = sc;
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
    copyBlock(mubar1, vo, mubar, 0, ds);
    if (useSample) {
      copyBlock(xibar1, vo, xibar, 0, ds);
      mv(z, vo, W, bo, xibar, 0, ds, ds, 1, false);
    }
    if (useCov) copyBlock(Sigbar1, bo, Sigbar, 0, ds2);
    if (t === T - 1) break;
    if (useCov) {
      mulNN(B, 0, Sigbar, 0, G, bo, ds, ds, ds, 1, false);
      mulTNSym(Sig2, 0, G, bo, B, 0, ds, ds, 1);
      if (gcc) {
        mulTN(B, 0, G, bo, gcc, bo, ds, ds, ds, 1, false);
        symmetrizeBlock(B, 0, ds);
        for (let k = 0; k < ds2; k++) Sig2[k] -= B[k];
      }
      copyBlock(Sigbar, 0, Sig2, 0, ds2);
    }
    mtv(vec, 0, G, bo, mubar, 0, ds, ds, -1, false);
    copyBlock(mubar, 0, vec, 0, ds);
    if (useSample) {
      mtv(vec, 0, G, bo, xibar, 0, ds, ds, -1, false);
      copyBlock(xibar, 0, vec, 0, ds);
    }
    seed(t + 1);
  }
}

/** S ← S + sym(x yᵀ)·α, i.e. S_ij += α(x_i y_j + x_j y_i)/2. */
function addSymOuter(S: Float64Array, x: Float64Array, y: Float64Array, yo: number, ds: number, alpha: number): void {
  const h = 0.5 * alpha;
  for (let i = 0; i < ds; i++) {
    for (let j = 0; j <= i; j++) {
      const v = h * (x[i] * y[yo + j] + x[j] * y[yo + i]);
      S[i * ds + j] += v;
      if (j !== i) S[j * ds + i] += v;
    }
  }
}

/** Phase 2: reverse of the filter sweep, giving D̄_t, h̄_t and then (m̄, s̄). */
function reverseFactor(
  g: BlockTridiagGaussian, sc: Scratch, cot: BlockTridiagCotangents, useSample: boolean, useCov: boolean,
  gradM: Float64Array, gradS: Float64Array,
): void {
  const { T, ds, O, G, W, Sinv, r, a, m, s, eps, mean, xi, cov, crossCov } = g;
  const { mubar1, xibar1, z, Sigbar1, rbar, vec, p, v, M, B } = sc;
  const gz = cot.logZ ?? 0;
  const gcc = cot.crossCov;
  const ds2 = ds * ds;
  let Sbar = sc.Sbar; // S̄_t being built
  let Snext = sc.Sbar2; // S̄_{t+1}
  for (let t = T - 1; t >= 0; t--) {
    const bo = t * ds2;
    const vo = t * ds;
    const hasNext = t < T - 1;
    // ā_t (in vec), p = S⁻¹ā, r̄_t
    for (let i = 0; i < ds; i++) vec[i] = mubar1[vo + i] + 0.5 * gz * r[vo + i];
    if (hasNext) mtv(vec, 0, O, bo, rbar, 0, ds, ds, -1, true);
    mv(p, 0, Sinv, bo, vec, 0, ds, ds, 1, false);
    for (let i = 0; i < ds; i++) rbar[i] = 0.5 * gz * a[vo + i] + p[i];
    // S̄_t = −½ḡ S⁻¹ − sym(p aᵀ) + …
    for (let k = 0; k < ds2; k++) Sbar[k] = -0.5 * gz * Sinv[bo + k];
    addSymOuter(Sbar, p, a, vo, ds, -1);
    if (hasNext) {
      // + sym((S⁻¹μ̄)(Gμ')ᵀ) + sym((S⁻¹ξ̄)(Gξ')ᵀ) + G S̄' Gᵀ
      mv(p, 0, Sinv, bo, mubar1, vo, ds, ds, 1, false);
      mv(v, 0, G, bo, mean, vo + ds, ds, ds, 1, false);
      addSymOuter(Sbar, p, v, 0, ds, 1);
      if (useSample) {
        mv(p, 0, Sinv, bo, xibar1, vo, ds, ds, 1, false);
        mv(v, 0, G, bo, xi, vo + ds, ds, ds, 1, false);
        addSymOuter(Sbar, p, v, 0, ds, 1);
      }
      mulNN(B, 0, G, bo, Snext, 0, ds, ds, ds, 1, false);
      mulNTSym(Sbar, 0, B, 0, G, bo, ds, ds, 1, true);
    }
    if (useCov) {
      // + S⁻¹Σ̄S⁻¹ − 2 sym(S⁻¹Σ̄ Σ_t) = sym(S⁻¹Σ̄ (S⁻¹ − 2Σ_t)), − sym(S⁻¹C̄ C_tᵀ)
      for (let k = 0; k < ds2; k++) M[k] = Sinv[bo + k] - 2 * cov[bo + k];
      mulNN(B, 0, Sinv, bo, Sigbar1, bo, ds, ds, ds, 1, false);
      addSymNT(Sbar, 0, B, 0, M, 0, ds, ds, 1);
      if (hasNext && gcc) {
        mulNN(B, 0, Sinv, bo, gcc, bo, ds, ds, ds, 1, false);
        addSymNT(Sbar, 0, B, 0, crossCov, bo, ds, ds, -1);
      }
    }
    if (useSample) {
      // + Wᵀ sym Φ(P) W = sym(Wᵀ (Φ(P) W)) with P = LᵀL̄, tril(P)_ij = −ε_i z_j: row i of Φ(P) W
      // is R_i = −ε_i (y_i − ½ z_i W_i), y_i = Σ_{j≤i} z_j W_j (W_j = row j of W), O(ds²).
      v.fill(0);
      for (let i = 0; i < ds; i++) {
        const zi = z[vo + i];
        const ei = -eps[vo + i];
        const wi = bo + i * ds;
        for (let c = 0; c < ds; c++) {
          const wic = W[wi + c];
          v[c] += zi * wic;
          M[i * ds + c] = ei * (v[c] - 0.5 * zi * wic);
        }
      }
      gemm(B, 0, W, bo, 1, ds, M, 0, ds, 1, ds, ds, ds, 1, false);
      for (let i = 0; i < ds; i++) {
        for (let j = 0; j <= i; j++) {
          const x = 0.5 * (B[i * ds + j] + B[j * ds + i]);
          Sbar[i * ds + j] += x;
          if (j !== i) Sbar[j * ds + i] += x;
        }
      }
    }
    for (let i = 0; i < ds; i++) {
      const k = vo + i;
      const si = s[k];
      const lam = 1 / (si * si);
      const mi = m[k];
      gradM[k] = lam * rbar[i] - gz * lam * mi;
      const lamBar = Sbar[i * ds + i] + rbar[i] * mi - 0.5 * gz * mi * mi;
      gradS[k] = (-2 * lamBar) / (si * si * si) - gz / si;
    }
    const swap = Snext;
    Snext = Sbar;
    Sbar = swap;
  }
}
