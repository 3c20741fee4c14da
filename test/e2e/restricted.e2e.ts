// Restricted Mode as the extension documents it (package.json
// capabilities.untrustedWorkspaces): in an untrusted folder Conexus still indexes and
// searches, but with its shipped defaults only — the workspace's include/exclude and
// model settings are ignored — and it offers no MCP server. Trusting the folder applies
// the workspace's settings. Workspace trust stays enabled here, unlike in the other tests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import {
  launchConexus, openSearchPanel, searchFor, waitForIndexReady, waitForStatus, type ConexusWindow,
} from './harness/conexus';
import { dismissQuickInput, quickItems, runCommand, screenshot } from './harness/workbench';

describe('Restricted Mode', { timeout: 10 * 60_000 }, () => {
  let win: ConexusWindow;
  /** Files indexed in Restricted Mode (the fixture plus .vscode/settings.json). */
  let restrictedFiles = 0;

  before(async () => {
    win = await launchConexus({
      name: 'restricted',
      settings: { 'security.workspace.trust.enabled': true },
      // A workspace setting an untrusted folder must not be able to apply.
      workspaceSettings: { 'conexus.index.exclude': ['src/auth/**'] },
    });
  });

  after(async () => {
    if (win) await screenshot(win.page, 'restricted-final');
    await win?.close();
  });

  it('asks whether to trust the folder; declining opens it in Restricted Mode', async () => {
    const dialog = win.page.locator('.monaco-dialog-box');
    await dialog.getByText(/trust the authors/i).first().waitFor();
    await screenshot(win.page, 'restricted-trust-dialog');
    await dialog.locator('.monaco-button', { hasText: /No, I don.t trust/ }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('indexes with shipped defaults, ignoring the workspace exclude, and says so', async () => {
    const ready = await waitForIndexReady(win.page);
    assert.match(ready, /Restricted Mode/);
    restrictedFiles = Number(/^Index ready: (\d+) files/.exec(ready)![1]);
    const panel = await openSearchPanel(win.page);
    await panel.locator('#notice', { hasText: 'Restricted Mode' }).waitFor();
    const hits = await searchFor(panel, 'rotateRefreshToken', 'src/auth/tokenStore.ts');
    assert.equal(hits[0].path, 'src/auth/tokenStore.ts');
    await screenshot(win.page, 'restricted-panel');
  });

  it('does not offer its MCP server', async () => {
    await runCommand(win.page, 'MCP: List Servers');
    const rows = await quickItems(win.page);
    assert.ok(!rows.some((r) => /Conexus/.test(r)), `Conexus listed in Restricted Mode: ${JSON.stringify(rows)}`);
    await dismissQuickInput(win.page);
  });

  it('applies the workspace settings once the folder is trusted', async () => {
    await runCommand(win.page, 'Workspaces: Manage Workspace Trust');
    const trust = win.page.locator('.workspace-trust-editor .monaco-button', { hasText: /^Trust$/ });
    await trust.first().click();
    // Trusted: the exclude applies, src/auth/tokenStore.ts leaves the index.
    const ready = await waitForStatus(win.page, new RegExp(`^Index ready: ${restrictedFiles - 1} files`));
    assert.doesNotMatch(ready, /Restricted Mode/);
    await screenshot(win.page, 'restricted-trusted');
  });
});
