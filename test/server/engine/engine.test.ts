import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { ErrorCode } from '../../../protocol/errors';
import { fixtureModelDir, makeWorkspace, openEngine, SAMPLE, writeFiles } from './helpers';
import { wholeWordPattern } from '../../../server/text/tokenizer';
import { silentLogger } from '../../../server/engine/logger';
import { makeFixtureModel } from '../../fixtures/model/makeFixtureModel';

test('indexes a workspace and finds code by identifier parts, docstring words and path', async () => {
  const ws = makeWorkspace(SAMPLE);
  const engine = await openEngine([ws]);
  try {
    const summary = await engine.index();
    assert.equal(summary.files, 3);
    assert.deepEqual(summary.skipped, { secret: 1 });
    const byWords = await engine.search({ query: 'check file exists', mode: 'keyword' });
    assert.equal(byWords.hits[0].path, 'src/util.py');
    assert.equal(byWords.hits[0].symbol, 'file_exists');
    assert.equal(byWords.hits[0].startLine, 6);
    const byIdentifier = await engine.search({ query: 'verifyPassword', mode: 'keyword' });
    assert.equal(byIdentifier.hits[0].symbol, 'verifyPassword');
    assert.ok(byIdentifier.hits[0].matched.symbol);
    const secret = await engine.search({ query: 'API_KEY do-not-index', mode: 'keyword' });
    assert.ok(secret.hits.every((h) => h.path !== '.env'), 'secrets are never indexed');
  } finally {
    await engine.close();
  }
});

test('a second pass with no changes re-chunks nothing; a changed file re-chunks only itself; a deleted file disappears', async () => {
  const ws = makeWorkspace(SAMPLE);
  const engine = await openEngine([ws]);
  try {
    await engine.index();
    const before = engine.chunksForFile('src/auth.ts').map((c) => c.id);
    const again = await engine.index();
    assert.equal(again.changedFiles, 0);
    assert.deepEqual(engine.chunksForFile('src/auth.ts').map((c) => c.id), before);

    fs.appendFileSync(path.join(ws, 'src/util.py'), '\n\ndef frobnicate_widget():\n    return 42\n');
    const changed = await engine.index();
    assert.equal(changed.changedFiles, 1);
    assert.deepEqual(engine.chunksForFile('src/auth.ts').map((c) => c.id), before, 'untouched file keeps its chunks');
    assert.equal((await engine.search({ query: 'frobnicate widget', mode: 'keyword' })).hits[0]?.symbol, 'frobnicate_widget');

    fs.rmSync(path.join(ws, 'src/util.py'));
    const removed = await engine.index();
    assert.equal(removed.removedFiles, 1);
    assert.equal((await engine.search({ query: 'frobnicate widget', mode: 'keyword' })).hits.length, 0);
  } finally {
    await engine.close();
  }
});

test('the index survives a restart: a new engine on the same folder answers without re-indexing', async () => {
  const ws = makeWorkspace(SAMPLE);
  const first = await openEngine([ws]);
  await first.index();
  await first.close();
  const second = await openEngine([ws], { indexDir: first.indexDir });
  try {
    assert.equal(second.status().files, 3);
    assert.equal((await second.search({ query: 'sort dictionary values', mode: 'keyword' })).hits[0].symbol, 'sort_dict_by_value');
    assert.equal((await second.index()).changedFiles, 0);
  } finally {
    await second.close();
  }
});

test('filters narrow by language, path glob and symbol kind; equal scores come back in path order', async () => {
  const ws = makeWorkspace({ ...SAMPLE, 'b/copy.py': SAMPLE['src/util.py'], 'a/copy.py': SAMPLE['src/util.py'] });
  const engine = await openEngine([ws]);
  try {
    await engine.index();
    const py = await engine.search({ query: 'session', mode: 'keyword', filters: { languages: ['python'] } });
    assert.ok(py.hits.every((h) => h.language === 'python'));
    const onlyDocs = await engine.search({ query: 'session', mode: 'keyword', filters: { include: ['docs/**'] } });
    assert.ok(onlyDocs.hits.length > 0 && onlyDocs.hits.every((h) => h.path.startsWith('docs/')));
    const noTs = await engine.search({ query: 'session', mode: 'keyword', filters: { exclude: ['*.ts'] } });
    assert.ok(noTs.hits.every((h) => !h.path.endsWith('.ts')));
    const classes = await engine.search({ query: 'session', mode: 'keyword', filters: { kinds: ['class'] } });
    assert.ok(classes.hits.length > 0 && classes.hits.every((h) => h.kind === 'class'));
    const dupes = await engine.search({ query: 'sort dictionary values', mode: 'keyword', k: 3 });
    assert.deepEqual(dupes.hits.map((h) => h.path), ['a/copy.py', 'b/copy.py', 'src/util.py']);
  } finally {
    await engine.close();
  }
});

