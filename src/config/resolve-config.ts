/**
 * Resolving a command's config: the command's defaults, the task's parameter defaults
 * (from the env registry), then `--set` overrides; validated by the command's strict schema
 * and the task's, with every problem named by its dotted path.
 */
import type { z } from 'zod';
import { resolveEnvParams } from '../envs/registry.js';
import { formatZodError } from '../util/zod.js';
import { applyOverrides, parseAssignment, parseValue, type ConfigObject } from './overrides.js';

export interface ResolveInput {
  /** The command's defaults, with `env: { name }` among them. */
  defaults: ConfigObject & { env: { name: string } };
  /** Raw `--set key=value` arguments, applied in order after the defaults. */
  sets: readonly string[];
}

export function resolveConfig<S extends z.ZodType>(schema: S, input: ResolveInput): z.infer<S> {
  // The task decides which env.* keys exist, so settle env.name before the other overrides.
  let envName = input.defaults.env.name;
  for (const arg of input.sets) {
    const { path, raw } = parseAssignment(arg);
    if (path.length === 2 && path[0] === 'env' && path[1] === 'name') envName = String(parseValue(raw));
  }
  const { name: _defaultName, ...envDefaults } = input.defaults.env;
  const withEnv = { ...input.defaults, env: { name: envName, ...resolveEnvParams(envName, envDefaults) } };
  const merged = applyOverrides(withEnv, input.sets) as ConfigObject & { env: ConfigObject };
  const { name, ...params } = merged.env;
  merged.env = { name, ...resolveEnvParams(String(name), params) };
  const result = schema.safeParse(merged);
  if (!result.success) throw new Error(`invalid config:\n${formatZodError(result.error)}`);
  return result.data;
}
