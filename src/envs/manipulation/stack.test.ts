import { describe, expect, it } from 'vitest';
import type { MainModule, MjModel } from 'mujoco-js';
import { Rng } from '../../random/rng.js';
import { makeEnv } from '../registry.js';
import { runEpisode, sameEpisode } from '../test-helpers.js';
import type { Env, TimeStep } from '../types.js';
import { createStackTask, STACK, STACK_GOAL, STACK_PALETTE, stackParams, type StackVariant } from './stack.js';
import { boxPixels, countColour } from './test-helpers.js';

const GEOM = 5; // mjOBJ_GEOM
const VARIANTS: StackVariant[] = ['easy', 'mid', 'lift'];
const clip = (v: number) => Math.max(-1, Math.min(1, v));
const toward = (s: Float64Array, x: number, z: number) => [clip(10 * (x - s[0])), clip(10 * (z - s[1]))];

/** Straight at the goal (a P-controller on the block's offset). */
const straight = (s: Float64Array) => toward(s, STACK_GOAL[0], STACK_GOAL[1]);
/** Lift until the block's bottom is 2 cm above the wall, cross at that height until the fingers are past the wall, then straight. */
function liftFirst(s: Float64Array): number[] {
  const clear = STACK.wall.height + STACK.half + 0.02;
  const past = STACK.wall.x + STACK.wall.half + STACK.finger.dx + STACK.finger.hx + 0.01;
  if (s[0] < STACK.wall.x && s[1] < clear - 0.005) return toward(s, s[0], clear);
  if (s[0] < past) return toward(s, STACK_GOAL[0], clear);
  return straight(s);
}

async function episode(env: Env, seed: number, policy: (s: Float64Array) => number[]): Promise<TimeStep[]> {
  const out = [await env.reset(seed)];
  for (let t = 0; t < env.spec.horizon; t++) out.push(await env.step(policy(out[out.length - 1].state)));
  return out;
}

