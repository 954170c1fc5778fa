/**
 * The block-tridiagonal Gaussian q(x) ∝ p̄(x | u)·Π_t ψ_t(x_t) of the SVAE (docs/method.md, 'The model'):
 * log Z, smoothed means, Cov(x_t), Cov(x_t, x_{t+1}) and a reparameterised sample, in
 * O(T·ds³), with no per-step allocations (all blocks live in the workspace). The VJP is in `block-tridiag-vjp.ts`.
 *
 * Forward pass = block Cholesky of J (natural.ts), written with S_t = L_tt L_ttᵀ (the Schur
 * complement, i.e. the information filter that already includes transition t's Rxx):
 *   S_0 = D_0,  S_{t+1} = D_{t+1} − O_t S_t⁻¹ O_tᵀ = D_{t+1} − O_t G_t,  G_t = S_t⁻¹ O_tᵀ
 *   r_0 = h_0,  r_{t+1} = h_{t+1} − O_t a_t,                           a_t = S_t⁻¹ r_t
 *   log Z = c + ½T·ds·log2π + Σ_t (−½ log|S_t| + ½ r_tᵀ a_t)
 * (L_{t+1,t} = O_t L_tt⁻ᵀ, so G_t = L_tt⁻ᵀ L_{t+1,t}ᵀ.) Backward pass (RTS form):
 *   μ_{T−1} = a_{T−1},        μ_t = a_t − G_t μ_{t+1}
 *   Σ_{T−1} = S_{T−1}⁻¹,     C_t = Cov(x_t, x_{t+1}) = −G_t Σ_{t+1},  Σ_t = S_t⁻¹ − C_t G_tᵀ
 *   ξ = L⁻ᵀε:  ξ_{T−1} = w_{T−1},  ξ_t = w_t − G_t ξ_{t+1},  w_t = L_tt⁻ᵀ ε_t
 *   sample x̃ = μ + ξ  (Cov ξ = L⁻ᵀL⁻¹ = J⁻¹; L the dense Cholesky factor of J).
 */
import type { DynamicsExpectations, InitialState } from './types.js';
import {
  assembleNatural, initialInfo, standardInitialInfo, validateActions, validateDynamics,
  validatePotentials, type InitialInfo,
} from './natural.js';
import { chol, invFromChol } from './block-chol.js';
import { copyBlock, gemmSym, mulNN, mulNT, mulNTSym, mtv, mv } from './blocks.js';

const LOG_2PI = Math.log(2 * Math.PI);

export interface BlockTridiagForwardOptions {
  /** ε ~ N(0, I), length T·ds, for the reparameterised sample; omitted ⇒ no sample. */
  readonly eps?: ArrayLike<number>;
  /** The caller already ran validateDynamics on `dyn` for this shape (batch.ts, once per batch). */
  readonly dynamicsChecked?: boolean;
}

/**
 * Workspace and results for one sequence shape (T, ds, da). Every output array is owned by
 * the workspace and overwritten by the next `forward`; copy what you keep. `vjp` (see
 * blockTridiagVjp.ts) must follow the `forward` whose inputs it differentiates.
 */
export class BlockTridiagGaussian {
  readonly T: number;
  readonly ds: number;
  readonly da: number;

  /** log Z: the exact normaliser of p̄(x | u)·Π_t ψ_t(x_t). */
  logZ = 0;
  /** E[x_t], T·ds. */
  readonly mean: Float64Array;
  /** μ + L⁻ᵀε, T·ds (valid when `forward` got `eps`). */
  readonly sample: Float64Array;
  /** Cov(x_t), T·ds². */
  readonly cov: Float64Array;
  /** Cov(x_t, x_{t+1}) = E[(x_t − μ_t)(x_{t+1} − μ_{t+1})ᵀ], (T−1)·ds². */
  readonly crossCov: Float64Array;
  /** Whether the last forward drew a sample. */
  hasSample = false;

