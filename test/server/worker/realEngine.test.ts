// The worker with the real Engine on a tiny temp workspace (keyword only, no model):
// initialize → index on startup → "ready" status → search round trip → shutdown.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { Engine } from '../../../server/engine/engine';
import { SearchRequest, StatusChangedNotification, ReindexRequest } from '../../../protocol/requests';
import { SearchResultSchema } from '../../../protocol/search';
import { IndexStatusSchema, type IndexStatus } from '../../../protocol/status';
import { connectWorker, initialize } from './harness';
import { deferred } from './fakeEngine';

function workspace(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-worker-ws-'));
  fs.mkdirSync(path.join(dir, 'src'));
  fs.writeFileSync(path.join(dir, 'src', 'auth.ts'), 'export function verifyPassword(user: string, password: string): boolean {\n  return hashPassword(password) === lookupHash(user);\n}\n');
  fs.writeFileSync(path.join(dir, 'src', 'util.py'), 'def sort_dict_by_value(d):\n    """Sort a dictionary by its values."""\n    return dict(sorted(d.items(), key=lambda kv: kv[1]))\n');
  return dir;
}

test('a search round trip through the worker with the real engine', { timeout: 60_000 }, async (t) => {
  const ws = workspace();
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-worker-index-'));
  const h = connectWorker({ openEngine: (o) => Engine.open(o) });
  t.after(async () => {
    await h.dispose();
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(indexDir, { recursive: true, force: true });
  });
  const ready = deferred<IndexStatus>();
  h.client.onNotification(StatusChangedNotification.method, (raw: unknown) => {
    const s = IndexStatusSchema.parse(raw);
    if (s.state === 'ready' && s.files > 0) ready.resolve(s);
  });
  await initialize(h.client, { roots: [ws], indexDir, settings: { model: 'none', watch: false } });
  const status = await ready.promise;
  assert.equal(status.files, 2);
  assert.equal(status.writer, true);

  const result = SearchResultSchema.parse(await h.client.sendRequest(SearchRequest.method, { query: 'verifyPassword', mode: 'keyword', k: 5 }));
  assert.equal(result.hits[0].path, 'src/auth.ts');
  assert.equal(result.hits[0].startLine, 1);
  const filtered = SearchResultSchema.parse(await h.client.sendRequest(SearchRequest.method, { query: 'sort dictionary', filters: { languages: ['python'] } }));
  assert.ok(filtered.hits.length > 0 && filtered.hits.every((hit) => hit.language === 'python'));
  const reindex = await h.client.sendRequest(ReindexRequest.method, {}) as { message: string };
  assert.match(reindex.message, /Reindexing/);
});

test('the worker releases the writer lock on shutdown so the next worker writes', { timeout: 60_000 }, async (t) => {
  const ws = workspace();
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-worker-index-'));
  t.after(() => {
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(indexDir, { recursive: true, force: true });
  });
  const first = connectWorker({ openEngine: (o) => Engine.open(o) });
  await initialize(first.client, { roots: [ws], indexDir, settings: { model: 'none', watch: false, indexOnStartup: false } });
  await first.session.host.ready();
  await first.dispose();
  const second = connectWorker({ openEngine: (o) => Engine.open(o) });
  t.after(() => second.dispose());
  await initialize(second.client, { roots: [ws], indexDir, settings: { model: 'none', watch: false, indexOnStartup: false } });
  const engine = await second.session.host.ready();
  assert.equal(engine.status().writer, true);
});

test('a worker started while the previous owner is still exiting waits for the lock and writes', { timeout: 60_000 }, async (t) => {
  const ws = workspace();
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-worker-index-'));
  const script = path.join(indexDir, '..', `${path.basename(indexDir)}-holder.ts`);
  t.after(() => {
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(indexDir, { recursive: true, force: true });
    fs.rmSync(script, { force: true });
  });
  // Another process holds the lock and lets go 1.5 s later, like a worker still closing.
  fs.writeFileSync(script, `import { WriterLock } from ${JSON.stringify(path.resolve('server/store/lock.ts'))};
const lock = WriterLock.tryAcquire(${JSON.stringify(indexDir)});
if (!lock) process.exit(3);
console.log('locked');
setTimeout(() => { lock.release(); process.exit(0); }, 1500);
`);
  const holder = spawn(process.execPath, ['--import', 'tsx', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<number | null>((resolve) => holder.on('exit', resolve));
  await new Promise<void>((resolve, reject) => {
    holder.stdout.on('data', (d: Buffer) => { if (d.toString().includes('locked')) resolve(); });
    holder.on('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
  });
  const worker = connectWorker({ openEngine: (o) => Engine.open(o) });
  t.after(() => worker.dispose());
  await initialize(worker.client, { roots: [ws], indexDir, settings: { model: 'none', watch: false, indexOnStartup: false } });
  const engine = await worker.session.host.ready();
  assert.equal(await exited, 0);
  assert.equal(engine.status().writer, true, 'the new worker owns the index once its predecessor has gone');
});
