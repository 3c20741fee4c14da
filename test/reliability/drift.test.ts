/**
 * Reliability cases 7 and 9: the index drifts from the files when watcher events are
 * lost or when changes happen while the engine is not running; the reconciliation scan
 * (`index()` at start) must bring it back to exactly what a fresh index of the final
 * tree holds. And changes the watcher queued but the engine never indexed (it was
 * paused, then closed or killed) are not lost across a restart.
 *
 * The drift case is a property test: fast-check generates a sequence of file
 * operations (write, append, delete, rename a file or a folder, replace a file by a
 * folder, touch, add or edit a .gitignore), applies it behind the engine's back, then
 * compares the reconciled index with a fresh one.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { TempDirs, assertIntegrity, assertSameIndex, freshFingerprint, fingerprint, open, pySource, settle, spawnCli, waitForLine } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

type Op =
  | { kind: 'write'; file: number; version: number }
  | { kind: 'append'; file: number }
  | { kind: 'delete'; file: number }
  | { kind: 'rename'; file: number; to: number }
  | { kind: 'renameDir'; dir: number; to: number }
  | { kind: 'fileToDir'; file: number }
  | { kind: 'touch'; file: number }
  | { kind: 'ignore'; file: number };

const DIRS = ['src', 'lib', 'src/deep'];

/**
 * A file's text: padded by its number so that two different files never have the same
 * size. Renaming one file over another then always changes the size at that path; the
 * same-size case is a known engine gap with its own test below, kept out of the
 * property so the property keeps checking everything else.
 */
const content = (n: number, version = 0) => `${pySource(n, version)}# ${'='.repeat(100 * (n + 1))}\n`;
const fileName = (n: number) => `${DIRS[n % DIRS.length]}/f${n}.py`;

const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('write' as const), file: fc.nat(11), version: fc.nat(5) }),
  fc.record({ kind: fc.constant('append' as const), file: fc.nat(11) }),
  fc.record({ kind: fc.constant('delete' as const), file: fc.nat(11) }),
  fc.record({ kind: fc.constant('rename' as const), file: fc.nat(11), to: fc.nat(11) }),
  fc.record({ kind: fc.constant('renameDir' as const), dir: fc.nat(2), to: fc.nat(3) }),
  fc.record({ kind: fc.constant('fileToDir' as const), file: fc.nat(11) }),
  fc.record({ kind: fc.constant('touch' as const), file: fc.nat(11) }),
  fc.record({ kind: fc.constant('ignore' as const), file: fc.nat(11) }),
);

/** Applies one operation; operations on missing files do nothing (like a real user's no-op). */
function apply(ws: string, op: Op, step: number): void {
  const abs = (rel: string) => path.join(ws, rel);
  const isFile = (rel: string) => fs.existsSync(abs(rel)) && fs.statSync(abs(rel)).isFile();
  switch (op.kind) {
    case 'write':
      fs.mkdirSync(path.dirname(abs(fileName(op.file))), { recursive: true });
      if (!fs.existsSync(abs(fileName(op.file))) || isFile(fileName(op.file))) fs.writeFileSync(abs(fileName(op.file)), content(op.file, op.version + step * 10));
      break;
    case 'append':
      if (isFile(fileName(op.file))) fs.appendFileSync(abs(fileName(op.file)), `\n\ndef appended_${step}():\n    return ${step}\n`);
      break;
    case 'delete':
      fs.rmSync(abs(fileName(op.file)), { recursive: true, force: true });
      break;
    case 'rename':
      if (isFile(fileName(op.file)) && !fs.existsSync(abs(fileName(op.to)))) {
        fs.mkdirSync(path.dirname(abs(fileName(op.to))), { recursive: true });
        fs.renameSync(abs(fileName(op.file)), abs(fileName(op.to)));
      }
      break;
    case 'renameDir': {
      const from = abs(DIRS[op.dir]);
      const to = abs(`moved${op.to}`);
      if (fs.existsSync(from) && !fs.existsSync(to)) fs.renameSync(from, to);
      break;
    }
    case 'fileToDir':
      if (isFile(fileName(op.file))) {
        fs.rmSync(abs(fileName(op.file)));
        fs.mkdirSync(abs(fileName(op.file)));
        fs.writeFileSync(path.join(abs(fileName(op.file)), 'inner.py'), content(100 + op.file));
      }
      break;
    case 'touch':
      if (isFile(fileName(op.file))) {
        const t = new Date(Date.now() + (step + 1) * 1000);
        fs.utimesSync(abs(fileName(op.file)), t, t);
      }
      break;
    case 'ignore':
      // Adds a pattern to (or creates) the root .gitignore; an edited ignore file must take effect too.
      fs.appendFileSync(abs('.gitignore'), `f${op.file}.py\n`);
      break;
  }
}

function seedWorkspace(): string {
  const files: Record<string, string> = {};
  for (let n = 0; n < 8; n++) files[fileName(n)] = content(n);
  files['.gitignore'] = '*.log\n';
  return temp.workspace(files);
}

test('changes made while the engine was closed are reconciled at start: the index equals a fresh index', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb, { minLength: 1, maxLength: 12 }), async (ops) => {
      const ws = seedWorkspace();
      const indexDir = temp.make();
      const first = await open([ws], indexDir);
      await first.index();
      await first.close();
      ops.forEach((op, i) => apply(ws, op, i));
      const second = await open([ws], indexDir);
      try {
        await second.index();
        assertSameIndex(fingerprint(second), await freshFingerprint([ws], temp));
        assertIntegrity(second);
      } finally {
        await second.close();
      }
    }),
    { numRuns: 25 },
  );
});

