/**
 * `npm run bench:sympy`: file localisation on 77 real sympy issues (SWE-bench Lite,
 * `../shared/bench/swebench-lite/dev-sympy.jsonl` beside the repo). For each issue, the tree at its
 * base commit is indexed by the engine and `conexus locate --queries` ranks the files;
 * the gold file's rank gives Acc@1/5/10 and MRR, next to a textbook whole-file BM25
 * (`test/bench/bm25.ts`) over the same tree's Python files, computed in the same run.
 *
 * Indexing 74 sympy trees from scratch would take hours, so one workspace folder is
 * reused: commits are visited in commit-time order, and between two commits only the
 * files whose blob changed are rewritten (and removed files deleted); the engine then
 * re-reads only those. The repository itself (a git directory with every base commit,
 * default `/work/.mirror/sympy+sympy/repo`, or `SYMPY_GIT`) and the exported trees stay
 * outside the project under the temp folder.
 *
 * Options: `--limit N` (first N issues), `--model M` (default none: keyword-only chunk
 * search, since no model ships yet), `--keep` (keep the temp workspace and index).
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Bm25Index } from './bm25';
import { SHARED_DIR } from './cosqa';

const REPO = path.resolve(__dirname, '../..');
const DATA = path.join(SHARED_DIR, 'bench', 'swebench-lite', 'dev-sympy.jsonl');
const RESULTS = path.join(REPO, 'test/bench/results/sympy.json');

interface Issue { instance_id: string; base_commit: string; problem_statement: string; gold_files: string[] }
interface Scores { acc1: number; acc5: number; acc10: number; mrr: number }

/** Reads blobs through one long-running `git cat-file --batch`. */
class BlobReader {
  private readonly proc;
  private buf = Buffer.alloc(0);
  private wake: (() => void) | null = null;
  constructor(gitDir: string) {
    this.proc = spawn('git', ['--git-dir', gitDir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'inherit'] });
    this.proc.stdout.on('data', (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.wake?.(); });
  }
  async read(sha: string): Promise<Buffer> {
    this.proc.stdin.write(`${sha}\n`);
    for (;;) {
      const nl = this.buf.indexOf(10);
      if (nl >= 0) {
        const header = this.buf.subarray(0, nl).toString();
        if (header.endsWith('missing')) throw new Error(`blob ${sha} is missing from the git directory; fetch the full history`);
        const size = Number(header.split(' ')[2]);
        if (this.buf.length >= nl + 1 + size + 1) {
          const blob = this.buf.subarray(nl + 1, nl + 1 + size);
          this.buf = this.buf.subarray(nl + 2 + size);
          return Buffer.from(blob);
        }
      }
      await new Promise<void>((r) => { this.wake = r; });
    }
  }
  close(): void { this.proc.stdin.end(); }
}

/** The regular files of a commit: path → blob id (symlinks and submodules are left out). */
function treeOf(gitDir: string, commit: string): Map<string, string> {
  const out = execFileSync('git', ['--git-dir', gitDir, 'ls-tree', '-r', '-z', commit], { maxBuffer: 1 << 28 }).toString();
  const files = new Map<string, string>();
  for (const entry of out.split('\0')) {
    if (!entry) continue;
    const [meta, p] = entry.split('\t');
    const [mode, type, sha] = meta.split(' ');
    if (type === 'blob' && (mode === '100644' || mode === '100755')) files.set(p, sha);
  }
  return files;
}

/** Makes `dir` hold exactly `target`, writing only files whose blob differs from `current`. */
async function syncTree(dir: string, current: Map<string, string>, target: Map<string, string>, blobs: BlobReader): Promise<number> {
  let changed = 0;
  for (const p of current.keys()) {
    if (!target.has(p)) { try { unlinkSync(path.join(dir, p)); } catch { /* gone */ } changed++; }
  }
  for (const [p, sha] of target) {
    if (current.get(p) === sha) continue;
    const abs = path.join(dir, p);
    mkdirSync(path.dirname(abs), { recursive: true });
    writeFileSync(abs, await blobs.read(sha));
    changed++;
  }
  return changed;
}

function runLocate(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(REPO, 'server/cli/main.ts'), 'locate', ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`conexus locate exited ${code}: ${err.slice(-2000)}`))));
  });
}

