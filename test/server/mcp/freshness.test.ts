import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { IndexStatus } from '../../../protocol/status';
import { freshness, freshnessLine } from '../../../server/mcp/freshness';

const base: IndexStatus = {
  state: 'ready', roots: ['/w'], indexDir: '/i', files: 10, chunks: 40, embeddedChunks: 0, skipped: {},
  model: { id: null, dimension: null, semantic: false }, indexBytes: 1, lastUpdated: '2026-01-01T00:00:00.000Z',
  pendingChanges: 0, progress: null, writer: true,
};

test('a ready index is complete and says so briefly', () => {
  const f = freshness(base);
  assert.equal(f.complete, true);
  assert.equal(f.warning, undefined);
  assert.match(freshnessLine(f), /^Index: 10 files, 40 chunks, updated 2026-01-01.*keyword search only/);
});

test('while indexing the line is loud and carries the progress', () => {
  const f = freshness({ ...base, state: 'indexing', progress: { phase: 'chunking', filesDone: 412, filesTotal: 1500, rate: 10, etaSeconds: 100 } });
  assert.equal(f.complete, false);
  assert.equal(f.progress, '412/1500 files, chunking');
  assert.match(freshnessLine(f), /^⚠ INDEX IS STILL BUILDING \(412\/1500 files, chunking\)/);
});

test('pending changes, pause and errors each warn', () => {
  assert.match(freshness({ ...base, pendingChanges: 3 }).warning ?? '', /3 changed file/);
  assert.match(freshness({ ...base, state: 'paused', pendingChanges: 2 }).warning ?? '', /paused/);
  assert.match(freshness({ ...base, state: 'error', error: 'disk full' }).warning ?? '', /disk full/);
});
