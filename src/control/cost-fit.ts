/**
 * A stationary quadratic state cost fitted by ridge regression (docs/method.md, 'The improvement loop', step 4):
 * regress the observed cost minus the known action cost w‖u‖² on the features
 *   φ(x) = [½ x_i² (i), x_i x_j (i<j), x_i, 1],
 * so that θᵀφ(x) = ½ xᵀ C x + cᵀ x + c0 with C_ii = θ_ii and C_ij = C_ji = θ_ij (C is
 * symmetric by construction). Minimises ‖Φθ − y‖² + ridge‖θ_{quadratic, linear}‖².
 *
 * Convex variant: C is then projected onto the PSD cone (C⁺ = V max(Λ, 0) Vᵀ) and c, c0 are
 * refitted with C⁺ held fixed, minimising ‖[x 1][c; c0] − (y − ½xᵀC⁺x)‖² + ridge‖c‖². An
 * indefinite C, which a regression on a curved latent code readily gives, lets LQR lower
 * the modelled cost without bound along its negative directions, away from the data.
 */
import { choleskyInPlace, choleskySolve, projectPSD } from '../linalg/index.js';
import type { StateQuadratic } from './cost.js';
import type { TrajectoryBatch } from './types.js';
import { checkTrajectoryBatch } from './batch.js';

/** φ(x) into `out` (length dx(dx+1)/2 + dx + 1). */
export function quadraticFeatures(x: ArrayLike<number>, off: number, dx: number, out: Float64Array): Float64Array {
  let q = 0;
  for (let i = 0; i < dx; i++) {
    const xi = x[off + i];
    out[q++] = 0.5 * xi * xi;
    for (let j = i + 1; j < dx; j++) out[q++] = xi * x[off + j];
  }
  for (let i = 0; i < dx; i++) out[q++] = x[off + i];
  out[q] = 1;
  return out;
}

/** y_t = c_t − w‖u_t‖² for every (n, t), t < T, at n·T + t. */
export function stateCostTargets(batch: TrajectoryBatch, actionWeight: number): Float64Array {
  const { N, T, du, U, cost } = batch;
  const y = new Float64Array(N * T);
  for (let k = 0; k < N * T; k++) {
    let uu = 0;
    for (let i = 0; i < du; i++) uu += U[k * du + i] ** 2;
    y[k] = cost[k] - actionWeight * uu;
  }
  return y;
}

/** ½xᵀCx of the latent at X[off..off+dx). */
function halfQuadForm(Cx: ArrayLike<number>, X: ArrayLike<number>, off: number, dx: number): number {
  let v = 0;
  for (let i = 0; i < dx; i++) for (let j = 0; j < dx; j++) v += 0.5 * X[off + i] * Cx[i * dx + j] * X[off + j];
  return v;
}

/**
 * Fits C, c, c0 on every (x_t, c_t − w‖u_t‖²), t < T, of the batch. Throws when the
 * normal equations are singular even with the ridge (e.g. ridge 0 and too little data).
 */
export function fitQuadraticStateCost(batch: TrajectoryBatch, actionWeight: number, ridge = 1e-6, convex = false): StateQuadratic {
  checkTrajectoryBatch(batch, 'fitQuadraticStateCost');
  const { N, T, dx, X } = batch;
  const rows = new Float64Array(N * T * dx);
  for (let n = 0; n < N; n++) rows.set(X.subarray(n * (T + 1) * dx, (n * (T + 1) + T) * dx), n * T * dx);
  return fitQuadraticRows(rows, stateCostTargets(batch, actionWeight), dx, ridge, convex, `fitQuadraticStateCost (N=${N}, T=${T})`);
}

/**
 * The regression above on M given rows Z (M × d, row-major) and targets y (M): minimises
 * ‖Φθ − y‖² + ridge‖θ_{quadratic, linear}‖², then (convex) projects C and refits c, c0.
 * `what` names the caller in errors.
 */
