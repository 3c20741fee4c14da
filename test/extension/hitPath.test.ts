import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, symlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveHitFile, resolveHitPath } from '../../extension/hitPath';

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
  const folders = [{ name: 'ws', fsPath: root }];
  assert.equal(await resolveHitFile(folders, 'src/a.ts'), path.join(root, 'src', 'a.ts'));
  assert.equal(await resolveHitFile(folders, 'link.txt'), null);
  assert.equal(await resolveHitFile(folders, 'missing.ts'), null);
});
