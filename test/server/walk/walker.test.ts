import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import { SettingsSchema, type SettingsInput } from '../../../protocol/settings';
import { silentLogger, type Logger } from '../../../server/engine/logger';
import { IgnoreRules } from '../../../server/walk/ignoreRules';
import { resolveRoots } from '../../../server/walk/roots';
import { nodeWalkFs, walk, type WalkFs } from '../../../server/walk/walker';
import fc from 'fast-check';
import { makeTree } from './tmpTree';

const settingsOf = (s: SettingsInput = {}) => SettingsSchema.parse(s);

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { ...silentLogger, warnings, warn: (m: string) => { warnings.push(m); } };
}

test('walks files in path order, with extensionless files, and leaves excluded folders alone', async () => {
  const tree = makeTree({
    'src/b.ts': 'b', 'src/a.ts': 'a', 'Dockerfile': 'FROM x', 'Makefile': 'all:', 'README.md': '# r',
    'node_modules/pkg/index.js': 'x', '.git/config': 'x', 'dist/out.js': 'x', 'package-lock.json': '{}',
    '.gitignore': 'tmp/\n', 'tmp/scratch.ts': 'x', 'empty': null,
  });
  try {
    const roots = resolveRoots([tree.dir]);
    const { files, skipped } = await walk(roots, { settings: settingsOf(), logger: silentLogger });
    assert.deepEqual(files.map((f) => f.path), ['.gitignore', 'Dockerfile', 'Makefile', 'README.md', 'src/a.ts', 'src/b.ts']);
    assert.deepEqual(skipped, []);
    const a = files.find((f) => f.path === 'src/a.ts')!;
    const st = fs.statSync(tree.abs('src/a.ts'));
    assert.deepEqual(a, { root: roots[0], absPath: tree.abs('src/a.ts'), path: 'src/a.ts', size: 1, mtimeMs: st.mtimeMs, ctimeMs: st.ctimeMs });
  } finally {
    tree.cleanup();
  }
});

test('reports secrets and files over maxFileBytes', async () => {
  const tree = makeTree({ '.env': 'K=V', 'conf/server.pem': 'k', 'big.json': 'x'.repeat(3000), 'ok.ts': 'x' });
  try {
    const { files, skipped } = await walk(resolveRoots([tree.dir]), { settings: settingsOf({ maxFileBytes: 2048 }), logger: silentLogger });
    assert.deepEqual(files.map((f) => f.path), ['ok.ts']);
    assert.deepEqual(skipped, [
      { path: '.env', reason: 'secret' },
      { path: 'big.json', reason: 'too-large' },
      { path: 'conf/server.pem', reason: 'secret' },
    ]);
  } finally {
    tree.cleanup();
  }
});

test('several roots get prefixed display paths; a root nested in another is walked once', async () => {
  const tree = makeTree({ 'app/x.ts': 'x', 'app/pkg/y.ts': 'y', 'other/app/z.ts': 'z' });
  try {
    const roots = resolveRoots([tree.abs('app'), tree.abs('other/app'), tree.abs('app/pkg')]);
    const { files } = await walk(roots, { settings: settingsOf(), logger: silentLogger });
    assert.deepEqual(files.map((f) => f.path), ['app-2/z.ts', 'app/x.ts', 'pkg/y.ts']);
  } finally {
    tree.cleanup();
  }
});

test('settings include and exclude narrow the walk', async () => {
  const tree = makeTree({ 'src/a.ts': 'a', 'src/a.test.ts': 't', 'docs/guide.md': 'g', 'scripts/run.sh': 's' });
  try {
    const { files } = await walk(resolveRoots([tree.dir]), {
      settings: settingsOf({ include: ['src/', '*.md'], exclude: ['*.test.ts'] }), logger: silentLogger,
    });
    assert.deepEqual(files.map((f) => f.path), ['docs/guide.md', 'src/a.ts']);
  } finally {
    tree.cleanup();
  }
});

test('a second walk with the same rules honours ignore files edited, added or deleted in between', async () => {
  const tree = makeTree({ '.gitignore': 'a.ts\n', 'a.ts': 'a', 'b.ts': 'b', 'sub/c.ts': 'c' });
  try {
    const roots = resolveRoots([tree.dir]);
    const rules = new IgnoreRules(roots[0], settingsOf());
    const paths = async () => (await walk(roots, { settings: settingsOf(), logger: silentLogger, rules: () => rules })).files.map((f) => f.path);
    assert.deepEqual(await paths(), ['.gitignore', 'b.ts', 'sub/c.ts']);
    tree.write({ '.gitignore': 'b.ts\n', 'sub/.conexusignore': 'c.ts\n' });
    assert.deepEqual(await paths(), ['.gitignore', 'a.ts', 'sub/.conexusignore']);
    fs.rmSync(tree.abs('sub/.conexusignore'));
    assert.deepEqual(await paths(), ['.gitignore', 'a.ts', 'sub/c.ts']);
  } finally {
    tree.cleanup();
  }
});

