/**
 * Engine settings: declared in package.json as `conexus.<area>.<name>`, read only by
 * the extension, validated here, passed to the worker; the CLI builds the same object
 * from its flags. Bad fields fall back to defaults (see `parseSettings`).
 */
import { z } from 'zod';
import { SearchModeSchema } from './search';

/** Default cap on the size of a file the engine reads (1 MiB). */
export const DEFAULT_MAX_FILE_BYTES = 1024 * 1024;

/** The settings object with defaults. */
export const SettingsSchema = z.object({
  /** Extra gitignore-style patterns to include only (empty: everything not excluded). */
  include: z.array(z.string().min(1)).default([]),
  /** Extra gitignore-style patterns to exclude, on top of .gitignore, .conexusignore and defaults. */
  exclude: z.array(z.string().min(1)).default([]),
  /** Files larger than this many bytes are skipped with reason `too-large`. */
  maxFileBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(DEFAULT_MAX_FILE_BYTES),
  /** Embedding model: '' for the shipped default, 'none' for keyword only, a model id or a local folder. */
  model: z.string().default(''),
  /** Allow transformers.js to download a model id that is not on disk (off: never touch the network). */
  allowModelDownload: z.boolean().default(false),
  /** Default search mode. */
  defaultMode: SearchModeSchema.default('hybrid'),
  /** Default number of hits. */
  defaultK: z.number().int().min(1).max(200).default(20),
  /** Index when the workspace opens. */
  indexOnStartup: z.boolean().default(true),
  /** Keep the index current with a file watcher. */
  watch: z.boolean().default(true),
});
/** Validated settings. */
export type Settings = z.infer<typeof SettingsSchema>;

/** Settings as a caller may write them. */
export type SettingsInput = z.input<typeof SettingsSchema>;

/**
 * Validates settings field by field: a bad field falls back to its default and is
 * named in `invalid`, so one typo never disables the rest of the configuration.
 */
export function parseSettings(raw: unknown): { settings: Settings; invalid: string[] } {
  const obj = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const invalid: string[] = [];
  const cleaned: Record<string, unknown> = {};
  const shape = SettingsSchema.shape as Record<string, z.ZodType>;
  for (const [key, schema] of Object.entries(shape)) {
    if (obj[key] === undefined) continue;
    const r = schema.safeParse(obj[key]);
    if (r.success) cleaned[key] = r.data;
    else invalid.push(key);
  }
  return { settings: SettingsSchema.parse(cleaned), invalid };
}
