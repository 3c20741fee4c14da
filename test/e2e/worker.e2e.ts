// The worker's restart after a crash, in a real VS Code: SIGKILL the worker process (no
// chance to clean up, like an out-of-memory kill); the status bar says it is restarting,
// a new worker process comes up, the index is ready again and search answers.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WORKER_ENV } from '../../extension/workerEnv';
import {
  launchConexus, openSearchPanel, searchFor, statusHistory, waitForIndexReady, workerPids, type ConexusWindow,
} from './harness/conexus';
import { screenshot } from './harness/workbench';

describe('worker crash', { timeout: 10 * 60_000 }, () => {
  let win: ConexusWindow;

  before(async () => {
    win = await launchConexus({ name: 'worker' });
    await waitForIndexReady(win.page);
  });

  after(async () => {
    if (win) await screenshot(win.page, 'worker-final');
    await win?.close();
  });

  it('restarts the worker after SIGKILL and searches again', async () => {
    const pids = workerPids(win.server);
    assert.equal(pids.length, 1, `expected one worker for this window, found ${JSON.stringify(pids)}`);
    const [old] = pids;
    const seen = (await statusHistory(win.page)).length;
    // The worker runs with glibc's malloc limited to two arenas (see WORKER_ENV).
    const environ = readFileSync(`/proc/${old}/environ`, 'utf8').split('\0');
    for (const [k, v] of Object.entries(WORKER_ENV)) assert.ok(environ.includes(`${k}=${v}`), `the worker's environment lacks ${k}=${v}`);

    process.kill(old, 'SIGKILL');

    // The status bar reports the restart, then the index is ready again.
    await win.page.waitForFunction((n) => {
      const h = (window as unknown as { __conexusStatus: string[] }).__conexusStatus;
      return h.slice(n).some((l) => /restarting/i.test(l));
    }, seen);
    await win.page.waitForFunction((n) => {
      const h = (window as unknown as { __conexusStatus: string[] }).__conexusStatus;
      const after = h.slice(n);
      const restart = after.findIndex((l) => /restarting/i.test(l));
      return restart >= 0 && after.slice(restart).some((l) => l.startsWith('Index ready'));
    }, seen);

    // A killed process that is not yet reaped has an empty command line, so only live workers match.
    const now = workerPids(win.server);
    assert.equal(now.length, 1, `expected one new worker, found ${JSON.stringify(now)}`);
    assert.notEqual(now[0], old);

    const panel = await openSearchPanel(win.page);
    const hits = await searchFor(panel, 'polygon_signed_area', 'src/geometry/polygon.py');
    assert.equal(hits[0].path, 'src/geometry/polygon.py');
    await screenshot(win.page, 'worker-restarted-search');
  });
});