export function fitQuadraticRows(Z: Float64Array, y: Float64Array, d: number, ridge: number, convex: boolean, what: string): StateQuadratic {
  const M = y.length;
  if (Z.length !== M * d) throw new Error(`${what}: ${Z.length} values for ${M} rows of ${d}`);
  const nq = (d * (d + 1)) / 2;
  const q = nq + d + 1;
  const G = new Float64Array(q * q);
  const h = new Float64Array(q);
  const phi = new Float64Array(q);
  for (let m = 0; m < M; m++) {
    quadraticFeatures(Z, m * d, d, phi);
    for (let i = 0; i < q; i++) {
      const pi = phi[i];
      if (pi === 0) continue;
      for (let j = 0; j <= i; j++) G[i * q + j] += pi * phi[j];
      h[i] += pi * y[m];
    }
  }
  for (let i = 0; i < q - 1; i++) G[i * q + i] += ridge;
  const L = new Float64Array(q * q);
  const piv = choleskyInPlace(G, q, L);
  if (piv >= 0) throw new Error(`${what}: singular normal equations at feature ${piv} (${M} rows, ridge ${ridge})`);
  const theta = choleskySolve(L, q, h, 1);
  const Cx = new Float64Array(d * d);
  let k = 0;
  for (let i = 0; i < d; i++) {
    Cx[i * d + i] = theta[k++];
    for (let j = i + 1; j < d; j++) Cx[i * d + j] = Cx[j * d + i] = theta[k++];
  }
  const cx = theta.slice(nq, nq + d);
  const fit = { Cx, cx, c0: theta[q - 1] };
  return convex ? refitLinearPart(Z, y, d, projectPSD(Cx, d), ridge, what) : fit;
}

/** c, c0 by ridge least squares of y − ½zᵀCz on [z, 1], with C fixed. */
function refitLinearPart(Z: Float64Array, ys: Float64Array, d: number, Cx: Float64Array, ridge: number, what: string): StateQuadratic {
  const q = d + 1;
  const G = new Float64Array(q * q);
  const h = new Float64Array(q);
  const z = new Float64Array(q);
  for (let m = 0; m < ys.length; m++) {
    for (let i = 0; i < d; i++) z[i] = Z[m * d + i];
    z[d] = 1;
    const y = ys[m] - halfQuadForm(Cx, Z, m * d, d);
    for (let i = 0; i < q; i++) {
      for (let j = 0; j <= i; j++) G[i * q + j] += z[i] * z[j];
      h[i] += z[i] * y;
    }
  }
  for (let i = 0; i < d; i++) G[i * q + i] += ridge;
  const L = new Float64Array(q * q);
  const piv = choleskyInPlace(G, q, L);
  if (piv >= 0) throw new Error(`${what} (convex): singular normal equations at feature ${piv} (${ys.length} rows, ridge ${ridge})`);
  const theta = choleskySolve(L, q, h, 1);
  return { Cx, cx: theta.slice(0, d), c0: theta[d] };
}

/**
 * How much of the observed state cost a fitted quadratic (one for all t, or ℓ_t per t) explains on the batch:
 *   R² = 1 − Σ (y − ℓ_t(x))² / Σ (y − ȳ)²,  y = c_t − w‖u_t‖², t < T
 * (1: the latent cost LQR optimises is the task's; ≤ 0: no better than a constant). For a
 * constant y: 1 if the fit is exact, else 0.
 */
export function stateCostR2(batch: TrajectoryBatch, fit: StateQuadratic | readonly StateQuadratic[], actionWeight: number): number {
  const { N, T, dx, X } = batch;
  const perT = Array.isArray(fit) ? (fit as readonly StateQuadratic[]) : null;
  if (perT && perT.length < T) throw new Error(`stateCostR2: ${perT.length} per-step costs for T = ${T}`);
  const y = stateCostTargets(batch, actionWeight), r = new Float64Array(N * T);
  let mean = 0;
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) {
      const off = (n * (T + 1) + t) * dx;
      const q = perT ? perT[t] : (fit as StateQuadratic);
      let v = q.c0 + halfQuadForm(q.Cx, X, off, dx);
      for (let i = 0; i < dx; i++) v += q.cx[i] * X[off + i];
      r[n * T + t] = y[n * T + t] - v;
      mean += y[n * T + t];
    }
  }
  mean /= N * T;
  let sse = 0, sst = 0;
  for (let k = 0; k < N * T; k++) {
    sse += r[k] * r[k];
    sst += (y[k] - mean) ** 2;
  }
  if (sst === 0) return sse === 0 ? 1 : 0;
  return 1 - sse / sst;
}

