import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import { locateInRoots, resolveDisplayPath, resolveRoots, toDisplayPath } from '../../../server/walk/roots';
import type { Root } from '../../../server/walk/types';
import { makeTree } from './tmpTree';

test('resolveRoots returns real paths and de-duplicated basenames', () => {
  const tree = makeTree({ 'one/app': null, 'two/app': null, 'three/app': null, 'lib': null });
  try {
    fs.symlinkSync(tree.abs('lib'), tree.abs('link-to-lib'));
    const roots = resolveRoots([tree.abs('one/app'), tree.abs('two/app'), tree.abs('link-to-lib'), tree.abs('three/app')]);
    assert.deepEqual(roots, [
      { absPath: tree.abs('one/app'), name: 'app' },
      { absPath: tree.abs('two/app'), name: 'app-2' },
      { absPath: tree.abs('lib'), name: 'lib' },
      { absPath: tree.abs('three/app'), name: 'app-3' },
    ]);
    assert.equal(resolveRoots([tree.abs('lib'), tree.abs('link-to-lib')]).length, 1, 'the same folder twice is one root');
  } finally {
    tree.cleanup();
  }
});

test('resolveRoots accepts paths relative to the current directory', () => {
  const tree = makeTree({ 'ws': null });
  try {
    const rel = path.relative(process.cwd(), tree.abs('ws'));
    assert.equal(resolveRoots([rel])[0].absPath, tree.abs('ws'));
  } finally {
    tree.cleanup();
  }
});

test('resolveRoots names a missing or non-folder path in a NoWorkspace error', () => {
  const tree = makeTree({ 'file.txt': 'x' });
  try {
    const missing = tree.abs('nope');
    assert.throws(() => resolveRoots([missing]), (e: unknown) =>
      e instanceof ConexusError && e.code === ErrorCode.NoWorkspace && e.message.includes(missing) && /open/.test(e.message));
    assert.throws(() => resolveRoots([tree.abs('file.txt')]), (e: unknown) =>
      e instanceof ConexusError && e.code === ErrorCode.NoWorkspace && e.message.includes('is a file'));
    assert.throws(() => resolveRoots([]), (e: unknown) => e instanceof ConexusError && e.code === ErrorCode.NoWorkspace);
  } finally {
    tree.cleanup();
  }
});

test('display paths: no prefix with one root, the root name with several', () => {
  const a: Root = { absPath: '/w/a', name: 'a' };
  const b: Root = { absPath: '/w/b', name: 'b' };
  assert.equal(toDisplayPath([a], a, 'src/x.ts'), 'src/x.ts');
  assert.equal(toDisplayPath([a, b], b, 'src/x.ts'), 'b/src/x.ts');
  assert.deepEqual(resolveDisplayPath([a], 'src/x.ts'), { root: a, absPath: '/w/a/src/x.ts' });
  assert.deepEqual(resolveDisplayPath([a, b], 'b/src/x.ts'), { root: b, absPath: '/w/b/src/x.ts' });
  assert.deepEqual(resolveDisplayPath([a, b], 'b\\src\\x.ts'), { root: b, absPath: '/w/b/src/x.ts' });
  assert.equal(resolveDisplayPath([a, b], 'c/src/x.ts'), null, 'unknown root');
  assert.equal(resolveDisplayPath([a], '../etc/passwd'), null);
  assert.equal(resolveDisplayPath([a], 'src/../../b/x'), null);
  assert.equal(resolveDisplayPath([a], '/etc/passwd'), null, 'absolute paths are not display paths');
  assert.equal(resolveDisplayPath([], 'x'), null);
});

test('locateInRoots finds the deepest root holding a path', () => {
  const outer: Root = { absPath: '/w', name: 'w' };
  const inner: Root = { absPath: '/w/pkg', name: 'pkg' };
  assert.deepEqual(locateInRoots([outer, inner], '/w/pkg/a.ts'), { root: inner, relPosix: 'a.ts' });
  assert.deepEqual(locateInRoots([outer, inner], '/w/b/a.ts'), { root: outer, relPosix: 'b/a.ts' });
  assert.deepEqual(locateInRoots([outer], '/w/..x/a.ts'), { root: outer, relPosix: '..x/a.ts' });
  assert.equal(locateInRoots([inner], '/w/b/a.ts'), null);
});

const segment = fc.stringMatching(/^[A-Za-z0-9_.\- ]{1,12}$/).filter((s) => s !== '.' && s !== '..');

test('property: a display path resolves back to its root and absolute path', () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9-]{0,8}$/), { minLength: 1, maxLength: 4 }),
      fc.nat(),
      fc.array(segment, { minLength: 1, maxLength: 6 }),
      (names, pick, segs) => {
        const roots: Root[] = names.map((n) => ({ absPath: `/ws/${n}`, name: n }));
        const root = roots[pick % roots.length];
        const rel = segs.join('/');
        const display = toDisplayPath(roots, root, rel);
        const back = resolveDisplayPath(roots, display);
        assert.ok(back);
        assert.equal(back.root, root);
        assert.equal(back.absPath, path.join(root.absPath, ...segs));
        assert.deepEqual(locateInRoots(roots, back.absPath), { root, relPosix: rel });
      },
    ),
  );
});
