/**
 * The only place that reads `conexus.*` settings. Each key maps to one field of the
 * shared Settings shape and is validated with `parseSettings`: a bad field falls back
 * to its default and is named once in a warning. In an untrusted workspace the
 * restricted keys are not read at all, so the worker gets the shipped defaults.
 * Only types come from `vscode`, so this module is unit-tested without VS Code.
 */
import type { Settings } from '../protocol/settings';
import { parseSettings } from '../protocol/settings';

/** The setting key (under `conexus.`) for each Settings field. */
export const SETTING_KEYS = {
  include: 'index.include',
  exclude: 'index.exclude',
  maxFileBytes: 'index.maxFileBytes',
  model: 'embedding.model',
  allowModelDownload: 'embedding.allowDownload',
  defaultMode: 'search.defaultMode',
  defaultK: 'search.defaultK',
  indexOnStartup: 'index.onStartup',
  watch: 'index.watch',
} as const satisfies Record<keyof Settings, string>;

/**
 * Keys VS Code must not take from an untrusted workspace; mirrored in package.json's
 * `capabilities.untrustedWorkspaces.restrictedConfigurations`.
 */
export const RESTRICTED_FIELDS: ReadonlyArray<keyof Settings> = ['model', 'allowModelDownload', 'include', 'exclude', 'maxFileBytes'];

/** Fields whose change means the worker must restart to apply it. */
export const RESTART_FIELDS: ReadonlyArray<keyof Settings> = ['include', 'exclude', 'maxFileBytes', 'model', 'allowModelDownload', 'watch'];

/** The part of `vscode.WorkspaceConfiguration` this module uses. */
export interface ConfigReader {
  get(key: string): unknown;
}

/** Settings as read, with the full names of the fields that fell back to defaults. */
export interface ReadSettings {
  settings: Settings;
  /** Full setting names (`conexus.index.maxFileBytes`) that were invalid. */
  invalid: string[];
  /** The raw values that were read, keyed by Settings field, for the worker to re-check. */
  raw: Record<string, unknown>;
}

/** Reads and validates the settings from `vscode.workspace.getConfiguration('conexus')`. */
export function readSettings(config: ConfigReader, trusted: boolean): ReadSettings {
  const raw: Record<string, unknown> = {};
  for (const [field, key] of Object.entries(SETTING_KEYS) as Array<[keyof Settings, string]>) {
    if (!trusted && RESTRICTED_FIELDS.includes(field)) continue;
    const value = config.get(key);
    if (value !== undefined && value !== null) raw[field] = value;
  }
  const { settings, invalid } = parseSettings(raw);
  for (const field of invalid) delete raw[field];
  return { settings, invalid: invalid.map((f) => `conexus.${SETTING_KEYS[f as keyof Settings]}`), raw };
}

/** True when going from `before` to `after` needs the worker restarted. */
export function needsRestart(before: Settings, after: Settings): boolean {
  return RESTART_FIELDS.some((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f]));
}

/** The warning shown once when some settings are invalid. */
export function invalidSettingsMessage(invalid: string[]): string {
  return `Conexus: ${invalid.length === 1 ? 'the setting' : 'the settings'} ${invalid.join(', ')} ${invalid.length === 1 ? 'is' : 'are'} invalid, so ${invalid.length === 1 ? 'its default is' : 'their defaults are'} used. Fix ${invalid.length === 1 ? 'it' : 'them'} in Settings.`;
}
