/**
 * The global dynamics posterior q(θ) of the SVAE: one MNIW per transition (time-varying,
 * count = T−1) or one shared MNIW (count = 1), stored by natural parameters η, updated by the
 * natural-gradient SVI step (Hoffman et al. 2013; docs/method.md, 'Learning the model'):
 *
 *   η ← (1 − ρ) η + ρ (η_prior + (N/B) Σ_{n ∈ batch} E_q(x_n)[t(x_t, u_t, x_{t+1})])
 *
 * where the bracket is the conjugate posterior given the (scaled) expected statistics; with
 * ρ = 1 it *is* that posterior. ν stays > ds + 1 because the prior's does and the statistics'
 * counts are ≥ 0. An optional floor on the mean noise covariance E[Σ] = Ψ/(ν − ds − 1)
 * (eigenvalues raised to ≥ floor, M and V unchanged) guards against the posterior collapse
 * seen in the prototype (a tiny Σ fitted to an uninformative early posterior locks it in).
 */
import { allocDynamicsExpectations, type DynamicsExpectations, type TransitionStats } from './types.js';
import {
  defaultMniwPrior, mniwExpectations, mniwFromNatural, mniwKL, mniwToNatural, validateMniw, type Mniw, type MniwNatural,
} from './mniw.js';
import { matmulBT, projectPSD, symmetricEigen } from '../linalg/index.js';

export interface MniwPosteriorOptions {
  readonly ds: number;
  readonly da: number;
  /** T−1 for time-varying θ_t (the default in the method), 1 for a shared θ. */
  readonly count: number;
  /** Prior p(θ) (default: defaultMniwPrior(ds, da)). */
  readonly prior?: Mniw;
  /** Floor on the eigenvalues of E[Σ] applied after every SVI step; 0 (default) = none. */
  readonly noiseFloor?: number;
}

export class MniwPosterior {
  readonly ds: number;
  readonly da: number;
  readonly q: number;
  readonly count: number;
  readonly prior: Mniw;
  readonly noiseFloor: number;
  /** Natural parameters, `count` blocks each: η1 ds×ds, η2 ds×q, η3 q×q, η4 scalar. */
  readonly n1: Float64Array;
  readonly n2: Float64Array;
  readonly n3: Float64Array;
  readonly n4: Float64Array;
  private readonly priorNat: MniwNatural;

  /** Starts at q(θ) = p(θ). */
  constructor(opts: MniwPosteriorOptions) {
    const { ds, da, count } = opts;
    if (!Number.isInteger(count) || count < 1) throw new Error(`mniw posterior: count must be an integer ≥ 1, got ${count}`);
    this.ds = ds;
    this.da = da;
    this.q = ds + da;
    this.count = count;
    this.prior = validateMniw(opts.prior ?? defaultMniwPrior(ds, da));
    if (this.prior.ds !== ds || this.prior.q !== ds + da) throw new Error('mniw posterior: prior shape does not match ds, da');
    this.noiseFloor = opts.noiseFloor ?? 0;
    if (!(this.noiseFloor >= 0)) throw new Error(`mniw posterior: noiseFloor must be ≥ 0, got ${opts.noiseFloor}`);
    this.priorNat = mniwToNatural(this.prior);
    const q = this.q;
    this.n1 = new Float64Array(count * ds * ds);
    this.n2 = new Float64Array(count * ds * q);
    this.n3 = new Float64Array(count * q * q);
    this.n4 = new Float64Array(count);
    for (let k = 0; k < count; k++) this.setNatural(k, this.priorNat);
  }

  /** Block k's natural parameters (copies). */
  natural(k: number): MniwNatural {
    const { ds, q } = this;
    return {
      ds,
      q,
      n1: this.n1.slice(k * ds * ds, (k + 1) * ds * ds),
      n2: this.n2.slice(k * ds * q, (k + 1) * ds * q),
      n3: this.n3.slice(k * q * q, (k + 1) * q * q),
      n4: this.n4[k],
    };
  }

