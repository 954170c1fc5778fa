/**
 * Block stacking (after the paper's Sawyer stacking tasks, simulated by MuJoCo): a gripper
 * holding a block must set it on top of a second block fixed on the table. Seen from the side
 * (the x–z plane), as the tasks only move in it.
 *
 * Kept simple and robust: the gripper and the block it holds are one body (palm, two fingers
 * and the block), moved on slide joints x and z by velocity actuators; the lower block, the
 * table and stack-lift's wall are fixed world geoms the held block and fingers collide with.
 * Gravity is off because nothing in the scene falls: the gripper's controller holds its height,
 * the rest is fixed. World x, z of the block centre are the joints' positions.
 * Each action u ∈ [−1, 1]² commands the velocity STACK.speed·u (m/s) for STACK.frameSkip steps
 * of STACK.timestep s (0.04 s per action); T = 50.
 *
 * Variants (start of the block centre, uniform in a box, at rest):
 *   stack-easy: held above the lower block;
 *   stack-mid:  held beside it, higher than its top, offset sideways;
 *   stack-lift: on the table behind a wall taller than the lower block, so it must be lifted
 *               over the wall before it can move across.
 * Goal: the block centre at STACK_GOAL = (lower block x, lower block top + block half size),
 * the block resting squarely on the lower one. distance = ‖block − goal‖ (x, z); success:
 * distance ≤ success_distance (default 0.015 m: the block overlaps the lower one by ≥ 70% of
 * its width and its bottom is at most 1.5 cm above the lower block's top).
 * State (6-D): [block x, z, ẋ, ż, d_x, d_z], d = block − goal.
 * Cost c_t = ‖d‖ + 1e-3‖u‖² ("norm") or w‖d‖² + 1e-3‖u‖² ("squared").
 */
import { z } from 'zod';
import type { MainModule, MjData, MjModel } from 'mujoco-js';
import type { Rng } from '../../random/rng.js';
import type { Canvas } from '../../render/canvas.js';
import { commonParams } from '../params.js';
import { modelFromXml } from '../reacher/mujoco.js';
import { paletteFor, SimEnv, type Palette, type SimTask } from '../sim-env.js';

export type StackVariant = 'easy' | 'mid' | 'lift';

/** Every dimension of the scene, in metres (the MJCF below is written from these). */
export const STACK = {
  timestep: 0.005,
  frameSkip: 8,
  /** Gripper speed (m/s) at |u| = 1. */
  speed: 0.5,
  /** Half the side of both (cubic) blocks. */
  half: 0.025,
  /** The lower block's centre x (it stands on the table, z = 0). */
  baseX: 0,
  /** stack-lift's wall: centre x, half thickness, height. */
  wall: { x: -0.1, half: 0.01, height: 0.12 },
  /** Fingers: centre offset from the block centre, half sizes (x, z); the palm sits on top. */
  finger: { dx: 0.035, dz: 0.0125, hx: 0.008, hz: 0.0175 },
  palm: { dz: 0.04, hx: 0.043, hz: 0.01 },
  /** Joint ranges of the block centre. */
  range: { x0: -0.22, x1: 0.12, z0: 0, z1: 0.3 },
  /** Start boxes of the block centre per variant: x ∈ [x0, x1], z ∈ [z0, z1]. */
  start: {
    easy: { x0: -0.015, x1: 0.015, z0: 0.14, z1: 0.2 },
    mid: { x0: -0.17, x1: -0.11, z0: 0.1, z1: 0.18 },
    lift: { x0: -0.2, x1: -0.16, z0: 0.025, z1: 0.025 },
  },
  actionWeight: 1e-3,
} as const;

/** Where the held block's centre rests when stacked. */
export const STACK_GOAL: readonly [number, number] = [STACK.baseX, 2 * STACK.half + STACK.half];

