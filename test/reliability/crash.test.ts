/**
 * Reliability case 8: the indexing process is SIGKILLed at random moments, many times
 * in a row, while the workspace keeps changing. Every restart must open the last good
 * index (or rebuild a damaged one) and finish; after the last restart the index must
 * equal a fresh index of the final tree, with no duplicate chunk ids or paths, one
 * vector row per chunk hash, and working keyword and semantic search.
 *
 * Each round edits a few files, starts `conexus index` (or `serve`, one round in four)
 * as a child process with the fixture model, waits until it reports the end of its walk
 * (so the kill lands in chunking, embedding or the writes rather than in start-up)
 * or its embedding (alternating), then kills it after a random 0–300 ms: here the random
 * delay is the test's input.
 * One round in ten is left to finish and must exit 0 with the right file count.
 *
 * The rounds start a bundle of the CLI built from the current source at the start of
 * the test (half the start-up time of tsx); the final run uses tsx.
 *
 * Bounded: 100 rounds or 95 s of rounds, whichever comes first (set RELIABILITY_KILLS
 * or RELIABILITY_CRASH_BUDGET_MS to change that, RELIABILITY_SEED to replay a run).
 * The figures go to test-results/reliability/crash-stats.json.
 */
import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, test } from 'node:test';
import * as lancedb from '@lancedb/lancedb';
import {
  REPO, TempDirs, assertIntegrity, assertSameIndex, buildCli, fingerprint, fixtureModelDir, freshFingerprint, open, pySource, rng, runCli, settle, spawnBundle, waitForLine,
} from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

const ROUNDS = Number(process.env.RELIABILITY_KILLS ?? 100);
const BUDGET_MS = Number(process.env.RELIABILITY_CRASH_BUDGET_MS ?? 95_000);
const SEED = Number(process.env.RELIABILITY_SEED ?? Date.now() % 1_000_000);

/** Edits 1–3 files, and now and then adds or deletes one, so every round has work to write. */
function mutate(ws: string, round: number, random: () => number): void {
  const edits = 1 + Math.floor(random() * 3);
  for (let e = 0; e < edits; e++) {
    const n = Math.floor(random() * 12);
    fs.writeFileSync(path.join(ws, 'src', `m${n}.py`), pySource(n, round * 10 + e));
  }
  const extra = path.join(ws, 'src', `extra${Math.floor(random() * 4)}.py`);
  if (random() < 0.3) {
    if (fs.existsSync(extra)) fs.rmSync(extra);
    else fs.writeFileSync(extra, pySource(500 + round, round));
  }
}

