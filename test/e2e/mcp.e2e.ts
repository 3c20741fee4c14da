// The MCP server definition the extension registers, as VS Code's own MCP support sees
// it: "MCP: List Servers" lists Conexus (stopped until asked), "Start Server" makes VS
// Code spawn `dist/cli.js mcp` over stdio, and VS Code's MCP log reports the tools it
// discovered through `tools/list`. No Copilot sign-in is involved in any of this.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { launchConexus, waitForIndexReady, type ConexusWindow } from './harness/conexus';
import { dismissQuickInput, pickQuickItem, quickInput, quickItems, runCommand, screenshot, LONG } from './harness/workbench';
import { TOOL_NAMES } from '../../server/mcp/server';

describe('MCP server for agents', { timeout: 10 * 60_000 }, () => {
  let win: ConexusWindow;

  before(async () => {
    win = await launchConexus({ name: 'mcp' });
    await waitForIndexReady(win.page);
  });

  after(async () => {
    if (win) await screenshot(win.page, 'mcp-final');
    await win?.close();
  });

  it('is listed by "MCP: List Servers"', async () => {
    await runCommand(win.page, 'MCP: List Servers');
    const row = quickInput(win.page).locator('.monaco-list-row', { hasText: 'Conexus' });
    await row.first().waitFor();
    assert.match(await row.first().innerText(), /Stopped|Running/);
    await screenshot(win.page, 'mcp-list-servers');
  });

  it('starts and lists the Conexus tools', async () => {
    await pickQuickItem(win.page, 'Conexus');
    await pickQuickItem(win.page, 'Start Server');
    // VS Code logs "Discovered N tools" in the server's output once tools/list answers.
    await runCommand(win.page, 'MCP: List Servers');
    await pickQuickItem(win.page, 'Conexus');
    await pickQuickItem(win.page, 'Show Output');
    // Monaco renders spaces as no-break spaces, hence \s+ rather than ' '.
    const log = win.page.locator('.part.panel .view-lines');
    const discovered = log.filter({ hasText: /Discovered\s+\d+\s+tools/ });
    const failed = log.filter({ hasText: /Process\s+exited\s+with\s+code/ });
    const outcome = await Promise.race([
      discovered.first().waitFor({ timeout: LONG }).then(() => 'discovered' as const),
      failed.first().waitFor({ timeout: LONG }).then(() => 'exited' as const),
    ]);
    const text = (await log.first().innerText()).replace(/\u00a0/g, ' ');
    await screenshot(win.page, 'mcp-server-output');
    assert.equal(outcome, 'discovered', `the MCP server did not list its tools; VS Code's MCP log:\n${text}`);
    assert.match(text, new RegExp(`Discovered ${TOOL_NAMES.length} tools`));

    await runCommand(win.page, 'MCP: List Servers');
    const rows = await quickItems(win.page);
    assert.ok(rows.some((r) => /Conexus/.test(r) && /Running/.test(r)), `Conexus should be running: ${JSON.stringify(rows)}`);
    await dismissQuickInput(win.page);
  });
});
