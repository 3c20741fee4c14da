import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callsInLines, chunkFile, chunkFileSync, DEFAULT_CHUNK_OPTIONS } from '../../../server/chunk/chunker';
import type { Chunk } from '../../../server/chunk/types';

/** Asserts the chunks are the file's lines, in order, each exactly once. */
function assertExactCover(text: string, chunks: Chunk[]): void {
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  let next = 1;
  for (const c of chunks) {
    assert.equal(c.startLine, next, `chunk starting at ${c.startLine} should start at ${next}`);
    assert.ok(c.endLine >= c.startLine);
    assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'));
    next = c.endLine + 1;
  }
  assert.equal(next, lines.length + 1, 'the last chunk ends on the last line');
}

const ts = (text: string) => ({ path: 'src/a.ts', text, language: 'typescript' });

test('a JSDoc comment and decorators stay with their definition', async () => {
  const text = [
    "import { x } from 'y';",
    '',
    '/**',
    ' * Loads the user profile from the cache, or the network when stale.',
    ' */',
    '@memoize()',
    'export async function loadProfile(id: string) {',
    '  return fetchProfile(id);',
    '}',
    '',
  ].join('\n');
  const chunks = await chunkFile(ts(text));
  const c = chunks.find((k) => k.symbol === 'loadProfile');
  assert.ok(c, 'loadProfile has a chunk');
  assert.ok(c.text.includes('Loads the user profile'), 'the doc comment is in the chunk');
  assert.deepEqual(await callsInLines(ts(text), c.startLine, c.endLine), ['memoize', 'fetchProfile']);
  assertExactCover(text, chunks);
});

test('a Python docstring is part of its function chunk', async () => {
  const body = Array.from({ length: 30 }, (_, i) => `    total += step_${i}(x)`).join('\n');
  const text = `def first(x):\n    """Adds the steps."""\n    total = 0\n${body}\n    return total\n\ndef second():\n    pass\n`;
  const chunks = await chunkFile({ path: 'a.py', text, language: 'python' });
  const c = chunks.find((k) => k.symbol === 'first')!;
  assert.equal(c.kind, 'function');
  assert.ok(c.text.startsWith('def first(x):\n    """Adds the steps."""'));
  assertExactCover(text, chunks);
});

test('a class over the limit is cut into its methods, each named with the class as container', async () => {
  const methods = Array.from({ length: 8 }, (_, m) => [
    `  /** Method ${m}. */`,
    `  method${m}(a: number): number {`,
    ...Array.from({ length: 20 }, (_, i) => `    a = helper${m}(a + ${i});`),
    '    return a;',
    '  }',
  ].join('\n'));
  const text = `export class Big {\n  private n = 0;\n${methods.join('\n')}\n}\n`;
  const chunks = await chunkFile(ts(text));
  for (let m = 0; m < 8; m++) {
    const c = chunks.find((k) => k.symbol === `method${m}`);
    assert.ok(c, `method${m} has its own chunk`);
    assert.equal(c.kind, 'method');
    assert.equal(c.container, 'Big');
    assert.ok(c.text.startsWith(`  /** Method ${m}. */`), 'its doc comment leads the chunk');
    assert.deepEqual(await callsInLines(ts(text), c.startLine, c.endLine), [`helper${m}`], 'the calls in its lines, no others');
  }
  assert.equal(chunks[0].symbol, 'Big', 'the class header is named after the class');
  assertExactCover(text, chunks);
});

test('a long function is cut at statements into windows that keep its name', async () => {
  const stmts = Array.from({ length: 400 }, (_, i) => `  const v${i} = compute(${i});`);
  const text = `function huge() {\n${stmts.join('\n')}\n  return 1;\n}\n`;
  const chunks = await chunkFile(ts(text));
  assert.ok(chunks.length >= 4);
  for (const c of chunks) {
    assert.equal(c.symbol, 'huge');
    assert.equal(c.kind, 'function');
    assert.ok(c.endLine - c.startLine + 1 <= DEFAULT_CHUNK_OPTIONS.maxLines);
  }
  assertExactCover(text, chunks);
});

test('a function made of one long statement is still cut, without losing a line', async () => {
  const items = Array.from({ length: 300 }, (_, i) => `    key${i}: ${i},`);
  const text = `export function table() {\n  return {\n${items.join('\n')}\n  };\n}`;
  const chunks = await chunkFile(ts(text), { maxLines: 50 });
  assert.ok(chunks.every((c) => c.symbol === 'table' && c.endLine - c.startLine < 50));
  assertExactCover(text, chunks);
});

