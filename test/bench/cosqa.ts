/**
 * Quality benchmark on the CoSQA dev split (../shared/bench/cosqa beside the repo): every
 * function becomes its own file `f<id>.py` in a fresh workspace, the CLI indexes it
 * as a user would, all 500 queries go through `search --queries` once per mode, and
 * each hit is mapped back to its function id by file name. A plain BM25 over the same
 * functions runs in the same process as the reference row.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { Bm25Index } from './bm25';
import { lastJson, runCli, type CliCommandLine } from './cli';
import { dedupeFirst, firstRelevantRank, summarizeQuality, type QualityMetrics, type RankedRun } from './metrics';
import { loadSnapshot, log, type LoadSnapshot } from './machine';

/** Where the read-only benchmark data lives; never copied into the repo. */
/** The shared benchmark data sits beside the repository (`../shared`); CONEXUS_SHARED overrides. */
export const SHARED_DIR = process.env.CONEXUS_SHARED ?? resolve(__dirname, '..', '..', '..', 'shared');
export const COSQA_DIR = join(SHARED_DIR, 'bench', 'cosqa');

/** One mode's outcome. */
export interface CosqaModeResult {
  mode: string;
  /** False when the engine answered with another mode (e.g. semantic fell back to keyword). */
  honoured: boolean;
  /** What the engine said when it changed the request (first distinct notices). */
  notices: string[];
  /** Modes the engine reported using, with counts. */
  modesReported: Record<string, number>;
  metrics: QualityMetrics | null;
  /** Mean number of distinct functions among the k chunk hits (k means no function was split). */
  meanDistinctFiles: number;
  queriesWithoutHits: number;
  batchWallMs: number;
  /** Per query, in dev-file order: the gold function's rank among distinct functions (0 = not in the hits). */
  goldRanks: number[];
  error?: string;
}

/** The whole quality section. */
export interface CosqaResult {
  functions: number;
  queries: number;
  k: number;
  index: { wallMs: number; cpuS: number | null; summary: unknown; peakRssKb: number; error?: string };
  status: unknown;
  bm25: QualityMetrics & { tokenizer: string; wallMs: number; goldRanks: number[] };
  modes: CosqaModeResult[];
  /** hybrid MRR@10 / keyword MRR@10 from this run (null when either is missing). */
  hybridOverKeyword: number | null;
  load: { before: LoadSnapshot; after: LoadSnapshot };
}

interface Fn {
  id: number;
  code: string;
}
interface Query {
  query: string;
  gold: number;
}

function readJsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as T);
}

/** `f123.py` (possibly under a root-name prefix) → 123; anything else → null. */
export function functionIdOf(path: string): number | null {
  const m = /^f(\d+)\.py$/.exec(basename(path));
  return m ? Number(m[1]) : null;
}

