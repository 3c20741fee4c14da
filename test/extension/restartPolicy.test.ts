import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CrashBudget } from '../../extension/restartPolicy';

test('up to 4 crashes in 3 minutes are restarted, the 5th is not', () => {
  const b = new CrashBudget(4, 180_000);
  const decisions = [0, 10_000, 20_000, 30_000, 40_000].map((t) => b.record(t).restart);
  assert.deepEqual(decisions, [true, true, true, true, false]);
});

test('crashes older than the window no longer count', () => {
  const b = new CrashBudget(4, 180_000);
  for (const t of [0, 1000, 2000, 3000]) b.record(t);
  assert.deepEqual(b.record(185_000), { restart: true, recent: 1 });
});

test('a deliberate restart resets the budget', () => {
  const b = new CrashBudget(1, 180_000);
  b.record(0);
  assert.equal(b.record(1).restart, false);
  b.reset();
  assert.equal(b.record(2).restart, true);
});
