import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import fc from 'fast-check';
import { SettingsSchema } from '../../../protocol/settings';
import { IgnoreRules, isSecretName, rewritePatterns } from '../../../server/walk/ignoreRules';
import { makeTree, type TmpTree } from './tmpTree';

const settings = SettingsSchema.parse({});

function rulesFor(tree: TmpTree, extra: { include?: string[]; exclude?: string[] } = {}): IgnoreRules {
  return new IgnoreRules({ absPath: tree.dir, name: 'ws' }, SettingsSchema.parse(extra));
}

test('default excludes: VCS, dependency and build folders, lock files', () => {
  const tree = makeTree();
  try {
    const r = rulesFor(tree);
    for (const d of ['.git', '.hg', 'node_modules', 'pkg/node_modules', 'dist', '.venv', '__pycache__', 'target', 'coverage']) {
      assert.equal(r.isExcluded(tree.abs(d), true), 'ignored', d);
    }
    assert.equal(r.isExcluded(tree.abs('.git/config'), false), 'ignored');
    assert.equal(r.isExcluded(tree.abs('node_modules/x/index.js'), false), 'ignored');
    for (const f of ['package-lock.json', 'sub/yarn.lock', 'Cargo.lock', 'go.sum', 'pnpm-lock.yaml']) {
      assert.equal(r.isExcluded(tree.abs(f), false), 'ignored', f);
    }
    // A file merely named like a build folder is kept; so are ordinary sources.
    assert.equal(r.isExcluded(tree.abs('src/build'), false), false);
    assert.equal(r.isExcluded(tree.abs('src/index.ts'), false), false);
    assert.equal(r.isExcluded(tree.abs('Dockerfile'), false), false);
    assert.equal(r.isExcluded(tree.dir, true), false, 'the root itself is never excluded');
    assert.equal(r.isExcluded('/somewhere/else.ts', false), 'ignored', 'outside the root');
  } finally {
    tree.cleanup();
  }
});

test('secrets are reported as secret, templates are not, and no ignore file re-includes them', () => {
  const tree = makeTree({ '.conexusignore': '!.env\n!*.pem\n' });
  try {
    const r = rulesFor(tree);
    for (const f of ['.env', '.env.local', 'cfg/.env.production', 'certs/server.pem', 'tls.key', 'id_rsa', 'id_ed25519.pub', 'store.p12', 'a.pfx', '.npmrc', '.netrc']) {
      assert.equal(r.isExcluded(tree.abs(f), false), 'secret', f);
    }
    assert.equal(r.isExcluded(tree.abs('.env.example'), false), false);
    assert.equal(r.isExcluded(tree.abs('src/environment.ts'), false), false);
    assert.equal(r.isExcluded(tree.abs('node_modules/.env'), false), 'ignored', 'inside an excluded folder it is simply not walked');
    assert.equal(isSecretName('keyboard.ts'), false);
  } finally {
    tree.cleanup();
  }
});

test('nested .gitignore files apply to their own subtree with git anchoring', () => {
  const tree = makeTree({
    '.gitignore': '# comment\n/top.txt\n*.log\n',
    'a/.gitignore': '/local.txt\ngen/\nb/c.txt\n!keep.log\n',
  });
  try {
    const r = rulesFor(tree);
    const ex = (p: string, dir = false) => r.isExcluded(tree.abs(p), dir);
    assert.equal(ex('top.txt'), 'ignored');
    assert.equal(ex('a/top.txt'), false, 'a leading slash anchors to the file\'s own folder');
    assert.equal(ex('x.log'), 'ignored');
    assert.equal(ex('a/deep/x.log'), 'ignored');
    assert.equal(ex('a/keep.log'), false, 'a deeper file overrides a shallower one');
    assert.equal(ex('a/z/keep.log'), false);
    assert.equal(ex('keep.log'), 'ignored', 'the nested negation does not reach above its folder');
    assert.equal(ex('a/local.txt'), 'ignored');
    assert.equal(ex('local.txt'), false);
    assert.equal(ex('a/b/local.txt'), false);
    assert.equal(ex('a/gen', true), 'ignored');
    assert.equal(ex('a/x/gen', true), 'ignored', 'a pattern without a middle slash matches at any depth');
    assert.equal(ex('a/x/gen'), false, 'a trailing slash matches folders only');
    assert.equal(ex('gen', true), false, 'nested rules do not apply outside their folder');
    assert.equal(ex('a/b/c.txt'), 'ignored');
    assert.equal(ex('a/x/b/c.txt'), false, 'a middle slash anchors the pattern');
    assert.equal(ex('a/gen/file.ts'), 'ignored', 'files below an excluded folder are excluded');
  } finally {
    tree.cleanup();
  }
});

