import { InvalidArgumentError, type Command } from 'commander';

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

/** The options every run-directory command takes: --seed, --out, --set (repeatable), --force. */
export function withRunOptions(cmd: Command, outHelp: string, setExample: string): Command {
  return cmd
    .option('--seed <n>', 'seed of the whole run', intOption('--seed'), 0)
    .option('--out <dir>', outHelp)
    .option('--set <key=value>', `override any config field, e.g. ${setExample} (repeatable)`, collect, [])
    .option('--force', 'replace a previous run directory at --out');
}