  /** Block k's standard parameters (M, V, Ψ, ν). */
  standard(k: number): Mniw {
    return mniwFromNatural(this.natural(k));
  }

  setNatural(k: number, n: MniwNatural): void {
    const { ds, q } = this;
    this.n1.set(n.n1, k * ds * ds);
    this.n2.set(n.n2, k * ds * q);
    this.n3.set(n.n3, k * q * q);
    this.n4[k] = n.n4;
  }

  /** Expected statistics of every block, the kernel's dynamics input. */
  expectations(out?: DynamicsExpectations): DynamicsExpectations {
    const { ds, da, q, count } = this;
    const e = out ?? allocDynamicsExpectations(ds, da, count);
    if (e.count !== count || e.ds !== ds || e.da !== da) throw new Error('mniw posterior: expectations buffer has the wrong shape');
    for (let k = 0; k < count; k++) {
      const x = mniwExpectations(this.standard(k));
      e.Einv.set(x.Einv, k * ds * ds);
      e.EinvF.set(x.EinvF, k * ds * q);
      e.EFinvF.set(x.EFinvF, k * q * q);
      e.Elogdet[k] = x.Elogdet;
    }
    return e;
  }

  /**
   * One natural-gradient step with step size ρ ∈ (0, 1] and data scale N/B, from statistics
   * summed over a minibatch (accumulateTransitionStats, same `count`).
   */
  sviStep(stats: TransitionStats, rho: number, scale: number): void {
    const { ds, q, count, priorNat: p } = this;
    if (!(rho > 0 && rho <= 1)) throw new Error(`mniw posterior: step size ρ must be in (0, 1], got ${rho}`);
    if (!(scale >= 0) || !Number.isFinite(scale)) throw new Error(`mniw posterior: scale N/B must be finite and ≥ 0, got ${scale}`);
    checkStats(stats, count, ds, this.da);
    for (let k = 0; k < count; k++) {
      // Holds for counts ≥ 0 (ν moves towards ν_prior + scale·n); checked before any change.
      const nu = (1 - rho) * this.n4[k] + rho * (p.n4 + scale * stats.n[k]) - ds - q - 1;
      if (!(nu > ds + 1)) throw new Error(`mniw posterior: block ${k} would get ν = ${nu} ≤ ds + 1 (negative counts?)`);
    }
    const upd = (dst: Float64Array, prior: Float64Array, st: Float64Array, size: number): void => {
      for (let k = 0; k < count; k++) {
        for (let i = 0; i < size; i++) {
          const j = k * size + i;
          dst[j] = (1 - rho) * dst[j] + rho * (prior[i] + scale * st[j]);
        }
      }
    };
    upd(this.n1, p.n1, stats.Sxx, ds * ds);
    upd(this.n2, p.n2, stats.Sxz, ds * q);
    upd(this.n3, p.n3, stats.Szz, q * q);
    upd(this.n4, Float64Array.of(p.n4), stats.n, 1);
    if (this.noiseFloor > 0) for (let k = 0; k < count; k++) this.applyNoiseFloor(k, this.noiseFloor);
  }

  /**
   * Raises the eigenvalues of E[Σ] = Ψ/(ν − ds − 1) of block k to at least `floor`, keeping
   * M, V, ν: Ψ ← U max(Λ, floor·(ν − ds − 1)) Uᵀ, η1 = Ψ + M η2ᵀ.
   */
  applyNoiseFloor(k: number, floor: number): void {
    const { ds, q } = this;
    const std = this.standard(k);
    const scale = std.nu - ds - 1;
    const floorPsi = floor * scale;
    if (symmetricEigen(std.Psi, ds).values[0] >= floorPsi) return; // ascending
    const Psi = projectPSD(std.Psi, ds, floorPsi);
    const MVinvMt = matmulBT(std.M, this.n2.subarray(k * ds * q, (k + 1) * ds * q), ds, q, ds);
    for (let i = 0; i < ds; i++) {
      for (let j = 0; j < ds; j++) {
        const v = Psi[i * ds + j] + 0.5 * (MVinvMt[i * ds + j] + MVinvMt[j * ds + i]);
        this.n1[k * ds * ds + i * ds + j] = v;
      }
    }
  }

