/**
 * Reliability case 13: a damaged index on disk. Each file of a snapshot generation,
 * `CURRENT`, `meta.json`, the LanceDB files under `vectors/`, and a schema version
 * from another build are damaged in turn (truncated, overwritten with garbage, emptied
 * or deleted) in a copy of one good index. Opening must not crash; the damage must be
 * detected (moved to `quarantine/` or at least warned about), the index rebuilt to what
 * a fresh index holds, keyword and semantic search must work after, and the rebuilt
 * index must open cleanly the next time.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { RecordingLogger, TempDirs, assertIntegrity, assertSameIndex, fingerprint, fixtureModelDir, open, pySource, type IndexPrint } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

let ws: string;
let pristine: string;
let model: string;
let expected: IndexPrint;

before(async () => {
  model = await fixtureModelDir();
  const files: Record<string, string> = { 'docs/guide.md': '# Guide\n\nHow widgets render.\n' };
  for (let n = 0; n < 8; n++) files[`src/m${n}.py`] = pySource(n);
  ws = temp.workspace(files);
  pristine = temp.make();
  const engine = await open([ws], pristine, { settings: { model } });
  try {
    await engine.index();
    // A second generation and a second LanceDB version, like an index in daily use.
    fs.appendFileSync(path.join(ws, 'src', 'm0.py'), '\ndef appended_later():\n    return 0\n');
    await engine.index();
    expected = fingerprint(engine);
  } finally {
    await engine.close();
  }
});

type Damage = 'truncate' | 'garbage' | 'empty' | 'delete';

/** Finds the file to damage in an index folder (paths relative to it, or a picker). */
type Target = string | ((dir: string) => string);

const currentSnap = (dir: string) => fs.readFileSync(path.join(dir, 'CURRENT'), 'utf8').trim();
const inSnap = (name: string): Target => (dir) => path.join(currentSnap(dir), name);
/** A LanceDB file of the vector table: the newest version manifest or a data file. */
const lance = (pick: 'manifest' | 'data' | 'catalog'): Target => (dir) => {
  const vectors = path.join(dir, 'vectors');
  const table = fs.readdirSync(vectors).find((n) => n.endsWith('.lance'))!;
  if (pick === 'data') {
    const data = path.join('vectors', table, 'data');
    return path.join(data, fs.readdirSync(path.join(dir, data))[0]);
  }
  const versions = path.join('vectors', pick === 'catalog' ? '__manifest' : table, '_versions');
  // Version manifests are named so that the newest sorts first (descending u64 counters).
  const newest = fs.readdirSync(path.join(dir, versions)).filter((n) => n.endsWith('.manifest')).sort()[0];
  return path.join(versions, newest);
};

function damage(file: string, how: Damage): void {
  const size = fs.statSync(file).size;
  if (how === 'truncate') fs.truncateSync(file, Math.floor(size / 2));
  else if (how === 'empty') fs.truncateSync(file, 0);
  else if (how === 'delete') fs.rmSync(file);
  else {
    const fd = fs.openSync(file, 'r+');
    try {
      fs.writeSync(fd, Buffer.alloc(Math.min(64, size), 0x7b), 0, Math.min(64, size), Math.floor(size / 3));
    } finally {
      fs.closeSync(fd);
    }
  }
}

const SNAPSHOT_CASES: Array<{ name: string; target: Target; how: Damage }> = [
  { name: 'files.json truncated', target: inSnap('files.json'), how: 'truncate' },
  { name: 'files.json garbage', target: inSnap('files.json'), how: 'garbage' },
  { name: 'skipped.json emptied', target: inSnap('skipped.json'), how: 'empty' },
  { name: 'chunks.jsonl truncated', target: inSnap('chunks.jsonl'), how: 'truncate' },
  { name: 'chunks.jsonl garbage', target: inSnap('chunks.jsonl'), how: 'garbage' },
  { name: 'text.json truncated', target: inSnap('text.json'), how: 'truncate' },
  { name: 'manifest.json truncated', target: inSnap('manifest.json'), how: 'truncate' },
  { name: 'manifest.json deleted', target: inSnap('manifest.json'), how: 'delete' },
  { name: 'CURRENT garbage', target: 'CURRENT', how: 'garbage' },
  { name: 'CURRENT emptied', target: 'CURRENT', how: 'empty' },
  { name: 'meta.json truncated', target: 'meta.json', how: 'truncate' },
  { name: 'meta.json deleted', target: 'meta.json', how: 'delete' },
];

