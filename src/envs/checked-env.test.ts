import { describe, expect, it } from 'vitest';
import { checkedEnv } from './checked-env.js';
import type { Env, TimeStep } from './types.js';

const spec: Env['spec'] = {
  name: 'line', observation: { shape: [2, 2, 1] }, stateDim: 1, stateLabels: ['x'], stateGroups: {}, action: { dim: 1, low: Float64Array.of(-1), high: Float64Array.of(1) },
  horizon: 3, cost: { kind: 'dense', description: 'x²', actionWeight: 0 }, successDistance: 0.1,
};

/** A 1-D task whose step `t` returns `broken(ts)` instead of its time step. */
function line(broken?: (ts: TimeStep, t: number) => unknown): Env {
  let x = 0, t = 0;
  const ts = (): TimeStep => ({ observation: new Float32Array(4), state: Float64Array.of(x), cost: x * x, done: t >= 3, info: { distance: Math.abs(x), success: Math.abs(x) <= 0.1 } });
  return {
    spec,
    reset: () => ((x = 0.5), (t = 0), ts()),
    step: (u) => {
      x += 0.1 * u[0];
      t++;
      return (broken ? broken(ts(), t) : ts()) as TimeStep;
    },
    close: () => {},
  };
}

describe('a user task checked at its boundary', () => {
  it('passes a well-formed task through unchanged', async () => {
    const env = checkedEnv(line(), 'line');
    expect((await env.reset(0)).state).toEqual(Float64Array.of(0.5));
    const s = await env.step([1]);
    expect(s.state[0]).toBeCloseTo(0.6, 15);
    expect(s.cost).toBeCloseTo(0.36, 15);
  });

  it('names the task, the step and the field for each malformed output', async () => {
    const cases: [(ts: TimeStep, t: number) => unknown, string][] = [
      [(ts, t) => (t === 2 ? { ...ts, cost: NaN } : ts), "task 'line': step 2 returned cost NaN; costs must be finite numbers"],
      [(ts) => ({ ...ts, observation: new Float32Array(5) }), 'an observation of 5 values; spec.observation.shape 2×2×1 needs 4'],
      [(ts) => ({ ...ts, state: Float64Array.of(NaN) }), 'step 1 returned state[0] = NaN'],
      [(ts) => ({ ...ts, info: { distance: 0.1 } }), 'an info that is not { distance: a finite number, success: a boolean }'],
      [() => undefined, 'step 1 returned undefined instead of a time step'],
    ];
    for (const [broken, message] of cases) {
      const env = checkedEnv(line(broken), 'line');
      await env.reset(0);
      await expect((async () => { for (let k = 0; k < 3; k++) await env.step([0]); })()).rejects.toThrow(message);
    }
  });

  it('refuses a spec it cannot work with when the task is made', () => {
    const bad = (patch: Partial<Env['spec']>) => checkedEnv({ ...line(), spec: { ...spec, ...patch } }, 'line');
    expect(() => bad({ observation: { shape: [2, 2] as never } })).toThrow("task 'line': spec.observation.shape must be [height, width, channels]");
    expect(() => bad({ horizon: 0 })).toThrow('spec.horizon must be a positive integer');
    expect(() => bad({ action: { dim: 2, low: Float64Array.of(-1), high: Float64Array.of(1) } })).toThrow('spec.action must be { dim, low, high }');
    expect(() => checkedEnv({} as Env, 'line')).toThrow('create() must return an env with spec, reset(seed), step(action) and close()');
  });
});