test('tiny neighbours merge: imports and small constants form one chunk, functions keep theirs', async () => {
  const text = [
    "import a from 'a';",
    "import b from 'b';",
    "import c from 'c';",
    'const X = 1;',
    'const Y = 2;',
    '',
    'function one() {',
    '  return a(X);',
    '}',
    '',
    'function two() {',
    '  return b(Y);',
    '}',
  ].join('\n');
  const chunks = await chunkFile(ts(text));
  assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine, c.symbol]), [[1, 6, null], [7, 10, 'one'], [11, 13, 'two']]);
  assertExactCover(text, chunks);
});

test('top-level code between definitions is chunked too', async () => {
  const script = Array.from({ length: 10 }, (_, i) => `console.log(step${i}());`).join('\n');
  const text = `function a() {\n  return 1;\n}\n${script}\nfunction b() {\n  return 2;\n}\n`;
  const chunks = await chunkFile({ path: 'a.js', text, language: 'javascript' });
  const glue = chunks.find((c) => c.symbol === null);
  assert.ok(glue && glue.text.includes('step0') && glue.text.includes('step9'));
  const calls = await callsInLines({ path: 'a.js', text, language: 'javascript' }, glue.startLine, glue.endLine);
  assert.ok(calls.includes('step5') && calls.includes('log'));
  assertExactCover(text, chunks);
});

test('a minified 1 MiB single-line file completes and keeps all its text', async () => {
  const unit = 'function f(a){return a.map(function(b){return b*2}).filter(Boolean)}var x=[1,2,3];';
  const text = unit.repeat(Math.ceil((1024 * 1024) / unit.length));
  const chunks = await chunkFile({ path: 'dist/app.min.js', text, language: 'javascript' });
  assertExactCover(text, chunks);
});

test('deeply nested code completes and is covered', async () => {
  const depth = 3000;
  const text = `const deep = ${'['.repeat(depth)}1${']'.repeat(depth)};\n` +
    Array.from({ length: depth / 10 }, (_, i) => `${'  '.repeat(i % 40)}if (x${i}) {`).join('\n') + '\n' + '}\n'.repeat(depth / 10);
  const chunks = await chunkFile({ path: 'deep.js', text, language: 'javascript' });
  assertExactCover(text, chunks);
});

test('windows CRLF files keep their carriage returns in chunk text', async () => {
  const text = 'function a() {\r\n  return 1;\r\n}\r\n';
  const chunks = await chunkFile(ts(text));
  assert.equal(chunks[0].text, 'function a() {\r\n  return 1;\r\n}\r');
  assertExactCover(text, chunks);
});

test('plain text is cut into line windows; empty text has no chunks', async () => {
  const text = Array.from({ length: 150 }, (_, i) => `line ${i}`).join('\n');
  const chunks = await chunkFile({ path: 'notes.txt', text, language: 'text' });
  assert.ok(chunks.length === 3 && chunks.every((c) => c.symbol === null));
  assert.deepEqual(await callsInLines({ path: 'notes.txt', text: 'run(x)\n', language: 'text' }, 1, 1), [], 'text cut by lines has no calls');
  assertExactCover(text, chunks);
  assert.deepEqual(await chunkFile({ path: 'e.txt', text: '', language: 'text' }), []);
});

test('chunkFileSync needs the grammar loaded first, then agrees with chunkFile', async () => {
  const input = { path: 'a.rb', text: 'def a\n  b\nend\n', language: 'ruby' };
  assert.equal(chunkFileSync(input), null, 'not loaded yet: the caller must use chunkFile');
  const async = await chunkFile(input);
  assert.deepEqual(chunkFileSync(input), async);
  assert.deepEqual(chunkFileSync({ path: 'x.txt', text: 'a\n', language: 'text' })?.length, 1);
});

test('test suites are cut into their cases, named by title with the suite as container', async () => {
  const cases = Array.from({ length: 12 }, (_, i) => [
    `  it('case ${i}', () => {`,
    ...Array.from({ length: 12 }, (_, j) => `    expect(run${i}(${j})).toBe(${j});`),
    '  });',
  ].join('\n'));
  const text = `describe('runner', () => {\n${cases.join('\n')}\n});\n`;
  const chunks = await chunkFile({ path: 'a.test.js', text, language: 'javascript' });
  const c5 = chunks.find((c) => c.symbol === 'case 5');
  assert.ok(c5 && c5.kind === 'block' && c5.container === 'runner');
  assert.ok((await callsInLines({ path: 'a.test.js', text, language: 'javascript' }, c5.startLine, c5.endLine)).includes('run5'));
  assertExactCover(text, chunks);
});

test('undefined or invalid options fall back to the defaults', async () => {
  const text = Array.from({ length: 130 }, (_, i) => `x${i}`).join('\n');
  const input = { path: 'a.txt', text, language: 'text' };
  const expected = await chunkFile(input);
  assert.deepEqual(await chunkFile(input, { maxLines: undefined, maxChars: Number.NaN, windowLines: undefined }), expected);
});
