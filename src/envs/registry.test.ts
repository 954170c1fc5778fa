import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { envNames, makeEnv, registerEnv, resolveEnvParams } from './registry.js';
import type { Env } from './types.js';

const SPEC: Env['spec'] = {
  name: 't', observation: { shape: [8, 8, 1] }, stateDim: 1, stateLabels: ['x'], stateGroups: {}, action: { dim: 1, low: Float64Array.of(-1), high: Float64Array.of(1) },
  horizon: 3, cost: { kind: 'dense', description: 'x²', actionWeight: 0 }, successDistance: 0.1,
};

/** A task that records the parameters it was made with. */
function recorder(seen: Record<string, unknown>[]) {
  return (p: Record<string, unknown>): Env => {
    seen.push(p);
    return { spec: SPEC, reset: () => { throw new Error('unused'); }, step: () => { throw new Error('unused'); }, close: () => {} };
  };
}

describe('registerEnv', () => {
  it('adds a task that makeEnv builds with its parsed parameters, render included', async () => {
    const seen: Record<string, unknown>[] = [];
    registerEnv({ name: 'my-arm', description: 'an arm', params: z.object({ links: z.number().int().default(3) }), create: recorder(seen) });
    expect(envNames()).toContain('my-arm');
    await makeEnv('my-arm', { render: false });
    await makeEnv('my-arm', { links: 5 });
    expect(seen).toEqual([{ links: 3, render: false }, { links: 5, render: true }]);
    expect(() => resolveEnvParams('my-arm', { lnks: 4 })).toThrow(/invalid parameters for env 'my-arm'[\s\S]*lnks/);
  });

  it('takes a task without parameters, and refuses a name taken or malformed', () => {
    registerEnv({ name: 'plain', create: recorder([]) });
    expect(resolveEnvParams('plain')).toEqual({ render: true });
    expect(() => registerEnv({ name: 'plain', create: recorder([]) })).toThrow("registerEnv: task 'plain' is already registered");
    expect(() => registerEnv({ name: 'reacher', create: recorder([]) })).toThrow("task 'reacher' is already registered (2-link arm");
    expect(() => registerEnv({ name: 'My Arm', create: recorder([]) })).toThrow('a task name is lower-case letters');
    expect(() => registerEnv({ name: 'x', params: { shape: {} } as never, create: recorder([]) })).toThrow('params must be a zod object schema');
  });

  it('says how to bring a task of one\'s own when a name is unknown', async () => {
    await expect(makeEnv('pong')).rejects.toThrow(/unknown env 'pong'; known envs: .*\(a task of your own: registerEnv, or --env-module FILE on the command line\)/);
  });
});
