// Keeping the index current in a real VS Code: "Conexus: Reindex Workspace" from the
// command palette runs a pass the status bar shows, and a file edited on disk (not in an
// editor, the way a git checkout or a formatter changes files) becomes findable through
// the file watcher without any reindex command.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FrameLocator } from 'playwright-core';
import {
  launchConexus, openSearchPanel, readHits, searchFor, statusHistory, waitForIndexReady, waitForStatus, type ConexusWindow,
} from './harness/conexus';
import { runCommand, screenshot } from './harness/workbench';

describe('keeping the index current', { timeout: 10 * 60_000 }, () => {
  let win: ConexusWindow;
  let panel: FrameLocator;

  before(async () => {
    win = await launchConexus({ name: 'reindex' });
    await waitForIndexReady(win.page);
    panel = await openSearchPanel(win.page);
  });

  after(async () => {
    if (win) await screenshot(win.page, 'reindex-final');
    await win?.close();
  });

  it('reindexes from the command palette, showing the pass in the status bar', async () => {
    const before = (await statusHistory(win.page)).length;
    await runCommand(win.page, 'Conexus: Reindex Workspace');
    // A new "Indexing…" label after the command, then ready again.
    await win.page.waitForFunction((n) => {
      const h = (window as unknown as { __conexusStatus: string[] }).__conexusStatus;
      return h.slice(n).some((l) => l.startsWith('Indexing'));
    }, before);
    const ready = await waitForIndexReady(win.page);
    assert.match(ready, /^Index ready: 5 files/);
    const hits = await searchFor(panel, 'HandleHealthCheck', 'src/server/health.go');
    assert.equal(hits[0].path, 'src/server/health.go');
  });

  it('finds a function added to a file on disk without reindexing', async () => {
    const identifier = 'computeInvoiceTotal';
    // Nothing mentions the identifier before the edit, which makes the later hit meaningful.
    const box = panel.getByRole('combobox', { name: 'Search the workspace' });
    await box.fill('');
    await panel.locator('#results li.hit').first().waitFor({ state: 'detached' });
    await box.fill(identifier);
    await panel.locator('#count').filter({ hasText: /results? in|No results/ }).waitFor();
    assert.equal(await panel.locator('#results li.hit', { hasText: identifier }).count(), 0);
    const beforeEdit = await waitForIndexReady(win.page);
    const chunksBefore = Number(/(\d+) chunks/.exec(beforeEdit)![1]);

    await appendFile(join(win.server.workspace, 'src/geometry/polygon.py'), [
      '',
      '',
      `def ${identifier}(line_items, tax_rate):`,
      '    """Sum of line items plus tax, rounded to cents."""',
      '    subtotal = sum(item.price * item.quantity for item in line_items)',
      '    return round(subtotal * (1 + tax_rate), 2)',
      '',
    ].join('\n'));

    // The watcher re-chunks the file: the chunk count grows and the index is ready again.
    await waitForStatus(win.page, new RegExp(`^Index ready: 5 files, (?!${chunksBefore} chunks)\\d+ chunks`));
    await box.fill('');
    await panel.locator('#results li.hit').first().waitFor({ state: 'detached' });
    const hits = await searchFor(panel, identifier, 'src/geometry/polygon.py');
    const hit = hits.find((h) => h.path === 'src/geometry/polygon.py')!;
    const symbol = await panel.locator('#results li.hit').filter({ hasText: 'src/geometry/polygon.py' }).first().innerText();
    assert.match(symbol, new RegExp(identifier));
    assert.ok(hit.startLine > 10, `the new function is at the end of the file, hit says ${hit.lines}`);
    await screenshot(win.page, 'reindex-edited-file-found');
  });
});
