/**
 * The search panel's script: wires the DOM to the messenger and the renderer.
 *
 * For end-to-end tests (stable selectors and labels):
 * - `#query`        search box, role=combobox, aria-label "Search the workspace";
 *                   ↑/↓ move the selection, Enter opens it, Esc clears the query.
 * - `#mode`         select, aria-label "Search mode", values hybrid | keyword | semantic.
 * - `#filters`      <details> holding `#languages`, `#include`, `#exclude` (comma-separated).
 * - `#results`      role=listbox, aria-label "Search results"; each hit is
 *                   `li.hit[role=option][id=hit-N][data-index=N]` with `.hit-path`,
 *                   `.hit-lines` (":12–30"), `.hit-symbol`, `pre.hit-snippet`
 *                   (`.tok-kw/.tok-str/.tok-com/.tok-num`, matched terms in `mark`);
 *                   the selected one has `.selected` and aria-selected="true".
 * - `#count`        role=status, aria-live=polite: "3 results in 12 ms", "No results in …".
 * - `#banner`       holds `.banner-body[data-state=…]` with state one of: starting,
 *                   no-workspace, indexing, empty, no-results, paused, restarting,
 *                   failed, error, search-error; buttons `button[data-command=showLog|reindex|resume|showStatus]`.
 * - `#notice`       Restricted Mode text and engine notices (e.g. semantic search off).
 * Commands: conexus.reindexWorkspace, conexus.pauseIndexing, conexus.resumeIndexing,
 * conexus.clearIndex, conexus.showIndexStatus, conexus.showLog, conexus.search;
 * view id `conexus.search` in the activity-bar container `conexus` ("Conexus").
 */
import './styles.css';
import type { SearchFilters, SearchMode } from '../protocol/search';
import type { ExtensionToWebview, PanelState, WebviewCommand } from '../protocol/webview';
import { Messenger, SearchFailed } from './messenger';
import { countText, renderBanner, renderHit, renderNotice, type SearchView } from './render';
import { materialize, type VNode } from './vdom';

declare function acquireVsCodeApi(): { postMessage(m: unknown): void; getState(): unknown; setState(s: unknown): void };

/** Typing pauses this long before a query is sent. */
const DEBOUNCE_MS = 150;
/** Longest query the panel sends (the protocol allows more; a sidebar query never needs it). */
const MAX_QUERY = 2000;

interface Saved { query?: string; mode?: SearchMode; languages?: string; include?: string; exclude?: string }

const vscode = acquireVsCodeApi();
const messenger = new Messenger(vscode);
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const queryEl = $<HTMLInputElement>('query');
const modeEl = $<HTMLSelectElement>('mode');
const languagesEl = $<HTMLInputElement>('languages');
const includeEl = $<HTMLInputElement>('include');
const excludeEl = $<HTMLInputElement>('exclude');
const bannerEl = $('banner');
const noticeEl = $('notice');
const countEl = $('count');
const resultsEl = $<HTMLUListElement>('results');

let panel: PanelState | null = null;
let modeChosen = false;
let view: SearchView = { query: '', phase: 'idle', result: null, error: null, selected: -1 };
let timer: ReturnType<typeof setTimeout> | undefined;

function list(text: string, max: number): string[] | undefined {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean).slice(0, 64).map((s) => s.slice(0, max));
  return items.length ? items : undefined;
}

function filters(): SearchFilters | undefined {
  const f: SearchFilters = { languages: list(languagesEl.value, 64), include: list(includeEl.value, 1024), exclude: list(excludeEl.value, 1024) };
  return f.languages || f.include || f.exclude ? f : undefined;
}

function save(): void {
  const saved: Saved = { query: queryEl.value, mode: modeEl.value as SearchMode, languages: languagesEl.value, include: includeEl.value, exclude: excludeEl.value };
  vscode.setState(saved);
}

function replace(el: HTMLElement, node: VNode | null): void {
  el.replaceChildren(...(node ? [materialize(node, document)] : []));
  el.hidden = !node;
}

/** Renders the banner, the notice and the count; the list only when `hits` is set. */
function render(hits = false): void {
  replace(bannerEl, renderBanner(panel, view));
  replace(noticeEl, renderNotice(panel, view));
  countEl.textContent = countText(view);
  if (hits) {
    const items = (view.result?.hits ?? []).map((hit, i) => materialize(renderHit(hit, i, i === view.selected, view.query), document));
    resultsEl.replaceChildren(...items);
    queryEl.setAttribute('aria-expanded', items.length ? 'true' : 'false');
  }
  select(view.selected);
}