test('symlinks: inside the root adds no duplicates; loops, outside targets, dangling links and secrets are reported', async () => {
  const tree = makeTree({ 'ws/src/a.ts': 'a', 'ws/.env': 'K=V', 'outside/o.ts': 'o' });
  try {
    const ws = (rel: string) => tree.abs(`ws/${rel}`);
    fs.symlinkSync('src/a.ts', ws('alias.ts'));
    fs.symlinkSync('src', ws('src-link'));
    fs.symlinkSync('..', ws('src/up'));
    fs.symlinkSync('.', ws('self'));
    fs.symlinkSync(tree.abs('outside'), ws('out-dir'));
    fs.symlinkSync(tree.abs('outside/o.ts'), ws('out-file.ts'));
    fs.symlinkSync('nothing-here.ts', ws('dangling.ts'));
    fs.symlinkSync('cyc2', ws('cyc1'));
    fs.symlinkSync('cyc1', ws('cyc2'));
    fs.symlinkSync('.env', ws('config'));
    const { files, skipped } = await walk(resolveRoots([ws('')]), { settings: settingsOf(), logger: silentLogger });
    assert.deepEqual(files.map((f) => f.path), ['src/a.ts']);
    assert.deepEqual(skipped, [
      { path: '.env', reason: 'secret' },
      { path: 'config', reason: 'secret' },
      { path: 'cyc1', reason: 'symlink-loop' },
      { path: 'cyc2', reason: 'symlink-loop' },
      { path: 'dangling.ts', reason: 'vanished' },
      { path: 'out-dir', reason: 'symlink-outside-root' },
      { path: 'out-file.ts', reason: 'symlink-outside-root' },
      { path: 'self', reason: 'symlink-loop' },
      { path: 'src/up', reason: 'symlink-loop' },
    ]);
  } finally {
    tree.cleanup();
  }
});

/** An fs whose calls for chosen paths fail with EACCES, as they would for another user's files. */
function deniedFs(denied: Set<string>): WalkFs {
  const eacces = (p: string) => Object.assign(new Error(`EACCES: permission denied, '${p}'`), { code: 'EACCES' });
  return {
    ...nodeWalkFs,
    readdir: async (d) => { if (denied.has(d)) throw eacces(d); return nodeWalkFs.readdir(d); },
    stat: async (p) => { if (denied.has(p)) throw eacces(p); return nodeWalkFs.stat(p); },
  };
}

test('permission denied (injected EACCES from readdir and stat) becomes unreadable, noted once as a count', async () => {
  const tree = makeTree({ 'private/x.ts': 'x', 'locked.ts': 'l', 'open.ts': 'o' });
  try {
    // The walk notes the count at debug level; the index pass warns once for these and
    // for files that fail at read time together (see the engine's indexer).
    const debug: string[] = [];
    const logger = { ...recordingLogger(), debug: (m: string) => { debug.push(m); } };
    const { files, skipped } = await walk(resolveRoots([tree.dir]), {
      settings: settingsOf(), logger, fs: deniedFs(new Set([tree.abs('private'), tree.abs('locked.ts')])),
    });
    assert.deepEqual(files.map((f) => f.path), ['open.ts']);
    assert.deepEqual(skipped, [{ path: 'locked.ts', reason: 'unreadable' }, { path: 'private', reason: 'unreadable' }]);
    assert.equal(logger.warnings.length, 0);
    assert.equal(debug.filter((m) => /could not be read/.test(m)).length, 1);
    assert.match(debug.find((m) => /could not be read/.test(m))!, /^2 file\(s\) or folder\(s\) could not be read/);
  } finally {
    tree.cleanup();
  }
});

test('permission denied for real: the walk run as user nobody skips a folder only root may list', { skip: process.getuid?.() !== 0 && 'needs root to switch user' }, async () => {
  const tree = makeTree({ 'pub/a.ts': 'a', 'private/b.ts': 'b', 'mine.ts': 'm' });
  try {
    fs.chmodSync(tree.dir, 0o755);
    fs.chmodSync(tree.abs('pub'), 0o755);
    fs.chmodSync(tree.abs('private'), 0o700);
    fs.chmodSync(tree.abs('mine.ts'), 0o600);
    const walker = path.resolve(__dirname, '../../../server/walk/walker.ts');
    const content = path.resolve(__dirname, '../../../server/walk/content.ts');
    const script = `
      // The sources are CommonJS to Node, so their exports may sit under default.
      const load = async (p) => { const m = await import(p); return m.default ?? m; };
      const { walk } = await load(${JSON.stringify(walker)});
      const { readFileForIndex } = await load(${JSON.stringify(content)});
      const settings = { include: [], exclude: [], maxFileBytes: 1048576 };
      const nop = () => {};
      const logger = { error: nop, warn: nop, info: nop, debug: nop, trace: nop };
      const r = await walk([{ absPath: ${JSON.stringify(tree.dir)}, name: 'ws' }], { settings, logger });
      const read = await readFileForIndex(${JSON.stringify(tree.abs('mine.ts'))}, 1048576);
      process.stdout.write(JSON.stringify({ files: r.files.map((f) => f.path), skipped: r.skipped, read }));`;
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
        uid: 65534, gid: 65534, cwd: path.resolve(__dirname, '../../..'), env: { ...process.env, HOME: os.tmpdir() },
      }, (err, stdout, stderr) => (err ? reject(new Error(`child failed: ${stderr}`, { cause: err })) : resolve(stdout)));
    });
    const got = JSON.parse(out);
    assert.deepEqual(got.files, ['mine.ts', 'pub/a.ts'], 'stat needs no read permission, so mine.ts is listed');
    assert.deepEqual(got.skipped, [{ path: 'private', reason: 'unreadable' }]);
    assert.deepEqual(got.read, { ok: false, reason: 'unreadable' });
  } finally {
    tree.cleanup();
  }
});

