import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import type { StoredChunk } from '../../../server/engine/api';
import { isTestPath, locateFiles } from '../../../server/search/locate';
import type { LocateSource } from '../../../server/search/locateIndex';
import { identifierParts, parseLocateQuery, tokenize } from '../../../server/search/locateQuery';

let nextId = 0;
function chunk(path: string, startLine: number, text: string, symbol: string | null = null, container: string | null = null): StoredChunk {
  return { id: String(nextId++), path, language: path.endsWith('.py') ? 'python' : 'typescript', startLine, endLine: startLine + text.split('\n').length - 1, symbol, kind: symbol ? (container ? 'method' : 'function') : null, container, text, hash: `h${nextId}` };
}

function source(chunks: StoredChunk[]): LocateSource {
  return { allChunks: () => chunks, status: () => ({ files: new Set(chunks.map((c) => c.path)).size, chunks: chunks.length, lastUpdated: `t${chunks.length}` }) as ReturnType<LocateSource['status']> };
}

const corpus = [
  chunk('pkg/printing/ccode.py', 1, 'class CCodePrinter:\n    def _print_Function(self, expr):\n        return known_functions(expr)', 'CCodePrinter'),
  chunk('pkg/printing/ccode.py', 10, 'def ccode(expr, assign_to=None):\n    return CCodePrinter().doprint(expr)', 'ccode'),
  chunk('pkg/functions/trig.py', 1, 'class sinc(Function):\n    """The unnormalized sinc function."""\n    def eval(cls, arg):\n        return sin(arg) / arg', 'sinc'),
  chunk('pkg/printing/tests/test_ccode.py', 1, 'def test_ccode_sinc():\n    assert ccode(sinc(x)) == "sinc(x)"\n    ccode ccode ccode sinc sinc', 'test_ccode_sinc'),
  chunk('pkg/core/basic.py', 1, 'class Basic:\n    def doit(self, **hints):\n        return self', 'Basic'),
  chunk('pkg/core/cache.py', 120, 'def cacheit(func):\n    def wrapper(*args):\n        return lru(func)(*args)\n    return wrapper', 'cacheit'),
  chunk('docs/printing.md', 1, '# Printing\nccode prints C code; sinc is not in math.h', null),
];

describe('parseLocateQuery', () => {
  test('reads Python and JavaScript stack frames, paths, dotted names and code identifiers', () => {
    const q = parseLocateQuery(`Crash in ccode:
Traceback (most recent call last):
  File "/home/u/pkg/core/cache.py", line 121, in wrapper
  File "pkg/printing/ccode.py", line 11, in ccode
TypeError
    at parseThing (src/lib/parse.ts:10:5)
see pkg.printing.ccode and \`CCodePrinter\`; the printer should print things`);
    assert.deepEqual(q.frames.map((f) => [f.path, f.line, f.fn]), [
      ['/home/u/pkg/core/cache.py', 121, 'wrapper'], ['pkg/printing/ccode.py', 11, 'ccode'], ['src/lib/parse.ts', 10, 'parseThing']]);
    assert.ok(q.paths.includes('src/lib/parse.ts'));
    assert.ok(q.dotted.includes('pkg.printing.ccode'));
    assert.equal(q.identifiers.get('CCodePrinter'), 1);
    assert.ok((q.identifiers.get('printer') ?? 0) < 1, 'prose words weigh less than code');
    assert.ok(!q.identifiers.has('the'));
    assert.equal(q.aboutTests, false);
    assert.equal(parseLocateQuery('test_ccode fails under pytest').aboutTests, true);
  });

  test('property: tokens are lower-case words of two or more characters', () => {
    fc.assert(fc.property(fc.string({ maxLength: 200 }), (s) => {
      for (const t of tokenize(s)) assert.match(t, /^[a-z0-9_]{2,}$/);
    }));
  });

  test('identifier parts split case changes and underscores', () => {
    assert.deepEqual(identifierParts('parseHTTPHeader_v2'), ['parse', 'http', 'header', 'v2']);
    assert.deepEqual(identifierParts('_print_Function'), ['print', 'function']);
  });
});

