import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import fc from 'fast-check';
import type { JSONRPCMessage } from '@modelcontextprotocol/sdk/types.js';
import { LineTransport } from '../../../server/mcp/lineTransport';

function setup(maxLineBytes?: number) {
  const input = new PassThrough();
  const output = new PassThrough();
  const t = new LineTransport(input, output, { maxLineBytes });
  const messages: JSONRPCMessage[] = [];
  t.onmessage = (m) => messages.push(m);
  const replies: Array<{ id: unknown; error?: { code: number; message: string } }> = [];
  let pending = '';
  output.on('data', (d: Buffer) => {
    pending += d.toString();
    let nl: number;
    while ((nl = pending.indexOf('\n')) >= 0) { replies.push(JSON.parse(pending.slice(0, nl))); pending = pending.slice(nl + 1); }
  });
  return { input, t, messages, replies };
}

const ping = (id: number) => JSON.stringify({ jsonrpc: '2.0', id, method: 'ping' }) + '\n';

test('a malformed line gets a parse error (-32700) and the next message still arrives', async () => {
  const { input, t, messages, replies } = setup();
  await t.start();
  input.write('{not json\n');
  input.write(ping(1));
  assert.equal(replies.length, 1);
  assert.equal(replies[0].error?.code, -32700);
  assert.equal(replies[0].id, null);
  assert.equal(messages.length, 1);
});

test('JSON that is not JSON-RPC gets an invalid-request error carrying its id', async () => {
  const { input, t, replies } = setup();
  await t.start();
  input.write('{"id": 7, "hello": 1}\n[1,2]\n');
  assert.deepEqual(replies.map((r) => [r.id, r.error?.code]), [[7, -32600], [null, -32600]]);
});

test('an oversized line is refused while memory stays at the cap, and the session goes on', async () => {
  const cap = 64 * 1024;
  const { input, t, messages, replies } = setup(cap);
  await t.start();
  const piece = Buffer.alloc(16 * 1024, 'a');
  let maxHeld = 0;
  for (let i = 0; i < 1280; i++) { // 20 MiB without a newline
    input.write(piece);
    maxHeld = Math.max(maxHeld, t.bufferedBytes);
  }
  input.write('\n');
  input.write(ping(2));
  assert.ok(maxHeld <= cap, `held ${maxHeld} bytes`);
  assert.equal(replies.length, 1);
  assert.equal(replies[0].error?.code, -32600);
  assert.match(replies[0].error!.message, /too large/);
  assert.deepEqual(messages.map((m) => (m as { id: number }).id), [2]);
});

test('property: messages split at arbitrary byte boundaries arrive whole and in order', async () => {
  await fc.assert(fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 1000 }), { minLength: 1, maxLength: 20 }), fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1 }), async (ids, cuts) => {
    const { input, t, messages, replies } = setup();
    await t.start();
    const bytes = Buffer.from(ids.map((id) => ping(id)).join('') + ' \r\n', 'utf8');
    let at = 0;
    for (let i = 0; at < bytes.length; i++) {
      const n = cuts[i % cuts.length];
      input.write(bytes.subarray(at, at + n));
      at += n;
    }
    assert.deepEqual(messages.map((m) => (m as { id: number }).id), ids);
    assert.equal(replies.length, 0);
  }));
});
