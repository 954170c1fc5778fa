/**
 * The sparse tasks' success data (docs/method.md, 'Sparse tasks'), shared by SOLAR and both
 * ablations: every latent x_t (t < T) of an episode is labelled 1 − c_t (the sparse task's
 * c_t is 0 inside the success distance, 1 outside), and x_T with the episode's final success;
 * p(success | x) = σ(g(x)) is fitted on them and LQR-FLM's state cost is ℓ(x) = −g(x).
 */
import type { StateQuadratic, TrajectoryBatch } from '../../control/index.js';
import { concatFloat64 } from '../../util/concat.js';
import { fitSuccessModel } from './latent-cost.js';

/** Labels y (N·(T + 1), episode-major) of the batch's latents X: y_{n,t} = 1 − c_{n,t} for t < T, y_{n,T} = final success. */
export function labelSuccesses(batch: TrajectoryBatch, finalSuccess: ArrayLike<boolean>): Float64Array {
  const { N, T } = batch;
  if (finalSuccess.length !== N) throw new Error(`success labels: ${finalSuccess.length} final success flags for ${N} episodes`);
  const y = new Float64Array(N * (T + 1));
  for (let n = 0; n < N; n++) {
    for (let t = 0; t < T; t++) y[n * (T + 1) + t] = batch.cost[n * T + t] === 0 ? 1 : 0;
    y[n * (T + 1) + T] = finalSuccess[n] ? 1 : 0;
  }
  return y;
}

/** ℓ(x) = −g(x) of the success model fitted on (X, y); ℓ = 0 while the labels hold no success (only the action cost remains). */
export function successStateCost(X: Float64Array, y: Float64Array, dx: number, ridge: number): StateQuadratic {
  return fitSuccessModel(X, y, dx, ridge)?.cost ?? { Cx: new Float64Array(dx * dx), cx: new Float64Array(dx), c0: 0 };
}

/**
 * The final latents x_T (N × dx) and their labels: what a person labelling each rollout's end
 * gives (agent.labels 'final' and 'human'); the latents before the end carry no label.
 */
export function labelFinals(batch: TrajectoryBatch, finalSuccess: ArrayLike<boolean>): { X: Float64Array; y: Float64Array } {
  const { N, T, dx } = batch;
  if (finalSuccess.length !== N) throw new Error(`success labels: ${finalSuccess.length} final success flags for ${N} episodes`);
  const X = new Float64Array(N * dx), y = new Float64Array(N);
  for (let n = 0; n < N; n++) {
    X.set(batch.X.subarray((n * (T + 1) + T) * dx, (n * (T + 1) + T + 1) * dx), n * dx);
    y[n] = finalSuccess[n] ? 1 : 0;
  }
  return { X, y };
}

/**
 * One iteration's sparse state cost: the batch's latents labelled (labelSuccesses; with
 * `finalOnly`, only each episode's last, labelFinals), added to `memory` when given (else
 * fitted alone), and −g(x) of the success model fitted on them. `successLabels`: the
 * successes among this batch's labels.
 */
export function sparseStateCost(
  batch: TrajectoryBatch, finalSuccess: ArrayLike<boolean>, ridge: number, memory: SuccessMemory | null = null, finalOnly = false,
): { q: StateQuadratic; successLabels: number } {
  const labelled = finalOnly ? labelFinals(batch, finalSuccess) : { X: batch.X, y: labelSuccesses(batch, finalSuccess) };
  const y = labelled.y;
  const fit = memory ? memory.add(labelled.X, y) : labelled;
  return { q: successStateCost(fit.X, fit.y, batch.dx, ridge), successLabels: y.reduce((a, b) => a + b, 0) };
}

/**
 * What the success model is fitted on. With `keep` (agent.success_memory) every iteration's
 * labelled latents, each as inferred when it was collected: a policy that stops succeeding
 * would otherwise lose its only positives and with them its state cost (reacher-sparse,
 * README). Without it, only the latest iteration's.
 */
export class SuccessMemory {
  private X: Float64Array = new Float64Array(0);
  private y: Float64Array = new Float64Array(0);

  constructor(private readonly dx: number, private readonly keep: boolean) {}

  /** Adds one iteration's labelled latents; returns the data to fit on now. */
  add(X: Float64Array, y: Float64Array): { X: Float64Array; y: Float64Array } {
    if (X.length !== y.length * this.dx) throw new Error(`success memory: ${X.length} latent values for ${y.length} labels with dx = ${this.dx}`);
    if (!this.keep) return { X, y };
    this.X = concatFloat64([this.X, X]);
    this.y = concatFloat64([this.y, y]);
    return { X: this.X, y: this.y };
  }

  /** For the agent state (checkpoints, resume): empty unless kept. */
  state(): { successX: Float64Array; successY: Float64Array } {
    return { successX: this.X, successY: this.y };
  }

  /** From an agent state; absent arrays (states saved before the memory existed) mean none. */
  restore(X: Float64Array | undefined, y: Float64Array | undefined, who: string): void {
    const sx = X ?? new Float64Array(0), sy = y ?? new Float64Array(0);
    if (sx.length !== sy.length * this.dx) throw new Error(`${who}: agent state holds ${sx.length} success-model latent values for ${sy.length} labels with ds = ${this.dx}`);
    if (!sy.every((v) => v === 0 || v === 1)) throw new Error(`${who}: agent state's success labels are not all 0 or 1`);
    this.X = Float64Array.from(sx);
    this.y = Float64Array.from(sy);
  }
}
