import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CancellationTokenSource, ResponseError } from 'vscode-jsonrpc/node';
import {
  ClearRequest, IndexStatusRequest, PauseRequest, ResumeRequest, RpcErrorCode, SearchRequest, StatusChangedNotification,
} from '../../../protocol/requests';
import { SearchResultSchema } from '../../../protocol/search';
import { IndexStatusSchema, type IndexStatus } from '../../../protocol/status';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import type { EngineOptions } from '../../../server/engine/api';
import { connectWorker, initialize } from './harness';
import { deferred, FakeEngine } from './fakeEngine';

function withFake(opts: { onOpen?: (o: EngineOptions) => void } = {}) {
  const engines: FakeEngine[] = [];
  const opened = deferred<FakeEngine>();
  const h = connectWorker({
    openEngine: async (o) => {
      opts.onOpen?.(o);
      const e = new FakeEngine(o);
      engines.push(e);
      opened.resolve(e);
      return e;
    },
  });
  return { ...h, engines, opened: opened.promise };
}

const init = { roots: ['/ws/app'], indexDir: '/tmp/conexus-test-index', settings: {}, restricted: false };

test('a search round trip returns hits that pass the shared result schema', async (t) => {
  const h = withFake();
  t.after(() => h.dispose());
  await initialize(h.client, init);
  const result = await h.client.sendRequest(SearchRequest.method, { query: 'hello', mode: 'keyword' });
  const parsed = SearchResultSchema.parse(result);
  assert.equal(parsed.mode, 'keyword');
  assert.equal(parsed.hits[0].path, 'src/a.ts');
  assert.deepEqual(parsed.hits[0].matched.terms, ['hello']);
});

test('the worker indexes and watches on startup and reports status changes', async (t) => {
  const h = withFake();
  t.after(() => h.dispose());
  const ready = deferred<IndexStatus>();
  h.client.onNotification(StatusChangedNotification.method, (s: unknown) => {
    const status = IndexStatusSchema.parse(s);
    if (status.state === 'ready' && engine?.calls.includes('index')) ready.resolve(status);
  });
  let engine: FakeEngine | undefined;
  await initialize(h.client, init);
  engine = await h.opened;
  await engine.indexed.promise;
  const status = await ready.promise;
  assert.equal(status.files, 1);
  assert.ok(engine.calls.includes('watch'));
  const viaRequest = IndexStatusSchema.parse(await h.client.sendRequest(IndexStatusRequest.method, {}));
  assert.equal(viaRequest.state, 'ready');
});

test('invalid search parameters are refused with InvalidParams naming the field', async (t) => {
  const h = withFake();
  t.after(() => h.dispose());
  await initialize(h.client, init);
  await assert.rejects(h.client.sendRequest(SearchRequest.method, { query: 'x', k: 100000 }), (e: unknown) => {
    assert.ok(e instanceof ResponseError);
    assert.equal(e.code, RpcErrorCode.InvalidParams);
    assert.match(e.message, /\bk\b/);
    assert.deepEqual(e.data, { code: ErrorCode.InvalidParams });
    return true;
  });
  await assert.rejects(h.client.sendRequest(SearchRequest.method, { query: '   ' }), /query is empty/);
  await assert.rejects(h.client.sendRequest(IndexStatusRequest.method, { unexpected: 1 }), (e: unknown) => e instanceof ResponseError && e.code === RpcErrorCode.InvalidParams);
});

test('cancelling a search aborts the engine and answers RequestCancelled', { timeout: 20_000 }, async (t) => {
  const h = withFake();
  t.after(() => h.dispose());
  await initialize(h.client, init);
  const engine = await h.opened;
  engine.holdSearch = true;
  const source = new CancellationTokenSource();
  const pending = h.client.sendRequest(SearchRequest.method, { query: 'slow' }, source.token);
  await engine.searchStarted.promise;
  source.cancel();
  await engine.aborted.promise;
  await assert.rejects(pending, (e: unknown) => e instanceof ResponseError && e.code === RpcErrorCode.RequestCancelled);
});

test('control requests reach the engine and answer a sentence', async (t) => {
  const h = withFake();
  t.after(() => h.dispose());
  await initialize(h.client, init);
  const engine = await h.opened;
  const paused = await h.client.sendRequest(PauseRequest.method, {}) as { message: string };
  assert.match(paused.message, /paused/i);
  assert.equal(engine.paused, true);
  await h.client.sendRequest(ResumeRequest.method, {});
  assert.equal(engine.paused, false);
  await h.client.sendRequest(ClearRequest.method, {});
  assert.ok(engine.calls.includes('clear'));
});