function score(ranks: number[]): Scores {
  const n = ranks.length || 1;
  const acc = (k: number) => ranks.filter((r) => r > 0 && r <= k).length / n;
  const r4 = (x: number) => Math.round(x * 1000) / 1000;
  return { acc1: r4(acc(1)), acc5: r4(acc(5)), acc10: r4(acc(10)), mrr: r4(ranks.reduce((s, r) => s + (r > 0 ? 1 / r : 0), 0) / n) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { limit: { type: 'string' }, model: { type: 'string' }, keep: { type: 'boolean' } } });
  const gitDir = process.env.SYMPY_GIT ?? '/work/.mirror/sympy+sympy/repo';
  if (!existsSync(gitDir)) throw new Error(`no sympy git directory at ${gitDir}: fetch github:sympy/sympy with full history and set SYMPY_GIT`);
  const model = values.model ?? 'none';
  let issues: Issue[] = readFileSync(DATA, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  if (values.limit) issues = issues.slice(0, Number(values.limit));

  // Visit commits oldest first so each step changes as few files as possible.
  const commits = [...new Set(issues.map((i) => i.base_commit))];
  const time = new Map(commits.map((c) => [c, Number(execFileSync('git', ['--git-dir', gitDir, 'show', '-s', '--format=%ct', c]).toString().trim())]));
  commits.sort((a, b) => time.get(a)! - time.get(b)!);

  const work = path.join(os.tmpdir(), 'conexus-bench-sympy');
  const ws = path.join(work, 'sympy');
  const indexDir = path.join(work, 'index');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(ws, { recursive: true });
  const blobs = new BlobReader(gitDir);
  let current = new Map<string, string>();
  const perIssue: Array<{ id: string; gold: string; rank: number; bm25Rank: number; top3: string[] }> = [];
  const stepMs: number[] = [];
  const changedFiles: number[] = [];
  let rebuilds = 0;

  function writeResults(partial: boolean) {
    const conexus = score(perIssue.map((p) => p.rank));
    const baseline = score(perIssue.map((p) => p.bm25Rank));
    const result = {
      partial,
      rebuilds,
      benchmark: 'swebench-lite dev-sympy file localisation',
      date: new Date().toISOString(),
      conexusCommit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }).toString().trim(),
      issues: perIssue.length,
      commits: commits.length,
      model,
      chunkSearch: model === 'none' ? 'keyword (no embedding model)' : 'hybrid',
      conexus,
      bm25WholeFile: baseline,
      timings: {
        firstIndexAndLocateMs: stepMs[0] ?? 0,
        meanIncrementalIndexAndLocateMs: Math.round(stepMs.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, stepMs.length - 1)),
        meanChangedFilesPerStep: Math.round(changedFiles.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, changedFiles.length - 1)),
      },
      perIssue,
    };
    mkdirSync(path.dirname(RESULTS), { recursive: true });
    writeFileSync(RESULTS, JSON.stringify(result, null, 2) + '\n');
    return result;
  }

  try {
    for (const [n, commit] of commits.entries()) {
      const target = treeOf(gitDir, commit);
      changedFiles.push(await syncTree(ws, current, target, blobs));
      current = target;
      const batch = issues.filter((i) => i.base_commit === commit);
      const queries = path.join(work, 'queries.jsonl');
      writeFileSync(queries, batch.map((i) => JSON.stringify({ query: i.problem_statement.slice(0, 20_000) })).join('\n') + '\n');
      const t0 = Date.now();
      const locateArgs = ['--queries', queries, '--workspace', ws, '--index-dir', indexDir, '--model', model, '--k', '50'];
      let out: string;
      try {
        out = await runLocate(locateArgs);
      } catch (error) {
        // An engine failure must not sink an hour of benchmark: rebuild the index from
        // scratch once for this commit, and count it in the results.
        process.stderr.write(`  locate failed (${(error as Error).message.split('\n')[0].slice(0, 200)}); rebuilding the index once\n`);
        rebuilds++;
        rmSync(indexDir, { recursive: true, force: true });
        out = await runLocate(locateArgs);
      }
      stepMs.push(Date.now() - t0);
      const answers = out.trim().split('\n').map((l) => JSON.parse(l) as { files: Array<{ path: string }> });

      // Baseline: textbook BM25 over every Python file of the same tree.
      const pyPaths = [...target.keys()].filter((p) => p.endsWith('.py'));
      const docs = [];
      for (const [id, p] of pyPaths.entries()) docs.push({ id, text: `${p}\n${(await blobs.read(target.get(p)!)).toString('utf8')}` });
      const bm25 = new Bm25Index(docs);

      batch.forEach((issue, j) => {
        const gold = issue.gold_files[0];
        const rank = answers[j].files.findIndex((f) => issue.gold_files.includes(f.path)) + 1;
        const bm25Rank = bm25.search(issue.problem_statement, 50).findIndex((h) => issue.gold_files.includes(pyPaths[h.id])) + 1;
        perIssue.push({ id: issue.instance_id, gold, rank, bm25Rank, top3: answers[j].files.slice(0, 3).map((f) => f.path) });
      });
      process.stderr.write(`[${n + 1}/${commits.length}] ${commit.slice(0, 10)}: ${changedFiles[n]} files changed, index+locate ${stepMs[n]} ms\n`);
      // Results so far, so a run cut short still reports what it measured.
      writeResults(n + 1 < commits.length);
    }
  } finally {
    blobs.close();
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }

  const result = writeResults(false);
  const row = (name: string, s: Scores) => `| ${name} | ${s.acc1.toFixed(3)} | ${s.acc5.toFixed(3)} | ${s.acc10.toFixed(3)} | ${s.mrr.toFixed(3)} |`;
  process.stdout.write([
    `sympy file localisation, ${perIssue.length} issues at ${commits.length} commits (chunk search: ${result.chunkSearch})`,
    '',
    '| method | Acc@1 | Acc@5 | Acc@10 | MRR |',
    '|---|---|---|---|---|',
    row('conexus locate_relevant_files', result.conexus),
    row('BM25 over whole files (baseline)', result.bm25WholeFile),
    '',
    `first index + locate ${(result.timings.firstIndexAndLocateMs / 1000).toFixed(1)} s; then ${(result.timings.meanIncrementalIndexAndLocateMs / 1000).toFixed(1)} s per commit (${result.timings.meanChangedFilesPerStep} changed files on average). Results: ${path.relative(REPO, RESULTS)}`,
    '',
  ].join('\n'));
}

main().catch((error) => {
  process.stderr.write(`bench:sympy failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
