/**
 * Conexus-specific steps on top of the workbench driver: launching a window with the
 * extension installed, the search panel, the status bar item, and the worker process.
 * Selectors and labels come from webview/main.ts (its header lists them for these tests)
 * and extension/statusText.ts (the status bar's accessibility label is its tooltip).
 */
import { readdirSync, readFileSync } from 'node:fs';
import type { FrameLocator, Locator, Page } from 'playwright-core';
import { startCodeServer, type CodeServer, type LaunchOptions } from './codeServer';
import { openViewContainer, openWorkbench, webviewFrame, LONG, type Workbench } from './workbench';

/** A VS Code window with Conexus installed on a fresh copy of the fixture workspace. */
export interface ConexusWindow {
  server: CodeServer;
  workbench: Workbench;
  page: Page;
  close(): Promise<void>;
}

/**
 * Records every label the Conexus status bar item shows, from the first paint, in
 * `window.__conexusStatus`. Transient states (indexing, restarting) can last less than
 * any polling interval, so the tests read this history instead of racing the UI.
 * A string, not a function: tsx compiles functions with esbuild's `__name` helper,
 * which does not exist in the page.
 */
const RECORD_STATUS_HISTORY = `
  window.__conexusStatus = [];
  new MutationObserver(() => {
    const item = document.querySelector('.statusbar-item[id$="conexus.status"]');
    const label = item && item.getAttribute('aria-label');
    const h = window.__conexusStatus;
    if (label && h[h.length - 1] !== label) h.push(label);
  }).observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['aria-label'] });
`;

/** Starts code-server with the packaged extension and opens the workbench on the workspace. */
export async function launchConexus(options: LaunchOptions = {}): Promise<ConexusWindow> {
  const server = await startCodeServer(options);
  let workbench: Workbench | undefined;
  try {
    workbench = await openWorkbench(server.url, RECORD_STATUS_HISTORY);
  } catch (err) {
    await server.stop();
    throw err;
  }
  const wb = workbench;
  return { server, workbench: wb, page: wb.page, close: async () => { await wb.close(); await server.stop(); } };
}

/** The Conexus status bar item. */
export function conexusStatusItem(page: Page): Locator {
  return page.locator('.statusbar-item[id$="conexus.status"]');
}

/** Every status bar label seen so far, oldest first. */
export async function statusHistory(page: Page): Promise<string[]> {
  return page.evaluate(() => (window as unknown as { __conexusStatus: string[] }).__conexusStatus ?? []);
}

/** Waits until the status bar's label (its tooltip) matches. */
export async function waitForStatus(page: Page, pattern: RegExp, timeout = LONG): Promise<string> {
  const handle = await page.waitForFunction(
    ({ source, flags }) => {
      const label = document.querySelector('.statusbar-item[id$="conexus.status"]')?.getAttribute('aria-label') ?? '';
      return new RegExp(source, flags).test(label) ? label : null;
    },
    { source: pattern.source, flags: pattern.flags },
    { timeout },
  );
  return (await handle.jsonValue()) as string;
}

/** Waits for "Index ready: N files, M chunks…" and returns the label. */
export function waitForIndexReady(page: Page, timeout = LONG): Promise<string> {
  return waitForStatus(page, /^Index ready: \d+ files, \d+ chunks/, timeout);
}

/** Opens the Conexus sidebar and returns the search panel's frame once its search box shows. */
export async function openSearchPanel(page: Page): Promise<FrameLocator> {
  await openViewContainer(page, 'Conexus');
  const panel = webviewFrame(page);
  await panel.getByRole('combobox', { name: 'Search the workspace' }).waitFor();
  return panel;
}

/** One rendered hit. */
export interface Hit {
  path: string;
  /** ":12–30" as shown. */
  lines: string;
  startLine: number;
}

/** Types a query and waits until a hit whose path matches `expect` shows; returns all hits. */
export async function searchFor(panel: FrameLocator, query: string, expect: string | RegExp, timeout = LONG): Promise<Hit[]> {
  const box = panel.getByRole('combobox', { name: 'Search the workspace' });
  await box.fill(query);
  await panel.locator('li.hit .hit-path', { hasText: expect }).first().waitFor({ timeout });
  return readHits(panel);
}

/** The hits the panel shows now. */
export async function readHits(panel: FrameLocator): Promise<Hit[]> {
  const rows = panel.locator('#results li.hit');
  const hits: Hit[] = [];
  for (const row of await rows.all()) {
    const path = (await row.locator('.hit-path').innerText()).trim();
    const lines = (await row.locator('.hit-lines').innerText()).trim();
    hits.push({ path, lines, startLine: Number(/:(\d+)/.exec(lines)?.[1] ?? NaN) });
  }
  return hits;
}

/** 1-based line of the first line containing `needle` in a workspace file. */
export function lineOf(file: string, needle: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle));
  if (index < 0) throw new Error(`e2e: "${needle}" is not in ${file}`);
  return index + 1;
}

/**
 * Pids of this window's Conexus worker: processes whose command line runs dist/worker.js
 * from this server's extensions folder. Matching the folder keeps the tests from ever
 * touching another window's (or a developer's) worker.
 */
export function workerPids(server: CodeServer): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' ');
    } catch {
      continue; // The process ended while we looked.
    }
    if (cmdline.includes('dist/worker.js') && cmdline.includes(server.extensionsDir)) pids.push(Number(entry));
  }
  return pids;
}
