/**
 * Options and helpers shared by the CLI's subcommands: which workspace, which index
 * folder, which model, and turning engine status into the lines a person reads.
 */
import type { ParseArgsConfig } from 'node:util';
import { ConexusError, ErrorCode } from '../../protocol/errors';
import type { SettingsInput } from '../../protocol/settings';
import type { IndexProgress } from '../../protocol/status';
import type { IndexSummary } from '../engine/api';
import { Engine } from '../engine/engine';
import type { CliContext } from './command';

/** Options every command that opens an index accepts. */
export const workspaceOptions = {
  workspace: { type: 'string', short: 'w', multiple: true },
  'index-dir': { type: 'string' },
  model: { type: 'string' },
  'allow-download': { type: 'boolean' },
  'max-file-bytes': { type: 'string' },
  exclude: { type: 'string', multiple: true },
  include: { type: 'string', multiple: true },
  verbose: { type: 'boolean', short: 'v' },
} as const satisfies NonNullable<ParseArgsConfig['options']>;

/** Usage lines for `workspaceOptions`. */
export const workspaceUsage = `  -w, --workspace DIR    workspace root (repeat for several roots; default: current folder)
      --index-dir D      index folder (default: a per-workspace folder under ~/.cache/conexus)
      --model M          embedding model: "" built-in, "none" keyword only, a model id or a local folder
      --allow-download   let transformers.js download a model id that is not on this machine
      --max-file-bytes N skip files larger than N bytes (default 1048576)
      --include GLOB     only index matching files (gitignore syntax; repeatable)
      --exclude GLOB     also leave out matching files (gitignore syntax; repeatable)
  -v, --verbose          debug logging on stderr`;

/** Settings from the command line (unset flags keep the defaults). */
export function settingsFromFlags(values: CliContext['values']): SettingsInput {
  const s: SettingsInput = {};
  if (typeof values.model === 'string') s.model = values.model;
  if (values['allow-download'] === true) s.allowModelDownload = true;
  if (typeof values['max-file-bytes'] === 'string') {
    const n = Number(values['max-file-bytes']);
    if (!Number.isInteger(n) || n < 1024) throw new ConexusError(ErrorCode.InvalidParams, `--max-file-bytes must be a whole number ≥ 1024, got ${values['max-file-bytes']}`);
    s.maxFileBytes = n;
  }
  if (Array.isArray(values.include)) s.include = values.include as string[];
  if (Array.isArray(values.exclude)) s.exclude = values.exclude as string[];
  return s;
}

/** The workspace roots: `--workspace` values, else positionals (for `index`), else the current folder. */
export function rootsFrom(values: CliContext['values'], positionals: string[] = []): string[] {
  const ws = (values.workspace as string[] | undefined) ?? [];
  if (ws.length) return ws;
  if (positionals.length) return positionals;
  return [process.cwd()];
}

/** Opens the engine for a command. */
export async function openEngine(ctx: CliContext, roots: string[], opts: { readOnly?: boolean } = {}): Promise<Engine> {
  return Engine.open({
    roots,
    indexDir: typeof ctx.values['index-dir'] === 'string' ? (ctx.values['index-dir'] as string) : undefined,
    settings: settingsFromFlags(ctx.values),
    logger: ctx.logger,
    readOnly: opts.readOnly,
  });
}

/** Writes progress lines on stderr: in place on a terminal, at most every two seconds otherwise. */
export function progressPrinter(stderr: NodeJS.WritableStream): (p: IndexProgress | null) => void {
  const tty = (stderr as NodeJS.WriteStream).isTTY === true;
  let last = 0;
  let lastPhase = '';
  return (p) => {
    if (!p) {
      if (tty) stderr.write('\r\x1b[K');
      return;
    }
    if (p.filesTotal === 0) return; // nothing to do in this phase: say nothing
    const now = Date.now();
    if (p.phase === lastPhase && now - last < (tty ? 100 : 2000) && p.filesDone !== p.filesTotal) return;
    last = now;
    lastPhase = p.phase;
    const unit = p.phase === 'embedding' ? 'chunks' : 'files';
    const eta = p.etaSeconds !== null ? `, ETA ${formatSeconds(p.etaSeconds)}` : '';
    const line = `${p.phase}: ${p.filesDone}/${p.filesTotal} ${unit} (${p.rate.toFixed(0)}/s${eta})`;
    stderr.write(tty ? `\r\x1b[K${line}` : `${line}\n`);
  };
}

/** Runs a full index pass with progress on stderr; returns its summary. */
export async function indexWithProgress(engine: Engine, stderr: NodeJS.WritableStream): Promise<IndexSummary> {
  const print = progressPrinter(stderr);
  const off = engine.onStatus((s) => print(s.progress));
  try {
    return await engine.index();
  } finally {
    off();
    print(null);
  }
}

/** "1m 05s", "12s". */
export function formatSeconds(s: number): string {
  const total = Math.round(s);
  return total >= 60 ? `${Math.floor(total / 60)}m ${String(total % 60).padStart(2, '0')}s` : `${total}s`;
}

/** "1.2 MB". */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  if (n < 1024 ** 3) return `${(n / 1024 / 1024).toFixed(1)} MB`;
  return `${(n / 1024 ** 3).toFixed(2)} GB`;
}
