import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callsInLines, chunkFile } from '../../../server/chunk/chunker';

const outline = (text: string, language = 'typescript', opts = {}) =>
  chunkFile({ path: 'f', text, language }, { strategy: 'outline', ...opts });

test('outline chunks name common definitions and keep their leading comments', async () => {
  const text = [
    "import { x } from 'y';", // 1
    '', // 2
    '/** Adds. */', // 3
    'export function add(a, b) {', // 4
    '  return sum(a, b);', // 5
    '}', // 6
    '', // 7
    'export class Box {', // 8
    '  open() { return new Lid(); }', // 9
    '}', // 10
    'const handler = async (e) => {', // 11
    '  await send(e);', // 12
    '};', // 13
  ].join('\n');
  const chunks = await outline(text, 'typescript', { minLines: 1 });
  const add = chunks.find((c) => c.symbol === 'add')!;
  assert.equal(add.kind, 'function');
  assert.equal(add.startLine, 3, 'the doc comment opens the chunk');
  const callsOf = (c: { startLine: number; endLine: number }) => callsInLines({ path: 'f', text, language: 'typescript' }, c.startLine, c.endLine, { strategy: 'outline' });
  assert.ok((await callsOf(add)).includes('sum'));
  const box = chunks.find((c) => c.symbol === 'Box')!;
  assert.equal(box.kind, 'class');
  const boxCalls = await callsOf(box);
  assert.ok(boxCalls.includes('Lid') && boxCalls.includes('open'));
  assert.equal(chunks.find((c) => c.symbol === 'handler')?.kind, 'function');
  assert.equal(chunks.map((c) => c.text).join('\n'), text);
});

test('outline recognises Python, Go and Rust openers', async () => {
  const cases: Array<[string, string, string, string]> = [
    ['python', 'import os\n\ndef load(path):\n    return open(path)\n', 'load', 'function'],
    ['go', 'package x\n\nfunc (s *S) Run() error {\n\treturn nil\n}\n', 'Run', 'method'],
    ['rust', 'use a;\n\npub fn parse(s: &str) -> u8 {\n    0\n}\n', 'parse', 'function'],
  ];
  for (const [language, text, symbol, kind] of cases) {
    const chunks = await outline(text, language, { minLines: 1 });
    const c = chunks.find((k) => k.symbol === symbol);
    assert.ok(c, `${language}: ${symbol}`);
    assert.equal(c.kind, kind);
  }
});

test('a long statement is cut at its shallowest lines, keeping the name', async () => {
  const body = Array.from({ length: 300 }, (_, i) => (i % 10 === 0 ? `  step${i}();\n  if (x) {\n    y();\n  }` : `  step${i}();`));
  const text = `function long() {\n${body.join('\n')}\n}`;
  const chunks = await outline(text, 'javascript', { maxLines: 50 });
  assert.ok(chunks.length > 6);
  assert.ok(chunks.every((c) => c.symbol === 'long' && c.endLine - c.startLine < 50));
  for (const c of chunks.slice(1)) assert.doesNotMatch(c.text, /^ {4}/, 'windows do not start inside a nested block');
  assert.equal(chunks.map((c) => c.text).join('\n'), text);
});

test('files over maxParseChars are cut by outline without parsing', async () => {
  const text = Array.from({ length: 200 }, (_, i) => `function f${i}() {\n  return g(${i});\n}`).join('\n');
  const chunks = await chunkFile({ path: 'big.js', text, language: 'javascript' }, { maxParseChars: 1000, minLines: 1 });
  assert.equal(chunks.length, 200);
  assert.deepEqual(await callsInLines({ path: 'big.js', text, language: 'javascript' }, chunks[7].startLine, chunks[7].endLine, { maxParseChars: 1000 }), ['g']);
  assert.equal(chunks[7].symbol, 'f7');
});

test('outline keeps comments and decorators above a definition with it', async () => {
  const text = 'import os\n\n# Loads.\n@cache\n@other(1)\ndef load(p):\n    return open(p)\n';
  const chunks = await outline(text, 'python', { minLines: 1 });
  const load = chunks.find((c) => c.symbol === 'load')!;
  assert.equal(load.startLine, 3);
  assert.equal(load.endLine, 7);
});
