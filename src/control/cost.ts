/**
 * Quadratic costs ℓ_t(z) = ½ zᵀ C_t z + c_tᵀ z + c0_t on z = [x; u] (types.ts): building
 * them from state and action parts, evaluating them, and validating them before control.
 */
import { choleskyInPlace, allFinite } from '../linalg/index.js';
import type { QuadraticCost } from './types.js';

export function zeroCost(T: number, dx: number, du: number): QuadraticCost {
  const dz = dx + du;
  return { T, dx, du, C: new Float64Array((T + 1) * dz * dz), c: new Float64Array((T + 1) * dz), c0: new Float64Array(T + 1) };
}

export interface StateQuadratic {
  /** dx × dx, symmetric. */
  readonly Cx: Float64Array;
  readonly cx: Float64Array;
  readonly c0: number;
}

/**
 * Adds weight · (½ xᵀ Cx x + cxᵀ x + c0) to the x-block of ℓ_t for t in [from, to]
 * (defaults: every step including the terminal T). Returns `cost`.
 */
export function addStateQuadratic(
  cost: QuadraticCost,
  q: StateQuadratic,
  opts: { from?: number; to?: number; weight?: number } = {},
): QuadraticCost {
  const { T, dx, du } = cost;
  const dz = dx + du;
  const w = opts.weight ?? 1;
  for (let t = opts.from ?? 0; t <= (opts.to ?? T); t++) {
    for (let i = 0; i < dx; i++) {
      for (let j = 0; j < dx; j++) cost.C[t * dz * dz + i * dz + j] += w * q.Cx[i * dx + j];
      cost.c[t * dz + i] += w * q.cx[i];
    }
    cost.c0[t] += w * q.c0;
  }
  return cost;
}

/** Adds ½ uᵀ R u to ℓ_t for t < T (R du×du symmetric; w‖u‖² is R = 2w I). Returns `cost`. */
export function addActionQuadratic(cost: QuadraticCost, R: Float64Array): QuadraticCost {
  const { T, dx, du } = cost;
  const dz = dx + du;
  for (let t = 0; t < T; t++) {
    for (let i = 0; i < du; i++) {
      for (let j = 0; j < du; j++) cost.C[t * dz * dz + (dx + i) * dz + dx + j] += R[i * du + j];
    }
  }
  return cost;
}

/** ℓ_t(x, u); at t = T (or when u is omitted) only the x-part. */
export function evaluateCost(cost: QuadraticCost, t: number, x: ArrayLike<number>, u?: ArrayLike<number>): number {
  const { dx, du } = cost;
  const dz = dx + du;
  const n = u && t < cost.T ? dz : dx;
  const zi = (i: number): number => (i < dx ? x[i] : (u as ArrayLike<number>)[i - dx]);
  const Co = t * dz * dz;
  let v = cost.c0[t];
  for (let i = 0; i < n; i++) {
    const a = zi(i);
    let s = 0;
    for (let j = 0; j < n; j++) s += cost.C[Co + i * dz + j] * zi(j);
    v += 0.5 * a * s + cost.c[t * dz + i] * a;
  }
  return v;
}

/**
 * Validates a cost before control: finite, symmetric (to 1e-9 relative; then exactly
 * symmetrised in place), and — what the LQR-FLM backward pass relies on — an action block
 * C_uu that is positive semi-definite at every t < T. With `requireConvex`, the whole C_t
 * must be PSD too. Throws an Error naming `what`, the time step and the failing pivot.
 */
export function checkQuadraticCost(cost: QuadraticCost, what: string, requireConvex = false): QuadraticCost {
  const { T, dx, du } = cost;
  const dz = dx + du;
  for (const [name, a] of [['C', cost.C], ['c', cost.c], ['c0', cost.c0]] as const) {
    if (!allFinite(a)) {
      const i = a.findIndex((v) => !Number.isFinite(v));
      throw new Error(`${what}: cost ${name} is not finite at t=${Math.floor(i / (a.length / (T + 1)))}`);
    }
  }
  const Cuu = new Float64Array(du * du);
  const Cz = new Float64Array(dz * dz);
  const L = new Float64Array(dz * dz);
  for (let t = 0; t <= T; t++) {
    const o = t * dz * dz;
    let scale = 0;
    for (let i = 0; i < dz * dz; i++) scale = Math.max(scale, Math.abs(cost.C[o + i]));
    for (let i = 0; i < dz; i++) {
      for (let j = 0; j < i; j++) {
        const a = cost.C[o + i * dz + j];
        const b = cost.C[o + j * dz + i];
        if (Math.abs(a - b) > 1e-9 * (scale + 1e-300)) throw new Error(`${what}: cost C_t at t=${t} is not symmetric (${i},${j}): ${a} vs ${b}`);
        cost.C[o + i * dz + j] = cost.C[o + j * dz + i] = 0.5 * (a + b);
      }
    }
    // PSD test: Cholesky of C + δ I with δ = 1e-9·scale tolerates exact singularity.
    const delta = 1e-9 * scale + 1e-300;
    if (t < T) {
      for (let i = 0; i < du; i++) for (let j = 0; j < du; j++) Cuu[i * du + j] = cost.C[o + (dx + i) * dz + dx + j] + (i === j ? delta : 0);
      const piv = choleskyInPlace(Cuu, du, L);
      if (piv >= 0) {
        throw new Error(`${what}: cost is not positive semi-definite in the action at t=${t} (pivot ${piv} of C_uu is ${L[piv * du + piv]})`);
      }
    }
    if (requireConvex) {
      const n = t < T ? dz : dx;
      for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) Cz[i * n + j] = cost.C[o + i * dz + j] + (i === j ? delta : 0);
      const piv = choleskyInPlace(Cz, n, L);
      if (piv >= 0) throw new Error(`${what}: cost C_t at t=${t} is not positive semi-definite (pivot ${piv} is ${L[piv * n + piv]})`);
    }
  }
  return cost;
}
