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

export function envNames(): string[] {
  return [...REGISTRY.keys()];
}

export function listEnvs(): EnvEntry[] {
  return [...REGISTRY.values()];
}

export function envEntry(name: string): EnvEntry {
  const entry = REGISTRY.get(name);
  if (!entry) throw new Error(`unknown env '${name}'; known envs: ${envNames().join(', ')}`);
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
