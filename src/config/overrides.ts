/**
 * `--set key=value` overrides on a nested config object. A key must name a field that exists
 * in the resolved config (its dotted path), so a typo is an error rather than silently ignored.
 * Values: JSON when they parse as JSON (numbers, true/false, [..], "..."), a comma-separated
 * list of numbers as a number array ("-0.1,-0.1"), otherwise the raw string.
 */

export type ConfigObject = { [key: string]: unknown };

/** Whether `v` is a config section (a plain object, not an array or null). */
export function isConfigObject(v: unknown): v is ConfigObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const parts = text.split(',');
    if (parts.length > 1 && parts.every((p) => p.trim() !== '' && Number.isFinite(Number(p)))) return parts.map(Number);
    return text;
  }
}

/** Splits "a.b=value" into its path and raw value; errors name the malformed argument. */
export function parseAssignment(arg: string): { path: string[]; raw: string } {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new Error(`--set expects key=value, got '${arg}'`);
  const key = arg.slice(0, eq).trim();
  const path = key.split('.');
  if (path.some((p) => p === '')) throw new Error(`--set: malformed key '${key}'`);
  return { path, raw: arg.slice(eq + 1) };
}

/** Every settable dotted path of a config (leaves and arrays), sorted. */
export function configKeys(config: ConfigObject, prefix = ''): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(config)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (isConfigObject(v)) out.push(...configKeys(v, key));
    else out.push(key);
  }
  return out.sort();
}

/** Returns a copy of `config` with the assignments applied; unknown keys are errors listing the known ones. */
export function applyOverrides(config: ConfigObject, assignments: readonly string[]): ConfigObject {
  const out = structuredClone(config);
  for (const arg of assignments) {
    const { path, raw } = parseAssignment(arg);
    let node: ConfigObject = out;
    for (let i = 0; i < path.length; i++) {
      const k = path[i];
      const isLeaf = i === path.length - 1;
      const child = Object.prototype.hasOwnProperty.call(node, k) ? node[k] : undefined;
      const isGroup = child !== null && typeof child === 'object' && !Array.isArray(child);
      if (child === undefined || (isLeaf && isGroup) || (!isLeaf && !isGroup)) {
        const key = path.join('.');
        const known = configKeys(config);
        throw new Error(`unknown config key '${key}'${isLeaf && isGroup ? ' (it is a group; set one of its fields)' : ''}; known keys: ${known.join(', ')}`);
      }
      if (isLeaf) node[k] = parseValue(raw);
      else node = child as ConfigObject;
    }
  }
  return out;
}