describe('stack (MuJoCo)', () => {
  it('puts the goal pose on top of the lower block as compiled: (0, 0.075), and stack-lift\'s wall between start and goal', async () => {
    const { env, task } = await createStackTask('lift', stackParams.parse({ render: false }));
    const { mj, model } = task as unknown as { mj: MainModule; model: MjModel };
    const base = mj.mj_name2id(model, GEOM, 'base_block'), block = mj.mj_name2id(model, GEOM, 'block'), wall = mj.mj_name2id(model, GEOM, 'wall');
    // Goal centre height = lower block top + held block half size.
    expect(model.geom_pos[3 * base]).toBe(0);
    expect(STACK_GOAL).toEqual([0, model.geom_pos[3 * base + 2] + model.geom_size[3 * base + 2] + model.geom_size[3 * block + 2]]);
    expect(STACK_GOAL[1]).toBeCloseTo(0.075, 15);
    // The wall's right face is left of the lower block, its left face right of every start (with the fingers).
    const wallLeft = model.geom_pos[3 * wall] - model.geom_size[3 * wall], wallRight = model.geom_pos[3 * wall] + model.geom_size[3 * wall];
    expect(wallRight).toBeLessThan(-STACK.half);
    expect(STACK.start.lift.x1 + STACK.finger.dx + STACK.finger.hx).toBeLessThan(wallLeft);
    expect(2 * model.geom_size[3 * wall + 2]).toBeCloseTo(0.12, 15);
    env.close();
  });

  it('the goal pose is where the block comes to rest when lowered onto the lower block', async () => {
    const { env, task } = await createStackTask('easy', stackParams.parse({ render: false }));
    await env.reset(0);
    task.place(0, 0.15);
    let ts = await env.step([0, -1]);
    for (let t = 0; t < 20; t++) ts = await env.step([0, -1]);
    expect(Math.abs(ts.state[0])).toBeLessThan(1e-9);
    // Pressed down at full force, it sinks less than 0.1 mm into the lower block.
    expect(Math.abs(ts.state[1] - STACK_GOAL[1])).toBeLessThan(1e-4);
    expect(Math.abs(ts.state[3])).toBeLessThan(1e-3);
    env.close();
  });

  it('succeeds exactly when the block centre is within 0.015 of the goal pose (sparse cost 0 there, else 1)', async () => {
    const { env, task } = await createStackTask('mid', { ...stackParams.parse({ render: false }), sparse: true });
    expect(env.spec.successDistance).toBe(0.015);
    expect(env.spec.name).toBe('stack-mid-sparse');
    const cases: [number, number, boolean][] = [[0, 0.0149, true], [0, 0.0151, false], [0.0149, 0, true], [-0.0151, 0, false], [0.01, 0.0111, true], [0.01, 0.0113, false], [0, 0, true]];
    for (const [dx, dz, inside] of cases) {
      await env.reset(0);
      task.place(STACK_GOAL[0] + dx, STACK_GOAL[1] + dz);
      const ts = await env.step([0, 0]);
      expect(ts.state[0]).toBe(STACK_GOAL[0] + dx);
      expect(ts.state[1]).toBe(STACK_GOAL[1] + dz);
      expect(ts.info.distance).toBeCloseTo(Math.hypot(dx, dz), 12);
      expect(ts.info.success, `offset (${dx}, ${dz})`).toBe(inside);
      expect((await env.step([0, 0])).cost).toBe(inside ? 0 : 1);
    }
    env.close();
  });

  it('starts each variant at rest in its own region, differently per seed', async () => {
    const regions = { easy: [[-0.015, 0.015], [0.14, 0.2]], mid: [[-0.17, -0.11], [0.1, 0.18]], lift: [[-0.2, -0.16], [0.025, 0.025]] };
    for (const v of VARIANTS) {
      const env = await makeEnv(`stack-${v}`, { render: false });
      const [[x0, x1], [z0, z1]] = regions[v];
      const xs = new Set<number>();
      for (let seed = 0; seed < 30; seed++) {
        const s = (await env.reset(seed)).state;
        expect(s[0]).toBeGreaterThanOrEqual(x0);
        expect(s[0]).toBeLessThanOrEqual(x1);
        expect(s[1]).toBeGreaterThanOrEqual(z0);
        expect(s[1]).toBeLessThanOrEqual(z1);
        expect([s[2], s[3]]).toEqual([0, 0]);
        expect([s[4], s[5]]).toEqual([s[0] - STACK_GOAL[0], s[1] - STACK_GOAL[1]]);
        xs.add(s[0]);
      }
      expect(xs.size).toBe(30);
      env.close();
    }
  });

  it('stack-lift starts on the table (resting: zero action keeps it there)', async () => {
    const env = await makeEnv('stack-lift', { render: false });
    const ts0 = await env.reset(4);
    let ts = ts0;
    for (let t = 0; t < 10; t++) ts = await env.step([0, 0]);
    expect(Math.abs(ts.state[1] - STACK.half)).toBeLessThan(1e-6);
    expect(Math.abs(ts.state[0] - ts0.state[0])).toBeLessThan(1e-9);
    env.close();
  });

  it('is bit-identical for the same seed, images included', async () => {
    for (const v of VARIANTS) {
      const env = await makeEnv(`stack-${v}`);
      const act = (t: number) => [Math.sin(0.3 * t), Math.cos(0.2 * t)];
      expect(sameEpisode(await runEpisode(env, 9, act), await runEpisode(env, 9, act))).toBe(true);
      env.close();
    }
  });

  it('costs ‖block − goal‖ + 1e-3‖u‖² ("norm") or w‖·‖² + 1e-3‖u‖² ("squared") of the pre-step state, with the clipped action', async () => {
    for (const form of ['norm', 'squared'] as const) {
      const env = await makeEnv('stack-mid', { render: false, cost_form: form, squared_weight: 7 });
      const s = (await env.reset(3)).state;
      const d = Math.hypot(s[0], s[1] - 0.075);
      const ts = await env.step([2, 0.5]); // clipped to [1, 0.5]
      expect(ts.cost).toBeCloseTo((form === 'norm' ? d : 7 * d * d) + 1e-3 * 1.25, 12);
      env.close();
    }
  });

  it('stack-lift: moving straight at the goal is stopped by the wall; lifting first stacks the block within T', async () => {
    const env = await makeEnv('stack-lift', { render: false });
    const wallLeft = STACK.wall.x - STACK.wall.half;
    for (let seed = 0; seed < 10; seed++) {
      const blocked = await episode(env, seed, straight);
      // The fingers never get past the wall's left face (but for the ~1 mm a soft contact yields
      // under full force), and the block stays far from the goal.
      for (const ts of blocked) expect(ts.state[0] + STACK.finger.dx + STACK.finger.hx).toBeLessThanOrEqual(wallLeft + 2e-3);
      expect(blocked.some((ts) => ts.info.success)).toBe(false);
      expect(blocked[blocked.length - 1].info.distance).toBeGreaterThan(0.1);
      const lifted = await episode(env, seed, liftFirst);
      expect(lifted[lifted.length - 1].info.success, `seed ${seed}: final distance ${lifted[lifted.length - 1].info.distance}`).toBe(true);
    }
    env.close();
  });

  it('stack-easy and stack-mid: a P-controller straight at the goal stacks the block within T', async () => {
    for (const v of ['easy', 'mid']) {
      const env = await makeEnv(`stack-${v}`, { render: false });
      for (let seed = 0; seed < 10; seed++) {
        const steps = await episode(env, seed, straight);
        expect(steps[steps.length - 1].info.success, `${v} seed ${seed}`).toBe(true);
        // It stays out of the lower block all the way (never deeper than 0.1 mm).
        for (const ts of steps) if (Math.abs(ts.state[0]) < 2 * STACK.half) expect(ts.state[1]).toBeGreaterThan(STACK_GOAL[1] - 1e-4);
      }
      expect((await episode(env, 0, () => [0, 0]))[50].info.success).toBe(false);
      env.close();
    }
  });

  it('keeps the block above the table, out of the lower block and the wall, under random full-scale actions', async () => {
    // MuJoCo's soft contacts and joint limits yield a few mm under full-speed impacts.
    const slack = 3e-3, h = STACK.half, w = STACK.wall;
    for (const v of VARIANTS) {
      const env = await makeEnv(`stack-${v}`, { render: false });
      const rng = new Rng(3);
      for (let seed = 0; seed < 10; seed++) {
        let ts = await env.reset(seed);
        for (let k = 0; k < env.spec.horizon; k++) {
          ts = await env.step([2 * rng.normal(), 2 * rng.normal()]);
          const [x, z] = ts.state;
          expect(z - h).toBeGreaterThan(-slack);
          // Overlapping the lower block sideways, it is above it.
          if (Math.abs(x) < 2 * h - slack) expect(z - h).toBeGreaterThan(2 * h - slack);
          // Overlapping the wall sideways (fingers included), it is above it.
          const reach = STACK.finger.dx + STACK.finger.hx;
          if (v === 'lift' && Math.abs(x - w.x) < reach + w.half - slack) expect(z + STACK.finger.dz - STACK.finger.hz).toBeGreaterThan(w.height - slack);
        }
      }
      env.close();
    }
  });

  it('draws table, lower block, held block, gripper and wall (stack-lift), each in its own colour, where they are', async () => {
    const { env, task } = await createStackTask('lift', stackParams.parse({}));
    await env.reset(0);
    // Edges off the pixel grid, so that full coverage is not decided by rounding.
    const [x, z] = [-0.18, 0.203];
    task.place(x, z);
    const ts = await env.step([0, 0]);
    const S = 64, v = task.view, h = STACK.half, f = STACK.finger, p = STACK.palm, w = STACK.wall;
    const count = (k: keyof typeof STACK_PALETTE) => countColour(ts.observation, 3, STACK_PALETTE[k][3]!);
    const expected = {
      base: boxPixels(S, v, 0, h, h, h),
      block: boxPixels(S, v, x, z, h, h),
      wall: boxPixels(S, v, w.x, w.height / 2, w.half, w.height / 2),
      gripper: boxPixels(S, v, x, z + p.dz, p.hx, p.hz) + boxPixels(S, v, x - f.dx, z + f.dz, f.hx, f.hz) + boxPixels(S, v, x + f.dx, z + f.dz, f.hx, f.hz),
    };
    expect({ base: count('base'), block: count('block'), wall: count('wall'), gripper: count('gripper') }).toEqual(expected);
    expect(Object.values(expected).every((n) => n >= 6)).toBe(true);
    // The table: a strip along the bottom of the frame, below z = 0, across the whole width.
    const row = Math.floor((v.center[1] + v.halfExtent - -0.01) * (S / (2 * v.halfExtent)));
    expect(countColour(ts.observation.subarray(row * S * 3, (row + 1) * S * 3), 3, STACK_PALETTE.table[3]!)).toBe(S);
    env.close();
  });

  it('draws no wall in stack-easy and stack-mid', async () => {
    for (const v of ['easy', 'mid']) {
      const env = await makeEnv(`stack-${v}`);
      const ts = await env.reset(0);
      expect(countColour(ts.observation, 3, STACK_PALETTE.wall[3]!)).toBe(0);
      expect(countColour(ts.observation, 3, STACK_PALETTE.block[3]!)).toBeGreaterThan(10);
      env.close();
    }
  });
});
