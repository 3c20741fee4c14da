import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatBytes, formatStatusMarkdown } from '../../extension/statusReport';
import type { IndexStatus } from '../../protocol/status';

const status: IndexStatus = {
  state: 'ready', roots: ['/ws/app'], indexDir: '/idx', files: 12, chunks: 80, embeddedChunks: 80,
  skipped: { 'too-large': { count: 2, examples: ['big.bin', 'huge.json'] }, binary: { count: 0, examples: [] } },
  model: { id: 'static-256', dimension: 256, semantic: true }, indexBytes: 3 * 1024 * 1024,
  lastUpdated: '2026-11-25T22:00:00.000Z', pendingChanges: 0, progress: null, writer: true,
};

test('the status document lists counts, skipped reasons with examples, model, size and last update', () => {
  const md = formatStatusMarkdown(status, 'running', false);
  assert.match(md, /\| Files \| 12 \|/);
  assert.match(md, /\| Chunks \| 80 \(80 embedded\) \|/);
  assert.match(md, /too\\-large\*\*: 2 — e\.g\. `big\.bin`, `huge\.json`/);
  assert.doesNotMatch(md, /binary/);
  assert.match(md, /static\\-256 \(256 dimensions\)/);
  assert.match(md, /3\.0 MiB/);
  assert.match(md, /2026-11-25T22:00:00\.000Z/);
});

test('restricted mode, a failed worker and keyword-only search are explained', () => {
  const md = formatStatusMarkdown({ ...status, model: { id: null, dimension: null, semantic: false, reason: 'no model' } }, 'failed', true);
  assert.match(md, /Restricted Mode/);
  assert.match(md, /Show Log/);
  assert.match(md, /keyword search only — no model/);
});

test('byte sizes are human-readable', () => {
  assert.equal(formatBytes(512), '512 B');
  assert.equal(formatBytes(1536), '1.5 KiB');
});
