/**
 * Tasks by name. Each task `NAME` also has a sparse-reward variant `NAME-sparse` whose only
 * learning signal is success (c_t = 0 within `success_distance` of the goal, else 1), as in
 * the paper's mug pushing where a person presses a key on success.
 */
import { z } from 'zod';
import { formatZodError } from '../util/zod.js';
import { carParams, createCar } from './car.js';
import { createNav2d, nav2dParams } from './nav2d.js';
import { createReacher, reacherParams } from './reacher/reacher.js';
import { createPush, pushParams } from './manipulation/push.js';
import { createStack, stackParams } from './manipulation/stack.js';
import { checkedEnv } from './checked-env.js';
import type { Env } from './types.js';

export interface EnvEntry {
  readonly name: string;
  readonly description: string;
  /** Strict schema of the task's parameters, with their defaults. */
  readonly params: z.ZodObject;
  create(params: Record<string, unknown>): Env | Promise<Env>;
}

interface BaseTask {
  name: string;
  description: string;
  params: z.ZodObject;
  create(params: never): Env | Promise<Env>;
}

const BASE: BaseTask[] = [
  { name: 'nav2d', description: 'point mass, linear dynamics, quadratic cost (the sanity check)', params: nav2dParams, create: createNav2d },
  { name: 'car', description: 'nonholonomic car driving to a target', params: carParams, create: createCar },
  { name: 'reacher', description: '2-link arm simulated by MuJoCo reaching a target', params: reacherParams, create: createReacher },
  { name: 'push', description: 'MuJoCo pusher pushing a mug onto a coaster (top view)', params: pushParams, create: createPush },
  { name: 'stack-easy', description: 'MuJoCo gripper setting a held block on another, starting above it (side view)', params: stackParams, create: createStack('easy') },
  { name: 'stack-mid', description: 'MuJoCo gripper setting a held block on another, starting offset sideways (side view)', params: stackParams, create: createStack('mid') },
  { name: 'stack-lift', description: 'MuJoCo gripper lifting a block over a wall onto another (side view)', params: stackParams, create: createStack('lift') },
];

const REGISTRY = new Map<string, EnvEntry>();
for (const base of BASE) {
  for (const sparse of [false, true]) {
    const name = sparse ? `${base.name}-sparse` : base.name;
    const params = base.params.extend({ sparse: z.literal(sparse).default(sparse) }).strict();
    REGISTRY.set(name, {
      name,
      description: sparse ? `${base.description}; sparse: success signal only` : base.description,
      params,
      create: (p) => (base.create as (p: unknown) => Env | Promise<Env>)(p),
    });
  }
}

/**
 * A task a user brings (their own simulator or robot), as a module's default export for
 * `--env-module`, or given to `registerEnv`: its name, a line of description, the strict zod
 * schema of its parameters with their defaults (build it with the `z` solar-rl exports), and
 * `create`, which gets the parsed parameters. Every method passes `render` (false when it needs
 * no images); a schema without `render` gets one, which `create` may ignore.
 */
export interface TaskDefinition {
  readonly name: string;
  readonly description?: string;
  readonly params?: z.ZodObject;
  create(params: Record<string, unknown>): Env | Promise<Env>;
}

const TASK_NAME = /^[a-z][a-z0-9_-]*$/;
/** A task served over a WebSocket is named by its URL (docs/remote-env.md). */
const REMOTE_NAME = /^wss?:\/\/\S+$/;
/** Makes the task of a URL name on first use; src/remote installs it (Node-side, so this file stays browser-safe). */
let remoteTaskMaker: ((url: string) => TaskDefinition) | null = null;

export function setRemoteTaskMaker(make: ((url: string) => TaskDefinition) | null): void {
  remoteTaskMaker = make;
}

/** Adds a task to the registry, so `makeEnv`, configs and every command know it; returns its entry. */
export function registerEnv(task: TaskDefinition): EnvEntry {
  const where = `task '${String((task as { name?: unknown })?.name)}'`;
  if (typeof task !== 'object' || task === null) throw new Error('registerEnv: a task is an object with name, description, params and create');
  if (typeof task.name !== 'string' || !(TASK_NAME.test(task.name) || REMOTE_NAME.test(task.name))) throw new Error(`registerEnv: a task name is lower-case letters, digits, '-' and '_', starting with a letter (or a ws:// URL); got ${JSON.stringify(task.name)}`);
  if (typeof task.create !== 'function') throw new Error(`registerEnv: ${where} has no create(params) function`);
  if (REGISTRY.has(task.name)) throw new Error(`registerEnv: ${where} is already registered (${REGISTRY.get(task.name)!.description})`);
  let params = task.params ?? z.object({});
  if (!(params instanceof z.ZodObject)) throw new Error(`registerEnv: ${where}: params must be a zod object schema (z.object({...})) made with the z that solar-rl exports`);
  if (!('render' in params.shape)) params = params.extend({ render: z.boolean().default(true) });
  const entry: EnvEntry = { name: task.name, description: task.description ?? 'a task registered by the user', params: params.strict(), create: async (p) => checkedEnv(await task.create(p), task.name) };
  REGISTRY.set(task.name, entry);
  return entry;
}

export function envNames(): string[] {
  return [...REGISTRY.keys()];
}

export function listEnvs(): EnvEntry[] {
  return [...REGISTRY.values()];
}

export function envEntry(name: string): EnvEntry {
  const entry = REGISTRY.get(name) ?? (remoteTaskMaker && REMOTE_NAME.test(name) ? registerEnv(remoteTaskMaker(name)) : undefined);
  if (!entry) throw new Error(`unknown env '${name}'; known envs: ${envNames().join(', ')} (a task of your own: registerEnv, or --env-module FILE on the command line)`);
  return entry;
}

/** The task's full parameters: its defaults overridden by `overrides`; unknown keys are errors. */
export function resolveEnvParams(name: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const result = envEntry(name).params.safeParse(overrides);
  if (!result.success) throw new Error(`invalid parameters for env '${name}':\n${formatZodError(result.error, 'env')}`);
  return result.data as Record<string, unknown>;
}

export async function makeEnv(name: string, overrides: Record<string, unknown> = {}): Promise<Env> {
  const params = resolveEnvParams(name, overrides);
  return envEntry(name).create(params);
}
