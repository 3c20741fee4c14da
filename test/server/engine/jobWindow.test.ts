import { strict as assert } from 'node:assert';
import { test } from 'node:test';
import fc from 'fast-check';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JobWindow } from '../../../server/engine/jobWindow';
import type { FileJob, FileJobResult } from '../../../server/engine/fileJob';
import { processFile } from '../../../server/engine/fileJob';
import { runIndexPass, type PassContext } from '../../../server/engine/indexer';
import { ChunkStore } from '../../../server/store/chunkStore';
import { TextIndex } from '../../../server/text/textIndex';
import { IgnoreRules } from '../../../server/walk/ignoreRules';
import type { Root, WalkedFile } from '../../../server/walk/types';
import { parseSettings } from '../../../protocol/settings';
import { makeWorkspace } from './helpers';

const file = (name: string, size = 10): WalkedFile => ({ root: { absPath: '/r', name: 'r' }, absPath: `/r/${name}`, path: name, size, mtimeMs: 0 });
const result = (size: number): FileJobResult => ({ kind: 'unchanged', size, mtimeMs: 0 });

/** A job runner whose jobs finish when the test says, recording what started. */
function manualJobs() {
  const started: string[] = [];
  const finish = new Map<string, (r: FileJobResult) => void>();
  return {
    started,
    run: (f: WalkedFile) => {
      started.push(f.path);
      return new Promise<FileJobResult>((resolve) => finish.set(f.path, resolve));
    },
    finish: (name: string, size: number) => finish.get(name)!(result(size)),
  };
}

test('results come out in the order asked for, whatever order jobs started and finished in', async () => {
  await fc.assert(fc.asyncProperty(fc.uniqueArray(fc.integer({ min: 0, max: 30 }), { minLength: 1, maxLength: 30 }), fc.integer({ min: 0, max: 10 }), async (ids, early) => {
    const order = ids.map((n) => file(`f${n}`, n));
    const jobs = manualJobs();
    const w = new JobWindow(jobs.run, 4, 1_000_000, 8);
    // A walk offers files in some other order before the order is known.
    for (const f of [...order].reverse().slice(0, early)) w.offer(f);
    assert.ok(w.inFlight <= 8);
    w.fill(order, 0);
    for (let i = 0; i < order.length; i++) {
      const pending = w.take(order[i]);
      // Finish everything started so far, newest first, so finishing order differs from taking order.
      for (const name of [...jobs.started].reverse()) jobs.finish(name, Number(name.slice(1)));
      assert.deepEqual(await pending, result(Number(order[i].path.slice(1))));
      w.fill(order, i + 1);
    }
    assert.equal(w.inFlight, 0);
    assert.deepEqual([...jobs.started].sort(), order.map((f) => f.path).sort(), 'every file ran exactly once');
  }), { numRuns: 100 });
});

test('fill keeps to the job and byte limits, but always starts one job; offer keeps to the early limit', async () => {
  const jobs = manualJobs();
  const w = new JobWindow(jobs.run, 3, 100, 5);
  w.fill([file('big', 500), file('b'), file('c')], 0);
  assert.deepEqual(jobs.started, ['big'], 'over the byte limit after the first job');
  const ok = new JobWindow(manualJobs().run, 3, 100, 5);
  ok.fill(['a', 'b', 'c', 'd', 'e'].map((n) => file(n)), 0);
  assert.equal(ok.inFlight, 3);
  const early = new JobWindow(manualJobs().run, 3, 100, 5);
  for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) early.offer(file(n));
  assert.equal(early.inFlight, 5);
  early.offer(file('a'));
  assert.equal(early.inFlight, 5, 'a file already started is not started again');
  // Early jobs not taken yet do not hold the window shut for the files next in order.
  early.fill(['x', 'a', 'y', 'z', 'w'].map((n) => file(n)), 0);
  assert.equal(early.inFlight, 5 + 3, 'x, y and z start; a was already running');
});

test('settle waits for jobs never taken, failed ones included', async () => {
  let done = 0;
  const w = new JobWindow((f) => new Promise((resolve, reject) => setTimeout(() => {
    done++;
    if (f.path === 'bad') reject(new Error('worker died'));
    else resolve(result(1));
  }, 5)), 4, 1000, 4);
  w.fill([file('a'), file('bad'), file('c')], 0);
  await w.settle();
  assert.equal(done, 3);
  assert.equal(w.inFlight, 0);
});

test('a full pass starts jobs while the walk runs and still numbers chunks in path order', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 60; i++) files[`pkg${i % 7}/mod${i}.py`] = `def f${i}(x):\n    """Function number ${i}."""\n    return x + ${i}\n`;
  const ws = makeWorkspace(files);
  const root: Root = { absPath: fs.realpathSync(ws), name: path.basename(ws) };
  const settings = parseSettings({}).settings;
  let walkDone = false;
  let runsDuringWalk = 0;
  const pool = {
    width: 2,
    // Jobs finish after random delays, so results arrive out of order.
    run: (job: FileJob) => {
      if (!walkDone) runsDuringWalk++;
      return new Promise<FileJobResult>((resolve) => setTimeout(() => resolve(processFile(job)), Math.random() * 10));
    },
  };
  const store = new ChunkStore();
  const ctx: PassContext = {
    roots: [root], rules: (r) => new IgnoreRules(r, settings), settings, store, text: new TextIndex(), pool,
    logger: { error() {}, warn() {}, info() {}, debug() {}, trace() {} }, progress() {},
    loadAll: () => { walkDone = true; }, shouldStop: () => false,
  };
  const pass = await runIndexPass(ctx, undefined);
  assert.equal(pass.changedFiles, 60);
  assert.ok(runsDuringWalk > 0, 'some jobs started before the walk had finished');
  const paths = [...store.allChunks()].sort((a, b) => a.id - b.id).map((c) => c.path);
  assert.equal(paths.length, 60);
  assert.deepEqual(paths, [...paths].sort(), 'chunk ids follow path order');
});
