/**
 * processFile, the per-file job the index workers run: chunk texts are exactly the
 * file's lines whatever the file's characters (a chunk's text is re-encoded to a
 * compact form when it allows, which must never change its value).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { compactText, processFile } from '../../../server/engine/fileJob';

const dir = mkdtempSync(join(tmpdir(), 'conexus-filejob-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('chunk texts equal the file lines they span, in files with and without characters beyond Latin-1', async () => {
  const source = [
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
  ].join('\n');
  const abs = join(dir, 'mixed.py');
  writeFileSync(abs, source);
  const r = await processFile({ absPath: abs, path: 'mixed.py', maxBytes: 1 << 20, knownHash: null });
  assert.equal(r.kind, 'chunked');
  if (r.kind !== 'chunked') return;
  const lines = source.split('\n');
  assert.ok(r.chunks.length >= 1);
  for (const c of r.chunks) assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'), `chunk ${c.startLine}-${c.endLine}`);
  assert.ok(r.chunks.some((c) => c.text.includes('☕')));
});

test('compactText keeps the value of any string', () => {
  for (const s of ['', 'plain ascii', 'latin-1: café ÿ', 'beyond: → ☕ 𝄞', 'x'.repeat(5000) + '→']) assert.equal(compactText(s), s);
});
