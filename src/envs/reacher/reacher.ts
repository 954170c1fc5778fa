/**
 * The 2-link reacher of the paper, simulated by MuJoCo (model in assets/reacher.xml).
 * Each action is held for FRAME_SKIP = 2 RK4 steps of 0.01 s; T = 50.
 * State (gym-like, 10-D): [cos q0, cos q1, sin q0, sin q1, target_x, target_y, q̇0, q̇1, d_x, d_y]
 * with d = fingertip − target; the fingertip is at
 *   p = (l0 cos q0 + l1 cos(q0 + q1), l0 sin q0 + l1 sin(q0 + q1)),  l0 = 0.1, l1 = 0.11.
 * Cost c_t = ‖d‖ + ‖u‖² ("norm", the paper's cone) or w‖d‖² + ‖u‖² ("squared", a quadratic
 * surrogate that LQR-style methods fit much better; see docs/method.md, 'Known traps').
 * Start q ~ U(−0.1, 0.1)², q̇ ~ U(−0.005, 0.005)²; target fixed (−0.1, −0.1) by default or
 * "random": uniform in the disc of radius 0.2.
 */
import { z } from 'zod';
import type { MainModule, MjData, MjModel } from 'mujoco-js';
import type { Rng } from '../../random/rng.js';
import type { Canvas } from '../../render/canvas.js';
import { commonParams, targetParam, type Target } from '../params.js';
import { paletteFor, SimEnv, type Palette, type SimTask } from '../sim-env.js';
import { REACHER_XML } from './model-xml.js';
import { modelFromXml } from './mujoco.js';

export const REACHER_LINKS = [0.1, 0.11] as const;
export const REACHER_FRAME_SKIP = 2;
const DRAW = { link: 0.012, tip: 0.014, target: 0.016, base: 0.014 };

export const reacherParams = z
  .object({
    ...commonParams({ image_size: 64, channels: 3, horizon: 50, success_distance: 0.05, allowedChannels: [1, 3] }),
    /** The target: fixed [x, y] or "random" (drawn at each reset within the arm's reach). */
    target: targetParam.default([-0.1, -0.1]),
    /** The state cost of the fingertip offset d: "norm" ‖d‖ (the paper's) or "squared" w‖d‖², each plus ‖u‖². */
    cost_form: z.enum(['norm', 'squared']).default('norm'),
    /** w in the "squared" cost w‖d‖² + ‖u‖². */
    squared_weight: z.number().positive().default(10),
  })
  .strict();
export type ReacherParams = z.infer<typeof reacherParams>;

export const PALETTE: Palette<'arm' | 'tip' | 'target' | 'base'> = {
  arm: { 1: [0.7], 3: [0, 0, 1] },
  tip: { 1: [1], 3: [0, 1, 0] },
  target: { 1: [0.4], 3: [1, 0, 0] },
  base: { 1: [0.5], 3: [0, 0, 0.5] },
};

/** Fingertip position from joint angles (the arm's forward kinematics). */
export function reacherFingertip(q0: number, q1: number): [number, number] {
  const [l0, l1] = REACHER_LINKS;
  return [l0 * Math.cos(q0) + l1 * Math.cos(q0 + q1), l0 * Math.sin(q0) + l1 * Math.sin(q0 + q1)];
}

export class ReacherTask implements SimTask {
  readonly name = 'reacher';
  readonly stateLabels = ['cos_q0', 'cos_q1', 'sin_q0', 'sin_q1', 'target_x', 'target_y', 'qdot0', 'qdot1', 'dx', 'dy'];
  readonly stateGroups = { arm: [0, 1, 2, 3], velocity: [6, 7], target: [4, 5], fingertip: [8, 9] };
  readonly actionLow = [-1, -1];
  readonly actionHigh = [1, 1];
  readonly view = { center: [0, 0] as const, halfExtent: 0.24 };
  readonly denseCost;
  private readonly g = new Float64Array(2);
  private readonly colors;
  private readonly elbowId: number;
  private readonly tipId: number;

