/**
 * What a training step hands to the threads that compute its shards (shards.ts), and what
 * it gets back: plain arrays, so a shard can cross to a worker thread (run/shard-pool.ts under
 * Node; Web Workers in a browser would implement the same `ShardWorkers`).
 */
import type { DynamicsExpectations, TransitionStats } from '../gaussian/index.js';

/** One shard's share of a training step. */
export interface ShardInput {
  /** Each sequence's L frames, [L·H·W·C] flat. */
  readonly images: Float32Array[];
  /** Each sequence's observed costs (only read with a cost head). */
  readonly costs: Float64Array[];
  /** Actions [b][L][da] flat. */
  readonly u: Float64Array;
  /** ε ~ N(0, I) [b][L][ds] flat. */
  readonly eps: Float64Array;
  /** E_q(θ)[…] for the latent op (lds prior only). */
  readonly dyn: DynamicsExpectations | null;
  readonly beta: number;
  /** Frames in the whole minibatch (B·L), the loss's denominator. */
  readonly frames: number;
  /** Also return the shard's SVI statistics. */
  readonly stats: boolean;
}

/** A shard's result: gradients in `model.variables()` order, sums over its sequences. */
export interface ShardOutput<G> {
  readonly grads: G;
  /** Σ over the shard's sequences of Σ_t log p(o_t | x̃_t), the local KL, Σ_t log p(c_t | x̃_t). */
  readonly recon: number;
  readonly kl: number;
  readonly costLl: number;
  readonly stats: TransitionStats | null;
}

/**
 * Where shards other than the calling thread's run. `start` returns at once; `wait` blocks
 * until that worker's shard is done (a training step is synchronous).
 */
export interface ShardWorkers {
  /** Workers available; shards beyond them run on the calling thread. */
  readonly size: number;
  /** Runs `input` on worker `w` with the networks' weights (all variables, in order, flat). */
  start(w: number, weights: Float32Array, input: ShardInput): void;
  wait(w: number): ShardOutput<Float32Array>;
  close(): void;
}
