import { describe, expect, it } from 'vitest';
import { Rng } from '../../random/rng.js';
import { makeEnv } from '../registry.js';
import { runEpisode, sameEpisode } from '../test-helpers.js';
import type { Env, TimeStep } from '../types.js';
import { createPushTask, PUSH, PUSH_PALETTE, pushParams } from './push.js';
import { countColour, discPixels, boxPixels } from './test-helpers.js';

const GEOM = 5; // mjOBJ_GEOM

/** A scripted pusher: go behind the mug (on the far side from the coaster), then push it there. */
function scripted(s: Float64Array): number[] {
  const [px, py, mx, my] = s;
  const gx = PUSH.coaster.x - mx, gy = PUSH.coaster.y - my, gn = Math.hypot(gx, gy);
  const dx = gx / gn, dy = gy / gn;
  const along = (px - mx) * dx + (py - my) * dy, lat = -(px - mx) * dy + (py - my) * dx;
  const contact = PUSH.mugRadius + PUSH.pusherRadius;
  const back = along < -0.04 ? contact + 0.001 : contact + 0.025;
  const push = along < -0.045 && Math.abs(lat) < 0.015 ? Math.min(1, 6 * gn) : 0;
  return [12 * (mx - back * dx - px) + push * dx, 12 * (my - back * dy - py) + push * dy];
}

async function finalStep(env: Env, seed: number, policy: (s: Float64Array) => number[]): Promise<TimeStep> {
  let ts = await env.reset(seed);
  for (let t = 0; t < env.spec.horizon; t++) ts = await env.step(policy(ts.state));
  return ts;
}

