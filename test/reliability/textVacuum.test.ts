/**
 * Regression test. Found by the changing-file test on a loaded machine: MiniSearch's
 * background vacuum (autoVacuum, since replaced by TextIndex.vacuumIfDirty) iterated the
 * term tree in batches with a timer between them, and an index pass that added or
 * discarded chunks in that gap changed the tree under the iterator. The vacuum then throws inside a promise
 * nobody awaits, which is an unhandled rejection: fatal for a Node process by default,
 * so the worker or `conexus serve` would die. This test replays the pattern on purpose:
 * many passes in a row, each replacing hundreds of chunks with new terms.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { TempDirs, assertSameIndex, fingerprint, freshFingerprint, open } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

/** A file of many small functions whose names and numbers are new in every version. */
function source(file: number, version: number): string {
  const parts: string[] = [];
  for (let i = 0; i < 60; i++) parts.push(`def f${file}_${i}_v${version}(x):\n    return x * ${file * 7919 + i * 104729 + version * 1299709}\n`);
  return parts.join('\n');
}

test('index passes while MiniSearch vacuums in the background: no unhandled rejection, the index stays right', { timeout: 110_000 }, async () => {
  const files: Record<string, string> = {};
  for (let f = 0; f < 20; f++) files[`src/f${f}.py`] = source(f, 0);
  const ws = temp.workspace(files);
  const engine = await open([ws], temp.make());
  const rejections: unknown[] = [];
  const onRejection = (reason: unknown) => rejections.push(reason);
  process.on('unhandledRejection', onRejection);
  try {
    await engine.index();
    for (let round = 1; round <= 60 && rejections.length === 0; round++) {
      const changed: string[] = [];
      for (let f = 0; f < 20; f++) {
        const abs = path.join(ws, 'src', `f${f}.py`);
        fs.writeFileSync(abs, source(f, round));
        changed.push(abs);
      }
      // Watcher-style passes (paths given) do not wait for anything between them.
      await engine.index({ paths: changed.slice(0, 10) });
      await engine.index({ paths: changed.slice(10) });
    }
    // Give a vacuum still in flight the chance to finish (or fail) before judging.
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(rejections.map(String), [], 'no background failure');
    assertSameIndex(fingerprint(engine), await freshFingerprint([ws], temp));
    assert.equal((await engine.search({ query: 'f3_7_v60', mode: 'keyword' })).hits[0]?.path, 'src/f3.py');
  } finally {
    process.off('unhandledRejection', onRejection);
    await engine.close();
  }
});
