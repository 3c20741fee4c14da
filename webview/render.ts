/**
 * What the panel shows, as element descriptions: the hits, the count line, and the
 * banner for each state (no folder, opening, still indexing, paused, outage, error,
 * no results, empty query). Pure, so every state is unit-tested without a DOM.
 */
import type { SearchHit, SearchResult } from '../protocol/search';
import type { PanelState, WebviewCommand } from '../protocol/webview';
import { colorize } from './colorize';
import { h, type VNode } from './vdom';

/** Most snippet lines shown per hit; the editor shows the rest. */
export const MAX_SNIPPET_LINES = 12;

/** The search side of the panel. */
export interface SearchView {
  query: string;
  phase: 'idle' | 'loading' | 'done' | 'error';
  result: SearchResult | null;
  error: { code: string; message: string } | null;
  /** Index of the selected hit, or -1. */
  selected: number;
}

/** The first lines of a snippet, with a marker when lines were left out. */
export function snippetLines(snippet: string, max = MAX_SNIPPET_LINES): string {
  const lines = snippet.replace(/\r\n?/g, '\n').split('\n');
  // Leading indentation common to all lines wastes the narrow sidebar's width.
  const indents = lines.filter((l) => l.trim()).map((l) => /^[ \t]*/.exec(l)![0].length);
  const cut = indents.length ? Math.min(...indents) : 0;
  const shown = lines.slice(0, max).map((l) => l.slice(Math.min(cut, /^[ \t]*/.exec(l)![0].length)));
  if (lines.length > max) shown.push(`… ${lines.length - max} more line(s)`);
  return shown.join('\n');
}

/** Terms to mark in a hit: what the engine matched, else the query's words. */
export function termsFor(hit: SearchHit, query: string): string[] {
  if (hit.matched.terms.length) return hit.matched.terms;
  return query.split(/[^\p{L}\p{N}_]+/u).filter((w) => w.length >= 2);
}

/** The line range as shown, e.g. `12–30` or `7`. */
export function lineRange(hit: SearchHit): string {
  return hit.startLine === hit.endLine ? `${hit.startLine}` : `${hit.startLine}–${hit.endLine}`;
}

/** One hit as a listbox option. */
export function renderHit(hit: SearchHit, index: number, selected: boolean, query: string): VNode {
  const symbol = hit.symbol ? `${hit.kind ?? 'symbol'} ${hit.container ? `${hit.container}.` : ''}${hit.symbol}` : '';
  const label = `${hit.path}, lines ${lineRange(hit)}${symbol ? `, ${symbol}` : ''}`;
  const segments = colorize(snippetLines(hit.snippet), hit.language, termsFor(hit, query));
  return h('li', {
    class: selected ? 'hit selected' : 'hit',
    role: 'option',
    id: `hit-${index}`,
    'aria-selected': selected ? 'true' : 'false',
    'aria-label': label,
    'data-index': index,
    title: `${hit.path}:${hit.startLine}`,
  },
  h('div', { class: 'hit-head' },
    h('span', { class: 'hit-path' }, hit.path),
    h('span', { class: 'hit-lines' }, `:${lineRange(hit)}`),
    symbol ? h('span', { class: 'hit-symbol' }, symbol) : null,
    why(hit) ? h('span', { class: 'hit-why', title: 'Why it matched' }, why(hit)) : null),
  h('pre', { class: 'hit-snippet', 'aria-hidden': 'true' },
    h('code', {}, segments.map((s) => (s.match
      ? h('mark', { class: `tok-${s.cls}` }, s.text)
      : s.cls === 'plain' ? s.text : h('span', { class: `tok-${s.cls}` }, s.text))))));
}

/** A short "why it matched" tag. */
function why(hit: SearchHit): string {
  const m = hit.matched;
  return [m.terms.length ? 'text' : '', m.semantic ? 'meaning' : '', m.symbol ? 'symbol' : '', m.path ? 'path' : ''].filter(Boolean).join(' · ');
}

/** The live count line read by screen readers. */
export function countText(view: SearchView): string {
  if (!view.query.trim()) return '';
  if (view.phase === 'loading') return 'Searching…';
  if (view.phase === 'error') return 'Search failed.';
  if (!view.result) return '';
  const n = view.result.hits.length;
  return `${n === 0 ? 'No' : n} result${n === 1 ? '' : 's'} in ${Math.round(view.result.tookMs)} ms${view.result.mode === 'hybrid' ? '' : ` (${view.result.mode})`}`;
}

