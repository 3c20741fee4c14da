/**
 * Reliability case 3: symbolic links. A loop, a dangling link and links leading out of
 * the root are never followed (no hang, no file from outside the workspace in the
 * index) and each is reported with its reason; every ordinary file is still indexed,
 * by a full pass and by the watcher alike.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { TempDirs, assertIntegrity, assertSameIndex, freshFingerprint, fingerprint, open, pySource } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

function linkedWorkspace(): { ws: string; outside: string } {
  const outside = temp.workspace({ 'secret_plan.py': 'def outside_only_token():\n    return 1\n' });
  const ws = temp.workspace({
    'src/a.py': pySource(1),
    'src/deep/b.py': pySource(2),
    'docs/readme.md': '# Linked workspace\n\nOrdinary words.\n',
  });
  fs.symlinkSync('.', path.join(ws, 'self_loop'));
  fs.symlinkSync('../..', path.join(ws, 'src', 'deep', 'up_two'));
  fs.symlinkSync('missing.py', path.join(ws, 'src', 'dangling.py'));
  fs.symlinkSync(outside, path.join(ws, 'outside_dir'));
  fs.symlinkSync(path.join(outside, 'secret_plan.py'), path.join(ws, 'outside_file.py'));
  // A link inside the root is a second name for a file the walk already reaches.
  fs.symlinkSync(path.join('deep', 'b.py'), path.join(ws, 'src', 'alias.py'));
  // Two links pointing at each other: ELOOP when resolved.
  fs.symlinkSync('ping', path.join(ws, 'pong'));
  fs.symlinkSync('pong', path.join(ws, 'ping'));
  return { ws, outside };
}

test('loops, dangling links and links out of the root are not followed; every other file is indexed', async () => {
  const { ws } = linkedWorkspace();
  const engine = await open([ws], temp.make());
  try {
    const summary = await engine.index();
    assert.deepEqual(engine.listFiles().map((f) => f.path), ['docs/readme.md', 'src/a.py', 'src/deep/b.py']);
    assert.equal(summary.skipped['symlink-loop'], 4, 'self_loop, up_two, ping and pong');
    assert.equal(summary.skipped['symlink-outside-root'], 2, 'outside_dir and outside_file.py');
    assert.equal(summary.skipped.vanished, 1, 'the dangling link');
    const examples = Object.values(engine.status().skipped).flatMap((s) => s.examples).sort();
    assert.deepEqual(examples, ['outside_dir', 'outside_file.py', 'ping', 'pong', 'self_loop', 'src/dangling.py', 'src/deep/up_two']);
    assert.equal((await engine.search({ query: 'outside_only_token', mode: 'keyword' })).hits.length, 0, 'nothing from outside the root');
    assert.equal((await engine.search({ query: 'handler_2_v0', mode: 'keyword' })).hits.filter((h) => h.symbol === 'handler_2_v0').length, 1,
      'a file reached through an inside link is indexed once');
    assertIntegrity(engine);
  } finally {
    await engine.close();
  }
});

test('the watcher does not follow a link loop and still sees new files; the result equals a fresh index', async () => {
  const { ws } = linkedWorkspace();
  const engine = await open([ws], temp.make());
  try {
    await engine.index();
    await engine.startWatching();
    const seen = new Promise<void>((resolve) => {
      const off = engine.onIndexed((e) => {
        if (e.paths.some((p) => p.endsWith('fresh.py'))) { off(); resolve(); }
      });
    });
    fs.writeFileSync(path.join(ws, 'src', 'deep', 'fresh.py'), pySource(3));
    // A new link out of the root, made while watching, is not followed either.
    fs.symlinkSync(path.join(ws, '..'), path.join(ws, 'src', 'parent_link'));
    await seen;
    await engine.index({ paths: [] }); // waits for every queued pass to settle
    assert.ok(engine.listFiles().some((f) => f.path === 'src/deep/fresh.py'));
    assert.ok(engine.listFiles().every((f) => !f.path.includes('parent_link')));
    assertSameIndex(fingerprint(engine), await freshFingerprint([ws], temp));
  } finally {
    await engine.close();
  }
});
