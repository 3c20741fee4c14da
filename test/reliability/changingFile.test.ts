/**
 * Reliability case 5: a file that changes while the engine reads it. Another process
 * rewrites a large file hundreds of times in place (truncate, then write, as editors
 * and build tools do) while the engine indexes; once the writer stops, the index must
 * hold exactly the final content — never a torn read recorded under the final size and
 * mtime, which a later pass would then trust and never re-read.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import type { Engine } from '../../server/engine/engine';
import { TempDirs, assertIntegrity, assertSameIndex, fingerprint, freshFingerprint, open, pySource, settle } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

const WRITES = 300;

/**
 * The file's text at version `v`: about 400 KB whose first and last lines name the
 * version, so a torn read (the start of one version, the end of another, or a cut) is
 * visible, and whose length changes with the version. The body repeats a small
 * vocabulary on purpose: with few distinct terms MiniSearch's background vacuum never
 * pauses mid-tree, which keeps the engine bug documented in textVacuum.test.ts out of
 * this test.
 */
function bigSource(v: number): string {
  const lines = [`start of version_${v}`];
  for (let i = 0; i < 8000 + (v % 7) * 300; i++) lines.push(`the quick brown fox jumps over the lazy dog number ${i % 50}`);
  lines.push(`end of version_${v}`);
  return `${lines.join('\n')}\n`;
}

/**
 * Starts a child process that writes versions 1..WRITES of the file in place, then the
 * final version (WRITES + 1), then exits. A separate process really overlaps the reads.
 */
function startWriter(file: string) {
  const code = `
    const fs = require('node:fs');
    ${bigSource.toString()}
    for (let v = 1; v <= ${WRITES + 1}; v++) fs.writeFileSync(${JSON.stringify(file)}, bigSource(v));
  `;
  return settle(spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

function fileHash(file: string): string {
  return createHash('sha1').update(fs.readFileSync(file)).digest('hex');
}

function assertFinal(engine: Engine, rel: string, abs: string): void {
  const entry = engine.listFiles().find((f) => f.path === rel);
  assert.ok(entry, `${rel} is indexed`);
  assert.equal(entry.hash, fileHash(abs), 'the catalog holds the final bytes');
  const text = engine.chunksForFile(rel).map((c) => c.text).join('\n');
  const versions = [...text.matchAll(/version_(\d+)/g)].map((m) => Number(m[1]));
  assert.deepEqual(versions, [WRITES + 1, WRITES + 1], 'the chunks hold the final version from its first line to its last');
}

test('index passes racing a writer: one pass after the writer stops yields exactly the final content', { timeout: 120_000 }, async () => {
  const ws = temp.workspace({ 'src/big.txt': bigSource(0), 'src/small.py': pySource(1) });
  const abs = path.join(ws, 'src', 'big.txt');
  const engine = await open([ws], temp.make(), { settings: { maxFileBytes: 4 * 1024 * 1024 } });
  try {
    await engine.index();
    const writer = startWriter(abs);
    let running = true;
    void writer.then(() => (running = false));
    let passes = 0;
    while (running) {
      await engine.index();
      passes++;
    }
    const run = await writer;
    assert.equal(run.code, 0, run.stderr);
    await engine.index();
    assertFinal(engine, 'src/big.txt', abs);
    assertSameIndex(fingerprint(engine), await freshFingerprint([ws], temp, { maxFileBytes: 4 * 1024 * 1024 }));
    assertIntegrity(engine);
    assert.ok(passes > 0, 'at least one pass overlapped the writer');
    process.stderr.write(`# changing file: ${passes} passes overlapped ${WRITES} writes\n`);
  } finally {
    await engine.close();
  }
});

test('the watcher racing a writer: once the writer stops, the index holds the final content without a manual reindex', { timeout: 120_000 }, async () => {
  const ws = temp.workspace({ 'src/big.txt': bigSource(0), 'src/small.py': pySource(1) });
  const abs = path.join(ws, 'src', 'big.txt');
  const engine = await open([ws], temp.make(), { settings: { maxFileBytes: 4 * 1024 * 1024 } });
  try {
    await engine.index();
    await engine.startWatching();
    const run = await startWriter(abs);
    assert.equal(run.code, 0, run.stderr);
    // A sentinel written after the writer exited: once its batch is indexed, every
    // earlier change has been handed to the engine too.
    const sentinel = path.join(ws, 'sentinel.txt');
    const seen = new Promise<void>((resolve) => {
      const off = engine.onIndexed((e) => { if (e.paths.includes(sentinel)) { off(); resolve(); } });
    });
    fs.writeFileSync(sentinel, 'after the writer\n');
    await seen;
    await engine.index({ paths: [] }); // settles passes still queued
    assertFinal(engine, 'src/big.txt', abs);
  } finally {
    await engine.close();
  }
});
