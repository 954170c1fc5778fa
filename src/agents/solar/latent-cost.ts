/**
 * The latent cost LQR-FLM optimises (method doc §2 step 3 and the sparse-reward design):
 * - dense tasks: a quadratic ℓ(x) = ½xᵀCx + cᵀx + c0 regressed on *smoothed* latent means
 *   against the observed cost minus the known action cost w‖u‖² (ridge, symmetrised C);
 * - sparse tasks (only success ∈ {0, 1} is observed): p(success | x) = σ(g(x)) with a quadratic
 *   logit g(x) = ½xᵀWx + wᵀx + b fitted by logistic regression (Newton/IRLS, L2 ridge), and
 *   ℓ(x) = −g(x). W is projected onto the negative semidefinite cone so ℓ is convex.
 * Both then add the action cost w‖u‖² (t < T) and a terminal ℓ(x_T) times terminal_weight.
 */
import {
  addActionQuadratic, addStateQuadratic, fitQuadraticStateCost, quadraticFeatures, zeroCost,
  type QuadraticCost, type StateQuadratic, type TrajectoryBatch,
} from '../../control/index.js';
import { choleskyOrThrow, choleskySolve, projectPSD } from '../../linalg/index.js';

/** Assembles ℓ_t = state quadratic (+ terminal weight at T) + w‖u‖². */
export function latentCost(q: StateQuadratic, T: number, dx: number, du: number, actionWeight: number, terminalWeight: number): QuadraticCost {
  const R = new Float64Array(du * du);
  for (let i = 0; i < du; i++) R[i * du + i] = 2 * actionWeight;
  const cost = addActionQuadratic(zeroCost(T, dx, du), R);
  addStateQuadratic(cost, q, { to: T - 1 });
  if (terminalWeight > 0) addStateQuadratic(cost, q, { from: T, to: T, weight: terminalWeight });
  return cost;
}

/** Dense: ridge regression of c_t − w‖u_t‖² on the smoothed means, optionally convex (delegates to control/). */
export function fitDenseLatentCost(batch: TrajectoryBatch, actionWeight: number, ridge: number, convex = false): StateQuadratic {
  return fitQuadraticStateCost(batch, actionWeight, ridge, convex);
}

export interface SuccessModel {
  /** ℓ(x) = −g(x) as a state quadratic (Cx = −W projected, cx = −w, c0 = −b). */
  readonly cost: StateQuadratic;
  readonly positives: number;
  readonly examples: number;
  readonly iterations: number;
}

const sigmoid = (z: number) => (z >= 0 ? 1 / (1 + Math.exp(-z)) : Math.exp(z) / (1 + Math.exp(z)));

/**
 * Logistic regression of labels y ∈ {0, 1} on quadratic features of the latents X (rows of
 * length dx), minimising −Σ [y log σ(θᵀφ) + (1 − y) log(1 − σ(θᵀφ))] + ½ridge‖θ_{≠bias}‖² by
 * Newton's method. Returns null when the labels are all one class (no signal yet).
 */
export function fitSuccessModel(X: Float64Array, y: ArrayLike<number>, dx: number, ridge = 1e-3, maxIters = 50): SuccessModel | null {
  const n = y.length;
  if (X.length !== n * dx) throw new Error(`success model: ${X.length} latent values for ${n} labels with dx = ${dx}`);
  let pos = 0;
  for (let i = 0; i < n; i++) {
    if (y[i] !== 0 && y[i] !== 1) throw new Error(`success model: label ${i} is ${y[i]}, expected 0 or 1`);
    pos += y[i];
  }
  if (pos === 0 || pos === n) return null;
  const nq = (dx * (dx + 1)) / 2;
  const q = nq + dx + 1;
  const Phi = new Float64Array(n * q);
  const phi = new Float64Array(q);
  for (let i = 0; i < n; i++) Phi.set(quadraticFeatures(X, i * dx, dx, phi), i * q);
  const theta = new Float64Array(q);
  const H = new Float64Array(q * q);
  const grad = new Float64Array(q);
  let it = 0;
  for (; it < maxIters; it++) {
    H.fill(0);
    grad.fill(0);
    for (let i = 0; i < n; i++) {
      let z = 0;
      for (let j = 0; j < q; j++) z += theta[j] * Phi[i * q + j];
      const p = sigmoid(z);
      const r = p - y[i];
      const wgt = Math.max(p * (1 - p), 1e-10);
      for (let j = 0; j < q; j++) {
        const pj = Phi[i * q + j];
        if (pj === 0) continue;
        grad[j] += r * pj;
        for (let k = 0; k <= j; k++) H[j * q + k] += wgt * pj * Phi[i * q + k];
      }
    }
    for (let j = 0; j < q; j++) for (let k = 0; k < j; k++) H[k * q + j] = H[j * q + k];
    for (let j = 0; j < q - 1; j++) {
      H[j * q + j] += ridge;
      grad[j] += ridge * theta[j];
    }
    const step = choleskySolve(choleskyOrThrow(H, q, 'success model Hessian'), q, grad, 1);
    let norm = 0;
    for (let j = 0; j < q; j++) {
      theta[j] -= step[j];
      norm = Math.max(norm, Math.abs(step[j]));
    }
    if (!theta.every(Number.isFinite)) throw new Error(`success model: Newton step ${it} produced a non-finite parameter`);
    if (norm < 1e-8) break;
  }
  // g(x) = ½xᵀWx + wᵀx + b in the feature convention of quadraticFeatures.
  const W = new Float64Array(dx * dx);
  let k = 0;
  for (let i = 0; i < dx; i++) {
    W[i * dx + i] = theta[k++];
    for (let j = i + 1; j < dx; j++) W[i * dx + j] = W[j * dx + i] = theta[k++];
  }
  // ℓ = −g: Cx = −W projected onto the positive semidefinite cone.
  const Cx = projectPSD(W.map((v) => -v), dx);
  const cx = theta.slice(nq, nq + dx).map((v) => -v);
  return { cost: { Cx, cx, c0: -theta[q - 1] }, positives: pos, examples: n, iterations: it + 1 };
}
