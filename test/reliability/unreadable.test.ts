/**
 * Reliability case 4: files the engine may not read, and files that disappear between
 * the walk and the read. Each is counted once in the status and logged once; the rest
 * of the workspace is indexed.
 *
 * The suite runs as root, which reads everything, so "permission denied" is real only
 * for another user: the CLI is run as `nobody` (setpriv) on a workspace it can read,
 * except one root-only file and one root-only folder. When setpriv is missing or the
 * repository is not readable by `nobody`, that test is skipped and says why.
 */
import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { CLI, RecordingLogger, REPO, TempDirs, assertIntegrity, open, pySource, settle } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

const NOBODY = 65534;

/** Why the run-as-nobody test cannot run here, or null when it can. */
function cannotDropPrivileges(): string | null {
  if (process.getuid?.() !== 0) return 'not running as root';
  const probe = spawnSync('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', 'test', '-r', CLI]);
  if (probe.error) return 'setpriv is not installed';
  if (probe.status !== 0) return `user nobody cannot read ${CLI}`;
  return null;
}

/** Makes every folder on the way to `dir` traversable and the tree readable by others. */
function openUp(dir: string): void {
  for (let d = dir; d !== path.dirname(d); d = path.dirname(d)) {
    const mode = fs.statSync(d).mode & 0o777;
    if ((mode & 0o005) !== 0o005) fs.chmodSync(d, mode | 0o005);
  }
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(e.parentPath, e.name);
    fs.chmodSync(p, e.isDirectory() ? 0o755 : 0o644);
  }
}

test('permission denied (run as nobody): each unreadable file or folder is counted, the rest indexed', { skip: cannotDropPrivileges() ?? false }, async () => {
  const ws = temp.workspace({
    'src/a.py': pySource(1),
    'src/b.py': pySource(2),
    'src/private_notes.py': pySource(3),
    'locked/inner.py': pySource(4),
  });
  openUp(ws);
  fs.chmodSync(path.join(ws, 'src', 'private_notes.py'), 0o600); // root-owned: nobody cannot read it
  fs.chmodSync(path.join(ws, 'locked'), 0o700); // nor list this folder
  const indexDir = temp.make();
  openUp(indexDir);
  fs.chownSync(indexDir, NOBODY, NOBODY);
  const child = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '--import', 'tsx', CLI,
    'index', ws, '--index-dir', indexDir, '--model', 'none', '--json'], { cwd: REPO, env: { ...process.env, HOME: indexDir } });
  const run = await settle(child);
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout) as { files: number; skipped: Record<string, number> };
  assert.equal(summary.files, 2, 'a.py and b.py are indexed');
  assert.equal(summary.skipped.unreadable, 2, 'the file and the folder are each counted once');

  const engine = await open([ws], indexDir, { readOnly: true });
  try {
    assert.deepEqual(engine.listFiles().map((f) => f.path), ['src/a.py', 'src/b.py']);
    assert.deepEqual([...(engine.status().skipped.unreadable?.examples ?? [])].sort(), ['locked', 'src/private_notes.py']);
  } finally {
    await engine.close();
  }
});

test('permission denied is logged once, naming what could not be read', { skip: cannotDropPrivileges() ?? false }, async () => {
  const ws = temp.workspace({ 'src/a.py': pySource(1), 'src/private_notes.py': pySource(3), 'locked/inner.py': pySource(4) });
  openUp(ws);
  fs.chmodSync(path.join(ws, 'src', 'private_notes.py'), 0o600);
  fs.chmodSync(path.join(ws, 'locked'), 0o700);
  const indexDir = temp.make();
  openUp(indexDir);
  fs.chownSync(indexDir, NOBODY, NOBODY);
  const child = spawn('setpriv', [`--reuid=${NOBODY}`, `--regid=${NOBODY}`, '--clear-groups', process.execPath, '--import', 'tsx', CLI,
    'index', ws, '--index-dir', indexDir, '--model', 'none'], { cwd: REPO, env: { ...process.env, HOME: indexDir } });
  const run = await settle(child);
  assert.equal(run.code, 0, run.stderr);
  const warnings = run.stderr.split('\n').filter((l) => /\[conexus (warn|error)\]/.test(l));
  const mentions = warnings.filter((l) => /could not be read|permission|unreadable/i.test(l));
  assert.equal(mentions.length, 1, `one warning about unreadable files, got:\n${warnings.join('\n')}`);
  assert.match(mentions[0], /\b2\b/, 'the warning counts both the file and the folder');
});

test('a file deleted between the walk and its read is counted once and the rest is indexed', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`src/m${String(i).padStart(2, '0')}.py`] = pySource(i);
  const ws = temp.workspace(files);
  const logger = new RecordingLogger();
  const engine = await open([ws], temp.make(), { logger });
  const victim = path.join(ws, 'src', 'm17.py');
  let deleted = false;
  // The first chunking progress report comes after the walk listed the files and before
  // any is read: deleting then is exactly "deleted during the scan".
  engine.onStatus((s) => {
    if (!deleted && s.progress?.phase === 'chunking' && s.progress.filesDone === 0) {
      fs.rmSync(victim);
      deleted = true;
    }
  });
  try {
    const summary = await engine.index();
    assert.ok(deleted, 'the file was deleted mid-pass');
    assert.equal(summary.files, 39);
    assert.ok(engine.listFiles().every((f) => f.path !== 'src/m17.py'));
    assert.equal(summary.skipped.vanished, 1, 'counted once as vanished');
    assert.ok(logger.problems.every((l) => !/failed|unexpected/i.test(l)), `no failure logged: ${logger.problems.join('\n')}`);
    const next = await engine.index();
    assert.equal(next.changedFiles, 0, 'the other files are not re-read');
    assert.equal(next.skipped.vanished, undefined, 'the next pass forgets a file that is simply gone');
    assertIntegrity(engine);
  } finally {
    await engine.close();
  }
});

test('a file deleted between the walk and its read is logged once', async () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 20; i++) files[`src/m${String(i).padStart(2, '0')}.py`] = pySource(i);
  const ws = temp.workspace(files);
  const logger = new RecordingLogger();
  const engine = await open([ws], temp.make(), { logger });
  let deleted = false;
  engine.onStatus((s) => {
    if (!deleted && s.progress?.phase === 'chunking' && s.progress.filesDone === 0) {
      fs.rmSync(path.join(ws, 'src', 'm07.py'));
      deleted = true;
    }
  });
  try {
    await engine.index();
    const mentions = logger.lines.filter((l) => l.level !== 'trace' && l.message.includes('m07.py'));
    assert.equal(mentions.length, 1, `one log line names the vanished file: ${JSON.stringify(logger.lines)}`);
  } finally {
    await engine.close();
  }
});

test('a folder replaced by a file of the same name between passes leaves none of its old files behind', async () => {
  const ws = temp.workspace({ 'src/a.py': pySource(1), 'gone/x.py': pySource(5), 'gone/y.py': pySource(6) });
  const engine = await open([ws], temp.make());
  try {
    await engine.index();
    fs.rmSync(path.join(ws, 'gone'), { recursive: true });
    fs.writeFileSync(path.join(ws, 'gone'), 'now a plain file named like the folder\n');
    const summary = await engine.index();
    assert.equal(summary.removedFiles, 2);
    assert.deepEqual(engine.listFiles().map((f) => f.path), ['gone', 'src/a.py']);
    assertIntegrity(engine);
  } finally {
    await engine.close();
  }
});
