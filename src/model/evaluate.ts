/**
 * How good is a learned latent representation?
 *
 * - R² per state group: a linear map with intercept, ŷ = Wᵀ[x; 1], fitted by least squares
 *   (a 1e-8 relative ridge for conditioning) from the smoothed latent means of every frame of
 *   the *training* sequences to the true state group, scored on *held-out* sequences:
 *     R² = 1 − Σ‖y − ŷ‖² / Σ‖y − ȳ‖²   (pooled over the group's components, ȳ the held-out mean).
 *   Angles: a group whose labels name a heading is compared as (cos θ, sin θ), so wrapping
 *   at ±π does not count as error. A group with (almost) no variance on either split, such as
 *   the reacher's fixed target, is reported as absent rather than as NaN.
 * - R² of each group's change per step, r2_change: the same map from x_t to y_t − y_{t−1}
 *   (t ≥ 1). It asks whether the latent holds the motion, where R² of a velocity group can
 *   mislead: the reacher's q̇ is not a linear function even of the true (cos q, sin q) at t
 *   and t−1 (R² ≈ 0 measured), whereas the change of (cos q, sin q) is.
 * - One-step prediction error: on held-out sequences, Σ_t ‖x_{t+1} − [A_t|B_t][x_t; u_t]‖² /
 *   Σ_t ‖x_{t+1} − x̄‖², i.e. the fraction of the latent variance the dynamics cannot predict.
 *   x are smoothed means; the dynamics E[F_t] of q(θ) for the lds prior, and for the VAE
 *   ablation (no dynamics) a shared linear map fitted by least squares on the training latents.
 *   Always read it next to R²: a collapsed latent predicts itself perfectly.
 */
import { choleskyOrThrow, choleskySolve } from '../linalg/index.js';
import type { SequenceSet } from './dataset.js';
import { expectedDynamics, smoothSequence } from './inference.js';
import type { SolarModel } from './model.js';

export interface LatentEvaluation {
  /** R² per state group (groups without variance are left out, see `absent`). */
  r2: Record<string, number>;
  /** R² of each group's change y_t − y_{t−1} from x_t; a group that never changes within a sequence (nav2d's goal) is left out. */
  r2_change: Record<string, number>;
  absent: string[];
  one_step_error: number;
  /** Held-out smoothed means (frames × ds) and the linear maps' predictions, for plots. */
  heldOut: { latents: Float64Array[]; predictions: Record<string, Float64Array[]>; targets: Record<string, Float64Array[]> };
}

/** Least squares with intercept: returns W ((d+1)×k) minimising Σ‖y − Wᵀ[x; 1]‖². */
export function fitLinear(X: readonly ArrayLike<number>[], Y: readonly ArrayLike<number>[], ridge = 1e-8): Float64Array {
  const d = X[0].length + 1;
  const k = Y[0].length;
  const A = new Float64Array(d * d);
  const R = new Float64Array(d * k);
  const z = new Float64Array(d);
  for (let n = 0; n < X.length; n++) {
    z.set(X[n]);
    z[d - 1] = 1;
    for (let i = 0; i < d; i++) {
      for (let j = 0; j < d; j++) A[i * d + j] += z[i] * z[j];
      for (let j = 0; j < k; j++) R[i * k + j] += z[i] * Y[n][j];
    }
  }
  let tr = 0;
  for (let i = 0; i < d; i++) tr += A[i * d + i];
  for (let i = 0; i < d; i++) A[i * d + i] += ridge * (tr / d) + 1e-300;
  return choleskySolve(choleskyOrThrow(A, d, 'least-squares normal equations'), d, R, k);
}

export function predictLinear(W: Float64Array, x: ArrayLike<number>, k: number): Float64Array {
  const d = x.length + 1;
  const y = new Float64Array(k);
  for (let j = 0; j < k; j++) {
    let v = W[(d - 1) * k + j];
    for (let i = 0; i < d - 1; i++) v += W[i * k + j] * x[i];
    y[j] = v;
  }
  return y;
}

/** R² = 1 − SSE/SST pooled over components; NaN when SST is (numerically) zero. */
export function rSquared(Y: readonly ArrayLike<number>[], P: readonly ArrayLike<number>[]): number {
  const k = Y[0].length;
  const mean = new Float64Array(k);
  for (const y of Y) for (let j = 0; j < k; j++) mean[j] += y[j] / Y.length;
  let sse = 0, sst = 0, scale = 0;
  Y.forEach((y, n) => {
    for (let j = 0; j < k; j++) {
      sse += (y[j] - P[n][j]) ** 2;
      sst += (y[j] - mean[j]) ** 2;
      scale += y[j] * y[j];
    }
  });
  return sst <= 1e-12 * (scale + 1e-30) ? Number.NaN : 1 - sse / sst;
}

/** The values of a state group for one state vector (headings as cos, sin). */
export function groupValues(state: ArrayLike<number>, idx: readonly number[], labels: readonly string[]): Float64Array {
  const out: number[] = [];
  for (const i of idx) {
    if (/heading|theta/.test(labels[i] ?? '')) out.push(Math.cos(state[i]), Math.sin(state[i]));
    else out.push(state[i]);
  }
  return Float64Array.from(out);
}

/**
 * R² on held-out frames of the change y_t − y_{t−1} (t ≥ 1) predicted linearly from x_t, the
 * map fitted on the training frames. X, Y: frames of whole sequences of L frames, in order.
 * NaN when the held-out changes have no variance (a static group).
 */
