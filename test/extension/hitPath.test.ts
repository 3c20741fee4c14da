import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink, rm, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { nameRoots, resolveHitFile, resolveHitPath } from '../../extension/hitPath';

const one = [{ name: 'app', fsPath: '/ws/app' }];
const two = [{ name: 'app', fsPath: '/ws/app' }, { name: 'lib', fsPath: '/ws/lib' }];

test('a single-folder hit path resolves under that folder', () => {
  assert.equal(resolveHitPath(one, 'src/a.ts')?.absPath, path.resolve('/ws/app/src/a.ts'));
});

test('with several folders the first segment names the folder', () => {
  assert.equal(resolveHitPath(two, 'lib/src/b.ts')?.absPath, path.resolve('/ws/lib/src/b.ts'));
  assert.equal(resolveHitPath(two, 'other/x.ts'), null);
  assert.equal(resolveHitPath(two, 'lib'), null);
});

test('paths that would leave the folders are refused', () => {
  for (const bad of ['../secret', 'src/../../etc/passwd', '/etc/passwd', 'C:\\Windows\\x', '\\\\server\\share', 'a\0b', '']) {
    assert.equal(resolveHitPath(one, bad), null, bad);
  }
  assert.equal(resolveHitPath([], 'a.ts'), null);
});

test('a symlink pointing outside the folder is refused; a real file is opened', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'conexus-hit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const root = path.join(dir, 'ws');
  await mkdir(path.join(root, 'src'), { recursive: true });
  await writeFile(path.join(root, 'src', 'a.ts'), 'x');
  await writeFile(path.join(dir, 'outside.txt'), 'secret');
  await symlink(path.join(dir, 'outside.txt'), path.join(root, 'link.txt'));
  const real = await realpath(root);
  assert.equal(await resolveHitFile([root], 'src/a.ts'), path.join(real, 'src', 'a.ts'));
  assert.equal(await resolveHitFile([root], 'link.txt'), null);
  assert.equal(await resolveHitFile([root], 'missing.ts'), null);
});

test('folders are named like the engine names its roots', () => {
  assert.deepEqual(nameRoots(['/a/app', '/b/app', '/c/lib', '/a/app', '/d/app']).map((r) => r.name), ['app', 'app-2', 'lib', 'app-3']);
});

test('two folders with one basename resolve by their engine names', async (t) => {
  const dir = await mkdtemp(path.join(tmpdir(), 'conexus-hit-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  for (const p of ['one/app/x.ts', 'two/app/x.ts']) {
    await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
    await writeFile(path.join(dir, p), p);
  }
  const real = await realpath(dir);
  const folders = [path.join(dir, 'one', 'app'), path.join(dir, 'two', 'app')];
  assert.equal(await resolveHitFile(folders, 'app-2/x.ts'), path.join(real, 'two', 'app', 'x.ts'));
  assert.equal(await resolveHitFile(folders, 'app/x.ts'), path.join(real, 'one', 'app', 'x.ts'));
});
