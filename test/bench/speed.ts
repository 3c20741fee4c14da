/**
 * Speed and size on a real corpus (see corpus.ts): cold index time by stage, the
 * no-change re-index, the one-file-change → searchable latency through `serve`, query
 * latency in keyword and hybrid mode, peak memory of the indexing process, index size
 * on disk, and ripgrep answering the same queries over the same files as a yardstick.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { lastJson, processCpuMs, runCli, ServeSession, type CliCommandLine } from './cli';
import { buildCorpus, sampleQueries, type CorpusFile, type SampledQuery } from './corpus';
import { dirBytes, loadSnapshot, log, type LoadSnapshot } from './machine';
import { latencyStats, percentile } from './metrics';
import { ripgrepLatencies } from './ripgrep';

/** One `conexus index` process. */
export interface IndexRun {
  label: string;
  wallMs: number;
  exit: number | null;
  summary: Record<string, unknown> | null;
  peakRssKb: number;
  /** The last progress line on stderr (e.g. `embedding: 14848/52688 chunks (96/s, …)`): how far a killed run got. */
  lastProgress: string | null;
  /** CPU seconds (user + system) of the CLI process: the figure load on the shared machine distorts least. */
  cpuS: number | null;
  /** Wall time outside the engine's own `timings.total`: process start, opening and closing the index. */
  overheadMs: number | null;
  indexBytes: number;
  error?: string;
  load: LoadSnapshot;
}

type Stats = ReturnType<typeof latencyStats>;

/** Latencies of one mode through `serve`. */
export interface ModeLatency {
  mode: string;
  /** Round trip seen by the client (write request → parsed reply). */
  rtt: Stats;
  /** The engine's own `tookMs`, when it reports one. */
  engine: Stats | null;
  /** CPU the serve process spent per query (mean over the run): less distorted by machine load than wall time. */
  cpuMsPerQuery: number | null;
  emptyResults: number;
  /** The first few queries that returned nothing (each was sampled from the corpus, so has matches). */
  emptyQueries: string[];
  errors: number;
  modesReported: Record<string, number>;
  /** Distinct notices the engine attached (e.g. why hybrid fell back to keyword), first few. */
  notices: string[];
  /** Round-trip p50/p95 per query kind, to show which searches are slow. */
  byKind: Record<string, { n: number; p50: number; p95: number }>;
  /** The slowest queries by engine time (or round trip), for the lead to reproduce. */
  slowest: Array<{ query: string; kind: string; rttMs: number; tookMs: number | null; hits: number }>;
  /**
   * Identifier queries whose first hit's snippet contains the identifier verbatim: a
   * cheap "wrong hit" check (every sampled identifier exists in at least two files).
   */
  identifierTop1: { exact: number; of: number; misses: Array<{ query: string; top: string | null }> };
  load: LoadSnapshot;
}

/** One append-a-token trial. */
export interface ChangeTrial {
  file: string;
  /** When the watcher reported the file indexed (ms after the write), if it did. */
  eventMs: number | null;
  /** When a keyword search for the token first returned the file (ms after the write). */
  searchableMs: number | null;
}

export interface SpeedResult {
  corpus: { root: string; candidates: number; selected: number; bytes: number; copyMs: number };
  fullIndex: IndexRun | null;
  keywordIndex: IndexRun | null;
  reindex: IndexRun | null;
  status: unknown;
  serve: { readyMs: number | null; peakRssKb: number; index?: string; error?: string };
  queries: { count: number; byKind: Record<string, number>; sample: string[] };
  latency: ModeLatency[];
  rg: { rtt: Stats; filesMatchedMedian: number; ratioP50: number | null; ratioP95: number | null; error?: string } | null;
  change: { trials: ChangeTrial[]; medianMs: number | null; maxMs: number | null };
}

export interface SpeedOptions {
  maxFiles: number;
  modes: string[];
  /** Extra `index` arguments that turn the embedding model off, when the CLI has them. */
  keywordOnlyArgs: string[] | null;
  indexTimeoutMs: number;
  changeTrials: number;
}

