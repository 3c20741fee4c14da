/**
 * Reliability case 11: two processes on one index folder. Exactly one may write (it
 * holds the lock and says `writer: true`); the other reads and answers searches from
 * the writer's snapshots; when the owner is SIGKILLed, the next process to open the
 * folder reclaims the lock. These run real processes (the CLI's `serve`), because a
 * lock that only works within one process proves nothing.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { ErrorCode } from '../../protocol/errors';
import { TempDirs, open, pySource, runCli, settle, spawnCli, waitForLine } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

function workspace(): string {
  const files: Record<string, string> = {};
  for (let n = 0; n < 6; n++) files[`src/m${n}.py`] = pySource(n);
  return temp.workspace(files);
}

/** Sends one query to a running `serve` and returns its reply. */
async function ask(child: ReturnType<typeof spawnCli>, id: number, query: string): Promise<{ hits?: Array<{ path: string }>; error?: string }> {
  const reply = waitForLine(child.stdout!, (l) => l.includes(`"id":${id}`));
  child.stdin!.write(`${JSON.stringify({ id, query, mode: 'keyword' })}\n`);
  return JSON.parse(await reply);
}

test('a live serve owns the index: another opener is a reader that searches but cannot write; after SIGKILL the lock is reclaimed', { timeout: 90_000 }, async () => {
  const ws = workspace();
  const indexDir = temp.make();
  const owner = spawnCli(['serve', '-w', ws, '--index-dir', indexDir, '--model', 'none']);
  const ownerDone = settle(owner);
  await waitForLine(owner.stdout!, (l) => l.includes('"event":"ready"'));

  const reader = await open([ws], indexDir);
  try {
    assert.equal(reader.status().writer, false, 'the second opener is read-only');
    await assert.rejects(reader.index(), (e: { code?: string }) => e.code === ErrorCode.IndexLocked);
    assert.equal((await reader.search({ query: 'handler_3_v0', mode: 'keyword' })).hits[0]?.path, 'src/m3.py', 'the reader searches the writer\'s index');
  } finally {
    await reader.close();
  }
  assert.ok(fs.existsSync(path.join(indexDir, 'lock')), 'closing the reader leaves the owner\'s lock alone');
  const status = await runCli(['status', '-w', ws, '--index-dir', indexDir, '--model', 'none', '--json']);
  assert.equal(status.code, 0, status.stderr);
  assert.equal((JSON.parse(status.stdout) as { files: number }).files, 6);
  assert.equal((await ask(owner, 1, 'handler_3_v0')).hits?.[0]?.path, 'src/m3.py', 'the owner still answers');

  owner.kill('SIGKILL');
  assert.equal((await ownerDone).signal, 'SIGKILL');
  assert.ok(fs.existsSync(path.join(indexDir, 'lock')), 'a killed owner leaves its lock file behind');
  fs.writeFileSync(path.join(ws, 'src', 'after_kill.py'), 'def written_after_the_owner_died():\n    return 1\n');
  const next = await open([ws], indexDir);
  try {
    assert.equal(next.status().writer, true, 'the dead owner\'s lock is reclaimed');
    assert.equal((await next.index()).changedFiles, 1);
    assert.equal((await next.search({ query: 'written_after_the_owner_died', mode: 'keyword' })).hits[0]?.path, 'src/after_kill.py');
  } finally {
    await next.close();
  }
});

test('two serve processes started together: exactly one becomes the writer', { timeout: 90_000 }, async () => {
  const ws = workspace();
  const indexDir = temp.make();
  const args = ['serve', '-w', ws, '--index-dir', indexDir, '--model', 'none'];
  const a = spawnCli(args);
  const b = spawnCli(args);
  const runs = [settle(a), settle(b)];
  // Both announce themselves; the announcement says which one writes.
  const ready = await Promise.all([a, b].map((c) => waitForLine(c.stdout!, (l) => l.includes('"event":"ready"')).then((l) => JSON.parse(l) as { writer: boolean }, () => null)));
  for (const c of [a, b]) c.stdin!.end();
  const results = await Promise.all(runs);
  const writers = ready.filter((r) => r?.writer === true).length;
  assert.equal(writers, 1, `exactly one serve indexes and watches (ready: ${JSON.stringify(ready)}); stderr:\n${results.map((r) => r.stderr).join('\n')}`);
  assert.equal(ready.filter((r) => r?.writer === false).length, 1, 'the other serves reads');
  const loser = results[ready.findIndex((r) => r?.writer === false)];
  assert.match(loser.stderr, /another process \(pid \d+\)/, 'the other says who owns the index');
  assert.ok(results.every((r) => !/unexpected failure/.test(r.stderr)));
});

test('the second serve process on a folder answers queries read-only instead of exiting', { timeout: 90_000 }, async () => {
  const ws = workspace();
  const indexDir = temp.make();
  const args = ['serve', '-w', ws, '--index-dir', indexDir, '--model', 'none'];
  const owner = spawnCli(args);
  const ownerDone = settle(owner);
  await waitForLine(owner.stdout!, (l) => l.includes('"event":"ready"'));
  const second = spawnCli(args);
  const secondDone = settle(second);
  try {
    await waitForLine(second.stdout!, (l) => l.includes('"event":"ready"'));
    assert.equal((await ask(second, 7, 'handler_2_v0')).hits?.[0]?.path, 'src/m2.py');
  } finally {
    second.stdin!.end();
    owner.stdin!.end();
    await Promise.all([secondDone, ownerDone]);
  }
});
