/**
 * How far the latents the policy acts on are from the ones it is fitted on. The policy acts
 * on filtered means x̂_{n,t} (only o_≤t seen); the local dynamics, the latent cost and the
 * LQR-FLM step use the smoothed means x̄_{n,t} (all of the episode). The feedback K_t acts on
 * how rollouts differ at t, so the gap is measured against that spread:
 *   filter_r2 = 1 − Σ_{n,t<T} ‖x̂_{n,t} − x̄_{n,t}‖² / Σ_{n,t<T} ‖x̄_{n,t} − x̄_{·,t}‖²,
 * x̄_{·,t} the mean over the N rollouts. 1: the policy sees what it was fitted on; ≤ 0: the
 * filter's error is as large as the differences between rollouts the controller responds to.
 */

/** `filtered`: per episode T·ds; `smoothed`: N·(T + 1)·ds, episode-major. NaN with fewer than 2 rollouts or no spread. */
export function filterR2(filtered: readonly Float64Array[], smoothed: Float64Array, T: number, ds: number): number {
  const N = filtered.length;
  if (smoothed.length !== N * (T + 1) * ds) throw new Error(`filterR2: ${smoothed.length} smoothed values for ${N} episodes of T = ${T}, ds = ${ds}`);
  for (const f of filtered) if (f.length !== T * ds) throw new Error(`filterR2: an episode has ${f.length} filtered values, expected T·ds = ${T * ds}`);
  if (N < 2) return NaN;
  let gap = 0, spread = 0;
  const mean = new Float64Array(ds);
  for (let t = 0; t < T; t++) {
    mean.fill(0);
    for (let n = 0; n < N; n++) for (let i = 0; i < ds; i++) mean[i] += smoothed[(n * (T + 1) + t) * ds + i] / N;
    for (let n = 0; n < N; n++) {
      for (let i = 0; i < ds; i++) {
        const x = smoothed[(n * (T + 1) + t) * ds + i];
        gap += (filtered[n][t * ds + i] - x) ** 2;
        spread += (x - mean[i]) ** 2;
      }
    }
  }
  return spread > 0 ? 1 - gap / spread : NaN;
}