test('a file below an excluded folder cannot be re-included, as in git', () => {
  const tree = makeTree({ '.gitignore': 'logs/\n!logs/keep.txt\n' });
  try {
    const r = rulesFor(tree);
    assert.equal(r.isExcluded(tree.abs('logs/keep.txt'), false), 'ignored');
  } finally {
    tree.cleanup();
  }
});

test('.conexusignore can re-include what .gitignore or the defaults exclude, and exclude more', () => {
  const tree = makeTree({
    '.gitignore': 'generated/\n*.snap\n',
    '.conexusignore': '!generated/\n!important.snap\nfixtures/\n',
    'pkg/.conexusignore': '!dist/\n',
    'pkg/.gitignore': 'notes.md\n',
  });
  try {
    const r = rulesFor(tree);
    const ex = (p: string, dir = false) => r.isExcluded(tree.abs(p), dir);
    assert.equal(ex('generated', true), false);
    assert.equal(ex('generated/api.ts'), false, 'the whole re-included folder is walked');
    assert.equal(ex('important.snap'), false);
    assert.equal(ex('other.snap'), 'ignored');
    assert.equal(ex('fixtures', true), 'ignored');
    assert.equal(ex('pkg/dist', true), false, 'a nested .conexusignore re-includes a default exclude');
    assert.equal(ex('dist', true), 'ignored');
    assert.equal(ex('pkg/notes.md'), 'ignored');
  } finally {
    tree.cleanup();
  }
});

test('the include and exclude settings', () => {
  const tree = makeTree();
  try {
    const r = rulesFor(tree, { include: ['src/', '*.md'], exclude: ['**/*.test.ts', 'src/legacy/'] });
    const ex = (p: string, dir = false) => r.isExcluded(tree.abs(p), dir);
    assert.equal(ex('src/a.ts'), false);
    assert.equal(ex('README.md'), false);
    assert.equal(ex('lib/a.ts'), 'ignored', 'not matched by include');
    assert.equal(ex('lib', true), false, 'folders are still walked so that included files below are found');
    assert.equal(ex('src/a.test.ts'), 'ignored');
    assert.equal(ex('src/legacy', true), 'ignored');
  } finally {
    tree.cleanup();
  }
});

test('invalidate reloads a changed ignore file without a walk', () => {
  const tree = makeTree({ 'a/.gitignore': 'x.ts\n' });
  try {
    const r = rulesFor(tree);
    assert.equal(r.isExcluded(tree.abs('a/x.ts'), false), 'ignored');
    tree.write({ 'a/.gitignore': 'y.ts\n' });
    assert.equal(r.isExcluded(tree.abs('a/x.ts'), false), 'ignored', 'cached until invalidated');
    assert.equal(r.invalidate(tree.abs('a/.gitignore')), true);
    assert.equal(r.isExcluded(tree.abs('a/x.ts'), false), false);
    assert.equal(r.isExcluded(tree.abs('a/y.ts'), false), 'ignored');
    fs.rmSync(tree.abs('a/.gitignore'));
    r.invalidate(tree.abs('a/.gitignore'));
    assert.equal(r.isExcluded(tree.abs('a/y.ts'), false), false);
    assert.equal(r.invalidate(tree.abs('a/y.ts')), false, 'not an ignore file');
  } finally {
    tree.cleanup();
  }
});

test('nested ignore files in folders with glob characters in their names', () => {
  const dirs = ['app/[id]', 'my dir', '#hash', '!bang', 'a*b'];
  const tree = makeTree(Object.fromEntries(dirs.map((d) => [`${d}/.gitignore`, 'private.txt\n/anchored.txt\n'])));
  try {
    const r = rulesFor(tree);
    for (const d of dirs) {
      assert.equal(r.isExcluded(tree.abs(`${d}/sub/private.txt`), false), 'ignored', d);
      assert.equal(r.isExcluded(tree.abs(`${d}/anchored.txt`), false), 'ignored', d);
      assert.equal(r.isExcluded(tree.abs(`${d}/other.txt`), false), false, d);
    }
    assert.equal(r.isExcluded(tree.abs('app/i/private.txt'), false), false, '[id] is a folder name, not a character class');
    assert.equal(r.isExcluded(tree.abs('axb/private.txt'), false), false, 'a*b is a folder name, not a wildcard');
  } finally {
    tree.cleanup();
  }
});