describe('push (MuJoCo)', () => {
  it('compiles the coaster at (0.12, 0) with radius 0.05 = the default success distance, and the mug and pusher sizes', async () => {
    const { env, task } = await createPushTask(pushParams.parse({ render: false }));
    const { mj, model } = task as unknown as { mj: import('mujoco-js').MainModule; model: import('mujoco-js').MjModel };
    const coaster = mj.mj_name2id(model, GEOM, 'coaster'), mug = mj.mj_name2id(model, GEOM, 'mug'), pusher = mj.mj_name2id(model, GEOM, 'pusher');
    expect([model.geom_pos[3 * coaster], model.geom_pos[3 * coaster + 1], model.geom_size[3 * coaster]]).toEqual([0.12, 0, 0.05]);
    expect(model.geom_size[3 * mug]).toBe(0.035);
    expect(model.geom_size[3 * pusher]).toBe(0.02);
    expect(env.spec.successDistance).toBe(0.05);
    expect(env.spec.cost.description).toBe('‖mug − coaster‖ + 1e-3‖u‖²');
    env.close();
  });

  it('starts the pusher at (−0.22, 0) and the mug at rest, uniform in [−0.1, −0.02] × [−0.08, 0.08], different per seed', async () => {
    const env = await makeEnv('push', { render: false });
    const starts = new Set<string>();
    let lowX = 1, highX = -1, lowY = 1, highY = -1;
    for (let seed = 0; seed < 40; seed++) {
      const s = (await env.reset(seed)).state;
      expect([s[0], s[1]]).toEqual([-0.22, 0]);
      expect(Array.from(s.subarray(4, 8))).toEqual([0, 0, 0, 0]);
      expect(s[2]).toBeGreaterThanOrEqual(-0.1);
      expect(s[2]).toBeLessThanOrEqual(-0.02);
      expect(Math.abs(s[3])).toBeLessThanOrEqual(0.08);
      expect([s[8], s[9]]).toEqual([s[2] - 0.12, s[3]]);
      [lowX, highX, lowY, highY] = [Math.min(lowX, s[2]), Math.max(highX, s[2]), Math.min(lowY, s[3]), Math.max(highY, s[3])];
      starts.add(`${s[2]},${s[3]}`);
    }
    expect(starts.size).toBe(40);
    // The draws fill the region (40 uniform draws leave no more than ~15% of a side empty).
    expect([lowX < -0.088, highX > -0.032, lowY < -0.056, highY > 0.056]).toEqual([true, true, true, true]);
    env.close();
  });

  it('is bit-identical for the same seed, images included', async () => {
    const env = await makeEnv('push');
    const act = (t: number) => [Math.sin(0.3 * t), Math.cos(0.2 * t)];
    expect(sameEpisode(await runEpisode(env, 5, act), await runEpisode(env, 5, act))).toBe(true);
    env.close();
  });

  it('succeeds exactly when the mug centre is within the coaster radius (sparse cost 0 there, else 1)', async () => {
    const { env, task } = await createPushTask({ ...pushParams.parse({ render: false }), sparse: true });
    for (const [angle, r, inside] of [[0.3, 0.0499, true], [0.3, 0.0501, false], [2.5, 0.0499, true], [2.5, 0.0501, false], [0, 0, true]] as const) {
      await env.reset(0);
      const mug = [PUSH.coaster.x + r * Math.cos(angle), PUSH.coaster.y + r * Math.sin(angle)] as const;
      task.place([-0.22, 0.2], mug);
      const ts = await env.step([0, 0]);
      // At rest and untouched, the mug stays put (its joint friction holds it).
      expect(Math.hypot(ts.state[2] - mug[0], ts.state[3] - mug[1])).toBeLessThan(1e-9);
      expect(ts.info.distance).toBeCloseTo(r, 9);
      expect(ts.info.success).toBe(inside);
      expect((await env.step([0, 0])).cost).toBe(inside ? 0 : 1);
    }
    env.close();
  });

  it('costs ‖mug − coaster‖ + 1e-3‖u‖² ("norm") or w‖·‖² + 1e-3‖u‖² ("squared") of the pre-step state, with the clipped action', async () => {
    for (const form of ['norm', 'squared'] as const) {
      const env = await makeEnv('push', { render: false, cost_form: form, squared_weight: 7 });
      const s = (await env.reset(3)).state;
      const d = Math.hypot(s[2] - 0.12, s[3]);
      const ts = await env.step([0.5, -3]); // clipped to [0.5, −1]
      expect(ts.cost).toBeCloseTo((form === 'norm' ? d : 7 * d * d) + 1e-3 * 1.25, 12);
      env.close();
    }
  });

  it('moves the pusher at 0.5·u m/s, and the mug only when pushed', async () => {
    const { env, task } = await createPushTask(pushParams.parse({ render: false }));
    let ts = await env.reset(1);
    const mug0 = [ts.state[2], ts.state[3]];
    for (let t = 0; t < 5; t++) ts = await env.step([0, 1]);
    expect(ts.state[5]).toBeCloseTo(0.5, 2);
    expect([ts.state[2], ts.state[3]]).toEqual(mug0);
    // Pushed from its left, along its row: it moves right, ahead of the pusher (contact, no passing through).
    task.place([mug0[0] - 0.1, mug0[1]], [mug0[0], mug0[1]]);
    for (let t = 0; t < 15; t++) ts = await env.step([1, 0]);
    expect(ts.state[2]).toBeGreaterThan(mug0[0] + 0.1);
    expect(Math.abs(ts.state[3] - mug0[1])).toBeLessThan(0.01);
    expect(ts.state[2] - ts.state[0]).toBeGreaterThan(PUSH.mugRadius + PUSH.pusherRadius - 0.005);
    env.close();
  });

  it('a scripted push (behind the mug, then toward the coaster) ends on the coaster for every seed', async () => {
    const env = await makeEnv('push', { render: false });
    for (let seed = 0; seed < 10; seed++) {
      const ts = await finalStep(env, seed, scripted);
      expect(ts.info.success, `seed ${seed}: final distance ${ts.info.distance}`).toBe(true);
    }
    // Doing nothing fails: the mug starts ≥ 0.14 from the coaster.
    expect((await finalStep(env, 0, () => [0, 0])).info.success).toBe(false);
    env.close();
  });

  it('keeps pusher and mug on the table, apart, under random full-scale actions', async () => {
    const env = await makeEnv('push', { render: false });
    // MuJoCo's soft contacts and joint limits yield a few mm under full-speed impacts.
    const rng = new Rng(7), t = PUSH.table, slack = 3e-3;
    for (let seed = 0; seed < 20; seed++) {
      let ts = await env.reset(seed);
      for (let k = 0; k < env.spec.horizon; k++) {
        ts = await env.step([2 * rng.normal(), 2 * rng.normal()]);
        const s = ts.state;
        for (const [x, y, r] of [[s[0], s[1], PUSH.pusherRadius], [s[2], s[3], PUSH.mugRadius]]) {
          expect(x - r).toBeGreaterThan(t.x0 - slack);
          expect(x + r).toBeLessThan(t.x1 + slack);
          expect(y - r).toBeGreaterThan(t.y0 - slack);
          expect(y + r).toBeLessThan(t.y1 + slack);
        }
        expect(Math.hypot(s[2] - s[0], s[3] - s[1])).toBeGreaterThan(PUSH.mugRadius + PUSH.pusherRadius - slack);
      }
    }
    env.close();
  });

  it('renders one channel with a grey level per object', async () => {
    const { env, task } = await createPushTask(pushParams.parse({ channels: 1 }));
    await env.reset(0);
    task.place([-0.2, 0.15], [-0.05, -0.1]);
    const ts = await env.step([0, 0]);
    expect(env.spec.observation.shape).toEqual([64, 64, 1]);
    for (const k of ['table', 'coaster', 'mug', 'pusher'] as const) expect(countColour(ts.observation, 1, PUSH_PALETTE[k][1]!), k).toBeGreaterThan(8);
    env.close();
  });

  it('draws table, coaster, mug and pusher, each in its own colour, covering the pixels their projections cover', async () => {
    const { env, task } = await createPushTask(pushParams.parse({}));
    await env.reset(0);
    task.place([-0.2, 0.15], [-0.05, -0.1]);
    const ts = await env.step([0, 0]);
    const C = 3, S = 64, v = task.view;
    const count = (k: keyof typeof PUSH_PALETTE) => countColour(ts.observation, C, PUSH_PALETTE[k][3]!);
    const coaster = discPixels(S, v, 0.12, 0, 0.05), mug = discPixels(S, v, -0.05, -0.1, 0.035), pusher = discPixels(S, v, -0.2, 0.15, 0.02);
    expect(count('coaster')).toBe(coaster);
    expect(count('mug')).toBe(mug);
    expect(count('pusher')).toBe(pusher);
    const t = PUSH.table;
    // The table shows wherever nothing stands on it: its own full pixels minus the three objects' (and their rims).
    expect(count('table')).toBeGreaterThan(boxPixels(S, v, (t.x0 + t.x1) / 2, 0, (t.x1 - t.x0) / 2, (t.y1 - t.y0) / 2) - 2 * (coaster + mug + pusher));
    expect([coaster, mug, pusher].every((n) => n >= 8)).toBe(true);
    env.close();
  });
});
