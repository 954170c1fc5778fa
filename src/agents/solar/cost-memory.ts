/**
 * What the dense latent cost is fitted on: the smoothed latents, actions and observed costs of
 * the last `keep` iterations (agent.cost_memory), each as inferred when it was collected.
 *
 * Why: once the policy's rollouts converge, one iteration's latents span a patch about as wide
 * as the encoder's noise, and a quadratic fitted there extrapolates wherever LQR-FLM's step
 * leads (the reacher's rollouts reached the target and drifted off again, README). The model is
 * frozen between iterations (agent.refine_steps = 0), so older latents are in the same
 * coordinates; with refinement they are not, and the agent refuses the combination.
 */
import { concatBatches, type TrajectoryBatch } from '../../control/index.js';
import { concatFloat64 } from '../../util/concat.js';

export interface CostMemoryState {
  /** Rollouts per remembered iteration, oldest first (the other arrays are these batches concatenated). */
  costN: Float64Array;
  costX: Float64Array;
  costU: Float64Array;
  costC: Float64Array;
}

export class CostMemory {
  private batches: TrajectoryBatch[] = [];

  constructor(private readonly keep: number, private readonly T: number, private readonly dx: number, private readonly du: number) {
    if (!Number.isInteger(keep) || keep < 1) throw new Error(`cost memory: keep = ${keep} must be an integer ≥ 1`);
  }

  /** Adds one iteration's batch; returns the last `keep` iterations' batches as one. */
  add(batch: TrajectoryBatch): TrajectoryBatch {
    const { T, dx, du } = batch;
    if (T !== this.T || dx !== this.dx || du !== this.du) throw new Error(`cost memory: batch of (T=${T}, dx=${dx}, du=${du}); the memory holds (T=${this.T}, dx=${this.dx}, du=${this.du})`);
    if (this.keep === 1) return batch;
    this.batches = [...this.batches, batch].slice(-this.keep);
    return concatBatches(this.batches);
  }

  /** For the agent state: the batches before the newest `keep − 1` are never needed again. */
  state(): CostMemoryState {
    const held = this.keep === 1 ? [] : this.batches.slice(-(this.keep - 1));
    return {
      costN: Float64Array.from(held.map((b) => b.N)),
      costX: concatFloat64(held.map((b) => b.X)),
      costU: concatFloat64(held.map((b) => b.U)),
      costC: concatFloat64(held.map((b) => b.cost)),
    };
  }

  /** From an agent state; absent arrays (states saved before the memory existed) mean none. */
  restore(s: Partial<CostMemoryState>, who: string): void {
    const { T, dx, du } = this;
    const ns = Array.from(s.costN ?? []);
    const total = ns.reduce((a, n) => a + n, 0);
    if (!ns.every((n) => Number.isInteger(n) && n > 0)) throw new Error(`${who}: agent state's cost memory has a batch size that is not a positive integer`);
    const X = s.costX ?? new Float64Array(0), U = s.costU ?? new Float64Array(0), C = s.costC ?? new Float64Array(0);
    if (X.length !== total * (T + 1) * dx || U.length !== total * T * du || C.length !== total * T) {
      throw new Error(`${who}: agent state's cost memory holds ${X.length} latent, ${U.length} action and ${C.length} cost values for ${total} rollouts of T = ${T}, ds = ${dx}, da = ${du}`);
    }
    if (ns.length > this.keep - 1) throw new Error(`${who}: agent state's cost memory holds ${ns.length} iterations; agent.cost_memory = ${this.keep} keeps ${this.keep - 1} between iterations`);
    this.batches = [];
    let n0 = 0;
    for (const N of ns) {
      this.batches.push({
        N, T, dx, du,
        X: X.slice(n0 * (T + 1) * dx, (n0 + N) * (T + 1) * dx),
        U: U.slice(n0 * T * du, (n0 + N) * T * du),
        cost: C.slice(n0 * T, (n0 + N) * T),
      });
      n0 += N;
    }
  }
}
