import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatEta, formatStatusBar, percentDone } from '../../extension/statusText';
import type { IndexStatus } from '../../protocol/status';

function status(over: Partial<IndexStatus> = {}): IndexStatus {
  return {
    state: 'ready', roots: ['/ws'], indexDir: '/idx', files: 120, chunks: 900, embeddedChunks: 900, skipped: {},
    model: { id: 'm', dimension: 256, semantic: true }, indexBytes: 1, lastUpdated: null, pendingChanges: 0,
    progress: null, writer: true, ...over,
  };
}

test('indexing shows percent and time left', () => {
  const s = status({ state: 'indexing', progress: { phase: 'embedding', filesDone: 42, filesTotal: 100, rate: 3, etaSeconds: 12 } });
  assert.equal(formatStatusBar(s, 'running').text, '$(sync~spin) Conexus 42% · 12s left');
  assert.match(formatStatusBar(s, 'running').tooltip, /embedding, 42\/100 files/);
});

test('indexing without a known total or ETA says so without numbers', () => {
  const s = status({ state: 'indexing', progress: { phase: 'scanning', filesDone: 0, filesTotal: 0, rate: 0, etaSeconds: null } });
  assert.equal(formatStatusBar(s, 'running').text, '$(sync~spin) Conexus indexing');
  assert.equal(percentDone(s), null);
  const noEta = status({ state: 'indexing', progress: { phase: 'chunking', filesDone: 1, filesTotal: 3, rate: 1, etaSeconds: null } });
  assert.equal(formatStatusBar(noEta, 'running').text, '$(sync~spin) Conexus 33%');
});

test('ready, paused and error each read differently', () => {
  assert.equal(formatStatusBar(status(), 'running').text, '$(check) Conexus');
  assert.match(formatStatusBar(status({ model: { id: null, dimension: null, semantic: false } }), 'running').tooltip, /keyword only/);
  const paused = formatStatusBar(status({ state: 'paused', pendingChanges: 3 }), 'running');
  assert.equal(paused.text, '$(debug-pause) Conexus paused');
  assert.match(paused.tooltip, /3 queued change/);
  const error = formatStatusBar(status({ state: 'error', error: 'Disk full.' }), 'running');
  assert.equal(error.severity, 'error');
  assert.match(error.tooltip, /Disk full\./);
});

test('worker outages win over the last status', () => {
  assert.equal(formatStatusBar(status(), 'restarting').text, '$(sync~spin) Conexus restarting');
  const failed = formatStatusBar(status(), 'failed');
  assert.equal(failed.severity, 'error');
  assert.match(failed.tooltip, /Show Log/);
  assert.equal(formatStatusBar(null, 'starting').text, '$(sync~spin) Conexus starting');
});

test('restricted mode is visible in the tooltip', () => {
  assert.match(formatStatusBar(status(), 'running', true).tooltip, /Restricted Mode/);
});

test('ETAs are short and rounded', () => {
  assert.equal(formatEta(0.4), '0s');
  assert.equal(formatEta(59.6), '1m');
  assert.equal(formatEta(125), '2m 5s');
  assert.equal(formatEta(3600), '1h');
  assert.equal(formatEta(3720), '1h 2m');
});

test('the percentage never exceeds 100', () => {
  assert.equal(percentDone(status({ state: 'indexing', progress: { phase: 'writing', filesDone: 12, filesTotal: 10, rate: 1, etaSeconds: 0 } })), 100);
});