  // Natural parameters (natural.ts) and the node-potential inputs, kept for the VJP.
  readonly D: Float64Array;
  readonly O: Float64Array;
  readonly h: Float64Array;
  c = 0;
  readonly m: Float64Array;
  readonly s: Float64Array;
  // Factorisation: W_t = L_tt⁻¹, Sinv_t = S_t⁻¹, G_t, r_t, a_t, w_t = L_tt⁻ᵀε_t, ξ, ε.
  // (L_tt itself is only needed to form W_t, so it lives in one scratch block.)
  readonly W: Float64Array;
  readonly Sinv: Float64Array;
  readonly G: Float64Array;
  readonly r: Float64Array;
  readonly a: Float64Array;
  readonly w: Float64Array;
  readonly xi: Float64Array;
  readonly eps: Float64Array;
  /** ds×ds scratch blocks: S_t and L_tt. */
  readonly tmp: Float64Array;
  readonly Lblk: Float64Array;
  /** Scratch owned by the VJP (allocated on first use). */
  vjpScratch: unknown = null;

  private init: InitialInfo;

  constructor(T: number, ds: number, da: number) {
    if (!Number.isInteger(T) || T < 1) throw new Error(`gaussian: T must be an integer ≥ 1, got ${T}`);
    if (!Number.isInteger(ds) || ds < 1) throw new Error(`gaussian: ds must be an integer ≥ 1, got ${ds}`);
    if (!Number.isInteger(da) || da < 0) throw new Error(`gaussian: da must be an integer ≥ 0, got ${da}`);
    this.T = T;
    this.ds = ds;
    this.da = da;
    const ds2 = ds * ds;
    const n = T * ds;
    const T1 = Math.max(T - 1, 0);
    this.mean = new Float64Array(n);
    this.sample = new Float64Array(n);
    this.cov = new Float64Array(T * ds2);
    this.crossCov = new Float64Array(T1 * ds2);
    this.D = new Float64Array(T * ds2);
    this.O = new Float64Array(T1 * ds2);
    this.h = new Float64Array(n);
    this.m = new Float64Array(n);
    this.s = new Float64Array(n);
    this.W = new Float64Array(T * ds2);
    this.Sinv = new Float64Array(T * ds2);
    this.G = new Float64Array(T1 * ds2);
    this.r = new Float64Array(n);
    this.a = new Float64Array(n);
    this.w = new Float64Array(n);
    this.xi = new Float64Array(n);
    this.eps = new Float64Array(n);
    this.tmp = new Float64Array(ds2);
    this.Lblk = new Float64Array(ds2);
    this.init = standardInitialInfo(ds);
  }

  /** Sets the initial-state prior x_0 ~ N(mean, cov) (default N(0, I)) for later calls. */
  setInitialState(init: InitialState): void {
    this.init = initialInfo(init, this.ds);
  }

  /**
   * Runs the filter/smoother for node potentials (m, s) (T·ds each), actions u and expected
   * dynamics statistics. Throws on NaN/∞ inputs, s ≤ 0 (naming t and component), or a
   * precision that is not positive definite (naming t).
   */
  forward(
    m: ArrayLike<number>, s: ArrayLike<number>, u: ArrayLike<number>, dyn: DynamicsExpectations,
    opts: BlockTridiagForwardOptions = {},
  ): this {
    const { T, ds, da } = this;
    validatePotentials(m, s, T, ds);
    validateActions(u, T, da);
    if (!opts.dynamicsChecked) validateDynamics(dyn, T, ds, da);
    const eps = opts.eps;
    if (eps !== undefined && eps.length !== T * ds) {
      throw new Error(`gaussian: eps must have length T·ds = ${T * ds}, got ${eps.length}`);
    }
    copyBlock(this.m, 0, m, 0, T * ds);
    copyBlock(this.s, 0, s, 0, T * ds);
    if (eps !== undefined) copyBlock(this.eps, 0, eps, 0, T * ds);
    this.c = assembleNatural(m, s, u, dyn, this.init, T, ds, da, this.D, this.O, this.h);
    this.factor();
    this.smooth(eps);
    return this;
  }