test('several roots: hits are prefixed with the root name', async () => {
  const a = makeWorkspace({ 'x.py': 'def alpha_function():\n    pass\n' }, 'app');
  const b = makeWorkspace({ 'y.py': 'def beta_function():\n    pass\n' }, 'lib');
  const engine = await openEngine([a, b]);
  try {
    await engine.index();
    assert.equal((await engine.search({ query: 'beta function', mode: 'keyword' })).hits[0].path, 'lib/y.py');
    assert.equal((await engine.search({ query: 'alpha function', mode: 'keyword' })).hits[0].path, 'app/x.py');
  } finally {
    await engine.close();
  }
});

test('bad search input is refused with the field named', async () => {
  const engine = await openEngine([makeWorkspace(SAMPLE)]);
  try {
    await assert.rejects(engine.search({ query: '   ' }), (e: { code: string; message: string }) => e.code === ErrorCode.InvalidParams && /query/.test(e.message));
    await assert.rejects(engine.search({ query: 'x', k: 0 }), (e: { code: string; message: string }) => e.code === ErrorCode.InvalidParams && /k/.test(e.message));
  } finally {
    await engine.close();
  }
});

test('with a model: semantic and hybrid modes answer; a rename re-embeds nothing', async () => {
  const model = await fixtureModelDir();
  const ws = makeWorkspace(SAMPLE);
  const engine = await openEngine([ws], { settings: { model } });
  try {
    const first = await engine.index();
    assert.ok(first.embeddedChunks > 0);
    assert.equal(engine.status().model.semantic, true);
    const sem = await engine.search({ query: 'sort dictionary by value', mode: 'semantic' });
    assert.equal(sem.mode, 'semantic');
    assert.ok(sem.hits.length > 0 && sem.hits.every((h) => h.matched.semantic));
    const hyb = await engine.search({ query: 'sort dictionary by value', mode: 'hybrid' });
    assert.equal(hyb.hits[0].symbol, 'sort_dict_by_value');

    fs.renameSync(path.join(ws, 'src/util.py'), path.join(ws, 'src/helpers.py'));
    const renamed = await engine.index();
    assert.equal(renamed.embeddedChunks, 0, 'moved code reuses its vectors');
    assert.equal((await engine.search({ query: 'sort dictionary by value', mode: 'hybrid' })).hits[0].path, 'src/helpers.py');
  } finally {
    await engine.close();
  }
});

test('hybrid: a query that is one compound identifier puts the chunks containing it first', async () => {
  // The essay shares every part of the name and its meaning many times over; the
  // usage is short and shares nothing but the name itself.
  const essay = Array.from({ length: 12 }, (_, i) => `// The access token type decides how a token grants access (${i}).`).join('\n');
  const ws = makeWorkspace({
    'docs/tokens.ts': `${essay}\nexport function describeAccessToken(type: string, token: string): string {\n  return \`access \${type} token \${token}\`;\n}\n`,
    'src/session.ts': 'export function headerFor(config: Config): string {\n  return config.accessTokenType === "bearer" ? "Bearer" : "Basic";\n}\n',
  });
  const engine = await openEngine([ws], { settings: { model: '' } });
  try {
    await engine.index();
    const hyb = await engine.search({ query: 'accessTokenType', mode: 'hybrid', k: 5 });
    assert.equal(hyb.mode, 'hybrid');
    assert.equal(hyb.hits[0].path, 'src/session.ts', JSON.stringify(hyb.hits.map((h) => [h.path, h.score])));
    // A plain-language query is ranked by the fusion alone: the essay may lead.
    const words = await engine.search({ query: 'access token type', mode: 'hybrid', k: 5 });
    assert.equal(words.hits[0].path, 'docs/tokens.ts');
  } finally {
    await engine.close();
  }
});

test('without a model, semantic requests fall back to keyword search and say why', async () => {
  const engine = await openEngine([makeWorkspace(SAMPLE)]);
  try {
    await engine.index();
    const r = await engine.search({ query: 'session', mode: 'semantic' });
    assert.equal(r.mode, 'keyword');
    assert.match(r.notice ?? '', /semantic search is off/);
    assert.equal(engine.status().model.semantic, false);
    assert.ok(engine.status().model.reason);
  } finally {
    await engine.close();
  }
});

