import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chunkFile } from '../../../server/chunk/chunker';

const md = (text: string, opts?: { maxLines?: number }) => chunkFile({ path: 'README.md', text, language: 'markdown' }, opts);

test('each heading starts a section named by it, with the enclosing heading as container', async () => {
  const text = [
    'Intro before any heading.', // 1
    '# Guide', // 2
    'Welcome.', // 3
    '## Install ##', // 4
    'npm i', // 5
    '```sh', // 6
    '# not a heading inside a fence', // 7
    '```', // 8
    '### Linux', // 9
    'apt', // 10
    '## Usage', // 11
    'Run it.', // 12
  ].join('\n');
  const chunks = await md(text);
  assert.deepEqual(
    chunks.map((c) => [c.startLine, c.endLine, c.symbol, c.kind, c.container]),
    [
      [1, 1, null, null, null],
      [2, 3, 'Guide', 'section', null],
      [4, 8, 'Install', 'section', 'Guide'],
      [9, 10, 'Linux', 'section', 'Install'],
      [11, 12, 'Usage', 'section', 'Guide'],
    ],
  );
  assert.equal(chunks[2].text, text.split('\n').slice(3, 8).join('\n'));
});

test('setext headings count; front matter does not', async () => {
  const text = ['---', 'title: x', '---', 'Title', '=====', 'para', '', 'Sub', '---', 'more'].join('\n');
  const chunks = await md(text);
  assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine, c.symbol]), [[1, 3, null], [4, 7, 'Title'], [8, 10, 'Sub']]);
});

test('a long section is cut into line windows that keep the heading', async () => {
  const text = ['# Big', ...Array.from({ length: 250 }, (_, i) => `line ${i}`)].join('\n');
  const chunks = await md(text, { maxLines: 100 });
  assert.ok(chunks.length >= 3);
  assert.ok(chunks.every((c) => c.symbol === 'Big' && c.endLine - c.startLine < 100));
  assert.equal(chunks.map((c) => c.text).join('\n'), text);
});
