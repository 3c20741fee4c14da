/**
 * `npm run bench:sympy`: file localisation on 77 real sympy issues (SWE-bench Lite,
 * `../shared/bench/swebench-lite/dev-sympy.jsonl` beside the repo). For each issue, the tree at its
 * base commit is indexed by the engine and `conexus locate --queries` ranks the files;
 * the gold file's rank gives Acc@1/5/10 and MRR, next to a textbook whole-file BM25
 * (`test/bench/bm25.ts`) over the same tree's Python files, computed in the same run.
 *
 * One run measures two chunk-search modes on the same issues and the same trees:
 * `keyword` (`--model none`, keyword-only chunk search) and `hybrid` (the built-in
 * embedding model, `--model ""`: keyword + semantic chunk search), each with its own
 * index folder, and counts the issues on which hybrid ranks the gold file better, worse
 * or the same as keyword. The CLI is the bundle (`bin/conexus.js`, `npm run build`).
 *
 * Indexing 74 sympy trees from scratch would take hours, so one workspace folder is
 * reused (and shared by both modes): commits are visited in commit-time order, and
 * between two commits only the files whose blob changed are rewritten (and removed files
 * deleted); the engine then re-reads (and, in hybrid mode, re-embeds) only those. Both
 * modes' passes over a commit run side by side (the tree does not change meanwhile),
 * with the BM25 baseline computed while they run; `--serial` runs them one after the
 * other instead, so each mode's timings are its own. The repository itself (a git
 * directory with every base commit, default `/work/.mirror/sympy+sympy/repo`, or
 * `SYMPY_GIT`) and the exported trees stay outside the project under the temp folder.
 *
 * Options: `--limit N` (first N issues), `--modes keyword,hybrid` (default both; either
 * alone), `--model M` (the hybrid mode's embedding model, default "" = built-in),
 * `--serial`, `--keep` (keep the temp workspace and indexes).
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

const CLI = path.join(REPO, 'bin/conexus.js');

/** Runs the bundled CLI; resolves with its stdout. */
function runCli(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    child.on('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`conexus ${args[0]} exited ${code}: ${err.slice(-2000)}`))));
  });
}

function score(ranks: number[]): Scores {
  const n = ranks.length || 1;
  const acc = (k: number) => ranks.filter((r) => r > 0 && r <= k).length / n;
  const r4 = (x: number) => Math.round(x * 1000) / 1000;
  return { acc1: r4(acc(1)), acc5: r4(acc(5)), acc10: r4(acc(10)), mrr: r4(ranks.reduce((s, r) => s + (r > 0 ? 1 / r : 0), 0) / n) };
}

type Mode = 'keyword' | 'hybrid';
const MODES: readonly Mode[] = ['keyword', 'hybrid'];

/** One mode's per-commit state: its index folder, timings and rebuilds. */
interface ModeRun { mode: Mode; model: string; indexDir: string; stepMs: number[]; rebuilds: number; semantic?: { embeddedChunks: number; chunks: number; model: string | null } }

