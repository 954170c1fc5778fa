/**
 * How well local dynamics predict how rollouts differ from one step to the next. For
 * x̂_{n,t+1} = A_t x_{n,t} + B_t u_{n,t} + a_t on smoothed means x and actions u:
 *   dynamics_r2 = 1 − Σ_{n,t<T} ‖x_{n,t+1} − x̂_{n,t+1}‖² / Σ_{n,t<T} ‖x_{n,t+1} − x_{·,t+1}‖²,
 * x_{·,t+1} the mean over the N rollouts: like filter-gap.ts, against the spread between
 * rollouts (what the feedback K_t responds to), not against the motion along the mean path,
 * which a model predicts without knowing how a state or an action changes the next one.
 * The agent reports it for the fit just made, on its own rollouts, and for the previous
 * iteration's fit on the rollouts of the policy that fit produced: whether the model LQR-FLM
 * optimised still holds where its policy went.
 */
import type { LinearDynamics } from '../../control/index.js';
import type { DynamicsExpectations } from '../../gaussian/index.js';
import { choleskyOrThrow, choleskySolve } from '../../linalg/index.js';

/** The transitions t = 0..dyn.T−1 that are scored: their [A_t B_t] and a_t. */
export type TransitionMeans = Pick<LinearDynamics, 'T' | 'dx' | 'du' | 'F' | 'f'>;

/**
 * The mean transitions of the filter's q(θ) (the previous EM's, which the policy acted on):
 * M_t = E[Σ_t⁻¹]⁻¹ E[Σ_t⁻¹ F_t], for the T − 1 transitions the filter uses (one block, or one per t).
 */
export function meanTransitions(dyn: DynamicsExpectations, T: number): TransitionMeans {
  const { ds, da } = dyn;
  const q = ds + da;
  const n = T - 1;
  if (dyn.count !== 1 && dyn.count < n) throw new Error(`meanTransitions: no dynamics block for transition ${dyn.count} (have ${dyn.count})`);
  // One solve per block: a shared θ's M serves every t.
  const M = Array.from({ length: Math.min(dyn.count, n) }, (_, k) =>
    choleskySolve(choleskyOrThrow(dyn.Einv.slice(k * ds * ds, (k + 1) * ds * ds), ds, 'E[Σ⁻¹] of the filter dynamics'), ds, dyn.EinvF.slice(k * ds * q, (k + 1) * ds * q), q));
  const F = new Float64Array(n * ds * q);
  for (let t = 0; t < n; t++) F.set(M[dyn.count === 1 ? 0 : t], t * ds * q);
  return { T: n, dx: ds, du: da, F, f: new Float64Array(n * ds) };
}

/**
 * `X`: N·(T+1)·dx episode-major smoothed means and `U`: N·T·du actions of N episodes of
 * horizon T ≥ dyn.T; the transitions t < dyn.T are scored. NaN with fewer than 2 rollouts or
 * no spread.
 */
export function dynamicsR2(dyn: TransitionMeans, X: Float64Array, U: Float64Array, N: number, T: number = dyn.T): number {
  const { dx, du } = dyn;
  if (dyn.T > T) throw new Error(`dynamicsR2: ${dyn.T} transitions for episodes of T = ${T}`);
  if (X.length !== N * (T + 1) * dx) throw new Error(`dynamicsR2: ${X.length} latent values for ${N} episodes of T = ${T}, ds = ${dx}`);
  if (U.length !== N * T * du) throw new Error(`dynamicsR2: ${U.length} action values for ${N} episodes of T = ${T}, da = ${du}`);
  if (N < 2) return NaN;
  const dz = dx + du;
  const mean = new Float64Array(dx);
  let err = 0, spread = 0;
  for (let t = 0; t < dyn.T; t++) {
    mean.fill(0);
    for (let n = 0; n < N; n++) for (let i = 0; i < dx; i++) mean[i] += X[(n * (T + 1) + t + 1) * dx + i] / N;
    for (let n = 0; n < N; n++) {
      const x = X.subarray((n * (T + 1) + t) * dx, (n * (T + 1) + t + 1) * dx);
      const u = U.subarray((n * T + t) * du, (n * T + t + 1) * du);
      for (let i = 0; i < dx; i++) {
        const row = (t * dx + i) * dz;
        let pred = dyn.f[t * dx + i];
        for (let j = 0; j < dx; j++) pred += dyn.F[row + j] * x[j];
        for (let j = 0; j < du; j++) pred += dyn.F[row + dx + j] * u[j];
        const next = X[(n * (T + 1) + t + 1) * dx + i];
        err += (next - pred) ** 2;
        spread += (next - mean[i]) ** 2;
      }
    }
  }
  return spread > 0 ? 1 - err / spread : NaN;
}
