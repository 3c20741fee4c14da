/**
 * "Conexus: Show Index Status" as a markdown document: files, chunks, skipped files
 * by reason with examples, model, index size, last update. Pure so it is unit-tested.
 */
import type { IndexStatus } from '../protocol/status';
import type { WorkerState } from '../protocol/webview';
import { formatEta, percentDone } from './statusText';

/** Formats a byte count as B, KiB, MiB or GiB. */
export function formatBytes(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

/** Markdown-escapes text from the index (paths, messages) so it shows as written. */
export function mdEscape(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+!|<>~-]/g, (c) => `\\${c}`);
}

/** Renders the status as a markdown document. */
export function formatStatusMarkdown(status: IndexStatus | null, worker: WorkerState, restricted: boolean): string {
  const lines: string[] = ['# Conexus index status', ''];
  if (restricted) {
    lines.push('> **Restricted Mode.** This workspace is not trusted, so Conexus uses its shipped defaults only: no custom model or include/exclude settings, and no MCP server for agents. Trust the workspace to enable them.', '');
  }
  if (worker === 'failed') lines.push('> **The worker stopped after repeated crashes.** Run "Conexus: Show Log" for details, then "Conexus: Reindex Workspace" to start it again.', '');
  if (worker === 'restarting') lines.push('> The worker is restarting after a crash.', '');
  if (!status) {
    lines.push('The worker has not reported a status yet.');
    return lines.join('\n') + '\n';
  }
  const pct = percentDone(status);
  const progress = status.progress && status.state === 'indexing'
    ? `${status.progress.phase}, ${status.progress.filesDone}/${status.progress.filesTotal} files${pct !== null ? ` (${pct}%)` : ''}${status.progress.etaSeconds !== null ? `, ${formatEta(status.progress.etaSeconds)} left` : ''}`
    : null;
  const model = status.model.semantic
    ? `${mdEscape(status.model.id ?? 'default')} (${status.model.dimension ?? '?'} dimensions)`
    : `none, keyword search only${status.model.reason ? ` — ${mdEscape(status.model.reason)}` : ''}`;
  lines.push(
    '| | |', '|---|---|',
    `| State | ${status.state}${status.writer ? '' : ' (read-only: another process owns the index)'} |`,
    ...(progress ? [`| Progress | ${progress} |`] : []),
    `| Folders | ${status.roots.map(mdEscape).join('<br>') || '—'} |`,
    `| Files | ${status.files} |`,
    `| Chunks | ${status.chunks} (${status.embeddedChunks} embedded) |`,
    `| Model | ${model} |`,
    `| Index size | ${formatBytes(status.indexBytes)} |`,
    `| Index folder | ${mdEscape(status.indexDir)} |`,
    `| Last update | ${status.lastUpdated ?? 'never'} |`,
    `| Queued changes | ${status.pendingChanges} |`,
    '',
  );
  if (status.error) lines.push(`**Error:** ${mdEscape(status.error)}`, '');
  const reasons = Object.entries(status.skipped).filter(([, v]) => v.count > 0).sort((a, b) => b[1].count - a[1].count);
  lines.push('## Skipped files', '');
  if (!reasons.length) lines.push('None.');
  for (const [reason, { count, examples }] of reasons) {
    const ex = examples.slice(0, 5).map((e) => `\`${e.replace(/`/g, "'")}\``).join(', ');
    lines.push(`- **${mdEscape(reason)}**: ${count}${ex ? ` — e.g. ${ex}` : ''}`);
  }
  return lines.join('\n') + '\n';
}
