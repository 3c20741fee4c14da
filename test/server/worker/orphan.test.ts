// A worker whose parent dies must exit on its own and release the index's writer lock.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../../server/engine/engine';

/** True while `pid` runs; an exited process waiting to be reaped (a zombie) counts as gone. */
function alive(pid: number): boolean {
  try {
    const state = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /s, '')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    // No /proc (not Linux) or no such process: fall back to signal 0.
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('the worker exits when its parent is killed and the next engine can write', { timeout: 60_000 }, async (t) => {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-orphan-ws-'));
  fs.writeFileSync(path.join(ws, 'a.ts'), 'export const answer = 42;\n');
  const indexDir = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-orphan-index-'));
  t.after(() => {
    fs.rmSync(ws, { recursive: true, force: true });
    fs.rmSync(indexDir, { recursive: true, force: true });
  });
  const parent = spawn(process.execPath, [path.join(__dirname, 'fixtures', 'orphanParent.cjs'), ws, indexDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => { if (parent.exitCode === null) parent.kill('SIGKILL'); });
  const [line] = await once(parent.stdout!, 'data') as [Buffer];
  const workerPid = Number(line.toString().trim());
  assert.ok(workerPid > 0 && alive(workerPid));

  parent.kill('SIGKILL');
  await once(parent, 'exit');
  // A process that is not our child has no exit event to await: check until it is gone
  // (the test's timeout bounds the wait; the worker aims for under 3 s).
  const killedAt = Date.now();
  while (alive(workerPid)) await new Promise((r) => setTimeout(r, 50));
  t.diagnostic(`worker exited ${Date.now() - killedAt} ms after its parent was killed`);

  const engine = await Engine.open({ roots: [ws], indexDir, settings: { model: 'none' } });
  try {
    assert.equal(engine.status().writer, true, 'the writer lock was released');
  } finally {
    await engine.close();
  }
});
