import { test, mock } from 'node:test';
import assert from 'node:assert/strict';
import { silentLogger } from '../../../server/engine/logger';
import { ChangeBatcher, type ChangeBatch } from '../../../server/walk/batcher';

function setup(debounce = 200, maxWait = 1000) {
  mock.timers.enable({ apis: ['setTimeout'] });
  const errors: string[] = [];
  const batcher = new ChangeBatcher({ ...silentLogger, error: (m) => { errors.push(m); } }, debounce, maxWait);
  const batches: ChangeBatch[] = [];
  batcher.onBatch((b) => batches.push(b));
  return { batcher, batches, errors, done: () => { batcher.close(); mock.timers.reset(); } };
}

test('a burst becomes one batch after the quiet period', () => {
  const { batcher, batches, done } = setup();
  try {
    for (let i = 0; i < 5000; i++) batcher.changed(`/w/f${i}.ts`);
    mock.timers.tick(199);
    assert.equal(batches.length, 0);
    mock.timers.tick(1);
    assert.equal(batches.length, 1);
    assert.equal(batches[0].changed.length, 5000);
    assert.deepEqual(batches[0].removed, []);
    assert.equal(batches[0].rescan, false);
  } finally {
    done();
  }
});

test('a stream that never goes quiet is still flushed at the max wait', () => {
  const { batcher, batches, done } = setup(200, 1000);
  try {
    for (let t = 0; t < 25; t++) {
      batcher.changed(`/w/f${t}.ts`);
      mock.timers.tick(100);
    }
    // 2.5 s of events every 100 ms: flushed at 1 s and 2 s, the rest waits for quiet.
    assert.equal(batches.length, 2);
    mock.timers.tick(200);
    assert.equal(batches.length, 3);
    assert.equal(batches.flatMap((b) => b.changed).length, 25);
  } finally {
    done();
  }
});

test('the last event for a path decides whether it is changed or removed', () => {
  const { batcher, batches, done } = setup();
  try {
    batcher.changed('/w/a');
    batcher.removed('/w/a');
    batcher.removed('/w/b');
    batcher.changed('/w/b');
    batcher.requestRescan();
    mock.timers.tick(200);
    assert.deepEqual(batches, [{ changed: ['/w/b'], removed: ['/w/a'], rescan: true }]);
    mock.timers.tick(5000);
    assert.equal(batches.length, 1, 'nothing more to send');
  } finally {
    done();
  }
});

test('a listener that throws is logged and does not stop the others', () => {
  const { batcher, batches, errors, done } = setup();
  try {
    batcher.onBatch(() => { throw new Error('boom'); });
    const late: ChangeBatch[] = [];
    batcher.onBatch((b) => late.push(b));
    batcher.changed('/w/x');
    mock.timers.tick(200);
    assert.equal(batches.length, 1);
    assert.equal(late.length, 1);
    assert.equal(errors.length, 1);
  } finally {
    done();
  }
});

test('after close nothing is emitted', () => {
  const { batcher, batches, done } = setup();
  try {
    batcher.changed('/w/x');
    batcher.close();
    batcher.changed('/w/y');
    mock.timers.tick(5000);
    assert.equal(batches.length, 0);
  } finally {
    done();
  }
});
