import { describe, expect, it } from 'vitest';
import { makeEnv } from './registry.js';
import { centroid, projector } from './test-helpers.js';

/** The car's equations, written independently of the implementation. */
function carStep(s: number[], a: number[]): number[] {
  const c = (v: number, l: number) => Math.max(-l, Math.min(l, v));
  const [x, y, th, v, phi] = s;
  const a0 = c(a[0], 1), a1 = c(a[1], 1);
  return [c(x + 0.1 * v * Math.cos(th), 2.3), c(y + 0.1 * v * Math.sin(th), 2.3), th + 0.1 * v * Math.tan(phi), c(v + 0.1 * a0, 1), c(phi + 0.1 * a1, Math.PI / 4)];
}

describe('car', () => {
  it('follows the Euler equations of the nonholonomic car exactly, with the limits', async () => {
    const env = await makeEnv('car', { render: false });
    let ts = await env.reset(5);
    let s = Array.from(ts.state);
    expect(s[0]).toBeCloseTo(1.5, 0);
    expect(s[1]).toBeCloseTo(-1.5, 0);
    expect(s[2]).toBeCloseTo(Math.PI / 2, 0);
    for (let t = 0; t < 60; t++) {
      const a = [1.5 * Math.sin(0.3 * t) + 0.5, 2 * Math.cos(0.1 * t)];
      const expected = carStep(s, a);
      ts = await env.step(a);
      for (let i = 0; i < 5; i++) expect(ts.state[i]).toBeCloseTo(expected[i], 12);
      s = Array.from(ts.state);
    }
    expect(Math.abs(s[4])).toBeLessThanOrEqual(Math.PI / 4);
    expect(Math.abs(s[3])).toBeLessThanOrEqual(1);
  });

  it('costs ‖(x, y) − (−2, 2)‖² + 1e-3‖a‖² of the pre-step state', async () => {
    const env = await makeEnv('car', { render: false });
    const ts0 = await env.reset(2);
    const [x, y] = ts0.state;
    const ts1 = await env.step([0.5, -0.25]);
    expect(ts1.cost).toBeCloseTo((x + 2) ** 2 + (y - 2) ** 2 + 1e-3 * (0.25 + 0.0625), 12);
  });

  it('draws the nose ahead of the body along θ and the target, each within 0.5 px of its projection', async () => {
    const env = await makeEnv('car', { channels: 3, image_size: 64 });
    const project = projector(64, [0, 0], 2.5);
    let ts = await env.reset(7);
    for (let t = 0; t < 40; t++) ts = await env.step([1, t < 20 ? 1 : -1]);
    const [x, y, th] = ts.state;
    const [nx, ny] = project(x + 0.3 * Math.cos(th), y + 0.3 * Math.sin(th));
    const [cx, cy] = centroid(ts, env, 1);
    expect(Math.hypot(cx - nx, cy - ny)).toBeLessThan(0.5);
    const [gx, gy] = project(-2, 2);
    const [rx, ry] = centroid(ts, env, 0);
    expect(Math.hypot(rx - gx, ry - gy)).toBeLessThan(0.5);
  });

  it('shows the heading in the default grey 32×32 image: the brightest pixels (nose) lie ahead of the body', async () => {
    const env = await makeEnv('car');
    const ts = await env.reset(1);
    expect(env.spec.observation.shape).toEqual([32, 32, 1]);
    const bright = (obs: Float32Array) => {
      let m = 0, mx = 0, my = 0;
      for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) { const v = obs[i * 32 + j] >= 0.95 ? 1 : 0; m += v; mx += v * j; my += v * i; }
      return [mx / m, my / m];
    };
    const body = (obs: Float32Array) => {
      let m = 0, mx = 0, my = 0;
      for (let i = 0; i < 32; i++) for (let j = 0; j < 32; j++) { const v = obs[i * 32 + j] > 0.5 ? 1 : 0; m += v; mx += v * j; my += v * i; }
      return [mx / m, my / m];
    };
    // The car starts heading up (θ ≈ π/2): the brightest pixels (the nose) are above the body's centre.
    const [, noseRow] = bright(ts.observation);
    const [, bodyRow] = body(ts.observation);
    expect(noseRow).toBeLessThan(bodyRow);
  });
});
