/**
 * Config versions. Every run directory's config.json carries `config_version` (and the package
 * `version` that wrote it); a saved config is brought to the current version before it is
 * resumed, evaluated, reused by `solar compare` or used by `--pretrained-from`:
 *
 * - version 1 (no `config_version`): the settings removed in version 2 are dropped when they hold
 *   the value that did nothing, and a run that used one otherwise is refused with a line naming
 *   it. (Settings added since are absent from older configs and take their schema default,
 *   which is the behaviour from before they existed.)
 * - version 2: the current schemas.
 *
 * What changed per section is declared beside its schema (MODEL_SETTING_CHANGES,
 * AGENT_SETTING_CHANGES); checkpoint fingerprints leave those settings out at those values,
 * so a checkpoint written under version 1 still matches its migrated config.
 */
import { AGENT_SETTING_CHANGES } from '../agents/core/config-fields.js';
import { MODEL_SETTING_CHANGES } from '../model/index.js';
import type { SettingChanges } from '../util/added-settings.js';
import { isConfigObject } from './overrides.js';

/** The version new runs write. */
export const CONFIG_VERSION = 2;

/** Where a setting's removal is explained. */
const REMOVAL_NOTES = 'docs/experiments/2026-12-07-removed-settings.md';

/** One section from version 1 to 2: removed settings at their no-op value dropped, others refused. */
function migrateSection(section: Record<string, unknown>, name: string, changes: SettingChanges, where: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(section)) {
    if (k in changes.removed) {
      if (v !== changes.removed[k]) {
        throw new Error(`${where}: made with ${name}.${k} = ${JSON.stringify(v)}, a setting solar no longer has (it measured no gain: ${REMOVAL_NOTES}); use the solar version that made it (${name}.${k} = ${JSON.stringify(changes.removed[k])} did nothing and would be dropped)`);
      }
      continue;
    }
    if (changes.removedChoices[k]?.includes(v)) {
      throw new Error(`${where}: made with ${name}.${k} = ${JSON.stringify(v)}, a choice solar no longer has (it measured no gain: ${REMOVAL_NOTES}); use the solar version that made it`);
    }
    out[k] = v;
  }
  return out;
}

/**
 * A saved config.json (any command's) at the current version, without `version` and
 * `config_version`. `where` names the run directory in errors.
 */
export function migrateSavedConfig(saved: Record<string, unknown>, where: string): Record<string, unknown> {
  const { version: _package, config_version: v, ...config } = saved;
  const from = v === undefined ? 1 : v;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) throw new Error(`${where}: config_version ${JSON.stringify(v)} is not a version`);
  if (from > CONFIG_VERSION) throw new Error(`${where}: config version ${from} was written by a newer solar (this one reads up to ${CONFIG_VERSION})`);
  if (from === 1) {
    if (isConfigObject(config.agent)) config.agent = migrateSection(config.agent, 'agent', AGENT_SETTING_CHANGES, where);
    if (isConfigObject(config.model)) config.model = migrateSection(config.model, 'model', MODEL_SETTING_CHANGES, where);
  }
  return config;
}
