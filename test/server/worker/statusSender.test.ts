import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusSender } from '../../../server/worker/statusSender';
import type { IndexStatus } from '../../../protocol/status';

function status(state: IndexStatus['state'], filesDone: number): IndexStatus {
  return {
    state, roots: [], indexDir: '/i', files: 0, chunks: 0, embeddedChunks: 0, skipped: {},
    model: { id: null, dimension: null, semantic: false }, indexBytes: 0, lastUpdated: null, pendingChanges: 0,
    progress: { phase: 'chunking', filesDone, filesTotal: 100, rate: 1, etaSeconds: null }, writer: true,
  };
}

test('state changes go out at once; a burst of progress collapses to its latest', { timeout: 10_000 }, async () => {
  const sent: IndexStatus[] = [];
  let onSend: (() => void) | null = null;
  const sender = statusSender((s) => { sent.push(s); onSend?.(); }, 50);
  sender(status('indexing', 1));
  assert.equal(sent.length, 1, 'the first status is sent immediately');
  const trailing = new Promise<void>((resolve) => { onSend = resolve; });
  for (let i = 2; i <= 50; i++) sender(status('indexing', i));
  assert.equal(sent.length, 1, 'progress within the interval waits');
  await trailing;
  assert.equal(sent.length, 2);
  assert.equal(sent[1].progress?.filesDone, 50, 'the latest progress wins');
  sender(status('paused', 50));
  assert.equal(sent.at(-1)?.state, 'paused', 'a state change is not throttled');
});

test('cancel drops a pending status', () => {
  const sent: IndexStatus[] = [];
  const sender = statusSender((s) => sent.push(s), 10_000);
  sender(status('indexing', 1));
  sender(status('indexing', 2));
  sender.cancel();
  assert.equal(sent.length, 1);
});
