import { test } from 'node:test';
import assert from 'node:assert/strict';
import { countText, renderBanner, renderHit, renderNotice, snippetLines, type SearchView } from '../../webview/render';
import { h, textOf, toHtml, type VNode } from '../../webview/vdom';
import type { SearchHit } from '../../protocol/search';
import type { PanelState } from '../../protocol/webview';
import type { IndexStatus } from '../../protocol/status';

const hit: SearchHit = {
  path: 'src/<b>evil</b>.ts', startLine: 3, endLine: 9, language: 'typescript', symbol: 'load', kind: 'function', container: 'Store',
  score: 1, snippet: '  // <img src=x onerror=alert(1)>\n  function load() { return "</pre><script>x</script>"; }',
  matched: { terms: ['load'], semantic: true, symbol: true, path: false },
};

const status: IndexStatus = {
  state: 'ready', roots: ['/ws'], indexDir: '/idx', files: 3, chunks: 9, embeddedChunks: 9, skipped: {},
  model: { id: 'm', dimension: 8, semantic: true }, indexBytes: 1, lastUpdated: null, pendingChanges: 0, progress: null, writer: true,
};
const panel = (over: Partial<PanelState> = {}): PanelState => ({ worker: 'running', status, restricted: false, noWorkspace: false, defaultMode: 'hybrid', defaultK: 20, ...over });
const idle: SearchView = { query: '', phase: 'idle', result: null, error: null, selected: -1 };
const stateOf = (n: VNode | null) => n?.attrs['data-state'];

function findAll(node: VNode, pred: (n: VNode) => boolean, out: VNode[] = []): VNode[] {
  if (pred(node)) out.push(node);
  for (const c of node.children) if (typeof c !== 'string') findAll(c, pred, out);
  return out;
}

test('HTML in paths and snippets stays text: no element is created from it', () => {
  const node = renderHit(hit, 0, true, 'load');
  const tags = findAll(node, () => true).map((n) => n.tag);
  assert.ok(!tags.includes('img') && !tags.includes('script'));
  const html = toHtml(node);
  assert.doesNotMatch(html, /<img|<script|<b>/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(textOf(node), /<script>x<\/script>/, 'the text is shown exactly as written');
});

test('a hit is a labelled option with path, lines, symbol and marked terms', () => {
  const node = renderHit(hit, 2, true, 'load');
  assert.equal(node.attrs.role, 'option');
  assert.equal(node.attrs.id, 'hit-2');
  assert.equal(node.attrs['aria-selected'], 'true');
  assert.equal(node.attrs['aria-label'], 'src/<b>evil</b>.ts, lines 3–9, function Store.load');
  assert.deepEqual(findAll(node, (n) => n.tag === 'mark').map(textOf), ['load']);
  assert.equal(textOf(findAll(node, (n) => n.attrs.class === 'hit-lines')[0]), ':3–9');
});

test('the element builder refuses tags and attributes that could run code', () => {
  assert.throws(() => h('script'), /not allowed/);
  assert.throws(() => h('img', {}), /not allowed/);
  assert.throws(() => h('div', { onclick: 'x' }), /not allowed/);
  assert.throws(() => h('div', { style: 'x' }), /not allowed/);
});

test('snippets are cut to a few lines with their common indentation removed', () => {
  const long = Array.from({ length: 20 }, (_, i) => `    line ${i}`).join('\n');
  const shown = snippetLines(long, 3).split('\n');
  assert.deepEqual(shown, ['line 0', 'line 1', 'line 2', '… 17 more line(s)']);
});

test('each panel state has its own banner with a way out', () => {
  assert.equal(stateOf(renderBanner(null, idle)), 'starting');
  assert.equal(stateOf(renderBanner(panel({ noWorkspace: true }), idle)), 'no-workspace');
  assert.equal(stateOf(renderBanner(panel(), idle)), 'empty');
  const failed = renderBanner(panel({ worker: 'failed', message: 'crashed 5 times' }), idle)!;
  assert.equal(stateOf(failed), 'failed');
  assert.deepEqual(findAll(failed, (n) => n.tag === 'button').map((b) => b.attrs['data-command']), ['showLog', 'reindex']);
  assert.match(textOf(failed), /crashed 5 times/);
  assert.equal(stateOf(renderBanner(panel({ worker: 'restarting' }), idle)), 'restarting');
  assert.equal(stateOf(renderBanner(panel({ status: { ...status, state: 'error', error: 'Disk full.' } }), idle)), 'error');
  const paused = renderBanner(panel({ status: { ...status, state: 'paused' } }), idle)!;
  assert.equal(findAll(paused, (n) => n.tag === 'button')[0].attrs['data-command'], 'resume');
});

test('while indexing the panel says how far it got, with and without a query', () => {
  const indexing = panel({ status: { ...status, state: 'indexing', progress: { phase: 'embedding', filesDone: 30, filesTotal: 120, rate: 1, etaSeconds: 5 } } });
  assert.match(textOf(renderBanner(indexing, idle)!), /Still indexing 25% \(30 of 120 files\)/);
  const done: SearchView = { query: 'x', phase: 'done', result: { hits: [hit], mode: 'hybrid', tookMs: 3 }, error: null, selected: 0 };
  assert.equal(stateOf(renderBanner(indexing, done)), 'indexing');
  assert.equal(renderBanner(panel(), done), null, 'results speak for themselves once indexed');
});

test('no results and search errors are explained; counts are announced', () => {
  const none: SearchView = { query: 'zzz', phase: 'done', result: { hits: [], mode: 'keyword', tookMs: 2.4 }, error: null, selected: -1 };
  assert.match(textOf(renderBanner(panel(), none)!), /No matches for "zzz"/);
  assert.equal(countText(none), 'No results in 2 ms (keyword)');
  assert.equal(countText({ ...none, result: { hits: [hit, hit], mode: 'hybrid', tookMs: 5 } }), '2 results in 5 ms');
  assert.equal(countText({ ...none, phase: 'loading' }), 'Searching…');
  const failed: SearchView = { ...none, phase: 'error', result: null, error: { code: 'index-unavailable', message: 'The index could not be opened.' } };
  assert.equal(stateOf(renderBanner(panel(), failed)), 'search-error');
});

test('restricted mode and engine notices are shown above the results', () => {
  assert.equal(renderNotice(panel(), idle), null);
  assert.match(textOf(renderNotice(panel({ restricted: true }), idle)!), /Restricted Mode/);
  const withNotice: SearchView = { ...idle, result: { hits: [], mode: 'keyword', tookMs: 1, notice: 'Semantic search is off: no model.' } };
  assert.match(textOf(renderNotice(panel(), withNotice)!), /Semantic search is off/);
});
