import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import fc from 'fast-check';
import { classifyContent, readFileForIndex, type ReadIo } from '../../../server/walk/content';
import { makeTree } from './tmpTree';

const sha1 = (b: Buffer | string) => createHash('sha1').update(b).digest('hex');

test('a NUL byte anywhere means binary', () => {
  assert.deepEqual(classifyContent(Buffer.from('hello\0world')), { ok: false, reason: 'binary' });
  const late = Buffer.concat([Buffer.from('a'.repeat(100_000)), Buffer.from([0])]);
  assert.deepEqual(classifyContent(late), { ok: false, reason: 'binary' });
  // UTF-16 text is full of NULs and is not what the tokenizer expects.
  assert.deepEqual(classifyContent(Buffer.from('code', 'utf16le')), { ok: false, reason: 'binary' });
});

test('a UTF-8 BOM is stripped and empty files are text', () => {
  assert.deepEqual(classifyContent(Buffer.from([0xef, 0xbb, 0xbf, 0x68, 0x69])), { ok: true, text: 'hi' });
  assert.deepEqual(classifyContent(Buffer.alloc(0)), { ok: true, text: '' });
});

test('a few invalid UTF-8 bytes are replaced; mostly invalid bytes are not text', () => {
  const latin1 = Buffer.from('// caf\xe9 au lait\nconst x = 1;\n', 'latin1');
  const r = classifyContent(latin1);
  assert.equal(r.ok, true);
  assert.ok(r.ok && r.text.includes('caf\ufffd au lait'));
  const junk = Buffer.from(Array.from({ length: 400 }, (_, i) => 0x80 + (i % 60)));
  assert.deepEqual(classifyContent(junk), { ok: false, reason: 'not-text' });
});

test('minified bundles, stylesheets and data are recognised', () => {
  const stmt = 'var a=function(b){return b*2},c={d:1,e:[1,2,3]};';
  assert.deepEqual(classifyContent(Buffer.from(stmt.repeat(200))), { ok: false, reason: 'minified' });
  const css = '.a{color:red;margin:0}.b>.c{display:flex}';
  assert.deepEqual(classifyContent(Buffer.from(css.repeat(300) + '\n')), { ok: false, reason: 'minified' });
  // A licence header followed by one enormous line still counts.
  const header = '/*! lib v1.0 | MIT */\n'.repeat(20);
  assert.deepEqual(classifyContent(Buffer.from(header + stmt.repeat(400) + '\n' + header)), { ok: false, reason: 'minified' });
});

test('ordinary code and prose are not called minified', () => {
  const code = Array.from({ length: 300 }, (_, i) => `  const value${i} = compute(${i}, options); // step ${i}`).join('\n');
  assert.equal(classifyContent(Buffer.from(code)).ok, true);
  const para = 'This paragraph is written on a single line the way many markdown files are, with ordinary words and spaces between them. '.repeat(8);
  assert.equal(classifyContent(Buffer.from(Array(20).fill(para).join('\n\n'))).ok, true);
  assert.equal(classifyContent(Buffer.from('{"a":1,"b":[1,2,3]}')).ok, true, 'a short one-line JSON file is fine');
  const withDataUri = code + `\nconst icon = "data:image/png;base64,${'A'.repeat(6000)}";\n` + code;
  assert.equal(classifyContent(Buffer.from(withDataUri)).ok, true, 'one long line among many normal ones');
});

test('property: classifyContent never throws and returns text without a BOM', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
      const r = classifyContent(Buffer.from(bytes));
      if (r.ok) assert.notEqual(r.text.charCodeAt(0), 0xfeff);
      else assert.ok(['binary', 'minified', 'not-text'].includes(r.reason));
    }),
  );
});

test('readFileForIndex returns text, size, mtime and the sha1 of the bytes', async () => {
  const tree = makeTree({ 'a.ts': 'export const a = 1;\n', 'big.txt': 'x'.repeat(5000), 'bin.dat': Buffer.from([1, 0, 2]) });
  try {
    const r = await readFileForIndex(tree.abs('a.ts'), 4096);
    const st = fs.statSync(tree.abs('a.ts'));
    assert.deepEqual(r, { ok: true, text: 'export const a = 1;\n', size: st.size, mtimeMs: st.mtimeMs, hash: sha1('export const a = 1;\n'), bytes: Buffer.from('export const a = 1;\n') });
    assert.equal((await readFileForIndex(tree.abs('big.txt'), 4096)).ok === false && 'too-large', 'too-large');
    assert.deepEqual(await readFileForIndex(tree.abs('missing.ts'), 4096), { ok: false, reason: 'vanished' });
    const bin = await readFileForIndex(tree.abs('bin.dat'), 4096);
    assert.equal(!bin.ok && bin.reason, 'binary');
    const dir = await readFileForIndex(tree.dir, 4096);
    assert.equal(!dir.ok && dir.reason, 'vanished');
  } finally {
    tree.cleanup();
  }
});

test('readFileForIndex re-reads a file that changes while it is read, so the hash matches the final content', async () => {
  const tree = makeTree({ 'f.ts': 'old content\n' });
  try {
    const file = tree.abs('f.ts');
    let reads = 0;
    // The writer strikes right after the first read returns: the bytes in hand are stale.
    const io: ReadIo = {
      stat: (p) => fs.promises.stat(p),
      readFile: async (p) => {
        const buf = await fs.promises.readFile(p);
        if (reads++ === 0) fs.writeFileSync(file, 'new and longer content\n');
        return buf;
      },
    };
    const r = await readFileForIndex(file, 4096, io);
    assert.equal(reads, 2);
    assert.ok(r.ok);
    assert.equal(r.text, 'new and longer content\n');
    assert.equal(r.hash, sha1('new and longer content\n'));
    assert.equal(r.size, fs.statSync(file).size);
  } finally {
    tree.cleanup();
  }
});

test('readFileForIndex gives up after three re-reads and reports the pre-read mtime', async () => {
  const tree = makeTree({ 'f.ts': 'v0\n' });
  try {
    const file = tree.abs('f.ts');
    let reads = 0;
    const mtimesBefore: number[] = [];
    const io: ReadIo = {
      stat: async (p) => fs.promises.stat(p),
      readFile: async (p) => {
        mtimesBefore.push(fs.statSync(p).mtimeMs);
        const buf = await fs.promises.readFile(p);
        reads++;
        fs.writeFileSync(file, `v${reads}${'!'.repeat(reads)}\n`);
        return buf;
      },
    };
    const r = await readFileForIndex(file, 4096, io);
    assert.equal(reads, 4, 'one read and three re-reads');
    assert.ok(r.ok);
    assert.equal(r.text, 'v3!!!\n');
    assert.equal(r.hash, sha1('v3!!!\n'), 'the hash always describes the returned text');
    assert.equal(r.mtimeMs, mtimesBefore[3]);
  } finally {
    tree.cleanup();
  }
});

test('readFileForIndex maps permission errors to unreadable (injected EACCES: tests run as root)', async () => {
  const io: ReadIo = {
    stat: async () => { throw Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' }); },
    readFile: async () => Buffer.alloc(0),
  };
  assert.deepEqual(await readFileForIndex('/nowhere/x.ts', 4096, io), { ok: false, reason: 'unreadable' });
});
