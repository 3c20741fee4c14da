import { test } from 'node:test';
import assert from 'node:assert/strict';
import { extractDefinitions } from '../../../server/chunk/symbols';

test('nested definitions are listed with their container; locals are not', async () => {
  const text = [
    'export function outer(a) {', // 1
    '  const local = 1;', // 2
    '  function inner() { return local; }', // 3
    '  if (a) {', // 4
    '    class Hidden {}', // 5
    '  }', // 6
    '  return inner;', // 7
    '}', // 8
    'export const LIMIT = 10;', // 9
    '@Component()', // 10
    'export class View {}', // 11
  ].join('\n');
  const defs = await extractDefinitions({ path: 'a.ts', text, language: 'typescript' });
  assert.deepEqual(defs.map((d) => [d.name, d.kind, d.container, d.startLine, d.endLine, d.signature]), [
    ['outer', 'function', null, 1, 8, 'export function outer(a) {'],
    ['inner', 'function', 'outer', 3, 3, 'function inner() { return local; }'],
    ['Hidden', 'class', 'outer', 5, 5, 'class Hidden {}'],
    ['LIMIT', 'constant', null, 9, 9, 'export const LIMIT = 10;'],
    ['View', 'class', null, 11, 11, 'export class View {}'],
  ]);
});

test('languages without a grammar list nothing', async () => {
  assert.deepEqual(await extractDefinitions({ path: 'a.md', text: '# A\n', language: 'markdown' }), []);
  assert.deepEqual(await extractDefinitions({ path: 'a.txt', text: 'x', language: 'text' }), []);
});

test('Python module-level assignments are listed; assignments in functions are not', async () => {
  const text = 'DEBUG = True\nTABLE = {\n    "a": 1,\n}\ndef f():\n    x = 1\n    return x\n';
  const defs = await extractDefinitions({ path: 'a.py', text, language: 'python' });
  assert.deepEqual(defs.map((d) => [d.name, d.kind, d.startLine, d.endLine]), [
    ['DEBUG', 'constant', 1, 1], ['TABLE', 'constant', 2, 4], ['f', 'function', 5, 7],
  ]);
});