describe('locateFiles', () => {
  test('the defining file outranks its test file and the file of a mere argument', async () => {
    const files = await locateFiles(source(corpus), 'ccode(sinc(x)) does not work\n```\n>>> ccode(sinc(x))\n```');
    assert.equal(files[0].path, 'pkg/printing/ccode.py');
    assert.ok(files[0].symbols.some((s) => s.name === 'ccode' && s.startLine === 10));
    assert.match(files[0].reason, /ccode/);
    const test = files.findIndex((f) => f.path.includes('tests/'));
    assert.ok(test === -1 || test > 0);
  });

  test('test files are not demoted when the text is about tests', async () => {
    const a = await locateFiles(source(corpus), 'ccode sinc', { k: 10 });
    const b = await locateFiles(source(corpus), 'the test test_ccode_sinc for ccode sinc fails', { k: 10 });
    const score = (fs: typeof a) => fs.find((f) => f.path.includes('tests/'))?.score ?? 0;
    assert.ok(score(b) > score(a));
  });

  test('a stack frame from another machine finds the file and the function at that line', async () => {
    const files = await locateFiles(source(corpus), 'Traceback:\n  File "/opt/site-packages/pkg/core/cache.py", line 121, in wrapper\nRecursionError');
    assert.equal(files[0].path, 'pkg/core/cache.py');
    assert.deepEqual(files[0].symbols[0], { name: 'cacheit', kind: 'function', startLine: 120, endLine: 123 });
    assert.match(files[0].reason, /stack trace at line 121/);
  });

  test('uses the engine search when there is one, and survives its failure', async () => {
    const src = source(corpus);
    const withSearch: LocateSource = { ...src, search: async () => ({ mode: 'keyword', tookMs: 0, hits: [{ path: 'pkg/core/basic.py', startLine: 1, endLine: 3, language: 'python', symbol: 'Basic', kind: 'class', container: null, score: 1, snippet: '', matched: { terms: [], semantic: true, symbol: false, path: false } }] }) };
    const files = await locateFiles(withSearch, 'objects that simplify themselves when evaluated');
    assert.equal(files[0].path, 'pkg/core/basic.py');
    const failing: LocateSource = { ...src, search: async () => { throw new Error('model gone'); } };
    assert.ok((await locateFiles(failing, 'ccode sinc')).length > 0);
  });

  test('chunk evidence reaches deep into the engine\'s ranking, not only its first few dozen hits', async () => {
    // 120 files outrank the one that matters; in hybrid search a chunk only keyword search
    // found is capped below chunks both signals found, so it can sit this deep.
    const others = Array.from({ length: 120 }, (_, i) => chunk(`pkg/other/m${i}.py`, 1, `def helper_${i}():\n    return ${i}`, `helper_${i}`));
    const all = [...corpus, ...others];
    const hit = (path: string, symbol: string, score: number) => ({ path, startLine: 1, endLine: 2, language: 'python', symbol, kind: 'function' as const, container: null, score, snippet: '', matched: { terms: [], semantic: false, symbol: false, path: false } });
    const ranking = [...others.map((c, i) => hit(c.path, c.symbol!, 2 - i / 1000)), hit('pkg/core/cache.py', 'cacheit', 1.5)];
    const src: LocateSource = { ...source(all), search: async (p) => ({ mode: 'hybrid', tookMs: 0, hits: ranking.slice(0, p.k ?? 10) }) };
    const files = await locateFiles(src, 'zzqx wvyk', { k: 200 });
    assert.ok(files.some((f) => f.path === 'pkg/core/cache.py'), 'the file behind the 121st chunk hit is ranked');
  });

  test('property: only indexed paths, at most k, sorted by score', async () => {
    const paths = [...new Set(corpus.map((c) => c.path))];
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), fc.integer({ min: 1, max: 10 }), async (text, k) => {
      const files = await locateFiles(source(corpus), text, { k });
      assert.ok(files.length <= k);
      for (const f of files) assert.ok(paths.includes(f.path));
      for (let i = 1; i < files.length; i++) assert.ok(files[i - 1].score >= files[i].score);
    }));
  });

  test('isTestPath recognises common test layouts', () => {
    for (const p of ['tests/a.py', 'pkg/tests/test_x.py', 'src/a.test.ts', 'x_test.go', 'src/__tests__/a.js', 'conftest.py']) assert.ok(isTestPath(p), p);
    for (const p of ['src/testing_utils_not.py', 'pkg/contest.py', 'src/attest.ts']) assert.ok(!isTestPath(p), p);
  });
});

test('rebuilding the file index after an update reads only the texts of chunks it has not seen (texts are file reads)', async () => {
  let reads = 0;
  const counted = (c: StoredChunk): StoredChunk => {
    const { text, ...rest } = c;
    return { ...rest, get text() { reads++; return text; } };
  };
  const chunks = corpus.map(counted);
  let updated = 'first';
  const src: LocateSource = { allChunks: () => chunks, status: () => ({ files: 6, chunks: chunks.length, lastUpdated: updated }) as ReturnType<LocateSource['status']> };
  const first = await locateFiles(src, 'ccode prints sinc wrong');
  assert.ok(first.length > 0);
  const afterFirst = reads;
  updated = 'second';
  chunks.push(counted(chunk('pkg/new.py', 1, 'def brand_new_helper():\n    return sinc', 'brand_new_helper')));
  const second = await locateFiles(src, 'ccode prints sinc wrong');
  assert.deepEqual(second.map((f) => f.path).slice(0, 2), first.map((f) => f.path).slice(0, 2));
  assert.ok(reads - afterFirst <= 2, `the rebuild read ${reads - afterFirst} texts; only the new chunk's should be read`);
});
