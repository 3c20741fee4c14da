/**
 * Per-language checks of the definition rules, through both consumers: the symbol
 * list (names, kinds, containers, line ranges) and the chunker (a class cut into its
 * methods keeps each method's doc comment, name, container and calls).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callsInLines, chunkFile } from '../../../server/chunk/chunker';
import { detectLanguage } from '../../../server/chunk/languages';
import { extractDefinitions } from '../../../server/chunk/symbols';
import { FIXTURES } from './fixtures';

for (const fx of FIXTURES) {
  test(`${fx.language}: definitions have name, kind, container and lines`, async () => {
    assert.equal(detectLanguage(fx.path), fx.language);
    const defs = await extractDefinitions({ path: fx.path, text: fx.source, language: fx.language });
    const got = defs.map((d) => [d.name, d.kind, d.container, d.startLine, d.endLine]);
    for (const want of fx.defs) {
      assert.ok(
        got.some((g) => JSON.stringify(g) === JSON.stringify(want)),
        `missing ${JSON.stringify(want)}; got ${JSON.stringify(got)}`,
      );
    }
    // A signature is one trimmed line of the definition itself.
    const src = fx.source.split('\n').map((l) => l.trim());
    for (const d of defs) assert.ok(src.slice(d.startLine - 1, d.endLine).includes(d.signature), `${d.name}: ${d.signature}`);
  });

  test(`${fx.language}: chunks follow definitions, with doc comments and calls`, async () => {
    const chunks = await chunkFile({ path: fx.path, text: fx.source, language: fx.language }, { maxLines: 4, minLines: 1 });
    for (const want of fx.chunks) {
      const c = chunks.find((x) => x.symbol === want.symbol && x.kind === want.kind && x.startLine === want.startLine);
      const seen = chunks.map((x) => `${x.startLine}-${x.endLine} ${x.kind} ${x.symbol} in ${x.container}`);
      assert.ok(c, `no chunk ${want.kind} ${want.symbol} at ${want.startLine}; got ${JSON.stringify(seen)}`);
      assert.equal(c.endLine, want.endLine, `${want.symbol} end line`);
      assert.equal(c.container, want.container, `${want.symbol} container`);
      const calls = await callsInLines({ path: fx.path, text: fx.source, language: fx.language }, c.startLine, c.endLine);
      for (const name of want.calls ?? []) assert.ok(calls.includes(name), `${want.symbol} calls ${name}; got ${calls}`);
    }
    // Whatever the cut, the chunks are the file's lines in order, each exactly once.
    const rebuilt = chunks.map((c) => c.text).join('\n') + '\n';
    assert.equal(rebuilt, fx.source);
  });
}
