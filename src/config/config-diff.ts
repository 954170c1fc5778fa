/**
 * Comparing configs: a canonical text (equal configs, equal strings, whatever the key order)
 * and the list of fields that differ, for messages that say what is not the same.
 */

/** JSON with object keys sorted at every level: equal configs give equal strings. */
export function canonicalJson(value: unknown): string {
  const sort = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, sort((v as Record<string, unknown>)[k])]));
    return v;
  };
  return JSON.stringify(sort(value));
}

function flatten(v: unknown, prefix = '', out: Record<string, string> = {}): Record<string, string> {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    for (const [k, c] of Object.entries(v as object)) flatten(c, prefix ? `${prefix}.${k}` : k, out);
  } else out[prefix] = JSON.stringify(v);
  return out;
}

/** "agent.iterations: 3 in the run, 5 now" for every field that differs (at most `max`). */
export function configDifferences(saved: unknown, now: unknown, max = 6): string[] {
  const a = flatten(saved), b = flatten(now);
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  const diffs = keys
    .filter((k) => a[k] !== b[k])
    .map((k) => `${k}: ${a[k] ?? '(absent)'} in the run, ${b[k] ?? '(absent)'} now`);
  return diffs.length > max ? [...diffs.slice(0, max), `… and ${diffs.length - max} more`] : diffs;
}
