import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ErrorCode } from '../../../protocol/errors';
import { WriterLock } from '../../../server/store/lock';
import { makeWorkspace, openEngine, SAMPLE, writeFiles } from '../engine/helpers';

function tempDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-store-'));
}

test('a live owner keeps the lock; a second process opens read-only and cannot write', async () => {
  const ws = makeWorkspace(SAMPLE);
  const writer = await openEngine([ws]);
  const reader = await openEngine([ws], { indexDir: writer.indexDir });
  try {
    assert.equal(writer.status().writer, true);
    assert.equal(reader.status().writer, false);
    await assert.rejects(reader.index(), (e: { code: string }) => e.code === ErrorCode.IndexLocked);
    await writer.index();
    // The reader follows the writer's newest snapshot on its next search.
    const r = await reader.search({ query: 'verifyPassword', mode: 'keyword' });
    assert.equal(r.hits[0]?.path, 'src/auth.ts');
  } finally {
    await reader.close();
    await writer.close();
  }
});

test('the lock of a dead process is reclaimed', () => {
  const dir = tempDir();
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(dead.stdout.toString());
  fs.writeFileSync(path.join(dir, 'lock'), JSON.stringify({ pid, host: os.hostname(), startedAt: new Date().toISOString() }));
  const lock = WriterLock.tryAcquire(dir);
  assert.ok(lock, 'stale lock reclaimed');
  assert.equal(WriterLock.owner(dir), process.pid);
  lock.release();
  assert.equal(fs.existsSync(path.join(dir, 'lock')), false);
});

test('an index of another schema version is quarantined and rebuilt, not crashed on', async () => {
  const ws = makeWorkspace(SAMPLE);
  const first = await openEngine([ws]);
  await first.index();
  await first.close();
  const meta = path.join(first.indexDir, 'meta.json');
  fs.writeFileSync(meta, JSON.stringify({ ...JSON.parse(fs.readFileSync(meta, 'utf8')), schemaVersion: 999 }));
  const second = await openEngine([ws], { indexDir: first.indexDir });
  try {
    assert.equal(second.status().files, 0, 'old data is not read');
    assert.ok(fs.readdirSync(path.join(first.indexDir, 'quarantine')).length > 0, 'old data kept aside');
    await second.index();
    assert.equal((await second.search({ query: 'verifyPassword', mode: 'keyword' })).hits[0]?.path, 'src/auth.ts');
  } finally {
    await second.close();
  }
});

test('a truncated snapshot is detected, quarantined and rebuilt', async () => {
  const ws = makeWorkspace(SAMPLE);
  const first = await openEngine([ws]);
  await first.index();
  await first.close();
  const current = fs.readFileSync(path.join(first.indexDir, 'CURRENT'), 'utf8').trim();
  const chunks = path.join(first.indexDir, current, 'chunks.jsonl');
  fs.truncateSync(chunks, Math.floor(fs.statSync(chunks).size / 2));
  const second = await openEngine([ws], { indexDir: first.indexDir });
  try {
    assert.equal(second.status().files, 0);
    assert.equal((await second.index()).files, 3);
    await second.close();
    const third = await openEngine([ws], { indexDir: first.indexDir });
    assert.equal(third.status().files, 3, 'the rebuilt index is saved and opens cleanly');
    await third.close();
  } finally {
    await second.close();
  }
});

test('disk full during a save: a clear error, search keeps working, the previous index still opens', async (t) => {
  // A real full disk: a 512 KiB tmpfs holds the index folder. Mounting needs root,
  // which CI and the development machines have; elsewhere the test says why it skips.
  const mnt = tempDir();
  const mounted = spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=512k', 'tmpfs', mnt]);
  if (mounted.status !== 0) {
    t.skip(`cannot mount a small tmpfs to fill (${mounted.stderr.toString().trim() || 'not root'})`);
    return;
  }
  try {
    const ws = makeWorkspace(SAMPLE);
    const dir = path.join(mnt, 'index');
    const engine = await openEngine([ws], { indexDir: dir });
    await engine.index();
    // ~600 KB of distinct words: its chunks and terms cannot fit in what is left.
    const words = Array.from({ length: 60_000 }, (_, i) => `word${i.toString(36)}`);
    writeFiles(ws, { 'big.txt': `${words.join(' ')}\n`, 'src/late.py': 'def walrus_tusk():\n    pass\n' });
    await assert.rejects(engine.index(), (e: { code: string; message: string }) => e.code === ErrorCode.WriteFailed && /ENOSPC|free disk/.test(e.message));
    assert.match(engine.status().error ?? '', /previous index is intact/);
    assert.equal((await engine.search({ query: 'walrus tusk', mode: 'keyword' })).hits[0]?.symbol, 'walrus_tusk');
    await engine.close();
    const reopened = await openEngine([ws], { indexDir: dir });
    try {
      assert.equal(reopened.status().files, 3, 'the last good snapshot opens');
    } finally {
      await reopened.close();
    }
  } finally {
    spawnSync('umount', [mnt]);
  }
});
