import { describe, expect, it } from 'vitest';
import type { TrajectoryBatch } from '../../control/index.js';
import { labelFinals, labelSuccesses, SuccessMemory, successStateCost } from './success-memory.js';

/** Two episodes of T = 2 in a 1-D latent; sparse costs are 0 inside the success distance. */
const batch: TrajectoryBatch = { N: 2, T: 2, dx: 1, du: 1, X: Float64Array.from([3, 2, 1, -1, 0, 0.5]), U: new Float64Array(4), cost: Float64Array.from([1, 0, 1, 1]) };

describe('success labels and memory', () => {
  it('labels x_t with 1 − c_t and x_T with the final success', () => {
    expect(Array.from(labelSuccesses(batch, [true, false]))).toEqual([0, 1, 1, 0, 0, 0]);
    expect(() => labelSuccesses(batch, [true])).toThrow(/1 final success flags for 2 episodes/);
  });

  it('final labels: only each episode\'s last latent x_T, with the final success', () => {
    const f = labelFinals(batch, [false, true]);
    expect(Array.from(f.X)).toEqual([1, 0.5]);
    expect(Array.from(f.y)).toEqual([0, 1]);
    expect(() => labelFinals(batch, [true, true, true])).toThrow(/3 final success flags for 2 episodes/);
  });

  it('keeps every iteration only when asked to', () => {
    const y1 = Float64Array.from([0, 1]), X1 = Float64Array.from([5, 0]);
    const y2 = Float64Array.from([1]), X2 = Float64Array.from([0.1]);
    const forget = new SuccessMemory(1, false);
    forget.add(X1, y1);
    expect(Array.from(forget.add(X2, y2).y)).toEqual([1]);
    expect(forget.state().successY.length).toBe(0);
    const keep = new SuccessMemory(1, true);
    keep.add(X1, y1);
    const all = keep.add(X2, y2);
    expect(Array.from(all.X)).toEqual([5, 0, 0.1]);
    expect(Array.from(all.y)).toEqual([0, 1, 1]);
    const back = new SuccessMemory(1, true);
    back.restore(all.X, all.y, 'test');
    expect(Array.from(back.add(Float64Array.from([7]), Float64Array.from([0])).y)).toEqual([0, 1, 1, 0]);
    expect(() => keep.add(X1, y2)).toThrow(/2 latent values for 1 labels/);
    expect(() => back.restore(all.X, Float64Array.from([1]), 'vae')).toThrow(/vae: agent state holds 3 success-model latent values for 1 labels/);
    expect(() => back.restore(Float64Array.from([1]), Float64Array.from([0.5]), 'vae')).toThrow(/not all 0 or 1/);
  });

  it('costs nothing before a success, and −g with its minimum at the successes after', () => {
    const zero = successStateCost(Float64Array.from([1, 2, 3]), new Float64Array(3), 1, 1e-3);
    expect(Array.from(zero.Cx)).toEqual([0]);
    expect(zero.c0).toBe(0);
    // Successes around x = 1, failures on both sides: −g is convex with its minimum near 1.
    const X = Float64Array.from([-1, -0.5, 0, 0.5, 0.8, 1, 1.2, 1.5, 2, 2.5, 3]);
    const y = Float64Array.from([0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0]);
    const q = successStateCost(X, y, 1, 1e-3);
    expect(q.Cx[0]).toBeGreaterThan(0);
    const argmin = -q.cx[0] / q.Cx[0];
    expect(argmin).toBeGreaterThan(0.6);
    expect(argmin).toBeLessThan(1.4);
  });
});
