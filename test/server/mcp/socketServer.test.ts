/**
 * The one-writer design: an engine owner serves MCP on the index's socket and
 * `conexus mcp` bridges an agent's stdio to it instead of opening the index again.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Engine } from '../../../server/engine/engine';
import { silentLogger } from '../../../server/engine/logger';
import { mcpSocketPath, serveMcpOnSocket, socketAlive } from '../../../server/mcp/socketServer';
import { type Fixture, createFixture } from './fixture';

const REPO = path.resolve(__dirname, '../../..');

describe('mcpSocketPath', () => {
  test('lives in the index folder when short enough, else in the temp folder under a stable hash', () => {
    assert.equal(mcpSocketPath('/tmp/idx'), '/tmp/idx/mcp.sock');
    const long = path.join(os.tmpdir(), 'x'.repeat(150));
    const p = mcpSocketPath(long);
    assert.ok(Buffer.byteLength(p) <= 100, p);
    assert.ok(p.startsWith(os.tmpdir()));
    assert.equal(mcpSocketPath(long), p);
    assert.notEqual(mcpSocketPath(long + 'y'), p);
  });
});

describe('serveMcpOnSocket', () => {
  let fx: Fixture;
  let engine: Engine;
  let served: { close(): Promise<void> };
  let socketPath: string;

  before(async () => {
    fx = createFixture();
    engine = await Engine.open({ roots: [fx.root], indexDir: fx.indexDir, settings: { model: 'none' }, logger: silentLogger });
    await engine.index();
    socketPath = mcpSocketPath(fx.indexDir);
    served = await serveMcpOnSocket(engine, socketPath, silentLogger);
  });
  after(async () => {
    await served?.close();
    await engine?.close();
    fx?.cleanup();
  });

  test('conexus mcp bridges to the owner instead of opening the index', async () => {
    const client = new Client({ name: 'bridge-test', version: '1.0.0' });
    await client.connect(new StdioClientTransport({
      command: process.execPath,
      args: ['--import', 'tsx', path.join(REPO, 'server/cli/main.ts'), 'mcp', '--workspace', fx.root, '--index-dir', fx.indexDir, '--model', 'none'],
      cwd: REPO, stderr: 'ignore',
    }));
    try {
      const r = await client.callTool({ name: 'locate_relevant_files', arguments: { description: 'withRetry should double the delay' } });
      assert.equal((r.structuredContent as { files: Array<{ path: string }> }).files[0].path, 'src/retry.ts');
      // The answer comes from the owner: it is the writer, which a second opener could not be.
      const s = await client.callTool({ name: 'index_control', arguments: { action: 'status' } });
      assert.equal((s.structuredContent as { writer: boolean }).writer, true);
    } finally {
      await client.close();
    }
  });

  test('a malformed line on the socket gets a parse error and the connection stays open', async () => {
    const sock = net.connect(socketPath);
    const lines: string[] = [];
    let buf = '';
    let wake: (() => void) | null = null;
    sock.on('data', (d) => { buf += d; let nl; while ((nl = buf.indexOf('\n')) >= 0) { lines.push(buf.slice(0, nl)); buf = buf.slice(nl + 1); } wake?.(); });
    const next = async (n: number) => { while (lines.length < n) await new Promise<void>((r) => { wake = r; }); return JSON.parse(lines[n - 1]); };
    sock.write('this is not json\n');
    assert.equal((await next(1)).error.code, -32700);
    sock.write(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }) + '\n');
    assert.deepEqual((await next(2)).result, {});
    sock.destroy();
  });

  test('a second server on a live socket is refused; a stale socket file is replaced', async () => {
    await assert.rejects(serveMcpOnSocket(engine, socketPath, silentLogger), /already serves/);
    const stale = path.join(fx.base, 'stale.sock');
    // A crashed owner: a process that listened and was killed leaves the socket file behind.
    const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(stale)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'ignore'] });
    await new Promise((r) => child.stdout.once('data', r));
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    assert.ok(existsSync(stale), 'the stale socket file is left behind');
    assert.equal(await socketAlive(stale), false);
    const again = await serveMcpOnSocket(engine, stale, silentLogger);
    assert.equal(await socketAlive(stale), true);
    await again.close();
  });
});