test('a file deleted between listing and stat is vanished; so is a folder deleted before it is listed', async () => {
  const tree = makeTree({ 'keep.ts': 'k', 'gone.ts': 'g', 'tmp/x.ts': 'x' });
  try {
    const racing: WalkFs = {
      ...nodeWalkFs,
      stat: async (p) => { if (p === tree.abs('gone.ts')) fs.rmSync(p); return nodeWalkFs.stat(p); },
      readdir: async (d) => { if (d === tree.abs('tmp')) fs.rmSync(d, { recursive: true }); return nodeWalkFs.readdir(d); },
    };
    const { files, skipped } = await walk(resolveRoots([tree.dir]), { settings: settingsOf(), logger: silentLogger, fs: racing });
    assert.deepEqual(files.map((f) => f.path), ['keep.ts']);
    assert.deepEqual(skipped, [{ path: 'gone.ts', reason: 'vanished' }, { path: 'tmp', reason: 'vanished' }]);
  } finally {
    tree.cleanup();
  }
});

test('an aborted walk rejects with Cancelled', async () => {
  const tree = makeTree({ 'a/b.ts': 'b' });
  try {
    const ac = new AbortController();
    ac.abort();
    await assert.rejects(
      walk(resolveRoots([tree.dir]), { settings: settingsOf(), logger: silentLogger, signal: ac.signal }),
      (e: unknown) => e instanceof ConexusError && e.code === ErrorCode.Cancelled,
    );
  } finally {
    tree.cleanup();
  }
});

test('a wide and deep tree is walked completely with a small concurrency bound', async () => {
  const spec: Record<string, string> = {};
  for (let d = 0; d < 30; d++) for (let f = 0; f < 20; f++) spec[`d${d % 5}/sub${d}/deeper/f${f}.ts`] = 'x';
  const tree = makeTree(spec);
  try {
    const { files } = await walk(resolveRoots([tree.dir]), { settings: settingsOf(), logger: silentLogger, concurrency: 2 });
    assert.equal(files.length, 600);
    const paths = files.map((f) => f.path);
    assert.deepEqual(paths, [...paths].sort());
  } finally {
    tree.cleanup();
  }
});

/** The walk's files, found the slow way: list everything, keep what the rules keep. */
function naiveWalk(dir: string, rules: IgnoreRules, rel = ''): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(path.join(dir, rel), { withFileTypes: true })) {
    const childRel = rel ? `${rel}/${e.name}` : e.name;
    const abs = path.join(dir, childRel);
    if (e.isDirectory() && !rules.isExcluded(abs, true)) out.push(...naiveWalk(dir, rules, childRel));
    else if (e.isFile() && rules.isExcluded(abs, false) === false) out.push(childRel);
  }
  return out;
}

test('property: the concurrent walk finds exactly the files a naive recursive listing keeps', async () => {
  const names = ['a', 'b', 'node_modules', 'dist', 'src'];
  const relArb = fc.tuple(fc.array(fc.constantFrom(...names), { maxLength: 3 }), fc.constantFrom('x.ts', 'y.md', '.env', 'yarn.lock', 'Makefile'))
    .map(([dirs, file]) => [...dirs, file].join('/'));
  const ignoreArb = fc.array(fc.constantFrom('a/', '/b', '*.md', '!src/', 'x.ts', '!a/x.ts', 'dist'), { maxLength: 4 }).map((l) => l.join('\n'));
  await fc.assert(
    fc.asyncProperty(fc.uniqueArray(relArb, { maxLength: 25 }), ignoreArb, ignoreArb, async (files, rootIgnore, nestedIgnore) => {
      const spec: Record<string, string> = { '.gitignore': rootIgnore, 'src/.conexusignore': nestedIgnore };
      // File names all contain a dot or differ from folder names, so no path is both.
      for (const f of files) spec[f] = 'x';
      const tree = makeTree(spec);
      try {
        const roots = resolveRoots([tree.dir]);
        const { files: walked } = await walk(roots, { settings: settingsOf(), logger: silentLogger, concurrency: 3 });
        const expected = naiveWalk(tree.dir, new IgnoreRules(roots[0], settingsOf())).sort();
        assert.deepEqual(walked.map((f) => f.path), expected);
      } finally {
        tree.cleanup();
      }
    }),
    { numRuns: 60 },
  );
});
