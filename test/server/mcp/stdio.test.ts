/**
 * The MCP server end to end over stdio, driven by the SDK's own client against
 * `conexus mcp` on a fixture workspace: every tool, error paths, path escapes,
 * concurrency, and a raw session with a malformed and an oversized line.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { type Fixture, createFixture } from './fixture';

const REPO = path.resolve(__dirname, '../../..');
const MAIN = path.join(REPO, 'server/cli/main.ts');

type Result = Awaited<ReturnType<Client['callTool']>>;
const text = (r: Result) => (r.content as Array<{ type: string; text?: string }>).map((c) => c.text ?? '').join('\n');
const data = <T = Record<string, unknown>>(r: Result) => r.structuredContent as T;

let fx: Fixture;
let client: Client;

function serverArgs(f: Fixture): string[] {
  return ['--import', 'tsx', MAIN, 'mcp', '--workspace', f.root, '--index-dir', f.indexDir, '--model', 'none', '--no-bridge'];
}

before(async () => {
  fx = createFixture();
  client = new Client({ name: 'conexus-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: serverArgs(fx), cwd: REPO, stderr: 'ignore' }));
  // Waits on the server's own "ready" event rather than sleeping.
  const r = await client.callTool({ name: 'index_control', arguments: { action: 'status', wait_ready: true, timeout_seconds: 120 } });
  assert.equal(data<{ state: string }>(r).state, 'ready', text(r));
});

after(async () => {
  await client?.close();
  fx?.cleanup();
});

describe('conexus mcp over stdio', () => {
  test('lists four tools with described inputs and output schemas, and sends instructions', async () => {
    const { tools } = await client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['analyze_implementation', 'index_control', 'locate_relevant_files', 'search_codebase']);
    for (const t of tools) {
      assert.ok(t.outputSchema, `${t.name} has an output schema`);
      for (const [field, schema] of Object.entries(t.inputSchema.properties ?? {})) {
        assert.ok((schema as { description?: string }).description, `${t.name}.${field} is described`);
      }
    }
    assert.match(client.getInstructions() ?? '', /locate_relevant_files/);
  });

  test('locate_relevant_files ranks the defining file first, with symbols and a reason, no bodies', async () => {
    const r = await client.callTool({ name: 'locate_relevant_files', arguments: { description: 'parseArgs() loses the value when it contains "=", e.g. parseArgs(["a=b=c"])' } });
    assert.ok(!r.isError, text(r));
    const files = data<{ files: Array<{ path: string; symbols: Array<{ name: string; start_line: number }>; reason: string }> }>(r).files;
    assert.equal(files[0].path, 'src/parser.ts');
    assert.ok(files[0].symbols.some((s) => s.name === 'parseArgs' && s.start_line <= 2));
    assert.match(files[0].reason, /parseArgs/);
    assert.ok(!text(r).includes('normalizeValue(v)'), 'no code bodies');
    assert.match(text(r), /^Index: /);
  });

  test('search_codebase returns hits with line ranges and why, and trims to the token budget', async () => {
    const r = await client.callTool({ name: 'search_codebase', arguments: { query: 'exponential backoff retry', k: 5 } });
    const hits = data<{ hits: Array<{ path: string; start_line: number; why: string }> }>(r).hits;
    assert.equal(hits[0].path, 'src/retry.ts');
    assert.ok(hits[0].why.length > 0);
    const small = await client.callTool({ name: 'search_codebase', arguments: { query: 'value argv retry name', k: 50, mode: 'keyword', max_tokens: 200 } });
    const s = data<{ hits: unknown[]; trimmed?: { omitted_hits: number; hint: string } }>(small);
    assert.ok(s.trimmed, 'says it trimmed');
    assert.match(s.trimmed!.hint, /max_tokens/);
    const py = await client.callTool({ name: 'search_codebase', arguments: { query: 'dispatch', languages: ['python'], path_glob: ['src/**'] } });
    assert.ok(data<{ hits: Array<{ path: string }> }>(py).hits.every((h) => h.path === 'src/cli/main.py'));
  });

  test('analyze_implementation gives definition, body, callees, callers and tests with evidence', async () => {
    const r = await client.callTool({ name: 'analyze_implementation', arguments: { target: 'how is parseArgs implemented' } });
    assert.ok(!r.isError, text(r));
    const a = data<{
      definitions: Array<{ path: string; start_line: number; signature: string }>; body: { text: string };
      calls: Array<{ name: string; defined_at: Array<{ path: string }> }>; tests: Array<{ path: string }>; neighbours: string[];
    }>(r);
    assert.equal(a.definitions[0].path, 'src/parser.ts');
    assert.match(a.definitions[0].signature, /parseArgs\(argv: string\[\]\)/);
    assert.match(a.body.text, /normalizeValue\(v\)/);
    assert.ok(a.calls.some((c) => c.name === 'normalizeValue' && c.defined_at[0]?.path === 'src/parser.ts'));
    assert.deepEqual(a.tests.map((t) => t.path), ['test/parser.test.ts']);
    assert.ok(a.neighbours.includes('src/retry.ts'));
    const callers = await client.callTool({ name: 'analyze_implementation', arguments: { target: 'normalizeValue' } });
    assert.ok(data<{ called_by: Array<{ path: string; symbol: string | null }> }>(callers).called_by.some((c) => c.path === 'src/parser.ts' && c.symbol === 'parseArgs'));
    const method = await client.callTool({ name: 'analyze_implementation', arguments: { target: 'Runner.run' } });
    assert.equal(data<{ definitions: Array<{ path: string }> }>(method).definitions[0]?.path, 'src/cli/main.py');
  });

  test('index_control reports counts and skipped files, and re-reads given paths', async () => {
    const r = await client.callTool({ name: 'index_control', arguments: { action: 'status' } });
    const s = data<{ files: number; writer: boolean; skipped: Record<string, { count: number }> }>(r);
    assert.equal(s.files, 4);
    assert.equal(s.writer, true);
    assert.ok(s.skipped.secret?.count >= 1, JSON.stringify(s.skipped));
    const re = await client.callTool({ name: 'index_control', arguments: { action: 'reindex_paths', paths: ['src/parser.ts'] } });
    assert.ok(!re.isError, text(re));
    for (const action of ['pause', 'resume']) {
      assert.ok(!(await client.callTool({ name: 'index_control', arguments: { action } })).isError);
    }
  });

  test('excluded files (secrets) are never returned', async () => {
    const r = await client.callTool({ name: 'search_codebase', arguments: { query: 'API_KEY sk_live', mode: 'keyword' } });
    assert.ok(data<{ hits: Array<{ path: string }> }>(r).hits.every((h) => !h.path.includes('.env')));
    const a = await client.callTool({ name: 'analyze_implementation', arguments: { target: 'API_KEY', file: '.env' } });
    assert.equal(a.isError, true);
    assert.match(text(a), /not in the index/);
  });

  test('invalid arguments are tool errors naming the field', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['search_codebase', { query: 'x', k: 500 }, /\bk\b/],
      ['search_codebase', {}, /query/],
      ['search_codebase', { query: 'x', max_tokens: 'lots' }, /max_tokens/],
      ['locate_relevant_files', { description: '' }, /description/],
      ['index_control', { action: 'explode' }, /action/],
      ['index_control', { action: 'reindex_paths' }, /paths/],
      ['analyze_implementation', { target: 'noSuchSymbolAnywhere' }, /target/],
    ];
    for (const [name, args, field] of cases) {
      const r = await client.callTool({ name, arguments: args });
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)}`);
      assert.match(text(r), field);
    }
  });

  test('paths outside the workspace are refused', async () => {
    const escapes = [
      '../outside/secret.ts', 'src/../../outside/secret.ts', path.join(fx.base, 'outside', 'secret.ts'), '/etc/passwd',
      path.join(fx.base, 'ws-evil', 'x.ts'), `${fx.root}-evil/x.ts`, 'link/secret.ts', 'src/parser.ts\0.png',
      '%2e%2e/outside/secret.ts', 'src/%2E%2E/%2e%2e/outside/secret.ts',
    ];
    for (const p of escapes) {
      const a = await client.callTool({ name: 'analyze_implementation', arguments: { target: 'parseArgs', file: p } });
      assert.equal(a.isError, true, p);
      assert.match(text(a), /path-outside-workspace/, p);
      const i = await client.callTool({ name: 'index_control', arguments: { action: 'reindex_paths', paths: [p] } });
      assert.equal(i.isError, true, p);
    }
    const t = await client.callTool({ name: 'analyze_implementation', arguments: { target: '../outside/secret.ts' } });
    assert.equal(t.isError, true);
  });

  test('50 concurrent calls all succeed', async () => {
    const calls = Array.from({ length: 50 }, (_, i) => i % 2
      ? client.callTool({ name: 'search_codebase', arguments: { query: i % 4 === 1 ? 'retry' : 'parse arguments' } })
      : client.callTool({ name: 'locate_relevant_files', arguments: { description: 'backoff delay doubles in withRetry' } }));
    const results = await Promise.all(calls);
    assert.equal(results.filter((r) => r.isError).length, 0);
    assert.ok(results.every((r, i) => i % 2 || data<{ files: Array<{ path: string }> }>(r).files[0]?.path === 'src/retry.ts'));
  });
});

describe('raw JSON-RPC lines', () => {
  test('a malformed line gets -32700, an oversized line is refused, and the server keeps serving', async () => {
    const child = spawn(process.execPath, serverArgs(fx).map((a) => (a === fx.indexDir ? `${fx.indexDir}-raw` : a)).concat('--no-watch'), { cwd: REPO, stdio: ['pipe', 'pipe', 'ignore'] });
    const replies: Array<{ id: unknown; error?: { code: number }; result?: unknown }> = [];
    const waiters: Array<() => void> = [];
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) { replies.push(JSON.parse(buf.slice(0, nl))); buf = buf.slice(nl + 1); waiters.splice(0).forEach((w) => w()); }
    });
    const nextReply = async (n: number) => { while (replies.length < n) await new Promise<void>((r) => waiters.push(r)); return replies[n - 1]; };
    try {
      child.stdin.write('{"jsonrpc": "2.0", "id": 1, "method": \n');
      assert.equal((await nextReply(1)).error?.code, -32700);
      // 20 MiB on one line, written in pieces.
      const piece = 'x'.repeat(1024 * 1024);
      child.stdin.write('{"jsonrpc":"2.0","id":2,"method":"ping","params":{"pad":"');
      for (let i = 0; i < 20; i++) {
        if (!child.stdin.write(piece)) await new Promise((r) => child.stdin.once('drain', r));
      }
      child.stdin.write('"}}\n');
      const big = await nextReply(2);
      assert.equal(big.error?.code, -32600);
      child.stdin.write(JSON.stringify({ jsonrpc: '2.0', id: 3, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } }) + '\n');
      const init = await nextReply(3);
      assert.equal(init.id, 3);
      assert.ok(init.result, 'initialize still answered');
    } finally {
      child.stdin.end();
      await new Promise((r) => child.once('exit', r));
    }
  });
});