/** Runs the CoSQA section in `workDir` (a fresh temporary folder). */
export async function runCosqa(cli: CliCommandLine, workDir: string, opts: { modes: string[]; k: number; timeoutMs: number }): Promise<CosqaResult> {
  const before = loadSnapshot();
  const corpus = readJsonl<Fn>(join(COSQA_DIR, 'corpus.jsonl'));
  const queries = readJsonl<Query>(join(COSQA_DIR, 'dev-queries.jsonl'));
  const ws = join(workDir, 'cosqa');
  const indexDir = join(workDir, 'cosqa-index');
  mkdirSync(ws, { recursive: true });
  for (const fn of corpus) writeFileSync(join(ws, `f${fn.id}.py`), fn.code.endsWith('\n') ? fn.code : fn.code + '\n');
  log(`cosqa: wrote ${corpus.length} functions to ${ws}`);

  // The reference row first: it needs no engine, so it is reported even if indexing fails.
  const bmStart = performance.now();
  const bm25 = new Bm25Index(corpus.map((f) => ({ id: f.id, text: f.code })));
  const bmRuns: RankedRun[] = queries.map((q) => ({ ranked: bm25.search(q.query, 10).map((h) => h.id), relevant: [q.gold] }));
  const bmMetrics = { ...summarizeQuality(bmRuns), tokenizer: 'split on non-alphanumerics and camelCase, lowercase, drop 1-char', wallMs: performance.now() - bmStart, goldRanks: bmRuns.map((r) => firstRelevantRank(r.ranked, r.relevant, 10)) };
  log(`cosqa: plain BM25 MRR@10 ${bmMetrics.mrr10.toFixed(4)}`);

  log('cosqa: indexing (cold)…');
  const idx = await runCli(cli, ['index', ws, '--index-dir', indexDir, '--json'], { timeoutMs: opts.timeoutMs, echo: 'cosqa index', measure: true });
  const index = {
    wallMs: idx.wallMs,
    cpuS: idx.time ? idx.time.userS + idx.time.sysS : null,
    summary: lastJson(idx.stdout),
    peakRssKb: idx.time?.maxRssKb ?? Math.max(idx.peakTreeRssKb, idx.peakHwmKb),
    error: idx.code === 0 ? undefined : `exit ${idx.code ?? 'timeout'}: ${idx.stderrTail.slice(-600)}`,
  };
  log(`cosqa: indexed in ${(idx.wallMs / 1000).toFixed(1)} s (exit ${idx.code})`);
  const st = await runCli(cli, ['status', '--workspace', ws, '--index-dir', indexDir, '--json'], { timeoutMs: 60_000 });
  const status = lastJson(st.stdout) ?? { error: `exit ${st.code}: ${st.stderrTail.slice(-300)}` };

  const queryFile = join(workDir, 'cosqa-queries.jsonl');
  writeFileSync(queryFile, queries.map((q) => JSON.stringify({ query: q.query })).join('\n') + '\n');
  const modes: CosqaModeResult[] = [];
  const rankedByMode = new Map<string, number[][]>();
  for (const mode of opts.modes) {
    if (index.error) {
      modes.push(emptyMode(mode, 'index failed'));
      continue;
    }
    log(`cosqa: ${queries.length} queries, mode ${mode}…`);
    const run = await runCli(cli, ['search', '--queries', queryFile, '--workspace', ws, '--index-dir', indexDir, '--k', String(opts.k), '--mode', mode, '--json'], { timeoutMs: opts.timeoutMs });
    const ranked: number[][] = [];
    modes.push(scoreMode(mode, run.stdout, queries, run.wallMs, run.code === 0 ? undefined : `exit ${run.code ?? 'timeout'}: ${run.stderrTail.slice(-600)}`, ranked));
    rankedByMode.set(mode, ranked);
    const m = modes[modes.length - 1];
    log(`cosqa: ${mode} MRR@10 ${m.metrics?.mrr10.toFixed(4) ?? 'n/a'} in ${(run.wallMs / 1000).toFixed(1)} s${m.error ? ` (${m.error.slice(0, 200)})` : ''}`);
  }
  // The --queries lines need not say which mode answered; the status does, and a
  // semantic run that ranks exactly like keyword is a fallback whatever it claims.
  const model = (status as { model?: { semantic?: boolean; reason?: string; id?: string | null } }).model;
  const keywordRuns = rankedByMode.get('keyword');
  for (const m of modes) {
    if (m.mode === 'keyword' || !m.metrics) continue;
    const same = keywordRuns && JSON.stringify(keywordRuns) === JSON.stringify(rankedByMode.get(m.mode));
    if (m.mode === 'semantic' && (model?.semantic === false || same)) {
      m.honoured = false;
      m.notices.unshift(model?.semantic === false ? `status: semantic off (${model.reason ?? 'no reason given'})` : 'rankings identical to keyword mode');
    }
    if (m.mode === 'hybrid' && model?.semantic === false) m.notices.unshift('status: semantic off, so hybrid has no vector signal');
  }
  const kw = modes.find((m) => m.mode === 'keyword')?.metrics;
  const hy = modes.find((m) => m.mode === 'hybrid')?.metrics;
  return {
    functions: corpus.length,
    queries: queries.length,
    k: opts.k,
    index,
    status,
    bm25: bmMetrics,
    modes,
    hybridOverKeyword: kw && hy && kw.mrr10 > 0 ? hy.mrr10 / kw.mrr10 : null,
    load: { before, after: loadSnapshot() },
  };
}

function emptyMode(mode: string, error: string): CosqaModeResult {
  return { mode, honoured: false, notices: [], modesReported: {}, metrics: null, meanDistinctFiles: 0, queriesWithoutHits: 0, batchWallMs: 0, goldRanks: [], error };
}

/**
 * Turns the `search --queries` output into metrics. Lines are matched to queries by
 * order (the contract) and checked by text, so a dropped or reordered line shows up
 * as an error instead of silently scoring the wrong query.
 */
export function scoreMode(mode: string, stdout: string, queries: readonly Query[], wallMs: number, error?: string, rankedOut: number[][] = []): CosqaModeResult {
  const lines = stdout.split('\n').filter((l) => l.trim().startsWith('{'));
  const result = emptyMode(mode, error ?? '');
  result.batchWallMs = wallMs;
  result.error = error;
  if (lines.length !== queries.length) {
    result.error = `${error ? error + '; ' : ''}expected ${queries.length} result lines, got ${lines.length}`;
    if (lines.length === 0) return result;
  }
  const runs: RankedRun[] = [];
  let distinct = 0;
  let mismatched = 0;
  const notices = new Set<string>();
  queries.forEach((q, i) => {
    const line = lines[i] ? (JSON.parse(lines[i]) as { query?: string; hits?: Array<{ path: string }>; mode?: string; notice?: string }) : { hits: [] };
    if (line.query !== undefined && line.query !== q.query) mismatched++;
    const reported = line.mode ?? 'unreported';
    result.modesReported[reported] = (result.modesReported[reported] ?? 0) + 1;
    if (line.notice) notices.add(line.notice);
    const ids = (line.hits ?? []).map((h) => functionIdOf(h.path)).filter((id): id is number => id !== null);
    const ranked = dedupeFirst(ids);
    distinct += ranked.length;
    if (ranked.length === 0) result.queriesWithoutHits++;
    runs.push({ ranked, relevant: [q.gold] });
    rankedOut.push(ranked);
    result.goldRanks.push(firstRelevantRank(ranked, [q.gold], ranked.length));
  });
  if (mismatched > 0) result.error = `${result.error ? result.error + '; ' : ''}${mismatched} result lines carry another query's text`;
  result.metrics = summarizeQuality(runs);
  result.meanDistinctFiles = distinct / queries.length;
  result.notices = [...notices].slice(0, 3);
  result.honoured = Object.keys(result.modesReported).every((m) => m === mode || m === 'unreported');
  return result;
}
