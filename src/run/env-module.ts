/**
 * `--env-module FILE`: a user's own task for every command. The module's default export (or
 * its export `tasks`) is a task definition `{ name, description, params, create }` or an
 * array of them (envs/registry.ts, TaskDefinition); they are registered before the command
 * runs, in this thread and in every worker a command starts.
 *
 *   // my-task.mjs
 *   import { z } from 'solar-rl';
 *   export default { name: 'my-arm', description: '…', params: z.object({ … }), create: (p) => new MyArm(p) };
 *
 *   npx solar train --env-module ./my-task.mjs --env my-arm
 */
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registerEnv, type TaskDefinition } from '../envs/registry.js';

/** Module files already registered in this thread (a command may name one twice; a worker inherits the list). */
const loaded = new Map<string, string[]>();

/** Absolute paths of `files`, each checked to exist (one line per problem). */
export function resolveEnvModules(files: readonly string[]): string[] {
  return files.map((f) => {
    const abs = resolve(f);
    if (!existsSync(abs)) throw new Error(`--env-module '${f}': no such file`);
    if (!statSync(abs).isFile()) throw new Error(`--env-module '${f}': not a file`);
    return abs;
  });
}

/** Imports each module and registers its tasks; returns the names registered per module. */
export async function loadEnvModules(files: readonly string[]): Promise<string[]> {
  const names: string[] = [];
  for (const abs of resolveEnvModules(files)) {
    const seen = loaded.get(abs);
    if (seen) {
      names.push(...seen);
      continue;
    }
    let mod: Record<string, unknown>;
    try {
      mod = (await import(pathToFileURL(abs).href)) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`--env-module '${abs}' could not be loaded: ${e instanceof Error ? e.message : String(e)}`);
    }
    const exported = mod.default ?? mod.tasks;
    if (exported === undefined) throw new Error(`--env-module '${abs}' exports no task: export default { name, description, params, create } (or an array of them, or export const tasks = [...])`);
    const tasks = (Array.isArray(exported) ? exported : [exported]) as TaskDefinition[];
    if (tasks.length === 0) throw new Error(`--env-module '${abs}' exports an empty list of tasks`);
    const mine: string[] = [];
    for (const t of tasks) {
      try {
        mine.push(registerEnv(t).name);
      } catch (e) {
        throw new Error(`--env-module '${abs}': ${e instanceof Error ? e.message.replace(/^registerEnv: /, '') : String(e)}`);
      }
    }
    loaded.set(abs, mine);
    names.push(...mine);
  }
  return names;
}
