/**
 * Drives the VS Code workbench in Debian's Chromium through playwright-core: the command
 * palette, quick picks, notifications, the status bar, editors, and the webview inside
 * our sidebar view. Every helper waits for an observable state (a selector, a text)
 * rather than for time, so the tests are as fast as VS Code is and never flaky by design.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { RESULTS_DIR } from './codeServer';

/** Generous default wait: indexing, model loading and a cold extension host on 2 cores. */
export const LONG = 120_000;

/** Flags verified in this sandbox (no GPU, no network side channels, no sandboxing as root). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** A browser window on one code-server URL. */
export interface Workbench {
  browser: Browser;
  page: Page;
  close(): Promise<void>;
}

/**
 * Opens the workbench and waits for it to be interactive. `initScript` runs in the page
 * before VS Code's own scripts, e.g. to start recording a UI state's history. It is
 * source text: tsx-compiled functions reference helpers that do not exist in the page.
 */
export async function openWorkbench(url: string, initScript?: string): Promise<Workbench> {
  const browser = await chromium.launch({ executablePath: process.env.CONEXUS_E2E_CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  if (initScript) await context.addInitScript({ content: initScript });
  const page = await context.newPage();
  page.setDefaultTimeout(LONG);
  await page.goto(url);
  await page.locator('.monaco-workbench').waitFor();
  // The status bar fills in once the workbench has restored its parts; the palette needs that.
  await page.locator('.statusbar').waitFor();
  return { browser, page, close: () => browser.close() };
}

/** Saves a PNG of the page under test-results/e2e/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const path = join(RESULTS_DIR, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/** The visible quick-input widget (command palette and quick picks). */
export function quickInput(page: Page): Locator {
  return page.locator('.quick-input-widget');
}

/**
 * Runs a command by its palette title ("Conexus: Reindex Workspace"): opens the palette,
 * types the title, waits for a row whose label is exactly that title and picks it.
 */
export async function runCommand(page: Page, title: string): Promise<void> {
  const input = quickInput(page).locator('input');
  const row = quickInput(page).locator('.monaco-list-row', { hasText: title }).first();
  // Right after a quick pick closes, or while a panel that is opening takes focus, VS Code
  // can eat the F1 or close the new palette at once. The palette's input and the row are
  // the states to wait for; when either goes away the whole step is tried again (a click
  // that did not land ran nothing, so a retry cannot run the command twice).
  for (let attempt = 1; ; attempt++) {
    await dismissQuickInput(page);
    await page.keyboard.press('F1');
    try {
      await input.fill(`>${title}`, { timeout: 10_000 });
      await parkPointer(page);
      await row.click({ timeout: 10_000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw new Error(`e2e: could not run "${title}" from the command palette`, { cause: err });
    }
  }
}

/**
 * Picks a row in an open quick pick by its visible text. The pointer is first moved off
 * the quick input: it stays where the previous click left it, which in a freshly opened
 * pick can be over a row's action button, and that button's hover ("Add a new server
 * configuration") then covers the row below and swallows the click until it times out.
 */
export async function pickQuickItem(page: Page, text: string | RegExp): Promise<void> {
  const row = quickInput(page).locator('.monaco-list-row', { hasText: text }).first();
  await row.waitFor({ state: 'visible' });
  // A click that something else intercepts is not performed, so trying again is safe.
  for (let attempt = 1; ; attempt++) {
    await parkPointer(page);
    try {
      await row.click({ timeout: 10_000 });
      return;
    } catch (err) {
      if (attempt >= 3) throw new Error(`e2e: could not pick "${String(text)}" in the quick pick`, { cause: err });
    }
  }
}

/**
 * Moves the pointer to the lower left of the editor area, away from the quick input at
 * the top and the bars at the edges, where nothing shows a hover over the quick input.
 */
export async function parkPointer(page: Page): Promise<void> {
  const size = page.viewportSize() ?? { width: 1400, height: 900 };
  await page.mouse.move(Math.round(size.width * 0.3), Math.round(size.height * 0.75));
}

/** The texts of the rows in the open quick pick, once at least one row shows. */
export async function quickItems(page: Page): Promise<string[]> {
  const rows = quickInput(page).locator('.monaco-list-row');
  await rows.first().waitFor({ state: 'visible' });
  return rows.allInnerTexts();
}

/** Closes whatever quick input is open. */
export async function dismissQuickInput(page: Page): Promise<void> {
  if (await quickInput(page).isVisible()) {
    // It may be closing on its own already, in which case Escape reaches the editor, harmlessly.
    await page.keyboard.press('Escape');
    await quickInput(page).waitFor({ state: 'hidden' });
  }
}

/** Opens our view container from the activity bar by its title (e.g. "Conexus"). */
export async function openViewContainer(page: Page, title: string): Promise<void> {
  const icon = page.locator(`.activitybar [aria-label*="${title}"]`).first();
  await icon.waitFor({ state: 'visible' });
  const checked = await icon.getAttribute('aria-checked');
  const expanded = await icon.getAttribute('aria-expanded');
  if (checked !== 'true' && expanded !== 'true') await icon.click();
}

/**
 * The content frame of a webview view. VS Code hosts each webview in an iframe
 * (`iframe.webview.ready`) that holds another (`#active-frame`) with the extension's HTML.
 * `title` selects the outer iframe by the view's title when several webviews are open.
 */
export function webviewFrame(page: Page, title?: string): FrameLocator {
  const outer = title ? page.locator(`iframe.webview.ready[title="${title}"]`) : page.locator('iframe.webview.ready');
  return outer.first().contentFrame().frameLocator('#active-frame');
}

/** The active editor tab's label. */
export function activeTab(page: Page): Locator {
  return page.locator('.tabs-container .tab.active');
}

/** The cursor as VS Code's status bar reports it: "Ln 20, Col 2 (312 selected)". */
export interface EditorCursor {
  line: number;
  column: number;
  /** Characters selected (0 when nothing is). */
  selected: number;
}

/** Waits for the active editor tab to be `fileName` and returns the cursor and selection size. */
export async function editorCursor(page: Page, fileName: string): Promise<EditorCursor> {
  await activeTab(page).filter({ hasText: fileName }).waitFor();
  const item = page.locator('.statusbar-item[id="status.editor.selection"]');
  await item.waitFor();
  const text = await item.innerText();
  const m = /Ln (\d+), Col (\d+)(?: \((\d+) selected\))?/.exec(text);
  if (!m) throw new Error(`e2e: cannot read the cursor from "${text}"`);
  return { line: Number(m[1]), column: Number(m[2]), selected: Number(m[3] ?? 0) };
}

/** A status bar item whose text or aria label matches. */
export function statusItem(page: Page, text: string | RegExp): Locator {
  return page.locator('.statusbar-item', { hasText: text }).first();
}

/** The visible notification toasts. */
export function notifications(page: Page): Locator {
  return page.locator('.notifications-toasts .notification-toast');
}
