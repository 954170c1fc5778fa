import { InvalidArgumentError, type Command } from 'commander';
import type { z } from 'zod';
import type { RunDir } from '../run/run-dir.js';
import { formatZodError } from '../util/zod.js';
import { UserError } from './io.js';
import { readSavedConfig } from '../run/saved-config.js';

export function intOption(name: string, { min }: { min?: number } = {}) {
  return (text: string): number => {
    const v = Number(text);
    if (text.trim() === '' || !Number.isInteger(v)) throw new InvalidArgumentError(`${name} must be an integer, got '${text}'`);
    if (min !== undefined && v < min) throw new InvalidArgumentError(`${name} must be at least ${min}, got ${v}`);
    return v;
  };
}

export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** The options the user typed (not commander's defaults), as their long flags (`--pretrained-from`): what --resume checks. */
export function givenOptions(cmd: Command): string[] {
  return cmd.options.filter((o) => cmd.getOptionValueSource(o.attributeName()) === 'cli').map((o) => o.long ?? o.flags);
}

/** The options every run-directory command takes: --seed, --out, --set (repeatable), --force. */
export function withRunOptions(cmd: Command, outHelp: string, setExample: string): Command {
  return cmd
    .option('--seed <n>', 'seed of the whole run', intOption('--seed'), 0)
    .option('--out <dir>', outHelp)
    .option('--set <key=value>', `override any config field, e.g. ${setExample} (repeatable)`, collect, [])
    .option('--force', 'replace a previous run directory at --out');
}

/** The config a run directory was started with, at the current config version, checked by `schema` (for --resume). */
export function savedRunConfig<T>(dir: RunDir, schema: z.ZodType<T>, kind: string, purpose = 'resume'): T {
  let migrated: Record<string, unknown>;
  try {
    migrated = readSavedConfig(dir.path('config.json'), `cannot ${purpose} '${dir.display()}'`);
  } catch (e) {
    throw new UserError((e as Error).message);
  }
  const r = schema.safeParse(migrated);
  if (!r.success) throw new UserError(`cannot ${purpose} '${dir.display()}': its config.json is not a ${kind} config:\n${formatZodError(r.error)}`);
  return r.data;
}

/** `--env-module FILE` (repeatable): a module exporting the user's own task(s); main.ts loads them before the command runs. */
export function withEnvModule(cmd: Command): Command {
  return cmd.option('--env-module <file>', "a module whose default export is your own task { name, description, params, create } (or an array of them); then --env NAME (repeatable)", collect, []);
}

/** --port, --host and --token of a server command (env-server, serve): loopback by default, a token beyond it. */
export function withListenOptions(cmd: Command, defaultPort: number, tokenHelp: string): Command {
  return cmd
    .option('--port <n>', 'port; 0 picks a free one', intOption('--port', { min: 0 }), defaultPort)
    .option('--host <address>', 'address to listen on; beyond 127.0.0.1 a --token is required', '127.0.0.1')
    .option('--token <secret>', tokenHelp);
}
