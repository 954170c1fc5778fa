/**
 * Settings added to a config after runs were saved: `added` maps each to the value that keeps
 * the behaviour from before it existed. A checkpoint's fingerprint leaves them out at that
 * value, so a run saved before a setting existed (its config.json parses with the setting at
 * that value) still resumes, evaluates and seeds `--pretrained-from`.
 */
export function withoutSettingsAt(c: Record<string, unknown>, added: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(c).filter(([k, v]) => !(k in added && added[k] === v)));
}