export function stackXml(variant: StackVariant): string {
  const h = STACK.half, f = STACK.finger, p = STACK.palm, w = STACK.wall, r = STACK.range;
  const wall = variant === 'lift' ? `\n    <geom name="wall" type="box" pos="${w.x} 0 ${w.height / 2}" size="${w.half} 0.04 ${w.height / 2}"/>` : '';
  return `<mujoco model="solar-stack-${variant}">
  <compiler angle="radian" inertiafromgeom="true"/>
  <option timestep="${STACK.timestep}" integrator="implicitfast" gravity="0 0 0"/>
  <default>
    <!-- Contacts twice as stiff as MuJoCo's default (time constant 2 timesteps): the block pressed down on the lower block sinks < 0.1 mm, the fingers hitting the wall at full speed 1-2 mm. -->
    <geom contype="1" conaffinity="1" friction="0.5 0.005 0.0001" solref="0.01 1"/>
  </default>
  <worldbody>
    <geom name="table" type="plane" size="0.4 0.1 0.01"/>
    <geom name="base_block" type="box" pos="${STACK.baseX} 0 ${h}" size="${h} ${h} ${h}"/>${wall}
    <body name="gripper" pos="0 0 0">
      <joint name="gripper_x" type="slide" axis="1 0 0" limited="true" range="${r.x0} ${r.x1}"/>
      <joint name="gripper_z" type="slide" axis="0 0 1" limited="true" range="${r.z0} ${r.z1}"/>
      <geom name="block" type="box" size="${h} ${h} ${h}" mass="0.2"/>
      <geom name="palm" type="box" pos="0 0 ${p.dz}" size="${p.hx} 0.02 ${p.hz}" mass="0.2"/>
      <geom name="finger_l" type="box" pos="${-f.dx} 0 ${f.dz}" size="${f.hx} 0.015 ${f.hz}" mass="0.05"/>
      <geom name="finger_r" type="box" pos="${f.dx} 0 ${f.dz}" size="${f.hx} 0.015 ${f.hz}" mass="0.05"/>
    </body>
  </worldbody>
  <actuator>
    <velocity joint="gripper_x" kv="20" ctrllimited="true" ctrlrange="-${STACK.speed} ${STACK.speed}" forcelimited="true" forcerange="-5 5"/>
    <velocity joint="gripper_z" kv="20" ctrllimited="true" ctrlrange="-${STACK.speed} ${STACK.speed}" forcelimited="true" forcerange="-5 5"/>
  </actuator>
</mujoco>
`;
}

export const stackParams = z
  .object({
    ...commonParams({ image_size: 64, channels: 3, horizon: 50, success_distance: 0.015, allowedChannels: [1, 3] }),
    /** The state cost of the block's offset d from its stacked pose: "norm" ‖d‖ or "squared" w‖d‖², each plus 1e-3‖u‖². */
    cost_form: z.enum(['norm', 'squared']).default('norm'),
    /** w in the "squared" cost w‖d‖² + 1e-3‖u‖². */
    squared_weight: z.number().positive().default(10),
  })
  .strict();
export type StackParams = z.infer<typeof stackParams>;

export const STACK_PALETTE: Palette<'table' | 'base' | 'block' | 'gripper' | 'wall'> = {
  table: { 1: [0.2], 3: [0.3, 0.3, 0.3] },
  base: { 1: [0.45], 3: [1, 0, 0] },
  block: { 1: [1], 3: [0, 1, 0] },
  gripper: { 1: [0.7], 3: [0, 0, 1] },
  wall: { 1: [0.55], 3: [1, 1, 0] },
};

const box = (x: number, z: number, hx: number, hz: number) => [x - hx, z - hz, x + hx, z - hz, x + hx, z + hz, x - hx, z + hz];

export class StackTask implements SimTask {
  readonly name: string;
  readonly stateLabels = ['block_x', 'block_z', 'block_vx', 'block_vz', 'dx', 'dz'];
  readonly stateGroups = { block: [0, 1], velocity: [2, 3], offset: [4, 5] };
  readonly actionLow = [-1, -1];
  readonly actionHigh = [1, 1];
  /** Side view: world (x, z) drawn as the canvas's (x, y); the table top is near the bottom. */
  readonly view = { center: [-0.05, 0.17] as const, halfExtent: 0.22 };
  readonly denseCost;
  private readonly colors;