test('a model that fails to load when first needed leaves keyword search working and status saying why', async () => {
  const model = await makeFixtureModel(fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-badmodel-')));
  fs.writeFileSync(path.join(model, 'onnx', 'model.onnx'), 'this is not a protobuf');
  const engine = await openEngine([makeWorkspace(SAMPLE)], { settings: { model } });
  try {
    const pass = await engine.index();
    assert.equal(pass.embeddedChunks, 0);
    assert.ok(engine.status().chunks > 0, 'the text index was built before the model was needed');
    const status = engine.status().model;
    assert.equal(status.semantic, false);
    assert.match(status.reason ?? '', /Could not load embedding model/);
    const r = await engine.search({ query: 'session' });
    assert.equal(r.mode, 'keyword');
    assert.match(r.notice ?? '', /semantic search is off \(Could not load embedding model/);
    assert.ok(r.hits.length > 0);
  } finally {
    await engine.close();
  }
});

test('clear empties the index; the next pass rebuilds it', async () => {
  const engine = await openEngine([makeWorkspace(SAMPLE)]);
  try {
    await engine.index();
    await engine.clear();
    assert.equal(engine.status().files, 0);
    assert.equal((await engine.search({ query: 'session', mode: 'keyword' })).hits.length, 0);
    await engine.index();
    assert.equal(engine.status().files, 3);
  } finally {
    await engine.close();
  }
});

test('pause stops background work; changes queued meanwhile are indexed on resume', async () => {
  const ws = makeWorkspace(SAMPLE);
  const engine = await openEngine([ws]);
  try {
    await engine.index();
    await engine.startWatching();
    engine.pause();
    assert.equal(engine.status().state, 'paused');
    const indexed = new Promise<void>((resolve) => engine.onIndexed(() => resolve()));
    writeFiles(ws, { 'src/late.py': 'def quokka_counter():\n    return 1\n' });
    // Wait until the watcher has queued the change before resuming.
    await waitFor(() => engine.status().pendingChanges > 0);
    engine.resume();
    await indexed;
    assert.equal((await engine.search({ query: 'quokka counter', mode: 'keyword' })).hits[0]?.path, 'src/late.py');
  } finally {
    await engine.close();
  }
});

test('the watcher makes an edited file searchable without a reindex', async () => {
  const ws = makeWorkspace(SAMPLE);
  const engine = await openEngine([ws]);
  try {
    await engine.index();
    await engine.startWatching();
    const indexed = new Promise<void>((resolve) => engine.onIndexed(() => resolve()));
    fs.appendFileSync(path.join(ws, 'src/auth.ts'), '\nexport function zebraStripes() { return 1; }\n');
    await indexed;
    assert.equal((await engine.search({ query: 'zebraStripes', mode: 'keyword' })).hits[0]?.symbol, 'zebraStripes');
  } finally {
    await engine.close();
  }
});

/** Polls a condition on the event loop (for states that have no event of their own). */
async function waitFor(cond: () => boolean): Promise<void> {
  while (!cond()) await new Promise((r) => setImmediate(r));
}

test('after a restart, status counts come from the snapshot; a touched-but-unchanged file keeps its chunks and its new mtime is saved', async () => {
  const ws = makeWorkspace({ ...SAMPLE, 'img.bin': Buffer.from([1, 2, 0, 3]).toString('latin1') });
  const first = await openEngine([ws]);
  await first.index();
  const chunks = first.status().chunks;
  await first.close();
  const later = new Date(Date.now() + 60_000);
  fs.utimesSync(path.join(ws, 'src/auth.ts'), later, later);
  const second = await openEngine([ws], { indexDir: first.indexDir });
  try {
    assert.equal(second.status().chunks, chunks);
    assert.deepEqual(second.status().skipped.binary?.examples, ['img.bin']);
    const pass = await second.index();
    assert.equal(pass.changedFiles, 0, 'same bytes: not re-chunked');
    assert.equal(pass.chunks, chunks, 'the summary counts chunks still on disk');
    assert.equal(pass.skipped.binary, 1, 'the binary file stays recorded as skipped');
    const saved = second.listFiles().find((f) => f.path === 'src/auth.ts')!;
    assert.equal(Math.round(saved.mtimeMs), later.getTime());
  } finally {
    await second.close();
  }
  const third = await openEngine([ws], { indexDir: first.indexDir });
  try {
    assert.equal(Math.round(third.listFiles().find((f) => f.path === 'src/auth.ts')!.mtimeMs), later.getTime(), 'the new mtime was persisted');
    assert.equal((await third.search({ query: 'verifyPassword', mode: 'keyword' })).hits[0]?.path, 'src/auth.ts');
  } finally {
    await third.close();
  }
});

test('with a model, a restart followed by a pass with no changes keeps every vector and semantic search', async () => {
  const model = await fixtureModelDir();
  // More distinct chunks than the vector store keeps as orphans (256), so a pass that
  // mistook stored vectors for orphans would delete them.
  const many: Record<string, string> = { ...SAMPLE };
  for (let f = 0; f < 40; f++) {
    many[`gen/m${f}.py`] = Array.from({ length: 10 }, (_, i) => `def handler_${f}_${i}(value):\n    \"\"\"Handle case ${f} ${i}.\"\"\"\n    return value + ${f * 100 + i}\n`).join('\n\n');
  }
  const ws = makeWorkspace(many);
  const first = await openEngine([ws], { settings: { model } });
  await first.index();
  const embedded = first.status().embeddedChunks;
  assert.ok(embedded > 0);
  await first.close();
  const dimension = first.status().model.dimension;
  assert.ok(dimension);
  for (let round = 0; round < 2; round++) {
    const infos: string[] = [];
    const logger = { ...silentLogger, info: (m: string) => { infos.push(m); } };
    const again = await openEngine([ws], { indexDir: first.indexDir, settings: { model }, logger });
    try {
      const pass = await again.index();
      assert.equal(pass.embeddedChunks, 0, 'nothing re-embedded');
      // Nothing to embed, so the model is not loaded; its table still tells the dimension.
      const loads = () => infos.filter((m) => /^Embedding model .* loaded/.test(m)).length;
      assert.equal(loads(), 0, 'a pass with nothing to embed does not load the model');
      assert.equal(again.status().model.dimension, dimension);
      assert.equal(again.status().model.semantic, true);
      const r = await again.search({ query: 'sort dictionary by value', mode: 'semantic' });
      assert.equal(loads(), 1, 'the first semantic query loads it');
      assert.equal(r.mode, 'semantic', r.notice);
      assert.ok(r.hits.length > 0);
      assert.equal(again.status().embeddedChunks, embedded);
      assert.equal(again.status().model.semantic, true);
    } finally {
      await again.close();
    }
  }
});

test('snippets are read from the files: the indexed lines while the file holds them, its current lines once edited; the snapshot keeps no texts', async () => {
  const ws = makeWorkspace(SAMPLE);
  const indexDir = fs.mkdtempSync(path.join(path.dirname(ws), 'index-'));
  const engine = await openEngine([ws], { indexDir });
  try {
    await engine.index();
    const before = await engine.search({ query: 'verifyPassword', mode: 'keyword' });
    assert.equal(before.hits[0].path, 'src/auth.ts');
    assert.match(before.hits[0].snippet, /return hashPassword\(password\) === lookupHash\(user\);/);
    const stored = engine.chunksForFile('src/auth.ts').find((c) => c.symbol === 'verifyPassword')!;
    assert.match(stored.text, /^export function verifyPassword/m);

    // Edited behind the engine's back (no watcher, no pass): the hit still comes from the
    // index, and its snippet shows what the file says now rather than text it no longer has.
    fs.writeFileSync(path.join(ws, 'src/auth.ts'), SAMPLE['src/auth.ts'].replace('lookupHash(user)', 'lookupStoredHash(user)'));
    const after = await engine.search({ query: 'verifyPassword', mode: 'keyword' });
    assert.equal(after.hits[0].path, 'src/auth.ts');
    assert.match(after.hits[0].snippet, /lookupStoredHash\(user\)/);

    const snap = fs.readdirSync(indexDir).find((n) => n.startsWith('snap-'))!;
    const lines = fs.readFileSync(path.join(indexDir, snap, 'chunks.jsonl'), 'utf8').split('\n').filter(Boolean);
    assert.ok(lines.length > 0);
    assert.ok(lines.every((l) => !('text' in JSON.parse(l))), 'chunk texts are not stored in the snapshot');
  } finally {
    await engine.close();
  }
});

test('chunksMentioning finds exactly the chunks a scan of every text finds, identifiers and operators alike', async () => {
  const ws = makeWorkspace({
    ...SAMPLE,
    'src/calls.ts': 'import { verifyPassword } from "./auth";\nexport const ok = verifyPassword("u", "p");\nconst notIt = verifyPasswordLater;\nconst kebab = "x-verifyPassword-y";\n',
    'src/ops.cpp': 'struct V { V operator+(const V& o) const; };\nV V::operator+(const V& o) const { return o; }\n',
    'src/is.py': 'def is_(x):\n    return x is None\n\n\ndef check(x):\n    return is_(x)\n',
  });
  const engine = await openEngine([ws]);
  try {
    await engine.index();
    for (const name of ['verifyPassword', 'createSession', 'operator+', 'is_', 'x', 'sort_dict_by_value', 'missingName']) {
      const word = wholeWordPattern(name);
      const scan = [...engine.allChunks()].filter((c) => word.test(c.text)).map((c) => `${c.path}:${c.startLine}`);
      const found = engine.chunksMentioning(name).map((c) => `${c.path}:${c.startLine}`);
      assert.deepEqual(found, scan, name);
    }
    assert.ok(engine.chunksMentioning('verifyPassword').some((c) => c.path === 'src/calls.ts'));
  } finally {
    await engine.close();
  }
});
