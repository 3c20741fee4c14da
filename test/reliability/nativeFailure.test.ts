/**
 * Reliability case 15: a native module fails to load (a binary missing or built for
 * another platform). Keyword search must keep working and `status --json` must say
 * that semantic search is off and why. The failure is simulated with a preload
 * (test/fixtures/reliability/failNative.cjs, via NODE_OPTIONS=--require) that makes
 * `require` of the named package throw, in a real CLI child process.
 */
import { strict as assert } from 'node:assert';
import * as path from 'node:path';
import { after, test } from 'node:test';
import { REPO, TempDirs, fixtureModelDir, pySource, runCli } from './helpers';

const temp = new TempDirs();
after(() => temp.cleanup());

const PRELOAD = path.join(REPO, 'test', 'fixtures', 'reliability', 'failNative.cjs');


for (const pkg of ['@lancedb/lancedb', 'onnxruntime-node']) {
  test(`${pkg} fails to load: keyword search still works and status says semantic search is off, with a reason`, { timeout: 90_000 }, async () => {
    const model = await fixtureModelDir();
    const ws = temp.workspace({ 'src/a.py': pySource(1), 'src/b.py': pySource(2) });
    const indexDir = temp.make();
    const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${PRELOAD}`.trim(), CONEXUS_FAIL_MODULES: pkg };
    const common = ['-w', ws, '--index-dir', indexDir, '--model', model];

    const indexed = await runCli(['index', ...common, '--json'], { env });
    assert.equal(indexed.code, 0, `index exits 0:\n${indexed.stderr}`);
    assert.equal((JSON.parse(indexed.stdout) as { files: number }).files, 2);

    const found = await runCli(['search', 'handler_2_v0', ...common, '--mode', 'keyword', '--json'], { env });
    assert.equal(found.code, 0, found.stderr);
    assert.equal((JSON.parse(found.stdout) as { hits: Array<{ path: string }> }).hits[0]?.path, 'src/b.py');

    const hybrid = await runCli(['search', 'render the widget', ...common, '--json'], { env });
    assert.equal(hybrid.code, 0, `a hybrid search falls back to keyword search instead of failing:\n${hybrid.stderr}`);
    assert.equal((JSON.parse(hybrid.stdout) as { mode: string }).mode, 'keyword');

    const status = await runCli(['status', ...common, '--json'], { env });
    assert.equal(status.code, 0, status.stderr);
    const s = JSON.parse(status.stdout) as { files: number; model: { semantic: boolean; reason?: string } };
    assert.equal(s.files, 2);
    assert.equal(s.model.semantic, false);
    assert.ok((s.model.reason ?? '').length > 10, `a reason is given: ${JSON.stringify(s.model)}`);
    assert.doesNotMatch(indexed.stderr + found.stderr + status.stderr, /unexpected failure|This is a bug/);
  });
}
