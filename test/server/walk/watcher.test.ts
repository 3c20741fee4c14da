import { test } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import * as fs from 'node:fs';
import { SettingsSchema } from '../../../protocol/settings';
import { silentLogger, type Logger } from '../../../server/engine/logger';
import type { ChangeBatch } from '../../../server/walk/batcher';
import { IgnoreRules } from '../../../server/walk/ignoreRules';
import type { Root } from '../../../server/walk/types';
import { WorkspaceWatcher, type WatchFn } from '../../../server/walk/watcher';
import { makeTree, type TmpTree } from './tmpTree';

/** Every test waits for events; a missing event fails the test instead of hanging the suite. */
const TIMEOUT = { timeout: 30_000 };

/** A started watcher plus a way to await the batch that satisfies a condition. */
async function watch(tree: TmpTree, opts: { debounceMs?: number; logger?: Logger; watch?: WatchFn } = {}) {
  const root: Root = { absPath: tree.dir, name: 'ws' };
  const rules = new IgnoreRules(root, SettingsSchema.parse({}));
  const watcher = new WorkspaceWatcher([root], () => rules, { logger: opts.logger ?? silentLogger, debounceMs: opts.debounceMs ?? 50, watch: opts.watch });
  const batches: ChangeBatch[] = [];
  const waiters: Array<{ until: () => boolean; resolve: () => void }> = [];
  watcher.onBatch((b) => {
    batches.push(b);
    for (const w of [...waiters]) if (w.until()) { waiters.splice(waiters.indexOf(w), 1); w.resolve(); }
  });
  await watcher.start();
  const changed = () => new Set(batches.flatMap((b) => b.changed));
  const removed = () => new Set(batches.flatMap((b) => b.removed));
  const waitFor = (until: () => boolean) =>
    until() ? Promise.resolve() : new Promise<void>((resolve) => waiters.push({ until, resolve }));
  return { watcher, rules, batches, changed, removed, waitFor };
}

test('a burst of 2,000 file writes arrives in a few batches', TIMEOUT, async () => {
  const tree = makeTree({ 'src/keep.ts': 'k', 'src/a': null, 'src/b': null });
  const w = await watch(tree, { debounceMs: 200 });
  try {
    const expected: string[] = [];
    for (let i = 0; i < 2000; i++) {
      const rel = `src/${['a', 'b', ''][i % 3]}/file${i}.ts`.replace('//', '/');
      fs.writeFileSync(tree.abs(rel), `export const v${i} = ${i};\n`);
      expected.push(tree.abs(rel));
    }
    await w.waitFor(() => expected.every((p) => w.changed().has(p)));
    assert.ok(w.batches.length <= 5, `${w.batches.length} batches for one burst`);
    assert.ok(w.batches.every((b) => !b.rescan));
  } finally {
    await w.watcher.close();
    tree.cleanup();
  }
});

test('excluded folders are never watched and their changes never reported', TIMEOUT, async () => {
  const tree = makeTree({ 'src/a.ts': 'a', 'node_modules/pkg/sub/index.js': 'x', '.git/objects/ab': null, 'dist/out.js': 'o', 'logs/x': null, '.gitignore': 'logs/\n*.tmp\n' });
  const w = await watch(tree);
  try {
    assert.equal(w.watcher.watchedFolders, 2, 'the root and src only');
    fs.writeFileSync(tree.abs('node_modules/pkg/new.js'), 'n');
    fs.writeFileSync(tree.abs('logs/x/today.log'), 'l');
    fs.writeFileSync(tree.abs('src/scratch.tmp'), 't');
    fs.writeFileSync(tree.abs('src/a.ts'), 'changed');
    await w.waitFor(() => w.changed().has(tree.abs('src/a.ts')));
    assert.deepEqual([...w.changed()], [tree.abs('src/a.ts')]);
  } finally {
    await w.watcher.close();
    tree.cleanup();
  }
});

test('deleted files and folders are reported file by file; new folders report their files', TIMEOUT, async () => {
  const tree = makeTree({ 'a.ts': 'a', 'lib/x.ts': 'x', 'lib/deep/y.ts': 'y' });
  const w = await watch(tree);
  try {
    fs.rmSync(tree.abs('a.ts'));
    fs.rmSync(tree.abs('lib'), { recursive: true });
    await w.waitFor(() => ['a.ts', 'lib/x.ts', 'lib/deep/y.ts'].every((r) => w.removed().has(tree.abs(r))));
    assert.equal(w.watcher.watchedFolders, 1);

    // A folder moved in with files already inside: the files are found by listing it.
    const outside = makeTree({ 'pkg/m.ts': 'm', 'pkg/inner/n.ts': 'n' });
    try {
      fs.renameSync(outside.abs('pkg'), tree.abs('pkg'));
    } finally {
      outside.cleanup();
    }
    await w.waitFor(() => w.changed().has(tree.abs('pkg/m.ts')) && w.changed().has(tree.abs('pkg/inner/n.ts')));
    fs.writeFileSync(tree.abs('pkg/inner/later.ts'), 'l');
    await w.waitFor(() => w.changed().has(tree.abs('pkg/inner/later.ts')));
  } finally {
    await w.watcher.close();
    tree.cleanup();
  }
});

