/**
 * How a config section's settings changed since runs were first saved (config versions:
 * config/migrations.ts). `added`: settings that came later, each at the value that keeps the
 * behaviour from before it existed; `removed`: settings taken out (each measured no gain), at
 * the value that did nothing; `removedChoices`: values a setting no longer accepts.
 */
export interface SettingChanges {
  readonly added: Readonly<Record<string, unknown>>;
  readonly removed: Readonly<Record<string, unknown>>;
  readonly removedChoices: Readonly<Record<string, readonly unknown[]>>;
}

/**
 * `c` without the settings in `at` that hold the value given there. A checkpoint's
 * fingerprint leaves out the added and removed settings at their SettingChanges values, so a
 * run saved before a setting came (or went) still resumes, evaluates and seeds `--pretrained-from`.
 */
export function withoutSettingsAt(c: Record<string, unknown>, at: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([k, v]) => !(k in at && at[k] === v)));
}

/** `c` without the changed settings at their SettingChanges values (what fingerprints and config comparisons see). */
export function withoutChangedSettings(c: Record<string, unknown>, changes: SettingChanges): Record<string, unknown> {
  return withoutSettingsAt(c, { ...changes.added, ...changes.removed });
}
