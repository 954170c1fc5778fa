import { describe, expect, it } from 'vitest';
import type { TrajectoryBatch } from '../../control/index.js';
import { CostMemory } from './cost-memory.js';

/** A batch of N rollouts (T = 2, dx = 1, du = 1) whose every value is `v`, so pooling is readable. */
const batch = (N: number, v: number): TrajectoryBatch => ({
  N, T: 2, dx: 1, du: 1, X: new Float64Array(N * 3).fill(v), U: new Float64Array(N * 2).fill(v), cost: new Float64Array(N * 2).fill(v),
});

describe('cost memory (agent.cost_memory)', () => {
  it('with keep = 1 fits on the latest batch alone and keeps nothing', () => {
    const m = new CostMemory(1, 2, 1, 1);
    const b = batch(2, 1);
    expect(m.add(b)).toBe(b);
    expect(m.state().costN.length).toBe(0);
  });

  it('pools the last keep iterations, oldest first, and drops older ones', () => {
    const m = new CostMemory(2, 2, 1, 1);
    m.add(batch(1, 1));
    const two = m.add(batch(2, 2));
    expect(two.N).toBe(3);
    expect(Array.from(two.X)).toEqual([1, 1, 1, 2, 2, 2, 2, 2, 2]);
    const three = m.add(batch(1, 3));
    expect(three.N).toBe(3);
    expect(Array.from(three.cost)).toEqual([2, 2, 2, 2, 3, 3]);
    // Between iterations only the newest keep − 1 = 1 batch is needed.
    expect(Array.from(m.state().costN)).toEqual([1]);
    expect(Array.from(m.state().costU)).toEqual([3, 3]);
  });

  it('restores a saved state so the next pooled batch is the same', () => {
    const m = new CostMemory(3, 2, 1, 1);
    m.add(batch(1, 1));
    m.add(batch(2, 2));
    m.add(batch(1, 3));
    const r = new CostMemory(3, 2, 1, 1);
    r.restore(structuredClone(m.state()), 'solar');
    expect(Array.from(r.add(batch(1, 4)).X)).toEqual(Array.from(m.add(batch(1, 4)).X));
  });

  it('names what is wrong with a mismatched state or batch', () => {
    const r = new CostMemory(3, 2, 1, 1);
    expect(() => r.restore({ costN: Float64Array.from([2]), costX: new Float64Array(3), costU: new Float64Array(4), costC: new Float64Array(4) }, 'solar'))
      .toThrow(/solar: agent state's cost memory holds 3 latent, 4 action and 4 cost values for 2 rollouts of T = 2, ds = 1, da = 1/);
    expect(() => r.restore({ costN: Float64Array.from([1, 1, 1]), costX: new Float64Array(9), costU: new Float64Array(6), costC: new Float64Array(6) }, 'solar'))
      .toThrow(/holds 3 iterations; agent.cost_memory = 3 keeps 2/);
    expect(() => r.add({ ...batch(1, 1), dx: 2, X: new Float64Array(6) })).toThrow(/batch of \(T=2, dx=2, du=1\); the memory holds \(T=2, dx=1, du=1\)/);
    r.restore({}, 'solar');
    expect(r.state().costN.length).toBe(0);
  });
});