test('a folder deleted and re-created under the same name is watched again', TIMEOUT, async () => {
  const tree = makeTree({ 'lib/x.ts': 'x' });
  const w = await watch(tree);
  try {
    fs.rmSync(tree.abs('lib'), { recursive: true });
    fs.mkdirSync(tree.abs('lib'));
    fs.writeFileSync(tree.abs('lib/y.ts'), 'y');
    await w.waitFor(() => w.removed().has(tree.abs('lib/x.ts')) && w.changed().has(tree.abs('lib/y.ts')));
    fs.writeFileSync(tree.abs('lib/z.ts'), 'z');
    await w.waitFor(() => w.changed().has(tree.abs('lib/z.ts')));
    assert.equal(w.watcher.watchedFolders, 2);
  } finally {
    await w.watcher.close();
    tree.cleanup();
  }
});

test('a renamed folder reports its files removed under the old name and changed under the new one', TIMEOUT, async () => {
  const tree = makeTree({ 'lib/x.ts': 'x', 'lib/deep/y.ts': 'y' });
  const w = await watch(tree);
  try {
    fs.renameSync(tree.abs('lib'), tree.abs('lib2'));
    await w.waitFor(() => ['lib/x.ts', 'lib/deep/y.ts'].every((r) => w.removed().has(tree.abs(r)))
      && ['lib2/x.ts', 'lib2/deep/y.ts'].every((r) => w.changed().has(tree.abs(r))));
    fs.writeFileSync(tree.abs('lib2/deep/z.ts'), 'z');
    await w.waitFor(() => w.changed().has(tree.abs('lib2/deep/z.ts')));
    assert.equal(w.watcher.watchedFolders, 3);
  } finally {
    await w.watcher.close();
    tree.cleanup();
  }
});

test('a changed .gitignore refreshes the rules and asks for a rescan', TIMEOUT, async () => {
  const tree = makeTree({ 'gen/a.ts': 'a', 'src/b.ts': 'b' });
  const w = await watch(tree);
  try {
    assert.equal(w.rules.isExcluded(tree.abs('gen'), true), false);
    fs.writeFileSync(tree.abs('.gitignore'), 'gen/\n');
    await w.waitFor(() => w.batches.some((b) => b.rescan));
    assert.equal(w.rules.isExcluded(tree.abs('gen'), true), 'ignored');
    await w.waitFor(() => w.watcher.watchedFolders === 2);
    // The folder is no longer watched: a later write there is not reported, one in src is.
    fs.writeFileSync(tree.abs('gen/a.ts'), 'a2');
    fs.writeFileSync(tree.abs('src/b.ts'), 'b2');
    await w.waitFor(() => w.changed().has(tree.abs('src/b.ts')));
    assert.equal(w.changed().has(tree.abs('gen/a.ts')), false);
  } finally {
    await w.watcher.close();
    tree.cleanup();
  }
});

test('hitting the inotify limit (injected ENOSPC) warns once and asks for a rescan', TIMEOUT, async () => {
  const tree = makeTree({ 'a/x.ts': 'x', 'b/y.ts': 'y', 'c/z.ts': 'z' });
  const warnings: string[] = [];
  let calls = 0;
  const limited: WatchFn = (dir, listener) => {
    if (++calls > 1) throw Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    return fs.watch(dir, listener);
  };
  const w = await watch(tree, { watch: limited, logger: { ...silentLogger, warn: (m) => { warnings.push(m); } } });
  try {
    await w.waitFor(() => w.batches.some((b) => b.rescan));
    assert.equal(warnings.length, 1);
    assert.match(warnings[0], /max_user_watches/);
    assert.equal(w.watcher.watchedFolders, 1);
  } finally {
    await w.watcher.close();
    tree.cleanup();
  }
});

test('a watch that errors later is dropped with a rescan request', TIMEOUT, async () => {
  const tree = makeTree({ 'a/x.ts': 'x' });
  const handles: EventEmitter[] = [];
  const recording: WatchFn = (dir, listener) => {
    const h = fs.watch(dir, listener);
    handles.push(h);
    return h;
  };
  const warnings: string[] = [];
  const w = await watch(tree, { watch: recording, logger: { ...silentLogger, warn: (m) => { warnings.push(m); } } });
  try {
    handles[1].emit('error', Object.assign(new Error('EIO'), { code: 'EIO' }));
    await w.waitFor(() => w.batches.some((b) => b.rescan));
    assert.equal(w.watcher.watchedFolders, 1);
    assert.match(warnings[0], /full scan/);
  } finally {
    await w.watcher.close();
    tree.cleanup();
  }
});

// Watches are persistent handles: if close() leaked one, this test file would never exit.
test('close releases every watch', TIMEOUT, async () => {
  const tree = makeTree({ 'a/x.ts': 'x' });
  const w = await watch(tree);
  assert.equal(w.watcher.watchedFolders, 2);
  await w.watcher.close();
  assert.equal(w.watcher.watchedFolders, 0);
  tree.cleanup();
});