export function changeR2(Xtr: readonly ArrayLike<number>[], Ytr: readonly Float64Array[], Xte: readonly ArrayLike<number>[], Yte: readonly Float64Array[], L: number): number {
  const later = <T>(X: readonly T[]) => X.filter((_, i) => i % L !== 0);
  const changes = (Y: readonly Float64Array[]) => Y.flatMap((y, i) => (i % L === 0 ? [] : [y.map((v, j) => v - Y[i - 1][j])]));
  const W = fitLinear(later(Xtr), changes(Ytr));
  const target = changes(Yte);
  return rSquared(target, later(Xte).map((x) => predictLinear(W, x, target[0].length)));
}

interface Latents {
  /** Per sequence, L frames of ds. */
  means: Float64Array[];
}

function smoothAll(model: SolarModel, data: SequenceSet): Latents {
  return { means: data.sequences.map((s) => smoothSequence(model, s.images, s.actions).mean) };
}

function frames(x: Float64Array, ds: number): Float64Array[] {
  return Array.from({ length: x.length / ds }, (_, t) => x.subarray(t * ds, (t + 1) * ds));
}

export function evaluateLatents(
  model: SolarModel, train: SequenceSet, test: SequenceSet, groups: Readonly<Record<string, readonly number[]>>, labels: readonly string[],
): LatentEvaluation {
  const ds = model.latentDim;
  const da = model.shape.actionDim;
  const L = model.shape.length;
  const tr = smoothAll(model, train);
  const te = smoothAll(model, test);
  const Xtr = tr.means.flatMap((m) => frames(m, ds));
  const Xte = te.means.flatMap((m) => frames(m, ds));
  const statesOf = (d: SequenceSet) => d.sequences.flatMap((s) => frames(s.states, d.stateDim));
  const Str = statesOf(train), Ste = statesOf(test);
  const r2: Record<string, number> = {};
  const r2Change: Record<string, number> = {};
  const absent: string[] = [];
  const predictions: Record<string, Float64Array[]> = {};
  const targets: Record<string, Float64Array[]> = {};
  for (const [name, idx] of Object.entries(groups)) {
    const Ytr = Str.map((s) => groupValues(s, idx, labels));
    const Yte = Ste.map((s) => groupValues(s, idx, labels));
    const k = Ytr[0].length;
    if (Number.isNaN(rSquared(Ytr, Ytr)) || Number.isNaN(rSquared(Yte, Yte))) {
      absent.push(name);
      continue;
    }
    const W = fitLinear(Xtr, Ytr);
    const P = Xte.map((x) => predictLinear(W, x, k));
    r2[name] = rSquared(Yte, P);
    const change = changeR2(Xtr, Ytr, Xte, Yte, L);
    if (!Number.isNaN(change)) r2Change[name] = change;
    predictions[name] = P;
    targets[name] = Yte;
  }
  return { r2, r2_change: r2Change, absent, one_step_error: oneStepError(model, tr.means, te.means, train, test, L, ds, da), heldOut: { latents: Xte, predictions, targets } };
}

function oneStepError(model: SolarModel, trM: Float64Array[], teM: Float64Array[], train: SequenceSet, test: SequenceSet, L: number, ds: number, da: number): number {
  // predict(t, x, u) → x̂_{t+1}
  let predict: (t: number, x: Float64Array, u: Float64Array) => Float64Array;
  if (model.posterior) {
    const dyn = expectedDynamics(model);
    predict = (t, x, u) => {
      const k = dyn.count === 1 ? 0 : t;
      const y = new Float64Array(ds);
      for (let i = 0; i < ds; i++) {
        let v = 0;
        for (let j = 0; j < ds; j++) v += dyn.A[k][i * ds + j] * x[j];
        for (let j = 0; j < da; j++) v += dyn.B[k][i * da + j] * u[j];
        y[i] = v;
      }
      return y;
    };
  } else {
    const Z: Float64Array[] = [], Y: Float64Array[] = [];
    trM.forEach((m, n) => {
      for (let t = 0; t + 1 < L; t++) {
        Z.push(Float64Array.from([...m.subarray(t * ds, (t + 1) * ds), ...train.sequences[n].actions.subarray(t * da, (t + 1) * da)]));
        Y.push(m.subarray((t + 1) * ds, (t + 2) * ds));
      }
    });
    const W = fitLinear(Z, Y);
    predict = (_t, x, u) => predictLinear(W, Float64Array.from([...x, ...u]), ds);
  }
  const mean = new Float64Array(ds);
  let count = 0;
  for (const m of teM) for (let t = 1; t < L; t++) { for (let i = 0; i < ds; i++) mean[i] += m[t * ds + i]; count++; }
  for (let i = 0; i < ds; i++) mean[i] /= count;
  let sse = 0, sst = 0;
  teM.forEach((m, n) => {
    const u = test.sequences[n].actions;
    for (let t = 0; t + 1 < L; t++) {
      const y = predict(t, m.subarray(t * ds, (t + 1) * ds), u.subarray(t * da, (t + 1) * da));
      for (let i = 0; i < ds; i++) {
        sse += (m[(t + 1) * ds + i] - y[i]) ** 2;
        sst += (m[(t + 1) * ds + i] - mean[i]) ** 2;
      }
    }
  });
  return sst > 0 ? sse / sst : Number.NaN;
}