test('changes a running engine never heard about (lost watcher events) are reconciled by index()', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(opArb.filter((op) => op.kind !== 'ignore'), { minLength: 1, maxLength: 12 }), async (ops) => {
      const ws = seedWorkspace();
      const engine = await open([ws], temp.make());
      try {
        await engine.index();
        ops.forEach((op, i) => apply(ws, op, i));
        await engine.index();
        assertSameIndex(fingerprint(engine), await freshFingerprint([ws], temp));
        assertIntegrity(engine);
      } finally {
        await engine.close();
      }
    }),
    { numRuns: 25 },
  );
});

test('an edited .gitignore is honoured by the next index() of a running engine without watcher events', async () => {
  const ws = seedWorkspace();
  const engine = await open([ws], temp.make());
  try {
    await engine.index();
    assert.ok(engine.listFiles().some((f) => f.path === fileName(3)));
    fs.appendFileSync(path.join(ws, '.gitignore'), 'f3.py\n');
    await engine.index();
    assertSameIndex(fingerprint(engine), await freshFingerprint([ws], temp));
  } finally {
    await engine.close();
  }
});

test('a file renamed over another of the same size and mtime is re-read', async () => {
  const ws = temp.workspace({ 'src/a.py': pySource(1), 'src/b.py': pySource(2) });
  const a = path.join(ws, 'src', 'a.py');
  const b = path.join(ws, 'src', 'b.py');
  assert.equal(fs.statSync(a).size, fs.statSync(b).size);
  const when = new Date('2026-01-02T03:04:05Z');
  fs.utimesSync(a, when, when);
  fs.utimesSync(b, when, when);
  const indexDir = temp.make();
  for (const restart of [false, true]) {
    const engine = await open([ws], indexDir);
    try {
      await engine.index();
      if (!restart) fs.renameSync(b, a);
      else {
        fs.writeFileSync(b, pySource(3));
        fs.utimesSync(b, when, when);
        fs.renameSync(b, a);
        await engine.close();
        const reopened = await open([ws], indexDir);
        try {
          await reopened.index();
          assertSameIndex(fingerprint(reopened), await freshFingerprint([ws], temp), 'after a rename while closed');
        } finally {
          await reopened.close();
        }
        continue;
      }
      await engine.index();
      assertSameIndex(fingerprint(engine), await freshFingerprint([ws], temp), 'after a rename with the engine running');
    } finally {
      await engine.close();
    }
  }
});

test('changes queued while paused and never indexed are picked up after a restart', async () => {
  const ws = seedWorkspace();
  const indexDir = temp.make();
  const first = await open([ws], indexDir);
  await first.index();
  await first.startWatching();
  first.pause();
  fs.writeFileSync(path.join(ws, 'src', 'queued.py'), 'def queued_while_paused():\n    return 1\n');
  fs.rmSync(path.join(ws, fileName(1)));
  fs.appendFileSync(path.join(ws, fileName(2)), '\ndef edited_while_paused():\n    return 2\n');
  // Wait for the watcher to queue all three changes (state, not time: no event exists for it).
  while (first.status().pendingChanges < 3) await new Promise((r) => setImmediate(r));
  await first.close();

  const second = await open([ws], indexDir);
  try {
    assert.equal(second.listFiles().some((f) => f.path === 'src/queued.py'), false, 'the queued change was not indexed before the restart');
    const summary = await second.index();
    assert.equal(summary.changedFiles, 2);
    assert.equal(summary.removedFiles, 1);
    assert.equal((await second.search({ query: 'queued_while_paused', mode: 'keyword' })).hits[0]?.path, 'src/queued.py');
    assert.equal((await second.search({ query: 'edited_while_paused', mode: 'keyword' })).hits[0]?.path, fileName(2));
    assertSameIndex(fingerprint(second), await freshFingerprint([ws], temp));
  } finally {
    await second.close();
  }
});

test('serve killed before a watched change is indexed: the restarted serve finds the change', { timeout: 90_000 }, async () => {
  const ws = seedWorkspace();
  const indexDir = temp.make();
  const args = ['serve', '-w', ws, '--index-dir', indexDir, '--model', 'none'];
  const first = spawnCli(args);
  const firstDone = settle(first);
  await waitForLine(first.stdout!, (l) => l.includes('"event":"ready"'));
  fs.writeFileSync(path.join(ws, 'src', 'late.py'), 'def written_just_before_the_kill():\n    return 1\n');
  first.kill('SIGKILL'); // the batcher's quiet period (200 ms) has not passed: the change is only queued
  assert.equal((await firstDone).signal, 'SIGKILL');

  const second = spawnCli(args);
  const secondDone = settle(second);
  await waitForLine(second.stdout!, (l) => l.includes('"event":"ready"'));
  const answer = waitForLine(second.stdout!, (l) => l.includes('"id":1'));
  second.stdin!.write(`${JSON.stringify({ id: 1, query: 'written_just_before_the_kill', mode: 'keyword' })}\n`);
  const reply = JSON.parse(await answer) as { hits: Array<{ path: string }> };
  second.stdin!.end();
  assert.equal((await secondDone).code, 0);
  assert.equal(reply.hits[0]?.path, 'src/late.py');
});
