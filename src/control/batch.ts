/**
 * Packing and validating rollouts. Every consumer of trajectory data goes through here, so
 * a NaN or a ragged rollout is reported once, with its coordinates, instead of surfacing as
 * a NaN policy several stages later.
 */
import type { TrajectoryBatch } from './types.js';

/** One rollout as collected: T+1 states, T actions, T costs. */
export interface Rollout {
  readonly states: readonly ArrayLike<number>[];
  readonly actions: readonly ArrayLike<number>[];
  readonly costs: ArrayLike<number>;
}

function checkVector(v: ArrayLike<number>, dim: number, where: string): void {
  if (v.length !== dim) throw new Error(`${where}: expected length ${dim}, got ${v.length}`);
  for (let i = 0; i < dim; i++) {
    if (!Number.isFinite(v[i])) throw new Error(`${where}: component ${i} is ${v[i]}`);
  }
}

/**
 * Packs rollouts into a dense batch. Throws on: no rollouts, rollouts of unequal length,
 * states ≠ actions + 1, wrong vector sizes, and any non-finite value (naming rollout n,
 * time t and component i).
 */
export function makeTrajectoryBatch(rollouts: readonly Rollout[]): TrajectoryBatch {
  const N = rollouts.length;
  if (N === 0) throw new Error('makeTrajectoryBatch: no rollouts');
  const T = rollouts[0].actions.length;
  if (T === 0) throw new Error('makeTrajectoryBatch: rollout 0 has no actions');
  const dx = rollouts[0].states[0]?.length ?? 0;
  const du = rollouts[0].actions[0].length;
  if (dx === 0 || du === 0) throw new Error(`makeTrajectoryBatch: empty state (${dx}) or action (${du}) vectors`);
  const X = new Float64Array(N * (T + 1) * dx);
  const U = new Float64Array(N * T * du);
  const cost = new Float64Array(N * T);
  for (let n = 0; n < N; n++) {
    const r = rollouts[n];
    if (r.actions.length !== T) {
      throw new Error(
        `makeTrajectoryBatch: rollouts of unequal length: rollout ${n} has ${r.actions.length} actions, rollout 0 has ${T}`,
      );
    }
    if (r.states.length !== T + 1) {
      throw new Error(`makeTrajectoryBatch: rollout ${n} has ${r.states.length} states, expected T+1 = ${T + 1}`);
    }
    if (r.costs.length !== T) {
      throw new Error(`makeTrajectoryBatch: rollout ${n} has ${r.costs.length} costs, expected T = ${T}`);
    }
    for (let t = 0; t <= T; t++) {
      checkVector(r.states[t], dx, `makeTrajectoryBatch: rollout ${n}, state t=${t}`);
      X.set(r.states[t] as ArrayLike<number>, (n * (T + 1) + t) * dx);
    }
    for (let t = 0; t < T; t++) {
      checkVector(r.actions[t], du, `makeTrajectoryBatch: rollout ${n}, action t=${t}`);
      U.set(r.actions[t] as ArrayLike<number>, (n * T + t) * du);
      const c = r.costs[t];
      if (!Number.isFinite(c)) throw new Error(`makeTrajectoryBatch: rollout ${n}, cost t=${t} is ${c}`);
      cost[n * T + t] = c;
    }
  }
  return { N, T, dx, du, X, U, cost };
}

/** Validates a batch built elsewhere (shapes and finiteness); returns it. */
export function checkTrajectoryBatch(b: TrajectoryBatch, what = 'trajectory batch'): TrajectoryBatch {
  const { N, T, dx, du } = b;
  if (b.X.length !== N * (T + 1) * dx || b.U.length !== N * T * du || b.cost.length !== N * T) {
    throw new Error(`${what}: array sizes do not match N=${N}, T=${T}, dx=${dx}, du=${du}`);
  }
  const find = (a: Float64Array, per: number, dim: number, name: string): void => {
    for (let i = 0; i < a.length; i++) {
      if (!Number.isFinite(a[i])) {
        const n = Math.floor(i / (per * dim));
        const t = Math.floor((i % (per * dim)) / dim);
        throw new Error(`${what}: ${name} of rollout ${n} at t=${t}, component ${i % dim} is ${a[i]}`);
      }
    }
  };
  find(b.X, T + 1, dx, 'state');
  find(b.U, T, du, 'action');
  find(b.cost, T, 1, 'cost');
  return b;
}

/** Concatenates batches of equal T, dx, du. */
export function concatBatches(bs: readonly TrajectoryBatch[]): TrajectoryBatch {
  if (bs.length === 0) throw new Error('concatBatches: no batches');
  const { T, dx, du } = bs[0];
  for (const b of bs) if (b.T !== T || b.dx !== dx || b.du !== du) throw new Error(`concatBatches: batch of (T=${b.T}, dx=${b.dx}, du=${b.du}) among (T=${T}, dx=${dx}, du=${du})`);
  const N = bs.reduce((s, b) => s + b.N, 0);
  const X = new Float64Array(N * (T + 1) * dx), U = new Float64Array(N * T * du), cost = new Float64Array(N * T);
  let n = 0;
  for (const b of bs) {
    X.set(b.X, n * (T + 1) * dx);
    U.set(b.U, n * T * du);
    cost.set(b.cost, n * T);
    n += b.N;
  }
  return { N, T, dx, du, X, U, cost };
}