test('bad settings fall back to defaults with one warning naming them', async (t) => {
  let seen: EngineOptions | undefined;
  const h = withFake({ onOpen: (o) => { seen = o; } });
  t.after(() => h.dispose());
  const warned = deferred<string>();
  h.client.onNotification('window/logMessage', (p: { message: string }) => { if (/invalid/.test(p.message)) warned.resolve(p.message); });
  await initialize(h.client, { ...init, settings: { maxFileBytes: 'huge', defaultK: 5, watch: 'yes' } });
  await h.opened;
  assert.equal(seen?.settings?.maxFileBytes, 1024 * 1024);
  assert.equal(seen?.settings?.defaultK, 5);
  assert.equal(seen?.settings?.watch, true);
  const message = await warned.promise;
  assert.match(message, /maxFileBytes/);
  assert.match(message, /watch/);
});

test('restricted mode keeps the shipped model and file rules whatever the settings say', async (t) => {
  let seen: EngineOptions | undefined;
  const h = withFake({ onOpen: (o) => { seen = o; } });
  t.after(() => h.dispose());
  await initialize(h.client, { ...init, restricted: true, settings: { model: '/evil/model', allowModelDownload: true, exclude: ['x'], defaultK: 7 } });
  await h.opened;
  assert.equal(seen?.settings?.model, '');
  assert.equal(seen?.settings?.allowModelDownload, false);
  assert.deepEqual(seen?.settings?.exclude, []);
  assert.equal(seen?.settings?.defaultK, 7);
});

test('invalid start options fail initialize with what to do next', async (t) => {
  const h = withFake();
  t.after(() => h.dispose());
  await assert.rejects(initialize(h.client, { roots: [], indexDir: '' }), (e: unknown) => {
    assert.ok(e instanceof ResponseError);
    assert.match(e.message, /open a folder/);
    return true;
  });
});

test('a locked index opens read-only instead of failing', async (t) => {
  const modes: boolean[] = [];
  const h = connectWorker({
    openEngine: async (o) => {
      modes.push(Boolean(o.readOnly));
      if (!o.readOnly) throw new ConexusError(ErrorCode.IndexLocked, 'Another process holds the lock.');
      return new FakeEngine(o);
    },
  });
  t.after(() => h.dispose());
  await initialize(h.client, init);
  const status = IndexStatusSchema.parse(await h.client.sendRequest(IndexStatusRequest.method, {}));
  assert.deepEqual(modes, [false, true]);
  assert.equal(status.writer, false);
});

test('a failed open turns into an error status and a search error that says what to do', async (t) => {
  const h = connectWorker({ openEngine: async () => { throw new Error('disk on fire'); } });
  t.after(() => h.dispose());
  await initialize(h.client, init);
  await assert.rejects(h.client.sendRequest(SearchRequest.method, { query: 'x' }), (e: unknown) => {
    assert.ok(e instanceof ResponseError);
    assert.equal((e.data as { code: string }).code, ErrorCode.IndexUnavailable);
    assert.match(e.message, /disk on fire/);
    return true;
  });
  const status = IndexStatusSchema.parse(await h.client.sendRequest(IndexStatusRequest.method, {}));
  assert.equal(status.state, 'error');
  assert.match(status.error ?? '', /Show Log/);
});

test('shutdown closes the engine (releasing its lock) and is idempotent', async (t) => {
  const h = withFake();
  t.after(() => h.dispose());
  await initialize(h.client, init);
  const engine = await h.opened;
  await h.client.sendRequest('shutdown');
  assert.equal(engine.closed, true);
  await h.session.shutdown();
  assert.equal(engine.calls.filter((c) => c === 'close').length, 1);
});

test('a trusted writer serves MCP for its index folder and closes it on shutdown', async (t) => {
  const served: string[] = [];
  let closed = 0;
  const servedOnce = deferred<void>();
  const h = connectWorker({
    openEngine: async (o) => new FakeEngine(o),
    serveMcp: async (_engine, indexDir) => { served.push(indexDir); servedOnce.resolve(); return { close: () => { closed++; } }; },
  });
  t.after(() => h.dispose());
  await initialize(h.client, { ...init, serveMcp: true });
  await servedOnce.promise;
  assert.deepEqual(served, [init.indexDir]);
  await h.session.shutdown();
  assert.equal(closed, 1);
});

test('restricted mode never serves MCP, and neither does a read-only worker', async (t) => {
  let served = 0;
  const serveMcp = async () => { served++; return { close() {} }; };
  const restricted = connectWorker({ openEngine: async (o) => new FakeEngine(o), serveMcp });
  t.after(() => restricted.dispose());
  await initialize(restricted.client, { ...init, serveMcp: true, restricted: true });
  const readOnly = connectWorker({
    openEngine: async (o) => { if (!o.readOnly) throw new ConexusError(ErrorCode.IndexLocked, 'locked'); return new FakeEngine(o); },
    serveMcp,
  });
  t.after(() => readOnly.dispose());
  await initialize(readOnly.client, { ...init, serveMcp: true });
  // Both workers answer a request only after their start has run to the point of deciding.
  await restricted.session.host.ready();
  await readOnly.session.host.ready();
  await restricted.client.sendRequest(IndexStatusRequest.method, {});
  await readOnly.client.sendRequest(IndexStatusRequest.method, {});
  assert.equal(served, 0);
});