async function indexOnce(cli: CliCommandLine, label: string, ws: string, indexDir: string, extra: string[], timeoutMs: number): Promise<IndexRun> {
  log(`speed: ${label}…`);
  const run = await runCli(cli, ['index', ws, '--index-dir', indexDir, '--json', ...extra], { timeoutMs, echo: label, measure: true });
  const summary = lastJson<Record<string, unknown>>(run.stdout);
  const engineTotal = (summary as { timings?: { total?: number } } | null)?.timings?.total;
  const result: IndexRun = {
    label,
    wallMs: run.wallMs,
    exit: run.code,
    summary,
    peakRssKb: run.time?.maxRssKb ?? Math.max(run.peakTreeRssKb, run.peakHwmKb),
    cpuS: run.time ? run.time.userS + run.time.sysS : null,
    lastProgress: run.stderrTail.split('\n').filter((l) => /^\w+: \d+\/\d+/.test(l.trim())).pop()?.trim() ?? null,
    overheadMs: typeof engineTotal === 'number' ? run.wallMs - engineTotal : null,
    indexBytes: dirBytes(indexDir),
    error: run.code === 0 ? undefined : `exit ${run.code ?? 'killed at timeout'}: ${run.stderrTail.slice(-600)}`,
    load: loadSnapshot(),
  };
  log(`speed: ${label}: ${(run.wallMs / 1000).toFixed(2)} s (CPU ${result.cpuS?.toFixed(1) ?? '?'} s), peak RSS ${(result.peakRssKb / 1024).toFixed(0)} MiB, index ${(result.indexBytes / 2 ** 20).toFixed(1)} MiB`);
  return result;
}

/** Runs the speed section in `workDir` (a fresh temporary folder). */
export async function runSpeed(cli: CliCommandLine, repo: string, workDir: string, opts: SpeedOptions): Promise<SpeedResult> {
  const ws = join(workDir, 'deps');
  mkdirSync(ws, { recursive: true });
  const copyStart = performance.now();
  const { files, candidates } = buildCorpus(join(repo, 'node_modules'), ws, opts.maxFiles);
  const bytes = files.reduce((s, f) => s + f.bytes, 0);
  const corpus = { root: ws, candidates, selected: files.length, bytes, copyMs: performance.now() - copyStart };
  log(`speed: copied ${files.length} of ${candidates} source files (${(bytes / 2 ** 20).toFixed(1)} MiB) to ${ws}`);

  // The default configuration first (what a user gets), then keyword-only when a model
  // was in play (or the default run did not finish), so keyword figures exist either way.
  const fullDir = join(workDir, 'deps-index');
  const kwDir = join(workDir, 'deps-index-kw');
  const fullIndex = await indexOnce(cli, 'cold index (default settings)', ws, fullDir, [], opts.indexTimeoutMs);
  const embedded = Number((fullIndex.summary as { embeddedChunks?: number } | null)?.embeddedChunks ?? 0) > 0;
  let keywordIndex: IndexRun | null = null;
  if ((embedded || fullIndex.error) && opts.keywordOnlyArgs) {
    keywordIndex = await indexOnce(cli, 'cold index (keyword only)', ws, kwDir, opts.keywordOnlyArgs, opts.indexTimeoutMs);
  }
  // Later measurements use the default index when it finished, else the keyword-only one.
  const useKw = Boolean(fullIndex.error && keywordIndex && !keywordIndex.error);
  const dir = useKw ? kwDir : fullDir;
  const extra = useKw ? opts.keywordOnlyArgs! : [];
  const reindex = fullIndex.error && !useKw ? null : await indexOnce(cli, `no-change re-index${useKw ? ' (keyword only)' : ''}`, ws, dir, extra, opts.indexTimeoutMs);
  const st = await runCli(cli, ['status', '--workspace', ws, '--index-dir', fullDir, '--json'], { timeoutMs: 60_000 });
  const status = lastJson<{ model?: { semantic?: boolean } }>(st.stdout) ?? { error: `exit ${st.code}: ${st.stderrTail.slice(-300)}` };

  const queries = sampleQueries(files, ws);
  const byKind: Record<string, number> = {};
  for (const q of queries) byKind[q.kind] = (byKind[q.kind] ?? 0) + 1;
  log(`speed: sampled ${queries.length} queries`);

  const result: SpeedResult = {
    corpus, fullIndex, keywordIndex, reindex, status,
    serve: { readyMs: null, peakRssKb: 0 },
    queries: { count: queries.length, byKind, sample: queries.slice(0, 5).map((q) => q.query).concat(queries.slice(-3).map((q) => q.query)) },
    latency: [],
    rg: null,
    change: { trials: [], medianMs: null, maxMs: null },
  };
  if (!fullIndex.error || useKw) await serveMeasurements(cli, ws, dir, extra, files, queries, opts, result);
  result.serve.index = useKw ? 'keyword-only index (the default run did not finish)' : 'default index';

  log('speed: ripgrep over the same files…');
  try {
    const rg = ripgrepLatencies(ws, queries.map((q) => q.query));
    const kw = result.latency.find((l) => l.mode === 'keyword');
    result.rg = {
      rtt: latencyStats(rg.wallMs),
      filesMatchedMedian: percentile(rg.filesMatched, 50),
      ratioP50: kw ? kw.rtt.p50 / percentile(rg.wallMs, 50) : null,
      ratioP95: kw ? kw.rtt.p95 / percentile(rg.wallMs, 95) : null,
    };
  } catch (e) {
    result.rg = { rtt: latencyStats([]), filesMatchedMedian: 0, ratioP50: null, ratioP95: null, error: (e as Error).message };
  }
  return result;
}

