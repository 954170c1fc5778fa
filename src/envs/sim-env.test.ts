import { describe, expect, it } from 'vitest';
import { envNames, makeEnv, resolveEnvParams } from './registry.js';

describe('env input checking', () => {
  it('rejects an action of the wrong length, naming both lengths', async () => {
    const env = await makeEnv('nav2d', { render: false });
    await env.reset(0);
    expect(() => env.step([0.1])).toThrow(/action has length 1, expected 2/);
    expect(() => env.step([0.1, 0.2, 0.3])).toThrow(/action has length 3, expected 2/);
  });

  it('rejects NaN and ±Inf in an action, naming the index', async () => {
    const env = await makeEnv('car', { render: false });
    await env.reset(0);
    expect(() => env.step([0, Number.NaN])).toThrow(/action\[1\] is NaN/);
    expect(() => env.step([Number.POSITIVE_INFINITY, 0])).toThrow(/action\[0\] is Infinity/);
    expect(() => env.step([0, Number.NEGATIVE_INFINITY])).toThrow(/action\[1\] is -Infinity/);
    // A string that looks like a number says what it is.
    expect(() => env.step(['0.5', 0] as unknown as number[])).toThrow('action[0] is "0.5" (a string); actions must be finite numbers');
  });

  it('leaves the state untouched when it rejects an action', async () => {
    const env = await makeEnv('nav2d', { render: false });
    const ts0 = await env.reset(0);
    expect(() => env.step([Number.NaN, 0])).toThrow();
    const ts1 = await env.step([0, 0]);
    expect(Array.from(ts1.state)).toEqual(Array.from(ts0.state));
  });

  it('clips out-of-bound actions per component (documented behaviour) instead of failing', async () => {
    const env = await makeEnv('nav2d', { render: false });
    const ts0 = await env.reset(0);
    const ts1 = await env.step([10, -0.25]);
    expect(ts1.state[0]).toBe(Math.min(2.8, ts0.state[0] + 1));
    expect(ts1.state[1]).toBe(ts0.state[1] - 0.25);
  });

  it('refuses to step before reset, after the horizon and after close', async () => {
    const env = await makeEnv('nav2d', { render: false, horizon: 2 });
    expect(() => env.step([0, 0])).toThrow(/call reset/);
    await env.reset(0);
    await env.step([0, 0]);
    const last = await env.step([0, 0]);
    expect(last.done).toBe(true);
    expect(() => env.step([0, 0])).toThrow(/episode ended after 2 steps/);
    env.close();
    expect(() => env.reset(0)).toThrow(/closed/);
  });

  it('rejects a non-integer reset seed', async () => {
    const env = await makeEnv('nav2d', { render: false });
    expect(() => env.reset(0.5)).toThrow(/seed must be an integer/);
  });
});

describe('env registry', () => {
  it('lists the seven tasks and their sparse variants', () => {
    const tasks = ['car', 'nav2d', 'push', 'reacher', 'stack-easy', 'stack-lift', 'stack-mid'];
    expect(envNames().sort()).toEqual(tasks.flatMap((t) => [t, `${t}-sparse`]).sort());
  });

  it('names the known envs when asked for an unknown one', async () => {
    await expect(makeEnv('pendulum')).rejects.toThrow(/unknown env 'pendulum'; known envs: nav2d, nav2d-sparse, car/);
  });

  it('rejects unknown and ill-typed parameters, naming them', () => {
    expect(() => resolveEnvParams('nav2d', { colour: 1 })).toThrow(/unknown key 'env.colour'/);
    expect(() => resolveEnvParams('nav2d', { image_size: 'big' })).toThrow(/env.image_size/);
    expect(() => resolveEnvParams('car', { channels: 2 })).toThrow(/channels must be one of 1, 3/);
    expect(() => resolveEnvParams('nav2d-sparse', { sparse: false })).toThrow(/env.sparse/);
  });

  it('fills defaults: nav2d 32×32×2, car 32×32 grey T = 100, reacher 64×64×3 T = 50', async () => {
    const shapes = await Promise.all(['nav2d', 'car', 'reacher'].map(async (n) => {
      const env = await makeEnv(n);
      const s = [env.spec.observation.shape, env.spec.horizon];
      env.close();
      return s;
    }));
    expect(shapes).toEqual([[[32, 32, 2], 50], [[32, 32, 1], 100], [[64, 64, 3], 50]]);
  });
});
