/**
 * A Gaussian mixture fitted by EM (full covariances, ridge-regularised), for the dynamics
 * prior of guided policy search. Points are rows of an M×D matrix.
 *
 *   E-step: r_mk ∝ π_k N(y_m; μ_k, Σ_k)            (in log space, log-sum-exp per point)
 *   M-step: π_k = Σ_m r_mk / M,  μ_k = Σ_m r_mk y_m / N_k,
 *           Σ_k = Σ_m r_mk (y_m − μ_k)(y_m − μ_k)ᵀ / N_k + ridge · I
 * Stops when the mean log-likelihood improves by less than `tol` (or after maxIters).
 */
import { choleskyOrThrow, logDetFromCholesky } from '../linalg/index.js';
import { Rng } from '../random/rng.js';

export interface GaussianMixture {
  readonly K: number;
  readonly D: number;
  /** K log mixing weights. */
  readonly logWeights: Float64Array;
  /** K × D. */
  readonly means: Float64Array;
  /** K × D × D. */
  readonly covs: Float64Array;
  /** K × D × D lower Cholesky factors of covs. */
  readonly chols: Float64Array;
  /** K log det Σ_k. */
  readonly logDets: Float64Array;
}

export interface GmmOptions {
  readonly K: number;
  readonly maxIters?: number; // 50
  readonly tol?: number; // 1e-3 (change of the mean log-likelihood per point)
  readonly ridge?: number; // 1e-6
  /** Seed of the random initial assignment of points to clusters. */
  readonly seed?: number;
}

/** log N(y; μ_k, Σ_k) for every point and cluster into `out` (M × K). */
export function componentLogDensities(g: GaussianMixture, Y: Float64Array, M: number, out: Float64Array): Float64Array {
  const { K, D } = g;
  const z = new Float64Array(D);
  const c = D * Math.log(2 * Math.PI);
  for (let k = 0; k < K; k++) {
    const L = k * D * D;
    for (let m = 0; m < M; m++) {
      // z = L⁻¹ (y − μ): forward substitution.
      let q = 0;
      for (let i = 0; i < D; i++) {
        let s = Y[m * D + i] - g.means[k * D + i];
        for (let j = 0; j < i; j++) s -= g.chols[L + i * D + j] * z[j];
        z[i] = s / g.chols[L + i * D + i];
        q += z[i] * z[i];
      }
      out[m * K + k] = -0.5 * (q + g.logDets[k] + c);
    }
  }
  return out;
}

/** Posterior responsibilities (M × K, rows sum to 1) and the mean log-likelihood. */
export function responsibilities(g: GaussianMixture, Y: Float64Array, M: number, out?: Float64Array): { R: Float64Array; meanLogLik: number } {
  const { K } = g;
  const R = componentLogDensities(g, Y, M, out ?? new Float64Array(M * K));
  let ll = 0;
  for (let m = 0; m < M; m++) {
    let mx = -Infinity;
    for (let k = 0; k < K; k++) {
      R[m * K + k] += g.logWeights[k];
      if (R[m * K + k] > mx) mx = R[m * K + k];
    }
    let s = 0;
    for (let k = 0; k < K; k++) s += Math.exp(R[m * K + k] - mx);
    const lse = mx + Math.log(s);
    ll += lse;
    for (let k = 0; k < K; k++) R[m * K + k] = Math.exp(R[m * K + k] - lse);
  }
  return { R, meanLogLik: ll / M };
}