function button(label: string, command: WebviewCommand): VNode {
  return h('button', { class: 'action', 'data-command': command }, label);
}

function banner(state: string, tone: 'info' | 'warn' | 'error', ...children: Array<VNode | string | null>): VNode {
  return h('div', { class: `banner-body ${tone}`, 'data-state': state, role: tone === 'error' ? 'alert' : undefined }, ...children);
}

/**
 * The banner for the panel's state, or null when results speak for themselves. An
 * outage or error wins over everything else, then indexing progress, then search outcomes.
 */
export function renderBanner(panel: PanelState | null, view: SearchView): VNode | null {
  if (!panel || panel.worker === 'starting') return banner('starting', 'info', h('p', {}, 'Opening the index…'));
  if (panel.noWorkspace) {
    return banner('no-workspace', 'info', h('p', {}, 'Open a folder to search it. Conexus indexes the folders of this window on this machine; nothing leaves it.'));
  }
  if (panel.worker === 'failed' || panel.worker === 'stopped') {
    return banner('failed', 'error',
      h('p', {}, panel.message ?? 'The Conexus worker is not running.'),
      h('div', { class: 'actions' }, button('Show Log', 'showLog'), button('Reindex', 'reindex')));
  }
  if (panel.worker === 'restarting') {
    return banner('restarting', 'warn', h('p', {}, 'The indexing worker stopped unexpectedly and is restarting. Results will be back in a moment.'));
  }
  const status = panel.status;
  if (status?.state === 'error') {
    return banner('error', 'error',
      h('p', {}, status.error ?? 'Indexing failed.'),
      h('div', { class: 'actions' }, button('Show Log', 'showLog'), button('Reindex', 'reindex')));
  }
  if (view.phase === 'error' && view.error) {
    return banner('search-error', 'error',
      h('p', {}, view.error.message),
      h('div', { class: 'actions' }, button('Show Log', 'showLog'), button('Reindex', 'reindex')));
  }
  const progress = status?.state === 'indexing' && status.progress ? status.progress : null;
  const pct = progress && progress.filesTotal > 0 ? Math.floor((progress.filesDone / progress.filesTotal) * 100) : null;
  const indexing = status?.state === 'indexing' || status?.state === 'starting'
    ? h('p', { class: 'indexing' }, pct === null ? 'Still indexing… results may be incomplete.' : `Still indexing ${pct}% (${progress!.filesDone} of ${progress!.filesTotal} files); results may be incomplete.`)
    : null;
  if (status?.state === 'paused') {
    return banner('paused', 'warn', h('p', {}, 'Indexing is paused; results may miss recent changes.'), h('div', { class: 'actions' }, button('Resume', 'resume')));
  }
  if (!view.query.trim()) {
    return banner(indexing ? 'indexing' : 'empty', 'info',
      indexing,
      h('p', {}, 'Type to search this workspace: an identifier, a few words, or a question such as "where are settings validated".'),
      h('p', { class: 'hint' }, '↑/↓ move through results, Enter opens one, Esc clears the query.'),
      status && status.files === 0 && status.state === 'ready'
        ? h('p', {}, 'The index is empty. ', button('Reindex', 'reindex'), ' ', button('Show Status', 'showStatus'))
        : null);
  }
  if (view.phase === 'done' && view.result && view.result.hits.length === 0) {
    return banner('no-results', 'info', indexing,
      h('p', {}, `No matches for "${view.query.trim()}". Try other words, keyword mode for exact identifiers, or fewer filters.`));
  }
  return indexing ? banner('indexing', 'info', indexing) : null;
}

/** The restricted-mode and engine notices above the results, or null. */
export function renderNotice(panel: PanelState | null, view: SearchView): VNode | null {
  const notes: string[] = [];
  if (panel?.restricted) notes.push('Restricted Mode: this workspace is not trusted, so Conexus uses its shipped defaults only (no custom model or include/exclude settings, no MCP server for agents).');
  if (view.result?.notice) notes.push(view.result.notice);
  if (!notes.length) return null;
  return h('div', { class: 'notice-body' }, ...notes.map((n) => h('p', {}, n)));
}
