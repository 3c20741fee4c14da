import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Messenger, SearchFailed } from '../../webview/messenger';
import { parseWebviewMessage } from '../../protocol/webview';

function setup() {
  const posted: unknown[] = [];
  const messenger = new Messenger({ postMessage: (m) => posted.push(m) });
  return { posted, messenger };
}

test('every message the messenger posts passes the extension\'s validation', async () => {
  const { posted, messenger } = setup();
  const first = messenger.search({ query: 'one', mode: 'keyword', filters: { languages: ['python'] } });
  first.catch(() => {});
  messenger.cancel();
  messenger.post({ kind: 'open', path: 'a.ts', startLine: 1, endLine: 2 });
  for (const m of posted) assert.ok(parseWebviewMessage(m).ok, JSON.stringify(m));
});

test('a newer query cancels the older one, whose late answer is dropped', async () => {
  const { posted, messenger } = setup();
  const older = messenger.search({ query: 'old' });
  const newer = messenger.search({ query: 'new' });
  await assert.rejects(older, (e: unknown) => e instanceof SearchFailed && e.code === 'cancelled');
  assert.deepEqual(posted.map((m) => (m as { kind: string }).kind), ['request', 'cancel', 'request']);
  const [oldReq, cancel, newReq] = posted as Array<{ id: number }>;
  assert.equal(cancel.id, oldReq.id);
  const result = { hits: [], mode: 'hybrid' as const, tookMs: 1 };
  assert.equal(messenger.receive({ kind: 'response', id: oldReq.id, result: { ...result, tookMs: 99 } }), true);
  messenger.receive({ kind: 'response', id: newReq.id, result });
  assert.deepEqual(await newer, result);
});

test('an error answer rejects with its code and message; other messages are left to the caller', async () => {
  const { posted, messenger } = setup();
  const pending = messenger.search({ query: 'x' });
  const { id } = posted[0] as { id: number };
  assert.equal(messenger.receive({ kind: 'state', state: { worker: 'running', status: null, restricted: false, noWorkspace: false, defaultMode: 'hybrid', defaultK: 10 } }), false);
  messenger.receive({ kind: 'error', id, code: 'index-unavailable', message: 'Run Reindex.' });
  await assert.rejects(pending, (e: unknown) => e instanceof SearchFailed && e.code === 'index-unavailable' && e.message === 'Run Reindex.');
});