/** Hybrid's rank against keyword's: 0 (not in the top 50) counts as worse than any rank. */
function compareRanks(hybrid: number, keyword: number): 'better' | 'worse' | 'equal' {
  const h = hybrid > 0 ? hybrid : Infinity;
  const k = keyword > 0 ? keyword : Infinity;
  return h < k ? 'better' : h > k ? 'worse' : 'equal';
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { limit: { type: 'string' }, modes: { type: 'string' }, model: { type: 'string' }, serial: { type: 'boolean' }, keep: { type: 'boolean' } } });
  const gitDir = process.env.SYMPY_GIT ?? '/work/.mirror/sympy+sympy/repo';
  if (!existsSync(gitDir)) throw new Error(`no sympy git directory at ${gitDir}: fetch github:sympy/sympy with full history and set SYMPY_GIT`);
  if (!existsSync(path.join(REPO, 'dist/cli.js'))) throw new Error('the CLI is not built: run `npm run build` first');
  const hybridModel = values.model ?? '';
  if (hybridModel.trim().toLowerCase() === 'none') throw new Error('--model none would make the hybrid mode keyword-only: use --modes keyword instead');
  const modes = (values.modes ?? MODES.join(',')).split(',').map((m) => m.trim()).filter(Boolean);
  for (const m of modes) if (!MODES.includes(m as Mode)) throw new Error(`--modes: unknown mode "${m}" (keyword, hybrid)`);
  if (modes.length === 0) throw new Error('--modes: name at least one of keyword, hybrid');
  let issues: Issue[] = readFileSync(DATA, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  if (values.limit) issues = issues.slice(0, Number(values.limit));

  // Visit commits oldest first so each step changes as few files as possible.
  const commits = [...new Set(issues.map((i) => i.base_commit))];
  const time = new Map(commits.map((c) => [c, Number(execFileSync('git', ['--git-dir', gitDir, 'show', '-s', '--format=%ct', c]).toString().trim())]));
  commits.sort((a, b) => time.get(a)! - time.get(b)!);

  const work = path.join(os.tmpdir(), 'conexus-bench-sympy');
  const ws = path.join(work, 'sympy');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(ws, { recursive: true });
  const runs: ModeRun[] = MODES.filter((m) => modes.includes(m)).map((mode) => ({
    mode, model: mode === 'keyword' ? 'none' : hybridModel, indexDir: path.join(work, `index-${mode}`), stepMs: [], rebuilds: 0,
  }));
  const run = (m: Mode) => runs.find((r) => r.mode === m);
  const blobs = new BlobReader(gitDir);
  let current = new Map<string, string>();
  interface IssueResult { id: string; gold: string; rank?: number; bm25Rank: number; top3?: string[]; hybridRank?: number; hybridTop3?: string[] }
  const perIssue: IssueResult[] = [];
  const stepMs: number[] = [];
  const changedFiles: number[] = [];
  const t0Run = Date.now();

  /** Semantic status of the hybrid index: proves the model loaded and every chunk has a vector. */
  async function checkSemantic(r: ModeRun): Promise<void> {
    const s = JSON.parse(await runCli(['status', '--json', '--workspace', ws, '--index-dir', r.indexDir, '--model', r.model])) as { chunks: number; embeddedChunks: number; model: { id: string | null; semantic: boolean; reason?: string } };
    r.semantic = { embeddedChunks: s.embeddedChunks, chunks: s.chunks, model: s.model.id };
    if (!s.model.semantic || s.embeddedChunks === 0) throw new Error(`hybrid mode has no semantic search: ${s.model.reason ?? `${s.embeddedChunks} of ${s.chunks} chunks embedded`}`);
  }

  /** Index + locate for one mode at the current commit; one rebuild from scratch on failure. */
  async function locate(r: ModeRun, queries: string): Promise<Array<{ files: Array<{ path: string }> }>> {
    const t0 = Date.now();
    const args = ['locate', '--queries', queries, '--workspace', ws, '--index-dir', r.indexDir, '--model', r.model, '--k', '50'];
    let out: string;
    try {
      out = await runCli(args);
    } catch (error) {
      // An engine failure must not sink an hour of benchmark: rebuild the index from
      // scratch once for this commit, and count it in the results.
      process.stderr.write(`  ${r.mode}: locate failed (${(error as Error).message.split('\n')[0].slice(0, 200)}); rebuilding the index once\n`);
      r.rebuilds++;
      rmSync(r.indexDir, { recursive: true, force: true });
      out = await runCli(args);
    }
    r.stepMs.push(Date.now() - t0);
    return out.trim().split('\n').map((l) => JSON.parse(l) as { files: Array<{ path: string }> });
  }

  const timingsOf = (ms: number[]) => ({
    firstIndexAndLocateMs: ms[0] ?? 0,
    meanIncrementalIndexAndLocateMs: Math.round(ms.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, ms.length - 1)),
  });

  function writeResults(partial: boolean) {
    const kw = run('keyword');
    const hy = run('hybrid');
    const compared = perIssue.filter((p) => p.rank !== undefined && p.hybridRank !== undefined);
    const vs = { better: 0, worse: 0, equal: 0 };
    for (const p of compared) vs[compareRanks(p.hybridRank!, p.rank!)]++;
    const result = {
      partial,
      rebuilds: runs.reduce((n, r) => n + r.rebuilds, 0),
      benchmark: 'swebench-lite dev-sympy file localisation',
      date: new Date().toISOString(),
      conexusCommit: execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO }).toString().trim(),
      issues: perIssue.length,
      commits: commits.length,
      modes: runs.map((r) => r.mode),
      /** The keyword mode's model setting (as before); the hybrid mode's is `hybridModel`. */
      model: kw ? kw.model : undefined,
      hybridModel: hy ? (hy.semantic?.model ?? hy.model) : undefined,
      chunkSearch: runs.map((r) => (r.mode === 'keyword' ? 'keyword (no embedding model)' : 'hybrid (keyword + semantic)')).join(' and '),
      /** Keyword-only chunk search, as in earlier results. */
      conexus: kw ? score(perIssue.map((p) => p.rank!)) : undefined,
      conexusHybrid: hy ? score(perIssue.map((p) => p.hybridRank!)) : undefined,
      /** Issues on which hybrid ranks the gold file better / worse / the same as keyword (not in the top 50 is worst). */
      hybridVsKeyword: kw && hy ? vs : undefined,
      bm25WholeFile: score(perIssue.map((p) => p.bm25Rank)),
      hybridIndex: hy?.semantic,
      timings: {
        wallMs: Date.now() - t0Run,
        modesSideBySide: runs.length > 1 && !values.serial,
        ...timingsOf(kw ? kw.stepMs : stepMs),
        meanChangedFilesPerStep: Math.round(changedFiles.slice(1).reduce((a, b) => a + b, 0) / Math.max(1, changedFiles.length - 1)),
        ...(hy ? { hybrid: { ...timingsOf(hy.stepMs), rebuilds: hy.rebuilds } } : {}),
        ...(kw ? { keywordRebuilds: kw.rebuilds } : {}),
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
      // Both modes read the same tree, which stays put until both are done.
      let pending: Array<Promise<Array<{ files: Array<{ path: string }> }>>>;
      if (values.serial) {
        pending = [];
        for (const r of runs) pending.push(Promise.resolve(await locate(r, queries)));
      } else {
        pending = runs.map((r) => locate(r, queries));
        pending.forEach((p) => p.catch(() => undefined)); // awaited below; no unhandled rejection meanwhile
      }

      // Baseline, while the engine works: textbook BM25 over every Python file of the same tree.
      const pyPaths = [...target.keys()].filter((p) => p.endsWith('.py'));
      const docs = [];
      for (const [id, p] of pyPaths.entries()) docs.push({ id, text: `${p}\n${(await blobs.read(target.get(p)!)).toString('utf8')}` });
      const bm25 = new Bm25Index(docs);
      const bm25Ranks = batch.map((issue) => bm25.search(issue.problem_statement, 50).findIndex((h) => issue.gold_files.includes(pyPaths[h.id])) + 1);

      const answers = await Promise.all(pending);
      stepMs.push(Date.now() - t0);
      if (n === 0 && run('hybrid')) await checkSemantic(run('hybrid')!);
      const rankIn = (files: Array<{ path: string }>, gold: string[]) => files.findIndex((f) => gold.includes(f.path)) + 1;
      batch.forEach((issue, j) => {
        const r: IssueResult = { id: issue.instance_id, gold: issue.gold_files[0], bm25Rank: bm25Ranks[j] };
        runs.forEach((m, i) => {
          const files = answers[i][j].files;
          if (m.mode === 'keyword') { r.rank = rankIn(files, issue.gold_files); r.top3 = files.slice(0, 3).map((f) => f.path); }
          else { r.hybridRank = rankIn(files, issue.gold_files); r.hybridTop3 = files.slice(0, 3).map((f) => f.path); }
        });
        perIssue.push(r);
      });
      process.stderr.write(`[${n + 1}/${commits.length}] ${commit.slice(0, 10)}: ${changedFiles[n]} files changed, index+locate ${runs.map((r) => `${r.mode} ${r.stepMs[n]} ms`).join(', ')}\n`);
      // Results so far, so a run cut short still reports what it measured.
      writeResults(n + 1 < commits.length);
    }
    if (run('hybrid') && commits.length > 1) await checkSemantic(run('hybrid')!);
  } finally {
    blobs.close();
    if (!values.keep) rmSync(work, { recursive: true, force: true });
  }

  const result = writeResults(false);
  const row = (name: string, s: Scores) => `| ${name} | ${s.acc1.toFixed(3)} | ${s.acc5.toFixed(3)} | ${s.acc10.toFixed(3)} | ${s.mrr.toFixed(3)} |`;
  const secs = (ms: number) => (ms / 1000).toFixed(1);
  const vs = result.hybridVsKeyword;
  process.stdout.write([
    `sympy file localisation, ${perIssue.length} issues at ${commits.length} commits (chunk search: ${result.chunkSearch})`,
    '',
    '| method | Acc@1 | Acc@5 | Acc@10 | MRR |',
    '|---|---|---|---|---|',
    ...(result.conexus ? [row('conexus locate_relevant_files, keyword chunk search', result.conexus)] : []),
    ...(result.conexusHybrid ? [row(`conexus locate_relevant_files, hybrid chunk search (${result.hybridModel || 'built-in model'})`, result.conexusHybrid)] : []),
    row('BM25 over whole files (baseline)', result.bm25WholeFile),
    '',
    ...(vs ? [`hybrid vs keyword, rank of the gold file: better on ${vs.better} issues, worse on ${vs.worse}, equal on ${vs.equal}`, ''] : []),
    ...runs.map((r) => `${r.mode}: first index + locate ${secs(timingsOf(r.stepMs).firstIndexAndLocateMs)} s; then ${secs(timingsOf(r.stepMs).meanIncrementalIndexAndLocateMs)} s per commit${r.semantic ? ` (${r.semantic.embeddedChunks} of ${r.semantic.chunks} chunks embedded at the end)` : ''}`),
    `${result.timings.meanChangedFilesPerStep} changed files per commit on average; ${result.timings.modesSideBySide ? 'modes ran side by side; ' : ''}wall time ${secs(result.timings.wallMs)} s. Results: ${path.relative(REPO, RESULTS)}`,
    '',
  ].join('\n'));
}

main().catch((error) => {
  process.stderr.write(`bench:sympy failed: ${(error as Error).stack ?? error}\n`);
  process.exitCode = 1;
});
