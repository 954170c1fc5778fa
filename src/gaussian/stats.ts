/**
 * Expected MNIW sufficient statistics of a smoothed sequence, for the SVI update of q(θ):
 * per transition t, with z_t = [x_t; u_t] (actions observed, so their moments are exact),
 *   E[x_{t+1} x_{t+1}ᵀ] = Σ_{t+1} + μ_{t+1}μ_{t+1}ᵀ
 *   E[x_{t+1} z_tᵀ]     = [ Cov(x_t, x_{t+1})ᵀ + μ_{t+1}μ_tᵀ | μ_{t+1}u_tᵀ ]
 *   E[z_t z_tᵀ]         = [[Σ_t + μ_tμ_tᵀ, μ_t u_tᵀ], [u_t μ_tᵀ, u_t u_tᵀ + jitter·I]]
 *   count               = 1
 * The jitter (1e-4 by default) keeps the u-block positive definite when actions are
 * degenerate (e.g. constant), as docs/method.md, 'Learning the model', asks.
 */
import type { BlockTridiagGaussian } from './block-tridiag.js';
import type { TransitionStats } from './types.js';

/**
 * Adds weight × the expected statistics of `g`'s last forward pass (with actions u, as passed
 * to it) into `out`: block t for time-varying statistics (out.count = T−1), or all summed into
 * block 0 (out.count = 1, shared θ).
 */
export function accumulateTransitionStats(
  g: BlockTridiagGaussian, u: ArrayLike<number>, out: TransitionStats, weight = 1, jitter = 1e-4,
): void {
  const { T, ds, da, mean, cov, crossCov } = g;
  const q = ds + da;
  if (out.ds !== ds || out.da !== da) throw new Error(`gaussian stats: accumulator is for ds=${out.ds}, da=${out.da}`);
  if (out.count !== 1 && out.count !== T - 1) throw new Error(`gaussian stats: accumulator has ${out.count} blocks; expected 1 or ${T - 1}`);
  if (u.length < (T - 1) * da) throw new Error(`gaussian stats: actions must have length ≥ ${(T - 1) * da}`);
  const ds2 = ds * ds;
  for (let t = 0; t < T - 1; t++) {
    const k = out.count === 1 ? 0 : t;
    const xo = k * ds2;
    const zo = k * ds * q;
    const qo = k * q * q;
    const m0 = t * ds;
    const m1 = (t + 1) * ds;
    const uo = t * da;
    for (let i = 0; i < ds; i++) {
      const mi1 = mean[m1 + i];
      for (let j = 0; j < ds; j++) {
        out.Sxx[xo + i * ds + j] += weight * (cov[(t + 1) * ds2 + i * ds + j] + mi1 * mean[m1 + j]);
        // Cov(x_{t+1}, x_t)_{ij} = crossCov_t[j][i]
        out.Sxz[zo + i * q + j] += weight * (crossCov[t * ds2 + j * ds + i] + mi1 * mean[m0 + j]);
        out.Szz[qo + i * q + j] += weight * (cov[t * ds2 + i * ds + j] + mean[m0 + i] * mean[m0 + j]);
      }
      for (let b = 0; b < da; b++) {
        out.Sxz[zo + i * q + ds + b] += weight * mi1 * u[uo + b];
        const xu = weight * mean[m0 + i] * u[uo + b];
        out.Szz[qo + i * q + ds + b] += xu;
        out.Szz[qo + (ds + b) * q + i] += xu;
      }
    }
    for (let a = 0; a < da; a++) {
      for (let b = 0; b < da; b++) {
        out.Szz[qo + (ds + a) * q + ds + b] += weight * (u[uo + a] * u[uo + b] + (a === b ? jitter : 0));
      }
    }
    out.n[k] += weight;
  }
}
