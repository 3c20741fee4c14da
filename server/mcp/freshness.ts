/**
 * How fresh the index is, attached to every tool result so an agent never mistakes a
 * half-built index for the truth: while indexing, the text rendering opens with a loud
 * warning and the structured result says `complete: false`.
 */
import { z } from 'zod';
import type { IndexStatus } from '../../protocol/status';

/** The freshness block of every tool result. */
export const FreshnessSchema = z.object({
  state: z.string().describe('starting | indexing | ready | paused | error'),
  complete: z.boolean().describe('False while the index is still being built or has unindexed changes: results may miss files.'),
  files: z.number(),
  chunks: z.number(),
  last_updated: z.string().nullable().describe('ISO time of the last completed index update.'),
  pending_changes: z.number(),
  progress: z.string().nullable().describe('e.g. "412/1500 files, chunking"'),
  semantic: z.boolean().describe('Whether semantic (embedding) search is available.'),
  warning: z.string().optional(),
});
/** Freshness of the index. */
export type Freshness = z.infer<typeof FreshnessSchema>;

/** Summarises a status into the freshness block. */
export function freshness(s: IndexStatus): Freshness {
  const progress = s.progress && s.progress.phase !== 'idle'
    ? `${s.progress.filesDone}/${s.progress.filesTotal} files, ${s.progress.phase}` : null;
  let warning: string | undefined;
  if (s.state === 'starting' || s.state === 'indexing') {
    warning = `INDEX IS STILL BUILDING${progress ? ` (${progress})` : ''}: results are incomplete. Call index_control with action "status" and wait_ready true to wait for it.`;
  } else if (s.state === 'error') {
    warning = `INDEX ERROR: ${s.error ?? 'unknown'}; results may be stale.`;
  } else if (s.state === 'paused') {
    warning = `Indexing is paused with ${s.pendingChanges} pending change(s); results may be stale. index_control "resume" continues.`;
  } else if (s.pendingChanges > 0) {
    warning = `${s.pendingChanges} changed file(s) not yet re-indexed; results may be slightly stale.`;
  }
  return {
    state: s.state,
    complete: s.state === 'ready' && s.pendingChanges === 0,
    files: s.files,
    chunks: s.chunks,
    last_updated: s.lastUpdated,
    pending_changes: s.pendingChanges,
    progress,
    semantic: s.model.semantic,
    ...(warning ? { warning } : {}),
  };
}

/** One line for the text rendering: loud when incomplete, short when fresh. */
export function freshnessLine(f: Freshness): string {
  if (f.warning) return `⚠ ${f.warning}`;
  return `Index: ${f.files} files, ${f.chunks} chunks, updated ${f.last_updated ?? 'never'}${f.semantic ? '' : ' (keyword search only)'}.`;
}