  constructor(
    readonly variant: StackVariant,
    private readonly mj: MainModule,
    private readonly model: MjModel,
    private readonly data: MjData,
    private readonly params: StackParams,
  ) {
    this.name = `stack-${variant}`;
    this.colors = paletteFor(STACK_PALETTE, params.channels);
    this.denseCost = {
      description: params.cost_form === 'norm' ? '‖block − goal‖ + 1e-3‖u‖²' : `${params.squared_weight}‖block − goal‖² + 1e-3‖u‖²`,
      actionWeight: STACK.actionWeight,
    };
    if (model.nq !== 2 || model.nu !== 2) throw new Error(`${this.name}: the MJCF model has nq = ${model.nq}, nu = ${model.nu}; expected 2 and 2`);
  }

  reset(rng: Rng): void {
    const s = STACK.start[this.variant];
    this.place(rng.uniformRange(s.x0, s.x1), s.z0 === s.z1 ? s.z0 : rng.uniformRange(s.z0, s.z1));
  }

  /** Puts the block centre at (x, z), at rest (tests, scripted demos); `reset` draws it instead. */
  place(x: number, z: number): void {
    this.mj.mj_resetData(this.model, this.data);
    this.data.qpos[0] = x;
    this.data.qpos[1] = z;
    this.mj.mj_forward(this.model, this.data);
  }

  advance(u: Float64Array): void {
    const ctrl = this.data.ctrl;
    ctrl[0] = STACK.speed * u[0];
    ctrl[1] = STACK.speed * u[1];
    for (let i = 0; i < STACK.frameSkip; i++) this.mj.mj_step(this.model, this.data);
    const q = this.data.qpos, v = this.data.qvel;
    for (let i = 0; i < 2; i++) {
      if (!Number.isFinite(q[i]) || !Number.isFinite(v[i])) throw new Error(`${this.name}: the simulation diverged (qpos[${i}] = ${q[i]}, qvel[${i}] = ${v[i]})`);
    }
  }

  stateCost(): number {
    const d = this.distance();
    return this.params.cost_form === 'norm' ? d : this.params.squared_weight * d * d;
  }

  distance(): number {
    const q = this.data.qpos;
    return Math.hypot(q[0] - STACK_GOAL[0], q[1] - STACK_GOAL[1]);
  }

  state(out: Float64Array): void {
    const q = this.data.qpos, v = this.data.qvel;
    out[0] = q[0];
    out[1] = q[1];
    out[2] = v[0];
    out[3] = v[1];
    out[4] = q[0] - STACK_GOAL[0];
    out[5] = q[1] - STACK_GOAL[1];
  }

  drawBackground(canvas: Canvas): void {
    const h = STACK.half, w = STACK.wall;
    canvas.convexPolygon(box(-0.05, -0.03, 0.3, 0.03), this.colors.table);
    canvas.convexPolygon(box(STACK.baseX, h, h, h), this.colors.base);
    if (this.variant === 'lift') canvas.convexPolygon(box(w.x, w.height / 2, w.half, w.height / 2), this.colors.wall);
  }

  draw(canvas: Canvas): void {
    const x = this.data.qpos[0], z = this.data.qpos[1];
    const h = STACK.half, f = STACK.finger, p = STACK.palm;
    canvas.convexPolygon(box(x, z, h, h), this.colors.block);
    canvas.convexPolygon(box(x, z + p.dz, p.hx, p.hz), this.colors.gripper);
    canvas.convexPolygon(box(x - f.dx, z + f.dz, f.hx, f.hz), this.colors.gripper);
    canvas.convexPolygon(box(x + f.dx, z + f.dz, f.hx, f.hz), this.colors.gripper);
  }

  close(): void {
    this.data.delete();
    this.model.delete();
  }
}

/** The task and its env; tests use the task to place the block by hand. */
export async function createStackTask(variant: StackVariant, params: StackParams & { sparse?: boolean }): Promise<{ env: SimEnv; task: StackTask }> {
  const { mj, model } = await modelFromXml(stackXml(variant), `stack-${variant}`);
  const task = new StackTask(variant, mj, model, new mj.MjData(model), params);
  return { env: new SimEnv(task, params, () => task.close()), task };
}

export function createStack(variant: StackVariant) {
  return async (params: StackParams & { sparse?: boolean }): Promise<SimEnv> => (await createStackTask(variant, params)).env;
}
