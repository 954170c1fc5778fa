/**
 * Mug pushing (the paper's real-robot task, simulated by MuJoCo): a Cartesian pusher, a small
 * cylinder on two slide joints driven by velocity actuators, pushes a mug-like cylinder onto a
 * coaster, a flat disc fixed on the table. Seen from above.
 *
 * The scene is planar on purpose: the mug slides on x, y and turns about z (no tipping), and
 * its friction with the table is the joints' Coulomb friction (frictionloss), so the mug stops
 * soon after the pusher leaves it. World x, y are the joints' positions (bodies at the origin).
 * Each action u ∈ [−1, 1]² commands the pusher velocity PUSH.speed·u (m/s) for
 * PUSH.frameSkip steps of PUSH.timestep s (0.04 s per action); T = 50.
 * State (10-D): [pusher x, y, mug x, y, pusher ẋ, ẏ, mug ẋ, ẏ, d_x, d_y], d = mug − coaster.
 * Cost c_t = ‖d‖ + w_u‖u‖² ("norm") or w‖d‖² + w_u‖u‖² ("squared"), w_u = 1e-3.
 * Success: the mug centre within the coaster's radius (success_distance defaults to it).
 * Start: pusher at PUSH.pusherStart, mug uniform in PUSH.mugStart, both at rest.
 */
import { z } from 'zod';
import type { MainModule, MjData, MjModel } from 'mujoco-js';
import type { Rng } from '../../random/rng.js';
import type { Canvas } from '../../render/canvas.js';
import { commonParams } from '../params.js';
import { modelFromXml } from '../reacher/mujoco.js';
import { paletteFor, SimEnv, type Palette, type SimTask } from '../sim-env.js';

/** Every dimension of the scene, in metres (the MJCF below is written from these). */
export const PUSH = {
  timestep: 0.005,
  frameSkip: 8,
  /** Pusher speed (m/s) at |u| = 1. */
  speed: 0.5,
  pusherRadius: 0.02,
  mugRadius: 0.035,
  coaster: { x: 0.12, y: 0, radius: 0.05 },
  /** The table top the pusher and the mug stay on (their joint ranges keep their centres inside). */
  table: { x0: -0.28, x1: 0.22, y0: -0.25, y1: 0.25 },
  pusherStart: [-0.22, 0] as const,
  /** The mug's start region: x ∈ [x0, x1], y ∈ [y0, y1]. */
  mugStart: { x0: -0.1, x1: -0.02, y0: -0.08, y1: 0.08 },
  actionWeight: 1e-3,
} as const;

const T = PUSH.table;
/** The planar push scene; see the file comment for why the mug has joint friction and no table contact. */
export const PUSH_XML = `<mujoco model="solar-push">
  <compiler angle="radian" inertiafromgeom="true"/>
  <option timestep="${PUSH.timestep}" integrator="implicitfast"/>
  <default>
    <geom contype="1" conaffinity="1" friction="0.3 0.005 0.0001"/>
    <!-- Table edges (joint limits) twice as stiff as MuJoCo's default: the pusher driven into one at full speed overshoots < 3 mm instead of ~4. -->
    <joint solreflimit="0.01 1"/>
  </default>
  <worldbody>
    <geom name="table" type="box" pos="${(T.x0 + T.x1) / 2} ${(T.y0 + T.y1) / 2} -0.01" size="${(T.x1 - T.x0) / 2} ${(T.y1 - T.y0) / 2} 0.01" contype="0" conaffinity="0"/>
    <geom name="coaster" type="cylinder" pos="${PUSH.coaster.x} ${PUSH.coaster.y} 0.002" size="${PUSH.coaster.radius} 0.002" contype="0" conaffinity="0"/>
    <body name="pusher" pos="0 0 0.03">
      <joint name="pusher_x" type="slide" axis="1 0 0" limited="true" range="${T.x0 + PUSH.pusherRadius} ${T.x1 - PUSH.pusherRadius}"/>
      <joint name="pusher_y" type="slide" axis="0 1 0" limited="true" range="${T.y0 + PUSH.pusherRadius} ${T.y1 - PUSH.pusherRadius}"/>
      <geom name="pusher" type="cylinder" size="${PUSH.pusherRadius} 0.03" mass="0.5"/>
    </body>
    <body name="mug" pos="0 0 0.05">
      <joint name="mug_x" type="slide" axis="1 0 0" frictionloss="1" damping="0.5" limited="true" range="${T.x0 + PUSH.mugRadius} ${T.x1 - PUSH.mugRadius}"/>
      <joint name="mug_y" type="slide" axis="0 1 0" frictionloss="1" damping="0.5" limited="true" range="${T.y0 + PUSH.mugRadius} ${T.y1 - PUSH.mugRadius}"/>
      <joint name="mug_yaw" type="hinge" axis="0 0 1" frictionloss="0.002" damping="0.001"/>
      <geom name="mug" type="cylinder" size="${PUSH.mugRadius} 0.05" mass="0.3"/>
    </body>
  </worldbody>
  <actuator>
    <velocity joint="pusher_x" kv="40" ctrllimited="true" ctrlrange="-${PUSH.speed} ${PUSH.speed}"/>
    <velocity joint="pusher_y" kv="40" ctrllimited="true" ctrlrange="-${PUSH.speed} ${PUSH.speed}"/>
  </actuator>
</mujoco>
`;

export const pushParams = z
  .object({
    ...commonParams({ image_size: 64, channels: 3, horizon: 50, success_distance: PUSH.coaster.radius, allowedChannels: [1, 3] }),
    /** The state cost of the mug's offset d from the coaster: "norm" ‖d‖ or "squared" w‖d‖², each plus 1e-3‖u‖². */
    cost_form: z.enum(['norm', 'squared']).default('norm'),
    /** w in the "squared" cost w‖d‖² + 1e-3‖u‖². */
    squared_weight: z.number().positive().default(10),
  })
  .strict();
