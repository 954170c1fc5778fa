import { describe, expect, it } from 'vitest';
import { makeEnv } from '../../envs/registry.js';
import { initialPolicy } from '../../control/index.js';
import { BestPolicy, endScore } from './best-policy.js';

const episode = (costs: number[], actions: number[], success = false) => ({ costs: Float64Array.from(costs), actions: Float64Array.from(actions), success });

describe('J_end (agent.keep_best)', () => {
  it('dense: the mean over rollouts of the last step\'s cost less its clipped action cost', async () => {
    const env = await makeEnv('reacher', { render: false, horizon: 2 });
    const w = env.spec.cost.actionWeight;
    // Last-step actions (0.5, −0.5) and (2, 0), the latter clipped to (1, 0) as the env costs it.
    const a = episode([9, 3], [0, 0, 0.5, -0.5]), b = episode([9, 5], [0, 0, 2, 0]);
    expect(endScore([a, b], env.spec)).toBeCloseTo(((3 - w * 0.5) + (5 - w * 1)) / 2, 12);
    env.close();
  });

  it('sparse: minus the success rate', async () => {
    const env = await makeEnv('nav2d-sparse', { render: false, horizon: 2 });
    const e = (s: boolean) => episode([1, 1], [0, 0, 0, 0], s);
    expect(endScore([e(true), e(false), e(false), e(true)], env.spec)).toBe(-0.5);
    expect(() => endScore([], env.spec)).toThrow(/no episodes/);
  });

  it('keeps the lowest score (the earlier on a tie), and restores it or names what is missing', () => {
    const p = (v: number) => initialPolicy(2, 1, 1, v);
    const filter = { ds: 1, da: 1, count: 1, Einv: Float64Array.of(1), EinvF: Float64Array.of(0.5, 0.1), EFinvF: Float64Array.of(1, 0, 0, 1), Elogdet: Float64Array.of(0) };
    const best = new BestPolicy();
    expect(best.get()).toBeNull();
    best.offer(0, 2, p(0.1), filter);
    best.offer(1, 1, p(0.2), filter);
    best.offer(2, 1, p(0.3), filter);
    best.offer(3, 1.5, p(0.4), filter);
    expect(best.meta()).toEqual({ iteration: 1, score: 1 });
    expect(Array.from(best.get()!.policy.S)).toEqual([0.2, 0.2]);
    expect(() => best.offer(4, NaN, p(0.5), filter)).toThrow(/iteration 4's rollouts scored NaN/);
    const copy = new BestPolicy();
    copy.restore(best.meta(), structuredClone(best.arrays()), 2, 1, 1, 'test', true);
    expect(copy.meta()).toEqual(best.meta());
    expect(copy.get()).toEqual(best.get());
    const { best_S: _s, ...partial } = best.arrays();
    expect(() => new BestPolicy().restore(best.meta(), partial, 2, 1, 1, 'test', true)).toThrow(/test: agent state keeps iteration 1's policy but lacks its array 'S'/);
  });
});