function select(index: number): void {
  const items = resultsEl.querySelectorAll<HTMLLIElement>('li.hit');
  view.selected = items.length ? Math.max(0, Math.min(index, items.length - 1)) : -1;
  items.forEach((li, i) => {
    li.classList.toggle('selected', i === view.selected);
    li.setAttribute('aria-selected', i === view.selected ? 'true' : 'false');
  });
  const active = items[view.selected];
  if (active) {
    queryEl.setAttribute('aria-activedescendant', active.id);
    active.scrollIntoView({ block: 'nearest' });
  } else {
    queryEl.removeAttribute('aria-activedescendant');
  }
}

function open(index: number): void {
  const hit = view.result?.hits[index];
  if (hit) messenger.post({ kind: 'open', path: hit.path, startLine: hit.startLine, endLine: hit.endLine });
}

async function runSearch(): Promise<void> {
  clearTimeout(timer);
  save();
  const query = queryEl.value.trim().slice(0, MAX_QUERY);
  view = { ...view, query, error: null };
  if (!query) {
    messenger.cancel();
    view = { query, phase: 'idle', result: null, error: null, selected: -1 };
    render(true);
    return;
  }
  // The previous hits stay visible while the new query runs, so the list does not flicker.
  view.phase = 'loading';
  render();
  try {
    const result = await messenger.search({ query, mode: modeEl.value as SearchMode, k: panel?.defaultK, filters: filters() });
    view = { query, phase: 'done', result, error: null, selected: result.hits.length ? 0 : -1 };
    render(true);
  } catch (error) {
    if (error instanceof SearchFailed && error.code === 'cancelled') return;
    const message = error instanceof Error ? error.message : String(error);
    view = { query, phase: 'error', result: null, error: { code: error instanceof SearchFailed ? error.code : 'internal', message }, selected: -1 };
    render(true);
  }
}

function schedule(): void {
  clearTimeout(timer);
  timer = setTimeout(() => void runSearch(), DEBOUNCE_MS);
}

queryEl.addEventListener('input', schedule);
modeEl.addEventListener('change', () => { modeChosen = true; void runSearch(); });
for (const el of [languagesEl, includeEl, excludeEl]) el.addEventListener('input', schedule);

queryEl.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowDown') { select(view.selected + 1); e.preventDefault(); }
  else if (e.key === 'ArrowUp') { select(view.selected - 1); e.preventDefault(); }
  else if (e.key === 'Enter') { if (view.selected >= 0) open(view.selected); else void runSearch(); e.preventDefault(); }
  else if (e.key === 'Escape') { queryEl.value = ''; void runSearch(); e.preventDefault(); }
});

resultsEl.addEventListener('click', (e) => {
  const li = (e.target as HTMLElement).closest<HTMLLIElement>('li.hit');
  if (!li) return;
  const index = Number(li.dataset.index);
  select(index);
  open(index);
});

document.addEventListener('click', (e) => {
  const button = (e.target as HTMLElement).closest<HTMLButtonElement>('button[data-command]');
  if (button) messenger.post({ kind: 'command', command: button.dataset.command as WebviewCommand });
});

window.addEventListener('message', (event: MessageEvent<ExtensionToWebview>) => {
  const msg = event.data;
  if (!msg || typeof msg !== 'object' || messenger.receive(msg)) return;
  if (msg.kind === 'state') {
    const wasRunning = panel?.worker === 'running';
    panel = msg.state;
    if (!modeChosen) modeEl.value = panel.defaultMode;
    render();
    // After an outage the worker is back: run the query again instead of leaving its error up.
    if (!wasRunning && panel.worker === 'running' && view.phase === 'error' && queryEl.value.trim()) void runSearch();
  } else if (msg.kind === 'setQuery') {
    queryEl.value = msg.query;
    queryEl.focus();
    void runSearch();
  }
});

// Focusing the view (its activity-bar icon, "Conexus: Search") focuses the page, not a
// control: put the caret in the query box unless the user was already in a control.
window.addEventListener('focus', () => {
  if (document.activeElement === document.body || document.activeElement === null) queryEl.focus();
});

const saved = (vscode.getState() ?? {}) as Saved;
queryEl.value = saved.query ?? '';
if (saved.mode) { modeEl.value = saved.mode; modeChosen = true; }
languagesEl.value = saved.languages ?? '';
includeEl.value = saved.include ?? '';
excludeEl.value = saved.exclude ?? '';
render(true);
messenger.post({ kind: 'ready' });
if (queryEl.value.trim()) void runSearch();
queryEl.focus();
