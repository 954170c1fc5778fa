import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { makeEnv } from '../registry.js';
import { centroid, projector, runEpisode, sameEpisode } from '../test-helpers.js';
import { REACHER_XML } from './model-xml.js';

/** Fingertip from joint angles, written from the arm's geometry (links 0.1 and 0.11). */
function fk(q0: number, q1: number): [number, number] {
  return [0.1 * Math.cos(q0) + 0.11 * Math.cos(q0 + q1), 0.1 * Math.sin(q0) + 0.11 * Math.sin(q0 + q1)];
}
const angles = (s: Float64Array) => [Math.atan2(s[2], s[0]), Math.atan2(s[3], s[1])];

describe('reacher (MuJoCo)', () => {
  it('embeds the current assets/reacher.xml', () => {
    expect(REACHER_XML).toBe(readFileSync(new URL('../../../assets/reacher.xml', import.meta.url), 'utf8'));
  });

  it('puts the fingertip where the forward kinematics of its joint angles says, along a whole episode', async () => {
    const env = await makeEnv('reacher', { render: false });
    const steps = await runEpisode(env, 3, (t) => [Math.sin(0.2 * t), 0.8 * Math.cos(0.13 * t)]);
    for (const ts of steps) {
      const [q0, q1] = angles(ts.state);
      const [fx, fy] = fk(q0, q1);
      expect(ts.state[8] + ts.state[4]).toBeCloseTo(fx, 9);
      expect(ts.state[9] + ts.state[5]).toBeCloseTo(fy, 9);
      expect(ts.info.distance).toBeCloseTo(Math.hypot(ts.state[8], ts.state[9]), 12);
    }
    // It moved: the torques did something.
    expect(Math.abs(angles(steps[50].state)[0] - angles(steps[0].state)[0])).toBeGreaterThan(0.1);
    env.close();
  });

  it('starts with joints in U(−0.1, 0.1), 0.33 from the default target (−0.1, −0.1)', async () => {
    const env = await makeEnv('reacher', { render: false });
    for (let seed = 0; seed < 10; seed++) {
      const ts = await env.reset(seed);
      const [q0, q1] = angles(ts.state);
      expect(Math.abs(q0)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(q1)).toBeLessThanOrEqual(0.1);
      expect([ts.state[4], ts.state[5]]).toEqual([-0.1, -0.1]);
      expect(ts.info.distance).toBeGreaterThan(0.3);
      expect(ts.info.distance).toBeLessThan(0.34);
    }
    env.close();
  });

  it('stays still with zero torque from rest (gravity is along the hinge axes) and accelerates q0 with +torque', async () => {
    const env = await makeEnv('reacher', { render: false });
    const ts0 = await env.reset(0);
    let ts = ts0;
    for (let t = 0; t < 5; t++) ts = await env.step([1, 0]);
    expect(ts.state[6]).toBeGreaterThan(ts0.state[6] + 0.1);
    env.close();
  });

  it('costs ‖d‖ + ‖u‖² ("norm") or w‖d‖² + ‖u‖² ("squared") of the pre-step state', async () => {
    for (const form of ['norm', 'squared'] as const) {
      const env = await makeEnv('reacher', { render: false, cost_form: form, squared_weight: 7 });
      const ts0 = await env.reset(1);
      const d = ts0.info.distance;
      const ts1 = await env.step([0.5, -2]); // clipped to [0.5, −1]
      const expected = (form === 'norm' ? d : 7 * d * d) + 0.25 + 1;
      expect(ts1.cost).toBeCloseTo(expected, 12);
      env.close();
    }
  });

  it('draws the fingertip and the target within 0.5 px of their projections', async () => {
    const env = await makeEnv('reacher');
    const project = projector(64, [0, 0], 0.24);
    let ts = await env.reset(2);
    for (let t = 0; t < 8; t++) ts = await env.step([0.6, -0.4]);
    const [q0, q1] = angles(ts.state);
    const [tx, ty] = project(...fk(q0, q1));
    const [cx, cy] = centroid(ts, env, 1);
    expect(Math.hypot(cx - tx, cy - ty)).toBeLessThan(0.5);
    const [gx, gy] = project(-0.1, -0.1);
    const [rx, ry] = centroid(ts, env, 0);
    expect(Math.hypot(rx - gx, ry - gy)).toBeLessThan(0.5);
    env.close();
  });

  it('is bit-identical for the same seed', async () => {
    const env = await makeEnv('reacher');
    const act = (t: number) => [Math.sin(t), Math.cos(t)];
    const a = await runEpisode(env, 11, act);
    const b = await runEpisode(env, 11, act);
    expect(sameEpisode(a, b)).toBe(true);
    env.close();
  });

  it('draws a random target inside the reachable disc when target = "random"', async () => {
    const env = await makeEnv('reacher', { render: false, target: 'random' });
    const targets = new Set<string>();
    for (let seed = 0; seed < 20; seed++) {
      const ts = await env.reset(seed);
      expect(Math.hypot(ts.state[4], ts.state[5])).toBeLessThanOrEqual(0.2);
      targets.add(`${ts.state[4]},${ts.state[5]}`);
    }
    expect(targets.size).toBe(20);
    env.close();
  });

  it('the sparse variant reports success only at the target', async () => {
    const env = await makeEnv('reacher-sparse', { render: false, target: [0.21, 0], success_distance: 0.05 });
    const ts0 = await env.reset(0);
    // Joints start near 0, so the fingertip starts near (0.21, 0): at the target.
    expect(ts0.info.success).toBe(true);
    const ts1 = await env.step([0, 0]);
    expect(ts1.cost).toBe(0);
    let ts = ts1;
    for (let t = 0; t < 20; t++) ts = await env.step([1, 1]);
    expect(ts.info.distance).toBeGreaterThan(0.05);
    expect(ts.info.success).toBe(false);
    expect((await env.step([1, 1])).cost).toBe(1);
    env.close();
  });
});
