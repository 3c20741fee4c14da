/**
 * Reliability case 14: a long run of edits with the fixture model. Every edit changes
 * one file's code (new chunks, new vectors) and is indexed; LanceDB must compact its
 * fragments and prune old versions, snapshots must not pile up, and the index's size
 * must stay bounded. The size is sampled every few edits and the curve written to
 * test-results/reliability/disk-curve.json so a regression shows as a slope.
 *
 * Bounded: 2,000 edits or 72 s of edits, whichever comes first. LanceDB keeps versions
 * younger than 1.5 s (vectorStore.ts), so the run is long enough for the first
 * versions to age out and be pruned.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { REPO, TempDirs, assertIntegrity, assertSameIndex, fingerprint, fixtureModelDir, freshFingerprint, open, pySource } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

const EDITS = 2000;
const BUDGET_MS = 72_000;
const SAMPLE_EVERY = 50;
/**
 * The index may grow by this much over its first size: the vectors kept for reuse (up to
 * the live count, at least 256) and table versions younger than 1.5 s are a fixed
 * allowance, so on a tiny workspace a multiple of the first size would be meaningless.
 */
const ALLOWANCE_BYTES = 1024 * 1024;
/** LanceDB keeps table versions younger than this (VERSION_GRACE_MS in vectorStore.ts). */
const GRACE_MS = 1_500;
/**
 * Bytes one retained table version may hold (its manifest, transaction file and the one
 * small data file an edit writes), for the allowance that follows the edit rate.
 */
const BYTES_PER_VERSION = 16 * 1024;

/** Bytes under `dir`, leaving out quarantined data (not part of the live index). */
function bytesUnder(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (e.isFile() && !path.relative(dir, e.parentPath).startsWith('quarantine')) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}

/** Bytes per part of the index: snapshot, and per LanceDB sub-folder (data, _versions, _transactions...). */
function breakdown(indexDir: string): Record<string, number> {
  const parts: Record<string, number> = {};
  for (const e of fs.readdirSync(indexDir, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const rel = path.relative(indexDir, path.join(e.parentPath, e.name)).split(path.sep);
    if (rel[0] === 'quarantine') continue;
    const key = rel[0] === 'vectors' && rel.length > 3 ? `vectors/${rel[2]}` : rel[0].startsWith('snap-') ? 'snapshot' : rel[0];
    parts[key] = (parts[key] ?? 0) + fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return parts;
}

/** Counts LanceDB version manifests and data files of the vector tables. */
function lanceFiles(indexDir: string): { versions: number; dataFiles: number } {
  const vectors = path.join(indexDir, 'vectors');
  let versions = 0;
  let dataFiles = 0;
  for (const table of fs.readdirSync(vectors).filter((n) => n.endsWith('.lance'))) {
    const v = path.join(vectors, table, '_versions');
    const d = path.join(vectors, table, 'data');
    if (fs.existsSync(v)) versions += fs.readdirSync(v).filter((n) => n.endsWith('.manifest')).length;
    if (fs.existsSync(d)) dataFiles += fs.readdirSync(d).length;
  }
  return { versions, dataFiles };
}

test('many edits with a model: LanceDB is compacted and pruned, and the index size stays bounded', { timeout: BUDGET_MS + 60_000 }, async () => {
  const model = await fixtureModelDir();
  const files: Record<string, string> = {};
  for (let n = 0; n < 12; n++) files[`src/m${n}.py`] = pySource(n);
  const ws = temp.workspace(files);
  const indexDir = temp.make();
  const engine = await open([ws], indexDir, { settings: { model } });
  const curve: Array<{ edit: number; seconds: number; bytes: number; versions: number; dataFiles: number; snapshots: number; recentEdits: number; parts: Record<string, number> }> = [];
  const started = Date.now();
  // How many versions may legitimately remain depends on how fast this machine edits:
  // every edit inside the grace period (plus the few commits before the next compaction)
  // keeps its version. So each sample records the edits finished within the last grace
  // period and a bit, and the bounds below follow that count instead of a fixed number.
  const finished: number[] = [];
  const sample = (edit: number) => {
    const lance = lanceFiles(indexDir);
    const snapshots = fs.readdirSync(indexDir).filter((n) => /^snap-\d+$/.test(n)).length;
    const now = Date.now();
    const recentEdits = finished.filter((t) => now - t <= GRACE_MS * 2).length;
    curve.push({ edit, seconds: Math.round((now - started) / 100) / 10, bytes: bytesUnder(indexDir), ...lance, snapshots, recentEdits, parts: breakdown(indexDir) });
  };
  try {
    await engine.index();
    sample(0);
    let edit = 0;
    while (edit < EDITS && Date.now() - started < BUDGET_MS) {
      edit++;
      const n = edit % 12;
      fs.writeFileSync(path.join(ws, 'src', `m${n}.py`), pySource(n, edit));
      const summary = await engine.index();
      assert.equal(summary.changedFiles, 1);
      finished.push(Date.now());
      if (edit % SAMPLE_EVERY === 0) sample(edit);
    }
    if (edit % SAMPLE_EVERY !== 0) sample(edit);
    assertIntegrity(engine);
    assertSameIndex(fingerprint(engine), await freshFingerprint([ws], temp));
    assert.equal((await engine.search({ query: 'widget render revision', mode: 'semantic' })).mode, 'semantic');
  } finally {
    await engine.close();
  }
  const out = path.join(REPO, 'test-results', 'reliability');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'disk-curve.json'), `${JSON.stringify({ allowanceBytes: ALLOWANCE_BYTES, curve }, null, 2)}\n`);
  const first = curve[0];
  const last = curve[curve.length - 1];
  const peak = Math.max(...curve.map((c) => c.bytes));
  process.stderr.write(`# disk: first ${first.bytes} B, last ${last.bytes} B, peak ${peak} B after ${last.edit} edits in ${last.seconds} s (${last.recentEdits} in the last ${GRACE_MS * 2} ms); lance ${JSON.stringify(lanceFiles(indexDir))}\n`);
  assert.ok(curve.every((c) => c.snapshots === 1), 'one snapshot generation on disk at every sample');
  // Unpruned, every edit would leave its versions and fragments behind (thousands here).
  // Pruned, what remains is what the edits of the last grace period wrote (an add, and a
  // compaction every fourth commit) plus a handful since the last compaction.
  const allowedVersions = 40 + 2 * last.recentEdits;
  assert.ok(last.versions <= allowedVersions, `LanceDB versions are pruned (${last.versions} manifests after ${last.edit} edits; ${last.recentEdits} recent edits allow ${allowedVersions})`);
  assert.ok(last.dataFiles <= allowedVersions, `LanceDB fragments are compacted (${last.dataFiles} data files after ${last.edit} edits; ${last.recentEdits} recent edits allow ${allowedVersions})`);
  for (const c of curve) {
    const allowance = ALLOWANCE_BYTES + BYTES_PER_VERSION * c.versions;
    assert.ok(c.bytes <= first.bytes + allowance, `index size stays within ${allowance} B of the first index (${first.bytes} B) with ${c.versions} young versions: ${c.bytes} B after ${c.edit} edits`);
  }
});
