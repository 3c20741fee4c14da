/**
 * The `conexus` command's launcher (bin/conexus.js): long-running commands run in a child
 * with glibc's malloc capped at two arenas, with stdin, stdout and the exit code passed
 * through; when the cap is already set, the command runs in the launcher's own process.
 * Needs the bundle (`npm test` builds it first) and Linux's /proc.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { makeWorkspace, SAMPLE } from '../engine/helpers';

const BIN = path.join(__dirname, '..', '..', '..', 'bin', 'conexus.js');
/** Every process started here; killed at the end, so a failed assertion leaves no server running. */
const started: number[] = [];
after(() => {
  for (const pid of started) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
});
const linuxOnly = process.platform === 'linux' ? {} : { skip: 'reads /proc to find the child process' };

function children(pid: number): number[] {
  const text = fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim();
  return text ? text.split(/\s+/).map(Number) : [];
}

function environ(pid: number): string[] {
  return fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
}

/** Starts `conexus serve` through the launcher; resolves once it announces it is ready. */
function startServe(env: NodeJS.ProcessEnv): Promise<{ proc: ChildProcessWithoutNullStreams; lines: string[]; next(): Promise<string> }> {
  const ws = makeWorkspace(SAMPLE);
  const idx = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-bin-'));
  const proc = spawn(process.execPath, [BIN, 'serve', '-w', ws, '--index-dir', idx, '--model', 'none'], { env });
  started.push(proc.pid!);
  const lines: string[] = [];
  const waiters: Array<(line: string) => void> = [];
  let buf = '';
  let err = '';
  proc.stderr.on('data', (d) => (err += d));
  proc.stdout.on('data', (d) => {
    buf += d;
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else lines.push(line);
    }
  });
  const next = () => new Promise<string>((resolve, reject) => {
    const queued = lines.shift();
    if (queued !== undefined) return resolve(queued);
    waiters.push(resolve);
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code} before answering: ${err.slice(-500)}`)));
  });
  return next().then((ready) => {
    assert.equal(JSON.parse(ready).event, 'ready', ready);
    return { proc, lines, next };
  });
}

test('serve runs in a child with two malloc arenas; stdin, stdout and the exit code pass through', { ...linuxOnly, timeout: 60_000 }, async () => {
  const env = { ...process.env };
  delete env.MALLOC_ARENA_MAX;
  const { proc, next } = await startServe(env);
  const [child] = children(proc.pid!);
  assert.ok(child, 'the launcher started a child');
  started.push(child);
  assert.ok(environ(child).includes('MALLOC_ARENA_MAX=2'));
  assert.ok(!environ(proc.pid!).includes('MALLOC_ARENA_MAX=2'), 'the launcher itself runs without the cap');
  proc.stdin.write(`${JSON.stringify({ id: 7, query: 'verifyPassword', mode: 'keyword' })}\n`);
  const answer = JSON.parse(await next());
  assert.equal(answer.id, 7);
  assert.equal(answer.hits[0].symbol, 'verifyPassword');
  const exited = new Promise<number | null>((resolve) => proc.once('exit', resolve));
  proc.stdin.end();
  assert.equal(await exited, 0, 'the child ends when stdin closes, and its exit code is the launcher\'s');
  assert.throws(() => process.kill(child, 0), 'no child is left behind');
});

test('with the cap already set, serve runs in the launcher\'s own process', { ...linuxOnly, timeout: 60_000 }, async () => {
  const { proc } = await startServe({ ...process.env, MALLOC_ARENA_MAX: '2' });
  try {
    assert.deepEqual(children(proc.pid!), []);
  } finally {
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.stdin.end();
    await exited;
  }
});

test('a signal sent to the launcher reaches the command', { ...linuxOnly, timeout: 60_000 }, async () => {
  const env = { ...process.env };
  delete env.MALLOC_ARENA_MAX;
  const { proc } = await startServe(env);
  const [child] = children(proc.pid!);
  assert.ok(child, 'the launcher started a child');
  started.push(child);
  const exited = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => proc.once('exit', (code, signal) => resolve([code, signal])));
  proc.kill('SIGTERM');
  const [code] = await exited;
  assert.equal(code, 128 + os.constants.signals.SIGTERM, 'the launcher reports the child\'s death by SIGTERM');
  assert.throws(() => process.kill(child, 0), 'the child is gone');
});
