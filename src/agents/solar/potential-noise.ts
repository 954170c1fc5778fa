/**
 * How noisy the encoder's potentials ψ_t = N(m_t, diag(s_t²)) are against what the controller
 * responds to, the differences between rollouts at each t, per latent coordinate i:
 *   r_i = sqrt( Σ_{n,t} s²_{n,t,i} / Σ_{n,t} (m_{n,t,i} − m̄_{·,t,i})² ),
 * m̄_{·,t} the mean over the N rollouts, t = 0..T; potential_noise is the median of r_i over
 * the coordinates that vary (per coordinate, because one fast coordinate — a velocity — would
 * otherwise swamp the rest). With a perfect encoder on the reacher (bench/solar-oracle.ts) the
 * loop's success falls as it grows (README), so the agent logs it.
 */
import type { Potentials } from '../core/latent-model.js';

/** Each episode's potentials over its T + 1 frames. NaN with fewer than 2 rollouts or no spread. */
export function potentialNoise(potentials: readonly Potentials[], ds: number): number {
  const N = potentials.length;
  if (N < 2) return NaN;
  const len = potentials[0].m.length;
  for (const p of potentials) if (p.m.length !== len || p.s.length !== len) throw new Error(`potentialNoise: episodes of unequal length (${p.m.length}/${p.s.length} against ${len})`);
  if (!Number.isInteger(len / ds)) throw new Error(`potentialNoise: ${len} values are not frames × ds = ${ds}`);
  const noise = new Float64Array(ds), spread = new Float64Array(ds);
  for (let k = 0; k < len; k++) {
    let mean = 0;
    for (const p of potentials) mean += p.m[k] / N;
    for (const p of potentials) {
      noise[k % ds] += p.s[k] ** 2;
      spread[k % ds] += (p.m[k] - mean) ** 2;
    }
  }
  const r: number[] = [];
  for (let i = 0; i < ds; i++) if (spread[i] > 0) r.push(Math.sqrt(noise[i] / spread[i]));
  if (r.length === 0) return NaN;
  r.sort((a, b) => a - b);
  const h = r.length >> 1;
  return r.length % 2 ? r[h] : (r[h - 1] + r[h]) / 2;
}