test('rewritePatterns keeps comments out and anchors nested patterns', () => {
  assert.deepEqual(rewritePatterns('# c\n\nfoo\n/bar\nbaz/\n!q\na/b\n', 'd/e'), [
    'd/e/**/foo', 'd/e/bar', 'd/e/**/baz/', '!d/e/**/q', 'd/e/a/b',
  ]);
  assert.deepEqual(rewritePatterns('foo  \r\n/bar\n', ''), ['foo', '/bar']);
});

// ---- Property test: the matcher against a direct reading of the gitignore rules ----

type Pat = { neg: boolean; kind: 'name' | 'anchored' | 'dirOnly' | 'ext'; value: string };
const NAMES = ['a', 'b', 'c'];
const FILES = ['x.js', 'y.md', 'a'];

const patArb: fc.Arbitrary<Pat> = fc.record({
  neg: fc.boolean(),
  kind: fc.constantFrom('name' as const, 'anchored' as const, 'dirOnly' as const, 'ext' as const),
  value: fc.constantFrom(...NAMES, ...FILES),
});
const dirArb = fc.array(fc.constantFrom(...NAMES), { maxLength: 2 }).map((s) => s.join('/'));
const fileArb = fc.record({ dir: dirArb, kind: fc.constantFrom(0, 1), pats: fc.array(patArb, { minLength: 1, maxLength: 4 }) });
const pathArb = fc.record({
  segs: fc.array(fc.constantFrom(...NAMES), { minLength: 0, maxLength: 3 }),
  leaf: fc.constantFrom(...NAMES, ...FILES),
  isDir: fc.boolean(),
});

function patText(p: Pat): string {
  const v = p.kind === 'ext' ? `*.${p.value.split('.').pop()}` : p.value;
  const body = p.kind === 'anchored' ? `/${v}` : p.kind === 'dirOnly' ? `${v}/` : v;
  return (p.neg ? '!' : '') + body;
}

function patMatches(p: Pat, rel: string, isDir: boolean): boolean {
  const base = rel.split('/').pop()!;
  switch (p.kind) {
    case 'name': return base === p.value;
    case 'anchored': return rel === p.value;
    case 'dirOnly': return isDir && base === p.value;
    case 'ext': return base.endsWith(`.${p.value.split('.').pop()}`) && base.includes('.');
  }
}

/** Git's rules read literally: ancestors first; per path the last matching pattern of the most specific file wins. */
function reference(files: { dir: string; kind: number; pats: Pat[] }[], rel: string, isDir: boolean): boolean {
  const segs = rel.split('/');
  for (let i = 1; i < segs.length; i++) if (selfExcluded(files, segs.slice(0, i).join('/'), true)) return true;
  return selfExcluded(files, rel, isDir);
}
function selfExcluded(files: { dir: string; kind: number; pats: Pat[] }[], rel: string, isDir: boolean): boolean {
  const ordered = files
    .filter((f) => f.dir === '' || rel.startsWith(`${f.dir}/`))
    .sort((x, y) => x.kind - y.kind || (x.dir ? x.dir.split('/').length : 0) - (y.dir ? y.dir.split('/').length : 0));
  let verdict = false;
  for (const f of ordered) {
    const local = f.dir === '' ? rel : rel.slice(f.dir.length + 1);
    for (const p of f.pats) if (patMatches(p, local, isDir)) verdict = !p.neg;
  }
  return verdict;
}

test('property: IgnoreRules agrees with a literal reading of nested gitignore semantics', () => {
  fc.assert(
    fc.property(fc.uniqueArray(fileArb, { selector: (f) => `${f.kind}:${f.dir}`, maxLength: 4 }), fc.array(pathArb, { minLength: 1, maxLength: 8 }), (files, paths) => {
      const tree = makeTree();
      try {
        for (const f of files) {
          tree.write({ [`${f.dir ? f.dir + '/' : ''}${f.kind === 0 ? '.gitignore' : '.conexusignore'}`]: f.pats.map(patText).join('\n') + '\n' });
        }
        const rules = new IgnoreRules({ absPath: tree.dir, name: 'ws' }, settings);
        for (const p of paths) {
          const rel = [...p.segs, p.leaf].join('/');
          const got = rules.isExcluded(tree.abs(rel), p.isDir) !== false;
          assert.equal(got, reference(files, rel, p.isDir), `${rel}${p.isDir ? '/' : ''} with ${JSON.stringify(files.map((f) => [f.dir, f.kind, f.pats.map(patText)]))}`);
        }
      } finally {
        tree.cleanup();
      }
    }),
    { numRuns: 150 },
  );
});