export type PushParams = z.infer<typeof pushParams>;

export const PUSH_PALETTE: Palette<'table' | 'coaster' | 'mug' | 'pusher'> = {
  table: { 1: [0.2], 3: [0.3, 0.3, 0.3] },
  coaster: { 1: [0.45], 3: [1, 0, 0] },
  mug: { 1: [1], 3: [0, 1, 0] },
  pusher: { 1: [0.7], 3: [0, 0, 1] },
};

/** qpos/qvel indices of the joints, in MJCF order. */
const PX = 0, PY = 1, MX = 2, MY = 3;

export class PushTask implements SimTask {
  readonly name = 'push';
  readonly stateLabels = ['pusher_x', 'pusher_y', 'mug_x', 'mug_y', 'pusher_vx', 'pusher_vy', 'mug_vx', 'mug_vy', 'dx', 'dy'];
  readonly stateGroups = { pusher: [0, 1], mug: [2, 3], velocity: [4, 5, 6, 7], offset: [8, 9] };
  readonly actionLow = [-1, -1];
  readonly actionHigh = [1, 1];
  /** Top view of the table with a small black margin. */
  readonly view = { center: [(T.x0 + T.x1) / 2, (T.y0 + T.y1) / 2] as const, halfExtent: 0.26 };
  readonly denseCost;
  private readonly colors;

  constructor(
    private readonly mj: MainModule,
    private readonly model: MjModel,
    private readonly data: MjData,
    private readonly params: PushParams,
  ) {
    this.colors = paletteFor(PUSH_PALETTE, params.channels);
    this.denseCost = {
      description: params.cost_form === 'norm' ? '‖mug − coaster‖ + 1e-3‖u‖²' : `${params.squared_weight}‖mug − coaster‖² + 1e-3‖u‖²`,
      actionWeight: PUSH.actionWeight,
    };
    if (model.nq !== 5 || model.nu !== 2) throw new Error(`push: the MJCF model has nq = ${model.nq}, nu = ${model.nu}; expected 5 and 2`);
  }

  reset(rng: Rng): void {
    this.mj.mj_resetData(this.model, this.data);
    const q = this.data.qpos, m = PUSH.mugStart;
    q[PX] = PUSH.pusherStart[0];
    q[PY] = PUSH.pusherStart[1];
    q[MX] = rng.uniformRange(m.x0, m.x1);
    q[MY] = rng.uniformRange(m.y0, m.y1);
    this.mj.mj_forward(this.model, this.data);
  }

  /** Places pusher and mug at rest (tests, scripted demos); `reset` draws them instead. */
  place(pusher: readonly [number, number], mug: readonly [number, number]): void {
    this.mj.mj_resetData(this.model, this.data);
    const q = this.data.qpos;
    [q[PX], q[PY], q[MX], q[MY]] = [pusher[0], pusher[1], mug[0], mug[1]];
    this.mj.mj_forward(this.model, this.data);
  }

  advance(u: Float64Array): void {
    const ctrl = this.data.ctrl;
    ctrl[0] = PUSH.speed * u[0];
    ctrl[1] = PUSH.speed * u[1];
    for (let i = 0; i < PUSH.frameSkip; i++) this.mj.mj_step(this.model, this.data);
    const q = this.data.qpos, v = this.data.qvel;
    for (let i = 0; i < 4; i++) {
      if (!Number.isFinite(q[i]) || !Number.isFinite(v[i])) throw new Error(`push: the simulation diverged (qpos[${i}] = ${q[i]}, qvel[${i}] = ${v[i]})`);
    }
  }

  stateCost(): number {
    const d = this.distance();
    return this.params.cost_form === 'norm' ? d : this.params.squared_weight * d * d;
  }

  distance(): number {
    const q = this.data.qpos;
    return Math.hypot(q[MX] - PUSH.coaster.x, q[MY] - PUSH.coaster.y);
  }

  state(out: Float64Array): void {
    const q = this.data.qpos, v = this.data.qvel;
    out[0] = q[PX];
    out[1] = q[PY];
    out[2] = q[MX];
    out[3] = q[MY];
    out[4] = v[PX];
    out[5] = v[PY];
    out[6] = v[MX];
    out[7] = v[MY];
    out[8] = q[MX] - PUSH.coaster.x;
    out[9] = q[MY] - PUSH.coaster.y;
  }

  drawBackground(canvas: Canvas): void {
    canvas.convexPolygon([T.x0, T.y0, T.x1, T.y0, T.x1, T.y1, T.x0, T.y1], this.colors.table);
    canvas.disc(PUSH.coaster.x, PUSH.coaster.y, PUSH.coaster.radius, this.colors.coaster);
  }

  draw(canvas: Canvas): void {
    const q = this.data.qpos;
    canvas.disc(q[MX], q[MY], PUSH.mugRadius, this.colors.mug);
    canvas.disc(q[PX], q[PY], PUSH.pusherRadius, this.colors.pusher);
  }

  close(): void {
    this.data.delete();
    this.model.delete();
  }
}

/** The task and its env; tests use the task to place objects by hand. */
export async function createPushTask(params: PushParams & { sparse?: boolean }): Promise<{ env: SimEnv; task: PushTask }> {
  const { mj, model } = await modelFromXml(PUSH_XML, 'push');
  const task = new PushTask(mj, model, new mj.MjData(model), params);
  return { env: new SimEnv(task, params, () => task.close()), task };
}

export async function createPush(params: PushParams & { sparse?: boolean }): Promise<SimEnv> {
  return (await createPushTask(params)).env;
}
