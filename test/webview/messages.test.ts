// Validation of what the webview posts (protocol/webview.ts): the extension treats the
// panel as untrusted, so unknown, malformed and oversized messages must be rejected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_WEBVIEW_MESSAGE_CHARS, parseWebviewMessage } from '../../protocol/webview';

test('a search request passes and gets the search defaults', () => {
  const r = parseWebviewMessage({ kind: 'request', id: 3, method: 'search', params: { query: 'foo' } });
  assert.ok(r.ok);
  assert.equal(r.message.kind, 'request');
  if (r.message.kind === 'request') {
    assert.equal(r.message.params.k, 10);
    assert.equal(r.message.params.mode, 'hybrid');
  }
});

test('open, cancel, command and ready messages pass', () => {
  for (const m of [
    { kind: 'ready' },
    { kind: 'cancel', id: 1 },
    { kind: 'open', path: 'src/a.ts', startLine: 1, endLine: 4 },
    { kind: 'command', command: 'showLog' },
  ]) assert.ok(parseWebviewMessage(m).ok, JSON.stringify(m));
});

test('unknown kinds, unknown methods, extra fields and wrong types are rejected with a reason', () => {
  const cases: unknown[] = [
    { kind: 'eval', code: 'x' },
    { kind: 'request', id: 1, method: 'deleteIndex', params: {} },
    { kind: 'open', path: 'a', startLine: 1, endLine: 2, absolute: '/etc/passwd' },
    { kind: 'open', path: 'a', startLine: 0, endLine: 2 },
    { kind: 'command', command: 'workbench.action.terminal.new' },
    { kind: 'cancel', id: -1 },
    'ready', null, 42, [],
  ];
  for (const c of cases) {
    const r = parseWebviewMessage(c);
    assert.equal(r.ok, false, JSON.stringify(c));
    if (!r.ok) assert.ok(r.reason.length > 0);
  }
});

test('an oversized message is rejected before its shape is checked, without echoing it', () => {
  const query = 'x'.repeat(MAX_WEBVIEW_MESSAGE_CHARS + 1);
  const r = parseWebviewMessage({ kind: 'request', id: 1, method: 'search', params: { query } });
  assert.equal(r.ok, false);
  if (!r.ok) {
    assert.match(r.reason, /exceeds/);
    assert.ok(r.reason.length < 200);
  }
});

test('search parameters are checked with the shared schema', () => {
  const r = parseWebviewMessage({ kind: 'request', id: 1, method: 'search', params: { query: 'a', k: 5000 } });
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.reason, /params\.k/);
  const cyclic: Record<string, unknown> = { kind: 'ready' };
  cyclic.self = cyclic;
  assert.equal(parseWebviewMessage(cyclic).ok, false);
});
