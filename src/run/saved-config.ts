/**
 * The one reader of a run directory's saved config.json: parsed and brought to the current config
 * version (src/config/migrations.ts). Resume, `solar eval`, `solar compare`'s reuse and
 * `--pretrained-from` all read a saved config through it, so they refuse the same things with
 * the same words.
 */
import { readFileSync } from 'node:fs';
import { migrateSavedConfig } from '../config/migrations.js';
import { isConfigObject } from '../config/overrides.js';

/**
 * `file`'s config at the current version, without `version` and `config_version` (not yet
 * validated by a schema: callers parse it with the one they need). `where` starts every error,
 * e.g. "cannot resume 'runs/x'".
 */
export function readSavedConfig(file: string, where: string): Record<string, unknown> {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new Error(`${where}: no readable config.json (${(e as Error).message})`);
  }
  if (!isConfigObject(raw)) throw new Error(`${where}: its config.json is not a JSON object`);
  return migrateSavedConfig(raw, where);
}