test(`SIGKILL at random moments, ${ROUNDS} rounds: every restart recovers and the final index equals a fresh one`, { timeout: BUDGET_MS + 60_000 }, async () => {
  const model = await fixtureModelDir();
  const bundle = await buildCli(temp.make('conexus-cli-'));
  const files: Record<string, string> = { 'docs/guide.md': '# Guide\n\nHow the widgets render.\n' };
  for (let n = 0; n < 12; n++) files[`src/m${n}.py`] = pySource(n);
  const ws = temp.workspace(files);
  const indexDir = temp.make();
  const args = (cmd: string) => [cmd, '-w', ws, '--index-dir', indexDir, '--model', model, '-v', ...(cmd === 'index' ? ['--json'] : [])];
  const random = rng(SEED);
  const stats = { seed: SEED, rounds: 0, kills: 0, finishedBeforeKill: 0, completedRounds: 0, quarantines: 0, delaysMs: [] as number[], killedAfter: {} as Record<string, number> };
  const started = Date.now();

  for (let round = 0; round < ROUNDS && Date.now() - started < BUDGET_MS; round++) {
    mutate(ws, round, random);
    const cmd = round % 4 === 3 ? 'serve' : 'index';
    const child = spawnBundle(bundle, args(cmd));
    const done = settle(child);
    stats.rounds++;
    if (round % 10 === 9 && cmd === 'index') {
      // A round left to finish: the index it opens (whatever the kills left) must be usable.
      const run = await done;
      assert.equal(run.code, 0, `round ${round} (seed ${SEED}) failed:\n${run.stderr}`);
      const expectedFiles = fs.readdirSync(path.join(ws, 'src')).length + 1;
      assert.equal((JSON.parse(run.stdout) as { files: number }).files, expectedFiles, `round ${round}: files after recovery`);
      stats.completedRounds++;
      stats.quarantines += (run.stderr.match(/rebuilding from scratch/g) ?? []).length;
      continue;
    }
    // Half the rounds count the delay from the end of the walk (kills land in chunking and
    // embedding), half from the end of embedding (kills land in the vector and snapshot writes).
    const anchor = round % 2 === 0 ? 'Walk:' : 'embedded ';
    const reached = waitForLine(child.stderr!, (l) => l.includes(anchor)).then(() => true, () => false);
    const outcome = await Promise.race([reached.then((ok) => (ok ? 'reached' as const : 'exited' as const)), done.then(() => 'exited' as const)]);
    if (outcome === 'reached') {
      const delay = Math.floor(random() * 301);
      stats.delaysMs.push(delay);
      await new Promise((r) => setTimeout(r, delay));
      child.kill('SIGKILL');
    }
    const run = await done;
    stats.quarantines += (run.stderr.match(/rebuilding from scratch/g) ?? []).length;
    if (run.signal === 'SIGKILL') {
      stats.kills++;
      // Where the kill landed, by the last log line before it (a rough map of the phases hit).
      const last = run.stderr.trim().split('\n').pop() ?? '';
      const phase = last.replace(/^\[conexus \w+\] /, '').split(/[\s:]/)[0] || 'start';
      stats.killedAfter[phase] = (stats.killedAfter[phase] ?? 0) + 1;
    }
    else {
      stats.finishedBeforeKill++;
      assert.equal(run.code, 0, `round ${round} (seed ${SEED}) ended by itself with an error:\n${run.stderr}`);
    }
    assert.doesNotMatch(run.stderr, /unexpected failure|This is a bug/, `round ${round} (seed ${SEED})`);
  }

  process.stderr.write(`# crash: ${JSON.stringify({ ...stats, delaysMs: undefined })}\n`);
  // The last restart: a normal run must succeed and leave an index equal to a fresh one.
  // The last run uses the CLI from source through tsx, as a person would run it.
  const final = await runCli(args('index'));
  assert.equal(final.code, 0, final.stderr);
  const engine = await open([ws], indexDir, { settings: { model } });
  try {
    assert.equal((await engine.index()).changedFiles, 0, 'the CLI left the index current');
    assertSameIndex(fingerprint(engine), await freshFingerprint([ws], temp), `after ${stats.kills} kills (seed ${SEED})`);
    assertIntegrity(engine);
    const status = engine.status();
    assert.equal(status.embeddedChunks, status.chunks, `every chunk has a vector (seed ${SEED}; model ${JSON.stringify(status.model)})`);
    assert.equal(status.model.semantic, true, `seed ${SEED}`);
    assert.equal((await engine.search({ query: 'handler_5', mode: 'keyword' })).hits[0]?.path, 'src/m5.py');
    const semantic = await engine.search({ query: 'widget render revision', mode: 'semantic' });
    assert.equal(semantic.mode, 'semantic');
    assert.ok(semantic.hits.length > 0);
    const snaps = fs.readdirSync(indexDir).filter((n) => /^snap-\d+$/.test(n));
    assert.equal(snaps.length, 1, `one snapshot generation on disk, found ${snaps.join(', ')}`);
  } finally {
    await engine.close();
  }
  // One vector row per hash: a kill between a vector write and the snapshot must not duplicate rows.
  const db = await lancedb.connect(path.join(indexDir, 'vectors'));
  try {
    for (const name of await db.tableNames()) {
      const table = await db.openTable(name);
      const rows = await table.query().select(['hash']).toArray();
      assert.equal(new Set(rows.map((r) => String(r.hash))).size, rows.length, `duplicate vector rows in ${name}`);
      table.close();
    }
  } finally {
    db.close();
  }
  const out = path.join(REPO, 'test-results', 'reliability');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'crash-stats.json'), `${JSON.stringify({ ...stats, seconds: Math.round((Date.now() - started) / 1000) }, null, 2)}\n`);
});