  /**
   * A new posterior with η + weight·stats (same prior and floor): conditioning this q(θ), used
   * as a prior, on data — e.g. LQR-FLM's local dynamics fit with the global q(θ_t) as prior
   * (docs/method.md, 'The improvement loop', step 3: η_t = η_t^global + λ Σ_n E[t(·)]).
   */
  conditioned(stats: TransitionStats, weight: number): MniwPosterior {
    const out = new MniwPosterior({ ds: this.ds, da: this.da, count: this.count, prior: this.prior, noiseFloor: this.noiseFloor });
    out.setState(this.getState());
    checkStats(stats, this.count, this.ds, this.da);
    if (!(weight >= 0) || !Number.isFinite(weight)) throw new Error(`mniw posterior: weight must be finite and ≥ 0, got ${weight}`);
    const add = (dst: Float64Array, st: Float64Array): void => {
      for (let i = 0; i < dst.length; i++) dst[i] += weight * st[i];
    };
    add(out.n1, stats.Sxx);
    add(out.n2, stats.Sxz);
    add(out.n3, stats.Szz);
    add(out.n4, stats.n);
    return out;
  }

  /** Natural parameters as plain arrays (for checkpoints). */
  getState(): { n1: number[]; n2: number[]; n3: number[]; n4: number[] } {
    return { n1: Array.from(this.n1), n2: Array.from(this.n2), n3: Array.from(this.n3), n4: Array.from(this.n4) };
  }

  /** Restores `getState()` output; checks shapes and that every block is a valid MNIW. */
  setState(st: { n1: ArrayLike<number>; n2: ArrayLike<number>; n3: ArrayLike<number>; n4: ArrayLike<number> }): void {
    for (const k of ['n1', 'n2', 'n3', 'n4'] as const) {
      if (st[k].length !== this[k].length) throw new Error(`mniw posterior: state ${k} has length ${st[k].length}, expected ${this[k].length}`);
      for (let i = 0; i < st[k].length; i++) if (!Number.isFinite(st[k][i])) throw new Error(`mniw posterior: state ${k}[${i}] is ${st[k][i]}`);
    }
    this.n1.set(st.n1);
    this.n2.set(st.n2);
    this.n3.set(st.n3);
    this.n4.set(st.n4);
    for (let k = 0; k < this.count; k++) {
      try {
        const std = validateMniw(this.standard(k));
        mniwExpectations(std); // Ψ positive definite
      } catch (e) {
        throw new Error(`mniw posterior: state block ${k} is not a valid MNIW: ${(e as Error).message}`);
      }
    }
  }

  /** KL(q(θ) ‖ p(θ)) summed over blocks. */
  kl(): number {
    let s = 0;
    for (let k = 0; k < this.count; k++) s += mniwKL(this.standard(k), this.prior);
    return s;
  }
}

function checkStats(stats: TransitionStats, count: number, ds: number, da: number): void {
  if (stats.count !== count || stats.ds !== ds || stats.da !== da) {
    throw new Error(`mniw posterior: statistics have ${stats.count} blocks of ds=${stats.ds}, da=${stats.da}; expected ${count}, ${ds}, ${da}`);
  }
  for (const [name, a] of [['Sxx', stats.Sxx], ['Sxz', stats.Sxz], ['Szz', stats.Szz], ['n', stats.n]] as const) {
    for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i])) throw new Error(`mniw posterior: statistics ${name}[${i}] is ${a[i]}`);
  }
}
