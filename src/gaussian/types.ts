/**
 * Shapes shared by the block-tridiagonal Gaussian, the filter and the MNIW pieces.
 *
 * Layout conventions (all row-major, time-major, flat Float64Array):
 * - node potentials m, s: T·ds, entry (t, i) at t·ds + i;
 * - actions u: (T−1)·da or T·da, u_t at t·da (u_{T−1}, if present, is unused: no transition
 *   leaves the last state);
 * - per-transition blocks: `count` blocks, block k at k·(block size). `count` is T−1 for
 *   time-varying dynamics (block t for the transition x_t → x_{t+1}) or 1 for shared dynamics.
 */

/**
 * Expected dynamics statistics under q(θ_t) = MNIW, with F = [A | B] acting on z = [x; u]
 * (q = ds + da columns, no bias):
 *   Einv   = E[Σ⁻¹]         (ds×ds)
 *   EinvF  = E[Σ⁻¹F]        (ds×q)
 *   EFinvF = E[FᵀΣ⁻¹F]      (q×q)
 *   Elogdet = E[log|Σ|]     (scalar)
 */
export interface DynamicsExpectations {
  readonly ds: number;
  readonly da: number;
  /** Number of transition blocks: 1 (shared θ) or T−1 (time-varying θ_t). */
  readonly count: number;
  readonly Einv: Float64Array;
  readonly EinvF: Float64Array;
  readonly EFinvF: Float64Array;
  readonly Elogdet: Float64Array;
}

/** Allocates zeroed expectations for `count` transition blocks. */
export function allocDynamicsExpectations(ds: number, da: number, count: number): DynamicsExpectations {
  const q = ds + da;
  return {
    ds,
    da,
    count,
    Einv: new Float64Array(count * ds * ds),
    EinvF: new Float64Array(count * ds * q),
    EFinvF: new Float64Array(count * q * q),
    Elogdet: new Float64Array(count),
  };
}

/**
 * Expected MNIW sufficient statistics of transitions, summed over whatever was accumulated:
 *   Sxx = Σ E[x_{t+1} x_{t+1}ᵀ]   (ds×ds)
 *   Sxz = Σ E[x_{t+1} z_tᵀ]       (ds×q)
 *   Szz = Σ E[z_t z_tᵀ]           (q×q, with a jitter on the u-block)
 *   n   = Σ 1                      (count of transitions)
 * The MNIW natural parameters add exactly these (see mniw.ts).
 */
export interface TransitionStats {
  readonly ds: number;
  readonly da: number;
  readonly count: number;
  readonly Sxx: Float64Array;
  readonly Sxz: Float64Array;
  readonly Szz: Float64Array;
  readonly n: Float64Array;
}

export function allocTransitionStats(ds: number, da: number, count: number): TransitionStats {
  const q = ds + da;
  return {
    ds,
    da,
    count,
    Sxx: new Float64Array(count * ds * ds),
    Sxz: new Float64Array(count * ds * q),
    Szz: new Float64Array(count * q * q),
    n: new Float64Array(count),
  };
}

/** Zeroes accumulated statistics (to reuse them for the next minibatch). */
export function clearTransitionStats(s: TransitionStats): void {
  s.Sxx.fill(0);
  s.Sxz.fill(0);
  s.Szz.fill(0);
  s.n.fill(0);
}

/** Initial-state distribution x_0 ~ N(mean, cov). */
export interface InitialState {
  readonly mean: Float64Array;
  readonly cov: Float64Array;
}
