/**
 * The latent cost LQR-FLM optimises (docs/method.md, 'The improvement loop', step 4, and 'Sparse tasks'):
 * - dense tasks: a quadratic ℓ(x) = ½xᵀCx + cᵀx + c0 regressed on *smoothed* latent means
 *   against the observed cost minus the known action cost w‖u‖² (ridge, symmetrised C);
 * - sparse tasks (only success ∈ {0, 1} is observed): p(success | x) = σ(g(x)) with a quadratic
 *   logit g(x) = ½xᵀWx + wᵀx + b fitted by logistic regression (Newton/IRLS, L2 ridge), and
 *   ℓ(x) = −g(x). W is projected onto the negative semidefinite cone so ℓ is convex.
 * Both then add the action cost w‖u‖² (t < T) and a terminal ℓ(x_T) times terminal_weight.
 * The dense fit is one quadratic for all t (`global`) or one per t in a local chart of the
 * rollouts' latents (`local`, control/cost-fit-local.ts).
 */
import {
  addActionQuadratic, addStateQuadratic, fitLocalChartCosts, fitQuadraticStateCost, quadraticFeatures, stateCostR2, zeroCost,
  type QuadraticCost, type StateQuadratic, type TrajectoryBatch,
} from '../../control/index.js';
import { choleskyOrThrow, choleskySolve, projectPSD } from '../../linalg/index.js';

/** Assembles ℓ_t = state quadratic (one for all t, or q[t] for t = 0..T; + terminal weight at T) + w‖u‖². */
export function latentCost(q: StateQuadratic | readonly StateQuadratic[], T: number, dx: number, du: number, actionWeight: number, terminalWeight: number): QuadraticCost {
  const R = new Float64Array(du * du);
  for (let i = 0; i < du; i++) R[i * du + i] = 2 * actionWeight;
  const cost = addActionQuadratic(zeroCost(T, dx, du), R);
  const perT = Array.isArray(q) ? (q as readonly StateQuadratic[]) : null;
  if (perT && perT.length !== T + 1) throw new Error(`latentCost: ${perT.length} per-step state costs, expected T + 1 = ${T + 1}`);
  const at = (t: number): StateQuadratic => perT?.[t] ?? (q as StateQuadratic);
  if (perT) for (let t = 0; t < T; t++) addStateQuadratic(cost, at(t), { from: t, to: t });
  else addStateQuadratic(cost, at(0), { to: T - 1 });
  if (terminalWeight > 0) addStateQuadratic(cost, at(T), { from: T, to: T, weight: terminalWeight });
  return cost;
}

/** Dense: ridge regression of c_t − w‖u_t‖² on the smoothed means, optionally convex (delegates to control/). */
export function fitDenseLatentCost(batch: TrajectoryBatch, actionWeight: number, ridge: number, convex = false): StateQuadratic {
  return fitQuadraticStateCost(batch, actionWeight, ridge, convex);
}

/** The settings of the dense latent cost (config-fields.ts, latentCostFields). */
export interface DenseCostSettings {
  readonly cost_ridge: number;
  readonly cost_convex: boolean;
  readonly cost_fit: 'global' | 'local';
  readonly cost_window: number;
  readonly cost_chart_dim: number;
  readonly terminal_weight: number;
}

/** Before any rollout: the local fit's chart must fit in the latent (`who` names the agent). */
export function checkDenseCostSettings(s: DenseCostSettings, ds: number, who: string): void {
  if (s.cost_fit === 'local' && s.cost_chart_dim > ds) throw new Error(`${who}: agent.cost_chart_dim = ${s.cost_chart_dim} exceeds the latent dimension ${ds}`);
}

/** The dense latent cost LQR-FLM optimises, and the R² of its state part on the batch (stateCostR2). */
export function denseLatentCost(batch: TrajectoryBatch, actionWeight: number, s: DenseCostSettings): { cost: QuadraticCost; fitR2: number } {
  const q = s.cost_fit === 'local'
    ? fitLocalChartCosts(batch, actionWeight, { window: s.cost_window, dim: s.cost_chart_dim, ridge: s.cost_ridge, convex: s.cost_convex })
    : fitDenseLatentCost(batch, actionWeight, s.cost_ridge, s.cost_convex);
  return latentCostOnBatch(q, batch, actionWeight, s.terminal_weight);
}

/** ℓ_t of `q` (latentCost) for the batch's shapes, with the R² of q against the batch's state cost. */
export function latentCostOnBatch(q: StateQuadratic | readonly StateQuadratic[], batch: TrajectoryBatch, actionWeight: number, terminalWeight: number): { cost: QuadraticCost; fitR2: number } {
  return { cost: latentCost(q, batch.T, batch.dx, batch.du, actionWeight, terminalWeight), fitR2: stateCostR2(batch, q, actionWeight) };
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
