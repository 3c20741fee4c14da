/**
 * The worker pool against in-process work: the same files through real worker threads
 * (terms sent as codes, see termCodes.ts) and through `processFile` on this thread
 * (terms as strings) give the same chunks and, fed in the same order, the same text
 * index byte for byte.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { processFile, type FileJobResult } from '../../../server/engine/fileJob';
import { IndexPool } from '../../../server/engine/indexPool';
import { silentLogger } from '../../../server/engine/logger';
import { runsEnd } from '../../../server/text/termCodes';
import { TextIndex } from '../../../server/text/textIndex';

const dir = mkdtempSync(join(tmpdir(), 'conexus-pool-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const FILES: Record<string, string> = {
  'src/httpServer.ts': 'export class HttpServer {\n  listen(port: number) {\n    return startListening(port, this.handler);\n  }\n}\n',
  'src/parse_args.py': 'def parse_args(argv):\n    """Parse the command line."""\n    return [a for a in argv if a]\n\n\ndef main():\n    parse_args(sys.argv)\n',
  'lib/util.js': 'function retry(fn, times) {\n  for (let i = 0; i < times; i++) { try { return fn(); } catch (e) { log(e); } }\n}\nmodule.exports = { retry };\n',
  'README.md': '# Tool\n\nParses arguments and serves HTTP.\n\n## Usage\n\nRun `tool --port 8080`.\n',
  'notes.txt': 'retry retry retry retry retry retry listen\n',
};

function strip(r: FileJobResult): unknown {
  if (r.kind !== 'chunked') return r;
  const { codes: _codes, parseMs: _p, readMs: _r, pathTerms: _t, ...rest } = r;
  return { ...rest, chunks: rest.chunks.map(({ terms: _a, symbolTerms: _b, ...c }) => c) };
}

test('files chunked by the worker threads index exactly as files chunked in-process', async () => {
  for (const [path, text] of Object.entries(FILES)) {
    const abs = join(dir, path.replace(/\//g, '_'));
    writeFileSync(abs, text);
  }
  const jobs = Object.keys(FILES).sort().map((path) => ({ absPath: join(dir, path.replace(/\//g, '_')), path, maxBytes: 1 << 20, knownHash: null }));
  const pool = new IndexPool(2, silentLogger);
  let fromPool: FileJobResult[];
  try {
    // Twice over, so the second round's files reuse terms the workers numbered in the first.
    fromPool = await Promise.all([...jobs, ...jobs].map((j) => pool.run(j)));
  } finally {
    await pool.close();
  }
  const inProcess = await Promise.all([...jobs, ...jobs].map((j) => processFile(j)));
  const coded = fromPool.filter((r) => r.kind === 'chunked' && r.codes);
  assert.equal(coded.length, fromPool.length, 'every worker result came as codes (workers did start)');

  const a = new TextIndex();
  const b = new TextIndex();
  let id = 0;
  for (let k = 0; k < inProcess.length; k++) {
    const here = inProcess[k];
    const there = fromPool[k];
    assert.deepEqual(strip(there), strip(here), `${jobs[k % jobs.length].path}: same chunks`);
    if (here.kind !== 'chunked' || there.kind !== 'chunked') continue;
    const first = id;
    a.addAll(here.chunks.map((c) => ({ id: ++id, text: '', symbol: '', path: '', terms: c.terms, symbolTerms: c.symbolTerms, pathTerms: here.pathTerms })));
    const { data, table } = there.codes!;
    let at = runsEnd(data, 0);
    for (let n = 1; n <= there.chunks.length; n++) at = b.addCoded(first + n, table!, data, at, 0);
  }
  assert.ok(id > 8);
  assert.equal(Buffer.concat([...b.jsonParts()]).toString(), Buffer.concat([...a.jsonParts()]).toString(), 'both built by the text index itself: byte for byte');
  assert.deepEqual(b.search('retry listen', 10), a.search('retry listen', 10));
});