/** Everything measured against one long-running `serve` process. */
async function serveMeasurements(cli: CliCommandLine, ws: string, indexDir: string, extra: string[], files: readonly CorpusFile[], queries: readonly SampledQuery[], opts: SpeedOptions, result: SpeedResult): Promise<void> {
  log('speed: starting serve…');
  const started = performance.now();
  const serve = ServeSession.start(cli, ['--workspace', ws, '--index-dir', indexDir, ...extra]);
  try {
    // Ready means: the start-up pass reported, and a search is answered.
    await serve.waitForEvent((m) => m.event === 'indexed' || m.event === 'ready', 180_000);
    const probe = await serve.search(queries[0].query, 10, 'keyword');
    if (probe.reply.error !== undefined || !Array.isArray(probe.reply.hits)) {
      result.serve.error = `serve did not answer a search: ${JSON.stringify(probe.reply).slice(0, 300)}; stderr: ${serve.stderrTail.slice(-400)}`;
      return;
    }
    result.serve.readyMs = performance.now() - started;
    for (const q of queries.slice(0, 10)) await serve.search(q.query, 10, 'keyword'); // warm-up, not measured

    for (const mode of opts.modes.filter((m) => m !== 'semantic')) {
      log(`speed: ${queries.length} queries through serve, mode ${mode}…`);
      const rtt: number[] = [];
      const took: number[] = [];
      const lat: ModeLatency = { mode, rtt: latencyStats([]), engine: null, cpuMsPerQuery: null, emptyResults: 0, emptyQueries: [], errors: 0, modesReported: {}, notices: [], byKind: {}, slowest: [], identifierTop1: { exact: 0, of: 0, misses: [] }, load: loadSnapshot() };
      const perQuery: ModeLatency['slowest'] = [];
      const cpuBefore = processCpuMs(serve.pid);
      for (const q of queries) {
        const { reply, rttMs } = await serve.search(q.query, 10, mode);
        if (reply.error !== undefined || !Array.isArray(reply.hits)) { lat.errors++; continue; }
        perQuery.push({ query: q.query, kind: q.kind, rttMs, tookMs: typeof reply.tookMs === 'number' ? reply.tookMs : null, hits: reply.hits.length });
        rtt.push(rttMs);
        if (q.kind === 'identifier') {
          const top = reply.hits[0] as { path: string; snippet?: string; startLine?: number } | undefined;
          lat.identifierTop1.of++;
          if (top?.snippet?.includes(q.query)) lat.identifierTop1.exact++;
          else if (lat.identifierTop1.misses.length < 5) lat.identifierTop1.misses.push({ query: q.query, top: top ? `${top.path}:${top.startLine ?? '?'}` : null });
        }
        if (typeof reply.tookMs === 'number') took.push(reply.tookMs);
        if (reply.hits.length === 0 && lat.emptyResults++ < 5) lat.emptyQueries.push(q.query);
        if (typeof reply.notice === 'string' && !lat.notices.includes(reply.notice) && lat.notices.length < 3) lat.notices.push(reply.notice);
        const m = typeof reply.mode === 'string' ? reply.mode : 'unreported';
        lat.modesReported[m] = (lat.modesReported[m] ?? 0) + 1;
      }
      lat.rtt = latencyStats(rtt);
      const cpuAfter = processCpuMs(serve.pid);
      if (cpuBefore !== null && cpuAfter !== null && perQuery.length > 0) lat.cpuMsPerQuery = (cpuAfter - cpuBefore) / perQuery.length;
      for (const kind of new Set(perQuery.map((p) => p.kind))) {
        const xs = perQuery.filter((p) => p.kind === kind).map((p) => p.rttMs);
        lat.byKind[kind] = { n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95) };
      }
      lat.slowest = [...perQuery].sort((a, b) => (b.tookMs ?? b.rttMs) - (a.tookMs ?? a.rttMs)).slice(0, 5);
      lat.engine = took.length ? latencyStats(took) : null;
      result.latency.push(lat);
      log(`speed: ${mode}: p50 ${lat.rtt.p50.toFixed(1)} ms, p95 ${lat.rtt.p95.toFixed(1)} ms (${lat.errors} errors, ${lat.emptyResults} empty)`);
    }

    result.change.trials = await changeTrials(serve, ws, files, opts.changeTrials);
    const ok = result.change.trials.map((t) => t.searchableMs).filter((x): x is number => x !== null);
    result.change.medianMs = ok.length ? percentile(ok, 50) : null;
    result.change.maxMs = ok.length && ok.length === result.change.trials.length ? Math.max(...ok) : null;
  } finally {
    serve.sampler.sample();
    result.serve.peakRssKb = Math.max(serve.sampler.peakHwmKb, serve.sampler.peakTreeKb);
    await serve.stop();
  }
}

