import { describe, expect, it } from 'vitest';
import { envNames, makeEnv, resolveEnvParams } from './registry.js';
import { SimEnv, type SimTask } from './sim-env.js';
import type { Canvas } from '../render/canvas.js';

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

describe('SimEnv background', () => {
  /** A dot moving over a fixed square and ring; `split` puts them in drawBackground, else in draw. */
  function dotTask(split: boolean): SimTask {
    const pos = [0, 0];
    const fixed = (c: Canvas) => {
      c.convexPolygon([-0.9, -0.9, 0.9, -0.9, 0.9, 0.9, -0.9, 0.9], [0.2, 0.3]);
      c.ring(0.3, -0.2, 0.25, 0.05, [0.9, 0.1]);
    };
    return {
      name: 'dot', stateLabels: ['x', 'y'], stateGroups: {}, actionLow: [-1, -1], actionHigh: [1, 1],
      view: { center: [0, 0], halfExtent: 1 }, denseCost: { description: '‖s‖²', actionWeight: 0 },
      reset: (rng) => { pos[0] = rng.uniformRange(-0.5, 0.5); pos[1] = rng.uniformRange(-0.5, 0.5); },
      advance: (u) => { pos[0] += 0.1 * u[0]; pos[1] += 0.1 * u[1]; },
      stateCost: () => pos[0] ** 2 + pos[1] ** 2, distance: () => Math.hypot(pos[0], pos[1]),
      state: (out) => { out[0] = pos[0]; out[1] = pos[1]; },
      draw: (c) => { if (!split) fixed(c); c.disc(pos[0], pos[1], 0.2, [1, 0.5]); },
      ...(split ? { drawBackground: fixed } : {}),
    };
  }

  it('gives every frame exactly as drawing the background each time would', () => {
    const opts = { image_size: 24, channels: 2, render: true, horizon: 8, success_distance: 0.05 };
    const [a, b] = [new SimEnv(dotTask(true), opts), new SimEnv(dotTask(false), opts)];
    for (let seed = 0; seed < 3; seed++) {
      let [ta, tb] = [a.reset(seed), b.reset(seed)];
      for (let t = 0; t < opts.horizon; t++) {
        expect(ta.observation).toEqual(tb.observation);
        [ta, tb] = [a.step([0.7, -0.4]), b.step([0.7, -0.4])];
      }
      expect(ta.observation).toEqual(tb.observation);
    }
    // Not vacuous: the background shows, and the dot moves over it.
    expect(a.reset(0).observation.some((v, i) => i % 2 === 1 && Math.abs(v - 0.3) < 1e-6)).toBe(true);
  });
});
