import { describe, expect, it } from 'vitest';
import { makeTrajectoryBatch } from './batch.js';

const roll = (T: number) => ({
  states: Array.from({ length: T + 1 }, (_, t) => [t, -t]),
  actions: Array.from({ length: T }, (_, t) => [t / 10]),
  costs: Array.from({ length: T }, (_, t) => t * t),
});

describe('makeTrajectoryBatch', () => {
  it('packs rollouts densely', () => {
    const b = makeTrajectoryBatch([roll(3), roll(3)]);
    expect([b.N, b.T, b.dx, b.du]).toEqual([2, 3, 2, 1]);
    expect(Array.from(b.X.subarray(8, 12))).toEqual([0, -0, 1, -1]);
    expect(b.cost[3 + 2]).toBe(4);
  });

  it('rejects rollouts of unequal length, wrong sizes and NaN with their coordinates', () => {
    expect(() => makeTrajectoryBatch([roll(3), roll(4)])).toThrow(/unequal length: rollout 1 has 4 actions, rollout 0 has 3/);
    const bad = roll(3);
    (bad.states[2] as number[])[1] = Number.NaN;
    expect(() => makeTrajectoryBatch([roll(3), bad])).toThrow(/rollout 1, state t=2: component 1 is NaN/);
    const c = roll(3);
    c.costs[1] = Infinity;
    expect(() => makeTrajectoryBatch([c])).toThrow(/rollout 0, cost t=1 is Infinity/);
    const s = roll(3);
    s.states.pop();
    expect(() => makeTrajectoryBatch([s])).toThrow(/3 states, expected T\+1 = 4/);
    expect(() => makeTrajectoryBatch([])).toThrow(/no rollouts/);
  });
});
