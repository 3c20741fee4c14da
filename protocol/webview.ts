/**
 * Messages between the search panel (a webview) and the extension host, named by
 * direction. The webview is untrusted: the extension checks every message it posts
 * with `parseWebviewMessage` and drops unknown or oversized ones. Messages the
 * extension posts are typed by `ExtensionToWebview` and read by the webview as-is.
 */
import { z } from 'zod';
import { SearchModeSchema, SearchParamsSchema, SearchResultSchema } from './search';
import { IndexStatusSchema } from './status';

/** Largest message the extension accepts from the webview, in characters of JSON. */
export const MAX_WEBVIEW_MESSAGE_CHARS = 64 * 1024;

/** A request id the webview picks; it increases with every query. */
const RequestIdSchema = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);

/** The panel's request: a search with the shared search parameters. */
export const WebviewRequestSchema = z.object({
  kind: z.literal('request'),
  id: RequestIdSchema,
  method: z.literal('search'),
  params: SearchParamsSchema,
}).strict();

/** Commands the panel may ask for: the ways out of its empty and error states. */
export const WebviewCommandSchema = z.enum(['showLog', 'reindex', 'resume', 'showStatus', 'openSettings']);
/** A panel command name. */
export type WebviewCommand = z.infer<typeof WebviewCommandSchema>;

/** Everything the webview may post to the extension. */
export const WebviewToExtensionSchema = z.discriminatedUnion('kind', [
  /** The panel has loaded its script and wants the current state. */
  z.object({ kind: z.literal('ready') }).strict(),
  WebviewRequestSchema,
  /** The panel no longer wants the answer to request `id`. */
  z.object({ kind: z.literal('cancel'), id: RequestIdSchema }).strict(),
  /**
   * Open a hit. Only the path as the hit showed it and its lines travel; the extension
   * resolves the path against the workspace folders and refuses anything outside them.
   */
  z.object({
    kind: z.literal('open'),
    path: z.string().min(1).max(4096),
    startLine: z.number().int().min(1),
    endLine: z.number().int().min(1),
  }).strict(),
  z.object({ kind: z.literal('command'), command: WebviewCommandSchema }).strict(),
]);
/** A message from the webview, validated. */
export type WebviewToExtension = z.infer<typeof WebviewToExtensionSchema>;
/** A message from the webview as the webview writes it (search defaults not yet applied). */
export type WebviewToExtensionInput = z.input<typeof WebviewToExtensionSchema>;

/** The worker's life as the panel shows it. */
export const WorkerStateSchema = z.enum(['starting', 'running', 'restarting', 'failed', 'stopped']);
/** A worker state. */
export type WorkerState = z.infer<typeof WorkerStateSchema>;

/** What the panel needs to pick its state (empty, indexing, ready, error, outage). */
export const PanelStateSchema = z.object({
  worker: WorkerStateSchema,
  /** The last status the worker reported; null before the first. */
  status: IndexStatusSchema.nullable(),
  /** True in an untrusted workspace (shipped defaults only, no MCP server). */
  restricted: z.boolean(),
  /** True when no folder is open, so there is nothing to index. */
  noWorkspace: z.boolean(),
  /** Why the worker is down, with what to do next. */
  message: z.string().optional(),
  defaultMode: SearchModeSchema,
  defaultK: z.number().int().min(1),
});
/** The panel's state. */
export type PanelState = z.infer<typeof PanelStateSchema>;

/** Everything the extension posts to the webview. */
export type ExtensionToWebview =
  | { kind: 'response'; id: number; result: z.infer<typeof SearchResultSchema> }
  | { kind: 'error'; id: number; code: string; message: string }
  | { kind: 'state'; state: PanelState }
  /** Sets the query box (the Search command with an editor selection). */
  | { kind: 'setQuery'; query: string };

/** The outcome of checking one message from the webview. */
export type WebviewParseResult =
  | { ok: true; message: WebviewToExtension }
  | { ok: false; reason: string };

/**
 * Checks a message posted by the webview: its size first (so a huge message is never
 * walked), then its shape. `reason` names the problem for the log; it never echoes
 * the message itself, which may be large or carry file text.
 */
export function parseWebviewMessage(raw: unknown): WebviewParseResult {
  let size: number;
  try {
    size = JSON.stringify(raw)?.length ?? 0;
  } catch {
    return { ok: false, reason: 'message cannot be serialised' };
  }
  if (size > MAX_WEBVIEW_MESSAGE_CHARS) {
    return { ok: false, reason: `message of ${size} characters exceeds ${MAX_WEBVIEW_MESSAGE_CHARS}` };
  }
  const kind = raw && typeof raw === 'object' ? (raw as { kind?: unknown }).kind : undefined;
  const parsed = WebviewToExtensionSchema.safeParse(raw);
  if (!parsed.success) {
    const where = typeof kind === 'string' ? `"${kind.slice(0, 40)}" message` : 'message without a kind';
    const issues = parsed.error.issues.slice(0, 3)
      .map((i) => `${i.path.map(String).join('.') || '(message)'}: ${i.message}`).join('; ');
    return { ok: false, reason: `invalid ${where}: ${issues}` };
  }
  return { ok: true, message: parsed.data };
}
