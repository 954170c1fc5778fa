import { InvalidArgumentError } from 'commander';

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
