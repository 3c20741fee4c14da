import { strict as assert } from 'node:assert';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../../server/cli/main';
import { makeWorkspace, SAMPLE } from '../engine/helpers';

/** Runs the CLI in-process and captures its output. */
async function run(args: string[], stdinText = ''): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const stdin = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d) => (out += d));
  stderr.on('data', (d) => (err += d));
  stdin.end(stdinText);
  const code = await main(args, { stdout: stdout as unknown as typeof process.stdout, stderr: stderr as unknown as typeof process.stderr, stdin: stdin as unknown as typeof process.stdin });
  return { code, out, err };
}

const tmpIndex = () => fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-cli-'));

test('index, then search --json returns hits with every field; status --json reports counts', async () => {
  const ws = makeWorkspace(SAMPLE);
  const idx = tmpIndex();
  const indexed = await run(['index', ws, '--index-dir', idx, '--model', 'none', '--json']);
  assert.equal(indexed.code, 0, indexed.err);
  assert.equal(JSON.parse(indexed.out).files, 3);
  const s = await run(['search', 'check file exists', '-w', ws, '--index-dir', idx, '--model', 'none', '--json', '--k', '2']);
  assert.equal(s.code, 0, s.err);
  const hit = JSON.parse(s.out).hits[0];
  for (const field of ['path', 'startLine', 'endLine', 'language', 'symbol', 'kind', 'score', 'snippet', 'matched']) assert.ok(field in hit, field);
  assert.equal(hit.path, 'src/util.py');
  const st = await run(['status', '-w', ws, '--index-dir', idx, '--model', 'none', '--json']);
  const status = JSON.parse(st.out);
  assert.equal(status.files, 3);
  assert.equal(status.skipped.secret.count, 1);
  for (const field of ['files', 'chunks', 'skipped', 'model', 'indexBytes', 'lastUpdated']) assert.ok(field in status, field);
});

test('a batch answers every line in order, one JSON line each, and flags a bad line without stopping', async () => {
  const ws = makeWorkspace(SAMPLE);
  const idx = tmpIndex();
  await run(['index', ws, '--index-dir', idx, '--model', 'none']);
  const r = await run(['search', '--queries', '-', '-w', ws, '--index-dir', idx, '--model', 'none', '--mode', 'keyword'],
    '{"query":"verifyPassword"}\nnot json\n{"query":"sort dictionary"}\n');
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(lines[0].hits[0].symbol, 'verifyPassword');
  assert.ok(lines[1].error);
  assert.equal(lines[2].hits[0].symbol, 'sort_dict_by_value');
  assert.equal(r.code, 1, 'a bad line makes the exit code non-zero');
  assert.match(r.err, /line 2/);
});

test('bad input gets one line naming the problem and a non-zero exit, and damages nothing', async () => {
  const ws = makeWorkspace(SAMPLE);
  const idx = tmpIndex();
  await run(['index', ws, '--index-dir', idx, '--model', 'none']);
  const before = fs.readFileSync(path.join(idx, 'CURRENT'), 'utf8');
  const cases: Array<[string[], RegExp]> = [
    [['index', path.join(ws, 'does-not-exist'), '--index-dir', tmpIndex()], /does-not-exist/],
    [['search', '--bogus', 'x', '-w', ws, '--index-dir', idx], /bogus/],
    [['search', '   ', '-w', ws, '--index-dir', idx, '--model', 'none'], /empty/],
    [['search', 'x', '-w', ws, '--index-dir', idx, '--k', 'lots'], /--k/],
    [['search', 'x', '-w', ws, '--index-dir', idx, '--mode', 'psychic'], /--mode/],
    [['search', 'x', '-w', ws, '--index-dir', idx, '--model', 'none', '--kind', 'gizmo'], /kinds/],
    [['frobnicate'], /unknown command/],
  ];
  for (const [args, pattern] of cases) {
    const r = await run(args);
    assert.notEqual(r.code, 0, args.join(' '));
    assert.match(r.err, pattern, args.join(' '));
    assert.ok(r.err.trim().split('\n').filter((l) => !l.startsWith('[conexus')).length <= 2, `short error for ${args.join(' ')}: ${r.err}`);
  }
  assert.equal(fs.readFileSync(path.join(idx, 'CURRENT'), 'utf8'), before, 'the index is untouched');
});

test('an unreadable index folder is reported, not crashed on', async () => {
  const ws = makeWorkspace(SAMPLE);
  const file = path.join(tmpIndex(), 'a-file');
  fs.writeFileSync(file, 'not a folder');
  const r = await run(['index', ws, '--index-dir', path.join(file, 'sub'), '--model', 'none']);
  assert.equal(r.code, 1);
  assert.match(r.err, /index folder|--index-dir/);
});

test('locate answers a batch in order, one JSON line per request, and flags a bad line', async () => {
  const ws = makeWorkspace(SAMPLE);
  const idx = tmpIndex();
  await run(['index', ws, '--index-dir', idx, '--model', 'none']);
  const r = await run(['locate', '--queries', '-', '-w', ws, '--index-dir', idx, '--model', 'none'],
    '{"query":"verify the user password against the stored hash"}\n{"query": 7}\n{"query":"sort a dictionary by its values"}\n');
  const lines = r.out.trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 3);
  assert.equal(lines[0].files[0].path, 'src/auth.ts');
  assert.ok(lines[1].error);
  assert.equal(lines[2].files[0].path, 'src/util.py');
  assert.equal(r.code, 1);
});

test('a reader that closes the pipe early (search | head) ends the command quietly, not with EPIPE', { timeout: 60_000 }, async () => {
  const ws = makeWorkspace(SAMPLE);
  const idx = tmpIndex();
  assert.equal((await run(['index', ws, '--index-dir', idx, '--model', 'none'])).code, 0);
  // Far more output than a pipe holds, so writes are still pending when the reader leaves.
  const queries = path.join(idx, 'queries.jsonl');
  fs.writeFileSync(queries, Array.from({ length: 3000 }, (_, i) => JSON.stringify({ query: `check file exists ${i}` })).join('\n') + '\n');
  const { spawn } = await import('node:child_process');
  const cli = path.join(__dirname, '..', '..', '..', 'server', 'cli', 'main.ts');
  const child = spawn(process.execPath, ['--import', 'tsx', cli, 'search', '--queries', queries, '-w', ws, '--index-dir', idx, '--model', 'none', '--k', '5'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (d) => (err += d));
  let first = true;
  child.stdout.on('data', () => {
    if (first) child.stdout.destroy();
    first = false;
  });
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  assert.ok(!first, 'some output arrived before the pipe closed');
  assert.equal(code, 0, err);
  assert.doesNotMatch(err, /EPIPE|Unhandled|at /);
});
