/**
 * An offset for linear dynamics written as one more input that is always 1:
 *   x_{t+1} = F [x_t; u_t] + a + w  ≡  F̃ [x_t; u_t; 1] + w,  F̃ = [F | a].
 * The model's generative dynamics have no offset (docs/method.md, 'The model'), but a *local* linear fit
 * around the current rollouts needs one: a linearisation away from x = 0 is affine. LQR-FLM's
 * fits from the state and the VAE ablation's have it (control/dynamics.ts regresses on
 * [x; u; 1]); this gives SOLAR's MNIW-based local fits the same, with nothing else changed:
 * the smoother, the filter and the statistics all see the constant as an observed action.
 *
 * The MNIW prior is extended column-wise: M̃ = [M | 0], Ṽ = blockdiag(V, v_a), Ψ and ν
 * unchanged, i.e. a | Σ ~ N(0, v_a Σ) independent of F. In natural parameters
 * (mniw.ts: η1 = Ψ + M V⁻¹ Mᵀ, η2 = M V⁻¹, η3 = V⁻¹, η4 = ν + ds + q + 1):
 *   η̃1 = η1,  η̃2 = [η2 | 0],  η̃3 = blockdiag(η3, 1/v_a),  η̃4 = η4 + 1.
 */
import type { Mniw, MniwNatural } from './mniw.js';
import { MniwPosterior } from './svi.js';
import { allocTransitionStats, type TransitionStats } from './types.js';

/** A rows × cols matrix with a zero column appended. */
function withZeroColumn(A: Float64Array, rows: number, cols: number): Float64Array {
  const out = new Float64Array(rows * (cols + 1));
  for (let i = 0; i < rows; i++) out.set(A.subarray(i * cols, (i + 1) * cols), i * (cols + 1));
  return out;
}

/** blockdiag(A, d) for a square n × n matrix A. */
function withDiagonalEntry(A: Float64Array, n: number, d: number): Float64Array {
  const out = withZeroColumn(A, n, n);
  const grown = new Float64Array((n + 1) * (n + 1));
  grown.set(out);
  grown[n * (n + 1) + n] = d;
  return grown;
}

/** M̃ = [M | 0], Ṽ = blockdiag(V, offsetVar): the prior with the offset column. */
function extendStandard(p: Mniw, offsetVar: number): Mniw {
  const { ds, q } = p;
  return { ds, q: q + 1, M: withZeroColumn(p.M, ds, q), V: withDiagonalEntry(p.V, q, offsetVar), Psi: Float64Array.from(p.Psi), nu: p.nu };
}

/** η̃ of the module comment, from one block's η. */
function extendNatural(n: MniwNatural, offsetVar: number): MniwNatural {
  const { ds, q } = n;
  return { ds, q: q + 1, n1: Float64Array.from(n.n1), n2: withZeroColumn(n.n2, ds, q), n3: withDiagonalEntry(n.n3, q, 1 / offsetVar), n4: n.n4 + 1 };
}

/**
 * `posterior` with an offset input appended (da + 1 inputs, the last always 1), every block's
 * offset a priori N(0, offsetVar·Σ) and independent of [A B]; [A B]'s distribution unchanged.
 */
export function withOffsetInput(posterior: MniwPosterior, offsetVar: number): MniwPosterior {
  if (!(offsetVar > 0) || !Number.isFinite(offsetVar)) throw new Error(`dynamics offset: prior variance must be finite and > 0, got ${offsetVar}`);
  const { ds, da, count } = posterior;
  const out = new MniwPosterior({ ds, da: da + 1, count, prior: extendStandard(posterior.prior, offsetVar), noiseFloor: posterior.noiseFloor });
  for (let k = 0; k < count; k++) out.setNatural(k, extendNatural(posterior.natural(k), offsetVar));
  return out;
}

/** Actions u (steps × da) with a 1 appended to each: steps × (da + 1). */
export function withConstantInput(u: ArrayLike<number>, steps: number, da: number): Float64Array {
  if (u.length !== steps * da) throw new Error(`dynamics offset: ${u.length} action values, expected ${steps} × ${da}`);
  const out = new Float64Array(steps * (da + 1));
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < da; i++) out[t * (da + 1) + i] = u[t * da + i];
    out[t * (da + 1) + da] = 1;
  }
  return out;
}

/**
 * Statistics of (x_t, [u_t; 1]) → x_{t+1} from those of (x_t, u_t) → x_{t+1} and the sums of the
 * first moments per block: `next` = Σ E[x_{t+1}] (count·ds), `z` = Σ [E[x_t]; u_t] (count·q):
 *   S̃xz = [Sxz | Σ E[x']],  S̃zz = [[Szz, Σ z], [Σ zᵀ, n]].
 */
export function withOffsetStats(stats: TransitionStats, next: Float64Array, z: Float64Array): TransitionStats {
  const { ds, da, count } = stats;
  const q = ds + da, q1 = q + 1;
  if (next.length !== count * ds || z.length !== count * q) throw new Error(`dynamics offset: first moments of length ${next.length}/${z.length}, expected ${count * ds}/${count * q}`);
  const out = allocTransitionStats(ds, da + 1, count);
  out.Sxx.set(stats.Sxx);
  out.n.set(stats.n);
  for (let k = 0; k < count; k++) {
    const xz = withZeroColumn(stats.Sxz.subarray(k * ds * q, (k + 1) * ds * q), ds, q);
    for (let i = 0; i < ds; i++) xz[i * q1 + q] = next[k * ds + i];
    out.Sxz.set(xz, k * ds * q1);
    const zz = withDiagonalEntry(stats.Szz.subarray(k * q * q, (k + 1) * q * q), q, stats.n[k]);
    for (let i = 0; i < q; i++) zz[i * q1 + q] = zz[q * q1 + i] = z[k * q + i];
    out.Szz.set(zz, k * q1 * q1);
  }
  return out;
}
