/**
 * What the status bar says, as plain data: text with a codicon, a tooltip and a
 * severity. No `vscode` import so the wording is unit-tested; `statusBar.ts` shows it.
 */
import type { IndexStatus } from '../protocol/status';
import type { WorkerState } from '../protocol/webview';

/** The status bar's content. */
export interface StatusBarText {
  text: string;
  tooltip: string;
  severity: 'normal' | 'warning' | 'error';
}

/** Formats seconds left as `12s`, `3m 5s`, `1h 4m`. */
export function formatEta(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) {
    const m = Math.floor(s / 60);
    const rest = s % 60;
    return rest ? `${m}m ${rest}s` : `${m}m`;
  }
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return m ? `${h}h ${m}m` : `${h}h`;
}

/** Percentage of files done, or null while the total is unknown. */
export function percentDone(status: IndexStatus): number | null {
  const p = status.progress;
  if (!p || p.filesTotal <= 0) return null;
  return Math.min(100, Math.floor((p.filesDone / p.filesTotal) * 100));
}

/** The status bar for a worker state and the last status it reported. */
export function formatStatusBar(status: IndexStatus | null, worker: WorkerState, restricted = false): StatusBarText {
  const suffix = restricted ? ' (Restricted Mode: shipped defaults only)' : '';
  if (worker === 'failed') {
    return { text: '$(error) Conexus', tooltip: 'The Conexus worker stopped after repeated crashes. Click for status; run "Conexus: Show Log" for details.', severity: 'error' };
  }
  if (worker === 'restarting') {
    return { text: '$(sync~spin) Conexus restarting', tooltip: 'The Conexus worker stopped unexpectedly and is restarting.', severity: 'warning' };
  }
  if (worker === 'stopped') {
    return { text: '$(circle-slash) Conexus', tooltip: 'Conexus is not running: open a folder to index it.', severity: 'normal' };
  }
  if (!status || worker === 'starting' || status.state === 'starting') {
    return { text: '$(sync~spin) Conexus starting', tooltip: `Opening the index${suffix}.`, severity: 'normal' };
  }
  const counts = `${status.files} files, ${status.chunks} chunks`;
  switch (status.state) {
    case 'indexing': {
      const pct = percentDone(status);
      const eta = status.progress?.etaSeconds;
      const parts = [pct === null ? 'indexing' : `${pct}%`];
      if (eta !== null && eta !== undefined && pct !== null) parts.push(`${formatEta(eta)} left`);
      const phase = status.progress ? ` (${status.progress.phase}, ${status.progress.filesDone}/${status.progress.filesTotal} files)` : '';
      return { text: `$(sync~spin) Conexus ${parts.join(' · ')}`, tooltip: `Indexing${phase}. Click for status${suffix}.`, severity: 'normal' };
    }
    case 'paused':
      return {
        text: '$(debug-pause) Conexus paused',
        tooltip: `Indexing is paused${status.pendingChanges ? ` with ${status.pendingChanges} queued change(s)` : ''}; run "Conexus: Resume Indexing". ${counts}${suffix}.`,
        severity: 'warning',
      };
    case 'error':
      return { text: '$(error) Conexus', tooltip: `${status.error ?? 'Indexing failed.'} Click for status${suffix}.`, severity: 'error' };
    case 'ready':
    default: {
      const semantic = status.model.semantic ? '' : ' · keyword only';
      return {
        text: `$(check) Conexus${restricted ? ' $(shield)' : ''}`,
        tooltip: `Index ready: ${counts}${semantic}${suffix}. Click for status.`,
        severity: 'normal',
      };
    }
  }
}
