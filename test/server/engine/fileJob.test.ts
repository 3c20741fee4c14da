/**
 * processFile, the per-file job the index workers run. The catalog keeps no chunk texts:
 * it rebuilds them from the file's lines and checks them against the chunk's hash, so
 * the hash must be that of exactly the lines a chunk spans, whatever the file's
 * characters, line endings or byte-order mark.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { countLines, processFile } from '../../../server/engine/fileJob';
import fc from 'fast-check';
import { ChunkTexts, chunkHash } from '../../../server/store/chunkTexts';

const dir = mkdtempSync(join(tmpdir(), 'conexus-filejob-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const SOURCE = [
  '# © 2026 Example → licence header',
  'def plain_ascii(x):',
  '    """Return x doubled."""',
  '    return x * 2',
  '',
  '',
  'def with_accents(nom):',
  '    """Salue « nom » — café."""',
  "    return f'bonjour {nom} ☕'",
  '',
];

for (const [name, bytes] of [
  ['plain', Buffer.from(SOURCE.join('\n'))],
  ['crlf', Buffer.from(SOURCE.join('\r\n'))],
  ['bom', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(SOURCE.join('\n'))])],
] as const) {
  test(`chunk hashes are those of the file lines they span, and ChunkTexts rebuilds the texts (${name})`, async () => {
    const abs = join(dir, `${name}.py`);
    writeFileSync(abs, bytes);
    const r = await processFile({ absPath: abs, path: `${name}.py`, maxBytes: 1 << 20, knownHash: null });
    assert.equal(r.kind, 'chunked');
    if (r.kind !== 'chunked') return;
    assert.ok(r.chunks.length >= 2, 'two functions give at least two chunks');
    const lines = bytes.toString('utf8').replace(/^\uFEFF/, '').split('\n');
    const texts = new ChunkTexts((p) => (p === `${name}.py` ? abs : undefined));
    for (const c of r.chunks) {
      const expected = lines.slice(c.startLine - 1, c.endLine).join('\n');
      assert.equal(c.hash, chunkHash(expected), `chunk ${c.startLine}-${c.endLine}`);
      assert.equal(bytes.subarray(c.startByte, c.endByte).toString('utf8'), expected, 'byte range');
      assert.equal(texts.text({ path: `${name}.py`, ...c }), expected);
      const { startByte: _s, endByte: _e, ...byLine } = c;
      assert.equal(texts.text({ path: `${name}.py`, ...byLine }), expected, 'found by line (indexes saved before byte ranges)');
    }
    assert.ok(r.chunks.some((c) => texts.text({ path: `${name}.py`, ...c })!.includes('☕')));
    assert.equal('text' in r.chunks[0], false, 'texts stay in the worker');
  });
}

test('countLines counts as splitting on newlines does', () => {
  fc.assert(fc.property(fc.string({ minLength: 1, unit: fc.constantFrom('a', '\n', '\r', 'é', ' ') }), (text) => {
    assert.equal(countLines(text), text.split('\n').length);
  }), { numRuns: 300 });
});