  /** Forward (filtering) sweep: S_t, L_t, W_t, S_t⁻¹, r_t, a_t, G_t and log Z. */
  private factor(): void {
    const { T, ds, D, O, h, Lblk, W, Sinv, G, r, a, tmp } = this;
    const ds2 = ds * ds;
    let logZ = this.c + 0.5 * T * ds * LOG_2PI;
    for (let t = 0; t < T; t++) {
      const bo = t * ds2;
      const vo = t * ds;
      copyBlock(tmp, 0, D, bo, ds2);
      copyBlock(r, vo, h, vo, ds);
      if (t > 0) {
        // O_{t−1} S_{t−1}⁻¹ O_{t−1}ᵀ = O_{t−1} G_{t−1} (symmetric: compute half)
        gemmSym(tmp, 0, O, bo - ds2, ds, 1, G, bo - ds2, ds, 1, ds, ds, -1, true);
        mv(r, vo, O, bo - ds2, a, vo - ds, ds, ds, -1, true);
      }
      const p = chol(tmp, 0, Lblk, 0, ds);
      if (p >= 0) {
        throw new Error(
          `gaussian: precision is not positive definite at t=${t} (Schur-complement pivot ${p}); ` +
            'check the dynamics statistics (E[Σ⁻¹], E[FᵀΣ⁻¹F]) for consistency',
        );
      }
      const logdet = invFromChol(Lblk, 0, W, bo, Sinv, bo, ds);
      mv(a, vo, Sinv, bo, r, vo, ds, ds, 1, false);
      let ra = 0;
      for (let i = 0; i < ds; i++) ra += r[vo + i] * a[vo + i];
      logZ += -0.5 * logdet + 0.5 * ra;
      if (t < T - 1) mulNT(G, bo, Sinv, bo, O, bo, ds, ds, ds, 1, false); // G_t = S_t⁻¹O_tᵀ
    }
    this.logZ = logZ;
  }

  /** Backward (RTS) sweep: means, covariances, cross-covariances and the sample. */
  private smooth(eps: ArrayLike<number> | undefined): void {
    const { T, ds, G, Sinv, a, W, w, xi, mean, cov, crossCov, sample } = this;
    const ds2 = ds * ds;
    const last = T - 1;
    copyBlock(mean, last * ds, a, last * ds, ds);
    copyBlock(cov, last * ds2, Sinv, last * ds2, ds2);
    this.hasSample = eps !== undefined;
    if (eps !== undefined) {
      // w_t = L_t⁻ᵀ ε_t = W_tᵀ ε_t
      for (let t = 0; t < T; t++) mtv(w, t * ds, W, t * ds2, eps, t * ds, ds, ds, 1, false);
      copyBlock(xi, last * ds, w, last * ds, ds);
    }
    for (let t = T - 2; t >= 0; t--) {
      const bo = t * ds2;
      const vo = t * ds;
      copyBlock(mean, vo, a, vo, ds);
      mv(mean, vo, G, bo, mean, vo + ds, ds, ds, -1, true);
      if (eps !== undefined) {
        copyBlock(xi, vo, w, vo, ds);
        mv(xi, vo, G, bo, xi, vo + ds, ds, ds, -1, true);
      }
      mulNN(crossCov, bo, G, bo, cov, bo + ds2, ds, ds, ds, -1, false);
      copyBlock(cov, bo, Sinv, bo, ds2);
      mulNTSym(cov, bo, crossCov, bo, G, bo, ds, ds, -1, true);
    }
    if (eps !== undefined) for (let i = 0; i < T * ds; i++) sample[i] = mean[i] + xi[i];
  }
}
