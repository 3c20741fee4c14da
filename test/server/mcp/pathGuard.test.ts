import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import { confinePath, isWithin } from '../../../server/mcp/pathGuard';

let base: string;
let root: string;
let roots: Array<{ absPath: string; name: string }>;

before(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'conexus-guard-'));
  root = path.join(base, 'root');
  mkdirSync(path.join(root, 'src'), { recursive: true });
  mkdirSync(path.join(base, 'root-evil'));
  mkdirSync(path.join(base, 'outside'));
  writeFileSync(path.join(base, 'outside', 'secret.txt'), 'x');
  writeFileSync(path.join(root, 'src', 'a.ts'), 'x');
  symlinkSync(path.join(base, 'outside'), path.join(root, 'link'));
  symlinkSync(path.join(root, 'src'), path.join(root, 'inner-link'));
  roots = [{ absPath: root, name: 'root' }];
});
after(() => rmSync(base, { recursive: true, force: true }));

function refused(input: string, rs = roots): void {
  assert.throws(() => confinePath(rs, input), (e: unknown) => e instanceof ConexusError && e.code === ErrorCode.PathOutsideWorkspace, input);
}

describe('confinePath', () => {
  test('accepts relative and absolute paths inside the root and returns the display path', () => {
    assert.equal(confinePath(roots, 'src/a.ts').display, 'src/a.ts');
    assert.equal(confinePath(roots, './src/a.ts').display, 'src/a.ts');
    assert.equal(confinePath(roots, path.join(root, 'src', 'a.ts')).display, 'src/a.ts');
    assert.equal(confinePath(roots, 'src/not-yet.ts').display, 'src/not-yet.ts');
    assert.equal(confinePath(roots, 'inner-link/a.ts').display, 'inner-link/a.ts');
  });

  test('refuses every escape in the list', () => {
    for (const p of [
      '../outside/secret.txt', 'src/../../outside/secret.txt', '..', 'src/..', '..\\outside',
      path.join(base, 'outside', 'secret.txt'), '/etc/passwd', path.join(base, 'root-evil', 'x.ts'), `${root}-evil/x.ts`,
      'link/secret.txt', path.join(root, 'link', 'secret.txt'), 'link/new-file.ts',
      'src/a.ts\0.png', '%2e%2e/outside', 'src/%2E%2E/%2e%2e/etc/passwd', '..%2fetc', '%00', '', 'C:/Windows/win.ini',
    ]) refused(p);
  });

  test('with several roots, relative paths start with a root name', () => {
    const two = [...roots, { absPath: path.join(base, 'outside'), name: 'outside' }];
    assert.equal(confinePath(two, 'root/src/a.ts').display, 'root/src/a.ts');
    assert.equal(confinePath(two, 'outside/secret.txt').display, 'outside/secret.txt');
    refused('elsewhere/a.ts', two);
  });

  test('property: any path with a ".." segment is refused', () => {
    const seg = fc.stringMatching(/^[A-Za-z0-9_.-]{1,8}$/).filter((s) => s !== '..' && s !== '.');
    fc.assert(fc.property(fc.array(seg, { maxLength: 4 }), fc.array(seg, { maxLength: 4 }), fc.boolean(), (pre, post, abs) => {
      const rel = [...pre, '..', ...post].join('/');
      refused(abs ? `${root}/${rel}` : rel);
    }));
  });

  test('property: plain relative paths stay inside and round-trip to their display path', () => {
    const seg = fc.stringMatching(/^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,8}$/).filter((s) => s !== '..' && s !== '.');
    fc.assert(fc.property(fc.array(seg, { minLength: 1, maxLength: 5 }), (segs) => {
      const rel = segs.join('/');
      const r = confinePath(roots, rel);
      assert.equal(r.display, rel);
      assert.ok(isWithin(root, r.absPath));
    }));
  });

  test('property: sibling folders sharing the root as a string prefix are refused', () => {
    fc.assert(fc.property(fc.stringMatching(/^[A-Za-z0-9_-]{1,8}$/), fc.stringMatching(/^[a-z]{1,8}$/), (suffix, file) => {
      refused(`${root}${suffix}/${file}`);
    }));
  });

  test('property: NUL bytes and percent-encoded dots or slashes are refused anywhere', () => {
    const bad = fc.constantFrom('\0', '%2e', '%2E', '%2f', '%5C', '%00');
    fc.assert(fc.property(fc.stringMatching(/^[a-z/]{0,10}$/), bad, fc.stringMatching(/^[a-z/]{0,10}$/), (a, b, c) => refused(a + b + c)));
  });
});
