import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { watchParent } from '../../../server/worker/parentWatch';

/** Enough of `process` for the watcher: events and a mutable ppid. */
function fakeProcess(ppid: number) {
  return Object.assign(new EventEmitter(), { ppid }) as unknown as NodeJS.Process & { ppid: number };
}

test('an IPC disconnect orphans the worker exactly once', () => {
  const proc = fakeProcess(100);
  const reasons: string[] = [];
  watchParent((why) => reasons.push(why), proc);
  proc.emit('disconnect');
  proc.emit('disconnect');
  assert.equal(reasons.length, 1);
  assert.match(reasons[0], /IPC/);
  assert.equal(proc.listenerCount('disconnect'), 0);
});

test('a changed parent pid orphans the worker', { timeout: 10_000 }, async () => {
  const proc = fakeProcess(100);
  // The watcher's poll is unref'd by design; this handle keeps the test's event loop alive.
  const keepAlive = setInterval(() => {}, 1000);
  const orphaned = new Promise<string>((resolve) => watchParent(resolve, proc));
  (proc as { ppid: number }).ppid = 1;
  try {
    assert.match(await orphaned, /parent process 100 exited/);
  } finally {
    clearInterval(keepAlive);
  }
});

test('stopping the watch means no callback afterwards', () => {
  const proc = fakeProcess(100);
  let called = false;
  const stop = watchParent(() => { called = true; }, proc);
  stop();
  proc.emit('disconnect');
  assert.equal(called, false);
});
