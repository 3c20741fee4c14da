// The search panel in a real VS Code: the status bar shows indexing progress and then
// "ready"; the panel appears in its own activity-bar container; a query finds the file
// that defines the identifier; clicking the hit opens that file with the hit's lines
// selected; "Conexus: Show Index Status" reports what was indexed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import {
  launchConexus, lineOf, openSearchPanel, searchFor, statusHistory, waitForIndexReady, type ConexusWindow,
} from './harness/conexus';
import { editorCursor, runCommand, screenshot, LONG } from './harness/workbench';

describe('search panel', { timeout: 10 * 60_000 }, () => {
  let win: ConexusWindow;
  let panel: FrameLocator;

  before(async () => {
    win = await launchConexus({ name: 'search' });
  });

  after(async () => {
    if (win) await screenshot(win.page, 'search-final');
    await win?.close();
  });

  it('shows indexing progress in the status bar, then the index as ready', async () => {
    const ready = await waitForIndexReady(win.page);
    assert.match(ready, /^Index ready: 5 files, \d+ chunks/);
    const history = await statusHistory(win.page);
    const firstReady = history.findIndex((l) => l.startsWith('Index ready'));
    const indexing = history.findIndex((l) => l.startsWith('Indexing'));
    assert.ok(indexing >= 0 && indexing < firstReady, `no "Indexing…" label before "Index ready" in ${JSON.stringify(history)}`);
  });

  it('opens the panel from the activity bar and finds the file that defines an identifier', async () => {
    panel = await openSearchPanel(win.page);
    const hits = await searchFor(panel, 'rotateRefreshToken', 'src/auth/tokenStore.ts');
    assert.equal(hits[0].path, 'src/auth/tokenStore.ts', `best hit should be the definition, got ${JSON.stringify(hits)}`);
    const file = join(win.server.workspace, 'src/auth/tokenStore.ts');
    const definition = lineOf(file, 'export function rotateRefreshToken');
    assert.ok(hits[0].startLine <= definition, `hit starts at ${hits[0].startLine}, after the definition on line ${definition}`);
    await panel.locator('#count').filter({ hasText: /\d+ results? in/ }).waitFor();
    await screenshot(win.page, 'search-results');
  });

  it('opens the clicked hit in an editor with its lines selected', async () => {
    const hit = panel.locator('#results li.hit').first();
    const lines = (await hit.locator('.hit-lines').innerText()).trim(); // ":10–20"
    const [start, end] = lines.slice(1).split(/[–-]/).map(Number);
    await hit.click();
    const cursor = await editorCursor(win.page, 'tokenStore.ts');
    // openHit selects from the start of the first line to the end of the last: the cursor
    // sits at the end, and the selection holds exactly those lines' characters.
    const fileLines = readFileSync(join(win.server.workspace, 'src/auth/tokenStore.ts'), 'utf8').split('\n');
    const expected = fileLines.slice(start - 1, end).join('\n').length;
    assert.equal(cursor.line, end);
    assert.equal(cursor.selected, expected, `selection should span lines ${start}–${end}`);
    await screenshot(win.page, 'search-opened-hit');
  });

  it('reports files, chunks and the model in "Conexus: Show Index Status"', async () => {
    await runCommand(win.page, 'Conexus: Show Index Status');
    // The report opens as a markdown preview (a webview) or, without the markdown
    // extension, as a markdown document; either way its text is on screen.
    const heading = 'Conexus index status';
    const preview = win.page.locator('iframe.webview.ready').locator('nth=-1').contentFrame().frameLocator('#active-frame');
    const inPreview = preview.getByText(heading);
    const inEditor = win.page.locator('.monaco-editor .view-lines', { hasText: heading });
    const shown = await Promise.race([
      inPreview.waitFor({ timeout: LONG }).then(() => 'preview' as const),
      inEditor.first().waitFor({ timeout: LONG }).then(() => 'editor' as const),
    ]);
    const text = shown === 'preview'
      ? await preview.locator('body').innerText()
      : await inEditor.first().innerText();
    assert.match(text, /State\s*\|?\s*ready/);
    assert.match(text, /Files\s*\|?\s*5\b/);
    assert.match(text, /conexus-code-v1/);
    await screenshot(win.page, 'index-status');
  });
});