  constructor(
    private readonly mj: MainModule,
    private readonly model: MjModel,
    private readonly data: MjData,
    private readonly params: ReacherParams,
  ) {
    this.colors = paletteFor(PALETTE, params.channels);
    this.denseCost =
      params.cost_form === 'norm'
        ? { description: '‖fingertip − target‖ + ‖u‖²', actionWeight: 1 }
        : { description: `${params.squared_weight}‖fingertip − target‖² + ‖u‖²`, actionWeight: 1 };
    const BODY = 1; // mjOBJ_BODY
    this.elbowId = mj.mj_name2id(model, BODY, 'body1');
    this.tipId = mj.mj_name2id(model, BODY, 'fingertip');
    if (this.elbowId < 0 || this.tipId < 0) throw new Error('reacher: the MJCF model lacks bodies "body1" and "fingertip"');
  }

  reset(rng: Rng): void {
    this.mj.mj_resetData(this.model, this.data);
    const qpos = this.data.qpos, qvel = this.data.qvel;
    qpos[0] = rng.uniformRange(-0.1, 0.1);
    qpos[1] = rng.uniformRange(-0.1, 0.1);
    qvel[0] = rng.uniformRange(-0.005, 0.005);
    qvel[1] = rng.uniformRange(-0.005, 0.005);
    if (this.params.target === 'random') {
      const r = 0.2 * Math.sqrt(rng.uniform()), a = 2 * Math.PI * rng.uniform();
      this.g[0] = r * Math.cos(a);
      this.g[1] = r * Math.sin(a);
    } else {
      this.g[0] = this.params.target[0];
      this.g[1] = this.params.target[1];
    }
    this.mj.mj_forward(this.model, this.data);
  }

  advance(u: Float64Array): void {
    const ctrl = this.data.ctrl;
    ctrl[0] = u[0];
    ctrl[1] = u[1];
    for (let i = 0; i < REACHER_FRAME_SKIP; i++) this.mj.mj_step(this.model, this.data);
    // mj_step leaves body positions at the pre-integration configuration; refresh them.
    this.mj.mj_kinematics(this.model, this.data);
    const q = this.data.qpos, v = this.data.qvel;
    for (let i = 0; i < 2; i++) {
      if (!Number.isFinite(q[i]) || !Number.isFinite(v[i])) throw new Error(`reacher: the simulation diverged (qpos[${i}] = ${q[i]}, qvel[${i}] = ${v[i]})`);
    }
  }

  /** Fingertip and elbow positions, as MuJoCo computed them. */
  bodies(): { elbow: [number, number]; tip: [number, number] } {
    const xp = this.data.xpos;
    return { elbow: [xp[3 * this.elbowId], xp[3 * this.elbowId + 1]], tip: [xp[3 * this.tipId], xp[3 * this.tipId + 1]] };
  }

  stateCost(): number {
    const d = this.distance();
    return this.params.cost_form === 'norm' ? d : this.params.squared_weight * d * d;
  }

  distance(): number {
    const { tip } = this.bodies();
    return Math.hypot(tip[0] - this.g[0], tip[1] - this.g[1]);
  }

  state(out: Float64Array): void {
    const q = this.data.qpos, v = this.data.qvel;
    const { tip } = this.bodies();
    out[0] = Math.cos(q[0]);
    out[1] = Math.cos(q[1]);
    out[2] = Math.sin(q[0]);
    out[3] = Math.sin(q[1]);
    out[4] = this.g[0];
    out[5] = this.g[1];
    out[6] = v[0];
    out[7] = v[1];
    out[8] = tip[0] - this.g[0];
    out[9] = tip[1] - this.g[1];
  }

  draw(canvas: Canvas): void {
    const { elbow, tip } = this.bodies();
    // link1's geom ends 0.1 from the elbow; the fingertip sits at 0.11.
    const f = 0.1 / REACHER_LINKS[1];
    canvas.disc(this.g[0], this.g[1], DRAW.target, this.colors.target);
    canvas.disc(0, 0, DRAW.base, this.colors.base);
    canvas.capsule(0, 0, elbow[0], elbow[1], DRAW.link, this.colors.arm);
    canvas.capsule(elbow[0], elbow[1], elbow[0] + f * (tip[0] - elbow[0]), elbow[1] + f * (tip[1] - elbow[1]), DRAW.link, this.colors.arm);
    canvas.disc(tip[0], tip[1], DRAW.tip, this.colors.tip);
  }

  close(): void {
    this.data.delete();
    this.model.delete();
  }
}

export async function createReacher(params: ReacherParams & { sparse?: boolean }): Promise<SimEnv> {
  const { mj, model } = await modelFromXml(REACHER_XML, 'reacher');
  const data = new mj.MjData(model);
  const task = new ReacherTask(mj, model, data, params);
  return new SimEnv(task, params, () => task.close());
}