const COMMENT: Record<string, string> = { '.py': '#', '.js': '//', '.mjs': '//', '.cjs': '//', '.ts': '//', '.c': '//', '.h': '//' };

/** Trial files: spread over the corpus, ordinary size, a comment syntax we know. */
function changeTargets(files: readonly CorpusFile[], n: number): CorpusFile[] {
  const out: CorpusFile[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = Math.floor((i * files.length) / n); j < files.length; j++) {
      const f = files[j];
      if (COMMENT[extname(f.rel)] && f.bytes >= 1000 && f.bytes <= 50_000 && !/\.min\.|\.d\.ts$/.test(f.rel) && !out.includes(f)) {
        out.push(f);
        break;
      }
    }
  }
  return out;
}

/** Letters only, so no tokenizer splits it: `conexusprobe` + a per-run, per-trial suffix. */
function probeToken(trial: number): string {
  const letters = (x: number) => x.toString(26).split('').map((c) => String.fromCharCode(97 + parseInt(c, 26))).join('');
  return `conexusprobe${letters(Date.now() % 1e9)}x${letters(trial + 1)}`;
}

/**
 * Appends a unique token to one file and measures until a keyword search for the token
 * returns that file. Polling every 20 ms bounds the measurement error; the watcher's
 * own "indexed" event time is recorded beside it.
 */
async function changeTrials(serve: ServeSession, ws: string, files: readonly CorpusFile[], n: number): Promise<ChangeTrial[]> {
  const trials: ChangeTrial[] = [];
  for (const [i, f] of changeTargets(files, n).entries()) {
    const token = probeToken(i);
    const t0 = performance.now();
    appendFileSync(join(ws, f.rel), `\n${COMMENT[extname(f.rel)]} ${token}\n`);
    const trial: ChangeTrial = { file: f.rel, eventMs: null, searchableMs: null };
    while (performance.now() - t0 < 20_000) {
      const { reply } = await serve.search(token, 10, 'keyword');
      if (reply.hits?.some((h) => h.path.endsWith(f.rel))) {
        trial.searchableMs = performance.now() - t0;
        break;
      }
      if (reply.error !== undefined) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const name = f.rel.split('/').pop()!;
    const isOurs = (m: { event?: string }) => m.event === 'indexed' && JSON.stringify(m).includes(name);
    await serve.waitForEvent(isOurs, trial.searchableMs === null ? 0 : 200, t0);
    const seen = serve.events.find((e) => e.at >= t0 && isOurs(e.msg));
    if (seen) trial.eventMs = seen.at - t0;
    log(`speed: change ${f.rel}: searchable after ${trial.searchableMs?.toFixed(0) ?? 'never (20 s)'} ms, event ${trial.eventMs?.toFixed(0) ?? '—'} ms`);
    trials.push(trial);
    await new Promise((r) => setTimeout(r, 500)); // let the watcher settle before the next trial
  }
  return trials;
}
