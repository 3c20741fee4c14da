// The panel's script in a real browser page (headless Chromium through playwright-core),
// with a stand-in for VS Code's webview API that records what the page posts. Covers
// what the DOM-free tests cannot: typing, debouncing, cancellation of the older query,
// keyboard navigation, opening a hit, and file text staying text in the real DOM.
// Skipped when no Chromium is installed; the real-VS-Code tests live in test/e2e.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';
import { buildWebviewHtml } from '../../extension/webviewHtml';
import type { SearchHit } from '../../protocol/search';
import type { ExtensionToWebview, PanelState } from '../../protocol/webview';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);

const state: PanelState = {
  worker: 'running', restricted: false, noWorkspace: false, defaultMode: 'hybrid', defaultK: 20,
  status: {
    state: 'ready', roots: ['/ws'], indexDir: '/i', files: 2, chunks: 2, embeddedChunks: 0, skipped: {},
    model: { id: null, dimension: null, semantic: false }, indexBytes: 0, lastUpdated: null, pendingChanges: 0, progress: null, writer: true,
  },
};
const hit = (p: string, line: number): SearchHit => ({
  path: p, startLine: line, endLine: line + 1, language: 'typescript', symbol: 'render', kind: 'function', container: null, score: 1,
  snippet: 'function render() {\n  return "<img src=x onerror=window.__pwned=1>";\n}',
  matched: { terms: ['render'], semantic: false, symbol: true, path: false },
});

type Posted = { kind: string; id?: number; method?: string; params?: { query: string }; path?: string; startLine?: number; command?: string };

describe('search panel page', { skip: haveChromium ? false : `no Chromium at ${CHROMIUM}` }, () => {
  let dir: string;
  let browser: Browser;
  let page: Page;
  const posted = () => page.evaluate(() => (window as unknown as { __posted: Posted[] }).__posted);
  const send = (m: ExtensionToWebview) => page.evaluate((msg) => window.postMessage(msg, '*'), m);
  /** Waits until the page has posted a message with these fields (functions, not strings: the page's CSP forbids eval). */
  const waitForPost = (fields: Partial<Posted> & { query?: string }) => page.waitForFunction((f) => {
    const list = (window as unknown as { __posted?: Posted[] }).__posted ?? [];
    return list.some((m) => m.kind === f.kind && (f.command === undefined || m.command === f.command) && (f.query === undefined || m.params?.query === f.query));
  }, fields);

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'conexus-panel-'));
    await build({ entryPoints: { webview: path.join(__dirname, '../../webview/main.ts') }, outdir: dir, bundle: true, platform: 'browser', format: 'iife', logLevel: 'silent' });
    const html = buildWebviewHtml({ cspSource: 'file:', scriptUri: 'webview.js', styleUri: 'webview.css', nonce: 'test' })
      // The stand-in for acquireVsCodeApi must run before the panel's script (same nonce, so the CSP allows it).
      .replace('<script nonce="test"', '<script nonce="test">window.__posted=[];window.acquireVsCodeApi=()=>({postMessage:(m)=>window.__posted.push(m),getState:()=>undefined,setState:()=>{}});</script>\n<script nonce="test"');
    writeFileSync(path.join(dir, 'index.html'), html);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'] });
    page = await browser.newPage();
    await page.goto(`file://${path.join(dir, 'index.html')}`);
    await waitForPost({ kind: 'ready' });
    await send({ kind: 'state', state });
  });

  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the empty state with its hint', async () => {
    assert.equal(await page.locator('#banner .banner-body').getAttribute('data-state'), 'empty');
  });

  it('debounces typing into one request and cancels it when a newer query starts', async () => {
    await page.locator('#query').pressSequentially('ren');
    await waitForPost({ kind: 'request' });
    const first = (await posted()).filter((m) => m.kind === 'request');
    assert.equal(first.length, 1, 'one request for one burst of typing');
    assert.equal(first[0].params?.query, 'ren');
    await page.locator('#query').pressSequentially('der');
    await waitForPost({ kind: 'request', query: 'render' });
    const all = await posted();
    assert.ok(all.some((m) => m.kind === 'cancel' && m.id === first[0].id), 'the older request was cancelled');
  });

  it('renders hits as options, file text as text, and moves the selection with the keyboard', async () => {
    const req = (await posted()).filter((m) => m.kind === 'request').at(-1)!;
    await send({ kind: 'response', id: req.id!, result: { hits: [hit('src/a.ts', 3), hit('src/b.ts', 10)], mode: 'hybrid', tookMs: 4 } });
    await page.locator('#results li.hit').nth(1).waitFor();
    assert.equal(await page.locator('#count').innerText(), '2 results in 4 ms');
    assert.equal(await page.locator('#results img').count(), 0, 'no element was created from file text');
    assert.match(await page.locator('#results li.hit').first().locator('pre').innerText(), /<img src=x/);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.locator('#results li.hit').first().getAttribute('aria-selected'), 'true');
    await page.locator('#query').press('ArrowDown');
    assert.equal(await page.locator('#query').getAttribute('aria-activedescendant'), 'hit-1');
    await page.locator('#query').press('Enter');
    await waitForPost({ kind: 'open' });
    const open = (await posted()).filter((m) => m.kind === 'open').at(-1)!;
    assert.deepEqual({ path: open.path, startLine: open.startLine }, { path: 'src/b.ts', startLine: 10 });
  });

  it('drops a late answer to an older request', async () => {
    const reqs = (await posted()).filter((m) => m.kind === 'request');
    await send({ kind: 'response', id: reqs[0].id!, result: { hits: [], mode: 'hybrid', tookMs: 1 } });
    assert.equal(await page.locator('#results li.hit').count(), 2);
  });

  it('Esc clears the query and the results', async () => {
    await page.locator('#query').press('Escape');
    assert.equal(await page.locator('#query').inputValue(), '');
    assert.equal(await page.locator('#results li').count(), 0);
  });

  it('the error state offers Show Log and Reindex, which post commands', async () => {
    await send({ kind: 'state', state: { ...state, worker: 'failed', message: 'The worker crashed.' } });
    await page.locator('button[data-command="showLog"]').click();
    await waitForPost({ kind: 'command', command: 'showLog' });
    await page.locator('button[data-command="reindex"]').click();
    await waitForPost({ kind: 'command', command: 'reindex' });
  });
});
