/**
 * Property: whatever the text and language, the chunks are the file's lines in order,
 * each exactly once, and each chunk's text is exactly its lines. Inputs mix real code
 * fragments (so the syntax paths run) with arbitrary characters, blank runs and CRLF.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { callsInLines, chunkFile, type ChunkOptions } from '../../../server/chunk/chunker';
import { preloadGrammars } from '../../../server/chunk/grammars';

const FRAGMENTS: Record<string, string[]> = {
  typescript: ['export class A {', '  m(x: number) { return f(x); }', '}', '/** doc */', 'function g() {', 'interface I { a: string }', 'const h = () => {', '};', 'import { x } from "y";'],
  python: ['class A:', '    def m(self):', '        return f(1)', '    """doc"""', 'def g():', '    pass', '@dec', 'import os', 'x = [', ']'],
  go: ['package main', 'func (s *S) M() {', '}', 'type S struct {', '\ta int', 'func main() {', '\tfmt.Println(1)', '// doc'],
  rust: ['impl S {', '    fn m(&self) {', '    }', '}', '/// doc', '#[derive(Debug)]', 'struct S { a: i32 }', 'fn f() { g(); }'],
  ruby: ['class A', '  def m', '    f(1)', '  end', 'end', 'module M', '# doc'],
  c: ['#ifdef X', '#endif', 'int f(void) {', '  return g();', '}', 'struct s {', '};', '/* doc */'],
  markdown: ['# Title', '## Part', 'text here', '```', 'code # not a heading', '```', '---', 'Setext', '==='],
  text: ['key: value', '- item', '{', '}'],
};

const line = (language: string) => fc.oneof(
  { weight: 5, arbitrary: fc.constantFrom(...FRAGMENTS[language]) },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }).map((s) => s.replace(/[\n\r]/g, ' ')) },
  { weight: 2, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: fc.constantFrom('  ', '\t}', '}', ')', 'x'.repeat(300)) },
);

const file = (language: string) => fc.record({
  lines: fc.array(line(language), { maxLength: 120 }),
  crlf: fc.boolean(),
  finalNewline: fc.boolean(),
}).map(({ lines, crlf, finalNewline }) => lines.join(crlf ? '\r\n' : '\n') + (finalNewline && lines.length > 0 ? '\n' : ''));

const options: fc.Arbitrary<ChunkOptions> = fc.record({
  maxLines: fc.integer({ min: 1, max: 40 }),
  maxChars: fc.integer({ min: 20, max: 2000 }),
  minLines: fc.integer({ min: 1, max: 6 }),
  windowLines: fc.integer({ min: 1, max: 30 }),
  strategy: fc.constantFrom('syntax' as const, 'syntax' as const, 'outline' as const, 'lines' as const),
  maxParseChars: fc.constantFrom(256 * 1024, 200),
});

function assertExactCover(text: string, chunks: Array<{ startLine: number; endLine: number; text: string }>): void {
  const lines = text.length === 0 ? [] : (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  let next = 1;
  for (const c of chunks) {
    assert.equal(c.startLine, next);
    assert.ok(c.endLine >= c.startLine);
    assert.equal(c.text, lines.slice(c.startLine - 1, c.endLine).join('\n'));
    next = c.endLine + 1;
  }
  assert.equal(next, lines.length + 1);
}

test('chunks cover every line exactly once and carry exactly their lines', async () => {
  await preloadGrammars(Object.keys(FRAGMENTS));
  for (const language of Object.keys(FRAGMENTS)) {
    await fc.assert(
      fc.asyncProperty(file(language), options, async (text, opts) => {
        const chunks = await chunkFile({ path: `f.${language}`, text, language }, opts);
        assertExactCover(text, chunks);
        for (const c of chunks) {
          const calls = await callsInLines({ path: `f.${language}`, text, language }, c.startLine, c.endLine, opts);
          assert.ok(calls.length <= 200 && new Set(calls).size === calls.length);
        }
      }),
      { numRuns: 150 },
    );
  }
});

test('with default options no chunk repeats another', async () => {
  await fc.assert(
    fc.asyncProperty(fc.constantFrom('typescript', 'python', 'text'), fc.nat(), async (language, seed) => {
      const text = fc.sample(file(language), { numRuns: 1, seed })[0];
      const chunks = await chunkFile({ path: 'f', text, language });
      const ranges = chunks.map((c) => `${c.startLine}-${c.endLine}`);
      assert.equal(new Set(ranges).size, ranges.length);
    }),
    { numRuns: 60 },
  );
});