const VECTOR_CASES: Array<{ name: string; target: Target; how: Damage; detect: boolean }> = [
  { name: 'LanceDB data file truncated', target: lance('data'), how: 'truncate', detect: true },
  { name: 'LanceDB data file deleted', target: lance('data'), how: 'delete', detect: true },
  { name: 'LanceDB newest version manifest truncated', target: lance('manifest'), how: 'truncate', detect: true },
  // LanceDB itself falls back to listing the folder when its catalog is unreadable (it
  // warns on stderr), so the engine has nothing to detect; the index must still work.
  { name: 'LanceDB catalog manifest garbage', target: lance('catalog'), how: 'garbage', detect: false },
];

interface Check {
  /** Use the fixture model (semantic search must come back) or keyword search only. */
  semantic: boolean;
  /** The engine must notice the damage on open. */
  detect: boolean;
}

async function checkRecovery(corrupt: (dir: string) => void, check: Check): Promise<void> {
  const dir = temp.make();
  fs.cpSync(pristine, dir, { recursive: true });
  corrupt(dir);
  const logger = new RecordingLogger();
  const settings = { model: check.semantic ? model : 'none' };
  const engine = await open([ws], dir, { settings, logger });
  try {
    if (check.detect) {
      const quarantined = fs.existsSync(path.join(dir, 'quarantine'));
      assert.ok(quarantined || logger.problems.length > 0 || engine.status().files === 0,
        'the damage is detected on open (quarantined, warned about, or the index starts empty)');
    }
    await engine.index();
    assertSameIndex(fingerprint(engine), expected, 'the rebuilt index');
    assertIntegrity(engine);
    assert.equal((await engine.search({ query: 'appended_later', mode: 'keyword' })).hits[0]?.path, 'src/m0.py');
    if (check.semantic) {
      const status = engine.status();
      assert.equal(status.model.semantic, true, `semantic search is back: ${status.model.reason ?? ''}`);
      assert.equal(status.embeddedChunks, status.chunks, 'every chunk has a vector again');
      const semantic = await engine.search({ query: 'widget render revision', mode: 'semantic' });
      assert.equal(semantic.mode, 'semantic');
      assert.ok(semantic.hits.length > 0);
    }
  } finally {
    await engine.close();
  }
  const logger2 = new RecordingLogger();
  const again = await open([ws], dir, { settings, logger: logger2 });
  try {
    assert.deepEqual(logger2.problems, [], 'the rebuilt index opens without complaint');
    assert.equal((await again.index()).changedFiles, 0, 'and is not rebuilt a second time');
    assertSameIndex(fingerprint(again), expected, 'the reopened index');
  } finally {
    await again.close();
  }
}

const damageAt = (target: Target, how: Damage) => (dir: string) => damage(path.join(dir, typeof target === 'string' ? target : target(dir)), how);

for (const c of SNAPSHOT_CASES) {
  test(`${c.name}, keyword only: detected, rebuilt, searchable`, { timeout: 60_000 }, async () => {
    await checkRecovery(damageAt(c.target, c.how), { semantic: false, detect: true });
  });
  test(`${c.name}, with a model: detected, rebuilt, semantic search back`, { timeout: 60_000 }, async () => {
    await checkRecovery(damageAt(c.target, c.how), { semantic: true, detect: true });
  });
}

for (const c of VECTOR_CASES) {
  test(`${c.name}: detected, rebuilt, semantic search back`, { timeout: 60_000 }, async () => {
    await checkRecovery(damageAt(c.target, c.how), { semantic: true, detect: c.detect });
  });
}

test('meta.json of another schema version, with a model: quarantined and rebuilt', { timeout: 60_000 }, async () => {
  await checkRecovery((dir) => {
    const meta = path.join(dir, 'meta.json');
    fs.writeFileSync(meta, JSON.stringify({ ...JSON.parse(fs.readFileSync(meta, 'utf8')), schemaVersion: 0 }));
  }, { semantic: true, detect: true });
});

test('a manifest from an older text-index version: the text index is rebuilt from the chunks', { timeout: 60_000 }, async () => {
  await checkRecovery((dir) => {
    const file = path.join(dir, currentSnap(dir), 'manifest.json');
    const manifest = JSON.parse(fs.readFileSync(file, 'utf8')) as { textIndexVersion: number };
    fs.writeFileSync(file, JSON.stringify({ ...manifest, textIndexVersion: manifest.textIndexVersion - 1 }));
  }, { semantic: true, detect: false });
});
