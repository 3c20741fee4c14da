/**
 * Reliability cases 1 and 2: files the engine must not choke on. Huge, binary and
 * minified files are skipped with a reason a person can read in the status; broken
 * UTF-8, empty files and hostile names are indexed or skipped, never a crash, and they
 * survive a restart (the catalog is JSON, so a newline in a name must round-trip).
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { TempDirs, assertIntegrity, open } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

const MAX = 4096;

/** A line of dense, whitespace-free code the way bundlers emit it. */
function minified(chars: number): string {
  let s = '';
  for (let i = 0; s.length < chars; i++) s += `var a${i}=function(b){return b*${i}+c${i}(d)};`;
  return s;
}

function withNul(text: string, at: number): Buffer {
  const buf = Buffer.from(text);
  buf[Math.min(at, buf.length - 1)] = 0;
  return buf;
}

const ordinary = 'def ordinary_helper():\n    return "plain file stays searchable"\n';

test('huge, binary (NUL anywhere) and minified files are skipped with a reason; the rest is indexed', async () => {
  const body = 'export function filler() { return 1; }\n';
  const ws = temp.workspace({
    'src/ok.py': ordinary,
    'data/huge_report.ts': body.repeat(Math.ceil((MAX * 3) / body.length)),
    'assets/logo_image.png': withNul('PNG header and pixels', 0),
    'src/trailing_nul.ts': withNul(`${body.repeat(20)}x`, 100_000),
    'src/middle_nul.ts': withNul(body.repeat(20), 400),
    'src/vendor_bundle.js': minified(3000),
  });
  const engine = await open([ws], temp.make(), { settings: { maxFileBytes: MAX } });
  try {
    const summary = await engine.index();
    assert.equal(summary.files, 1, 'only the ordinary file is indexed');
    assert.deepEqual(summary.skipped, { 'too-large': 1, binary: 3, minified: 1 });
    const skipped = engine.status().skipped;
    assert.deepEqual(skipped['too-large']?.examples, ['data/huge_report.ts']);
    assert.deepEqual([...(skipped.binary?.examples ?? [])].sort(), ['assets/logo_image.png', 'src/middle_nul.ts', 'src/trailing_nul.ts']);
    assert.deepEqual(skipped.minified?.examples, ['src/vendor_bundle.js']);
    assert.equal((await engine.search({ query: 'ordinary helper', mode: 'keyword' })).hits[0]?.path, 'src/ok.py');
    // The skip reasons survive a second pass without re-reading (content skips are remembered).
    const again = await engine.index();
    assert.deepEqual(again.skipped, summary.skipped);
    assertIntegrity(engine);
  } finally {
    await engine.close();
  }
});

test('a skipped file is still findable by its name', async () => {
  const ws = temp.workspace({
    'src/ok.py': ordinary,
    'assets/logo_image.png': withNul('PNG header', 0),
    'src/vendor_bundle.js': minified(3000),
  });
  const engine = await open([ws], temp.make(), { settings: { maxFileBytes: MAX } });
  try {
    await engine.index();
    for (const [query, expected] of [['logo_image.png', 'assets/logo_image.png'], ['vendor_bundle', 'src/vendor_bundle.js']]) {
      const r = await engine.search({ query, mode: 'keyword' });
      assert.ok(r.hits.some((h) => h.path === expected), `searching "${query}" finds ${expected} (got ${JSON.stringify(r.hits.map((h) => h.path))})`);
    }
  } finally {
    await engine.close();
  }
});

test('invalid UTF-8, empty files and odd names are indexed or skipped with a reason, never a crash, and survive a restart', async () => {
  const longName = `${'l'.repeat(252)}.py`; // 255 bytes: the ext4 limit for one name
  const names: Record<string, string | Buffer> = {
    'src/ok.py': ordinary,
    'src/empty.py': '',
    'src/only_newline.ts': '\n',
    'src/bom_only.ts': Buffer.from([0xef, 0xbb, 0xbf]),
    // A few bad bytes in real code: decoded with replacement characters, still indexed.
    'src/latin1_comment.py': Buffer.concat([Buffer.from('# caf'), Buffer.from([0xe9, 0xff]), Buffer.from('\ndef latin_one_token():\n    return 1\n')]),
    // Mostly invalid sequences: not text.
    'src/garbage.txt': Buffer.from(Array.from({ length: 400 }, (_, i) => 0x80 + (i % 60))),
    [`src/${longName}`]: 'def long_named_token():\n    return 1\n',
    'src/with space.py': 'def spaced_name_token():\n    return 1\n',
    'src/ünïcødé_名前.py': 'def unicode_name_token():\n    return 1\n',
    'src/-leading-dash.py': 'def dash_name_token():\n    return 1\n',
    'src/new\nline.py': 'def newline_name_token():\n    return 1\n',
    'src/tab\tname.py': 'def tab_name_token():\n    return 1\n',
  };
  const ws = temp.workspace(names);
  assert.equal(Buffer.byteLength(path.basename(Object.keys(names)[6])), 255);
  const indexDir = temp.make();
  const first = await open([ws], indexDir);
  let before: string[];
  try {
    const summary = await first.index();
    const indexed = new Set(first.listFiles().map((f) => f.path));
    const skipped = new Map<string, string>();
    for (const [reason, s] of Object.entries(first.status().skipped)) for (const p of s.examples) skipped.set(p, reason);
    for (const rel of Object.keys(names)) {
      assert.ok(indexed.has(rel) || skipped.has(rel), `${JSON.stringify(rel)} is either indexed or skipped with a reason`);
    }
    assert.equal(skipped.get('src/garbage.txt'), 'not-text');
    for (const rel of ['src/ok.py', 'src/empty.py', 'src/latin1_comment.py', `src/${longName}`, 'src/with space.py', 'src/ünïcødé_名前.py', 'src/-leading-dash.py', 'src/new\nline.py']) {
      assert.ok(indexed.has(rel), `${JSON.stringify(rel)} is indexed`);
    }
    assert.equal(summary.files, indexed.size);
    for (const [token, rel] of [
      ['latin_one_token', 'src/latin1_comment.py'], ['long_named_token', `src/${longName}`], ['spaced_name_token', 'src/with space.py'],
      ['unicode_name_token', 'src/ünïcødé_名前.py'], ['dash_name_token', 'src/-leading-dash.py'], ['newline_name_token', 'src/new\nline.py'],
    ]) {
      assert.equal((await first.search({ query: token, mode: 'keyword' })).hits[0]?.path, rel, `${token} finds ${JSON.stringify(rel)}`);
    }
    assertIntegrity(first);
    before = first.listFiles().map((f) => f.path);
  } finally {
    await first.close();
  }
  const second = await open([ws], indexDir);
  try {
    assert.deepEqual(second.listFiles().map((f) => f.path), before, 'the same files after a restart');
    assert.equal((await second.index()).changedFiles, 0, 'odd names are not re-read after a restart');
    assert.equal((await second.search({ query: 'newline_name_token', mode: 'keyword' })).hits[0]?.path, 'src/new\nline.py');
    assertIntegrity(second);
  } finally {
    await second.close();
  }
  assert.ok(fs.existsSync(path.join(ws, 'src', longName)));
});