function mStep(Y: Float64Array, M: number, D: number, K: number, R: Float64Array, ridge: number): GaussianMixture {
  const logWeights = new Float64Array(K);
  const means = new Float64Array(K * D);
  const covs = new Float64Array(K * D * D);
  const chols = new Float64Array(K * D * D);
  const logDets = new Float64Array(K);
  for (let k = 0; k < K; k++) {
    let Nk = 0;
    for (let m = 0; m < M; m++) Nk += R[m * K + k];
    // An empty cluster keeps a tiny weight and the global moments (re-seeded from the data).
    const w = Nk > 1e-10 ? Nk : 1e-10;
    logWeights[k] = Math.log(w / M);
    const mu = means.subarray(k * D, (k + 1) * D);
    for (let m = 0; m < M; m++) {
      const r = Nk > 1e-10 ? R[m * K + k] / Nk : 1 / M;
      for (let i = 0; i < D; i++) mu[i] += r * Y[m * D + i];
    }
    const C = covs.subarray(k * D * D, (k + 1) * D * D);
    for (let m = 0; m < M; m++) {
      const r = Nk > 1e-10 ? R[m * K + k] / Nk : 1 / M;
      if (r < 1e-12) continue; // far points of a cluster: negligible, and most of the work
      for (let i = 0; i < D; i++) {
        const di = r * (Y[m * D + i] - mu[i]);
        for (let j = 0; j <= i; j++) C[i * D + j] += di * (Y[m * D + j] - mu[j]);
      }
    }
    for (let i = 0; i < D; i++) {
      C[i * D + i] += ridge;
      for (let j = 0; j < i; j++) C[j * D + i] = C[i * D + j];
    }
    const L = chols.subarray(k * D * D, (k + 1) * D * D);
    choleskyOrThrow(C, D, `GMM cluster ${k} covariance`, L);
    logDets[k] = logDetFromCholesky(L, D);
  }
  return { K, D, logWeights, means, covs, chols, logDets };
}

/**
 * Initial hard assignment: k-means++ seeding (each new centre drawn with probability ∝ the
 * squared distance to the nearest chosen one), then every point to its nearest centre. A
 * random assignment (as in GPS) starts all clusters at the global mean, from which EM
 * separates them only slowly.
 */
function seedAssignment(Y: Float64Array, M: number, D: number, K: number, rng: Rng): Float64Array {
  const centres: number[] = [rng.int(M)];
  const d2 = new Float64Array(M).fill(Infinity);
  const dist2 = (m: number, c: number): number => {
    let s = 0;
    for (let i = 0; i < D; i++) s += (Y[m * D + i] - Y[c * D + i]) ** 2;
    return s;
  };
  const owner = new Int32Array(M);
  for (;;) {
    const c = centres[centres.length - 1];
    let total = 0;
    for (let m = 0; m < M; m++) {
      const d = dist2(m, c);
      if (d < d2[m]) {
        d2[m] = d;
        owner[m] = centres.length - 1;
      }
      total += d2[m];
    }
    if (centres.length === K) break;
    let r = rng.uniform() * total;
    let pick = M - 1;
    for (let m = 0; m < M; m++) {
      r -= d2[m];
      if (r < 0) {
        pick = m;
        break;
      }
    }
    centres.push(pick);
  }
  const R = new Float64Array(M * K);
  for (let m = 0; m < M; m++) R[m * K + owner[m]] = 1;
  return R;
}

/** Fits a K-component mixture to the M×D points Y by EM from a k-means++ hard assignment. */
export function fitGaussianMixture(Y: Float64Array, M: number, D: number, opts: GmmOptions): GaussianMixture {
  const K = Math.max(1, Math.min(opts.K, M));
  const ridge = opts.ridge ?? 1e-6;
  let R: Float64Array = seedAssignment(Y, M, D, K, new Rng(opts.seed ?? 0));
  let g = mStep(Y, M, D, K, R, ridge);
  let prev = -Infinity;
  const maxIters = opts.maxIters ?? 50;
  for (let it = 0; it < maxIters; it++) {
    const e = responsibilities(g, Y, M, R);
    R = e.R;
    g = mStep(Y, M, D, K, R, ridge);
    if (Math.abs(e.meanLogLik - prev) < (opts.tol ?? 1e-3)) break;
    prev = e.meanLogLik;
  }
  return g;
}
