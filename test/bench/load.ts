/**
 * `npm run bench:load` (issue 6 "Load"): many agents on one index at once.
 *
 * One `conexus mcp` owns a pre-built keyword index (`--model none`, so the run is fast
 * and deterministic); four more `conexus mcp` processes bridge to it over
 * `<indexDir>/mcp.sock`, exactly as extra agents would. Phase 1 fires 500 mixed tool
 * calls, all in flight at once, and records latency, errors and each process's peak
 * RSS. Phase 2 edits every fixture file, starts a full reindex through the owner and
 * keeps searching for an identifier only one file defines: every answer given while
 * the reindex runs must still contain that file. Everything runs on stdio and a unix
 * socket; a global timeout kills every child.
 */
import { type ChildProcess, spawnSync } from 'node:child_process';
import { appendFileSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';

const REPO = path.resolve(__dirname, '../..');
const MAIN = path.join(REPO, 'server/cli/main.ts');
// The repo's own code is ~215 files; zod's TypeScript sources (real, third-party code)
// bring the fixture to ~350, copied under vendor/ because walkers skip node_modules.
const SOURCES: Array<[string, string]> = [['server', 'server'], ['protocol', 'protocol'], ['test', 'test'], ['extension', 'extension'],
  ['webview', 'webview'], ['scripts', 'scripts'], ['node_modules/zod/src', 'vendor/zod/src']];
const EXT = /\.(ts|tsx|js|mjs|py|go)$/;
const CLIENTS = 4;
const CALLS = 500;
const GLOBAL_TIMEOUT_MS = 240_000;
const CALL_TIMEOUT_MS = 120_000;
// Keyword only by default: fast and deterministic. `--semantic` uses the shipped model
// (omits --model), which makes indexing and the reindex far slower on CPU.
const SEMANTIC = process.argv.includes('--semantic');
const MODEL_FLAGS = SEMANTIC ? [] : ['--model', 'none'];

const log = (msg: string) => process.stderr.write(`[load] ${msg}\n`);
type Result = Awaited<ReturnType<Client['callTool']>>;
type Call = { tool: string; ms: number; error?: string };

// Deterministic sampling (LCG) so every run asks the same questions.
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];

function copyFixture(ws: string): string[] {
  const files: string[] = [];
  const walk = (src: string, dst: string) => {
    for (const name of readdirSync(path.join(REPO, src)).sort()) {
      if (name === 'node_modules' || name === 'results' || name.startsWith('.')) continue;
      // Zod's own tests would crowd out its sources under the 500-file cap.
      if (src.startsWith('node_modules') && (name === 'tests' || name.includes('.test.'))) continue;
      const st = statSync(path.join(REPO, src, name));
      if (st.isDirectory()) walk(path.join(src, name), path.join(dst, name));
      else if (EXT.test(name) && st.size < 200_000 && files.length < 500) {
        mkdirSync(path.join(ws, dst), { recursive: true });
        copyFileSync(path.join(REPO, src, name), path.join(ws, dst, name));
        files.push(path.join(dst, name));
      }
    }
  };
  for (const [src, dst] of SOURCES) if (existsSync(path.join(REPO, src))) walk(src, dst);
  return files;
}

/** Exported functions/classes per file, and the names that only one file defines and few mention. */
function identifiers(ws: string, files: string[]) {
  const defs = new Map<string, Set<string>>();
  const texts = files.map((f) => readFileSync(path.join(ws, f), 'utf8'));
  texts.forEach((t, i) => {
    // Tests write fixture code inside string literals ("export function helper"): not real definitions.
    if (files[i].startsWith('test/') || files[i].includes('.test.')) return;
    for (const m of t.matchAll(/export\s+(?:async\s+)?(?:function|class)\s+([A-Za-z_]\w{5,})/g)) {
      if (!defs.has(m[1])) defs.set(m[1], new Set());
      defs.get(m[1])!.add(files[i]);
    }
  });
  const names = [...defs.keys()].sort();
  const unique = names.filter((n) => defs.get(n)!.size === 1)
    .map((n) => ({ name: n, file: [...defs.get(n)!][0], mentions: texts.filter((t) => t.includes(n)).length }))
    .filter((u) => u.mentions === 1);
  return { names, unique };
}

type Proc = { label: string; pid: number };
type Peak = { label: string; pid: number; hwm_mb: number | null; max_rss_polled_mb: number | null };

function readKb(pid: number, field: 'VmHWM' | 'VmRSS'): number | null {
  try {
    const m = readFileSync(`/proc/${pid}/status`, 'utf8').match(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm'));
    return m ? Number(m[1]) : null;
  } catch {
    return null; // gone, or not Linux
  }
}

/**
 * Peak memory from /proc (Linux). VmHWM is the kernel's own high-water mark, so a spike
 * between two polls is not missed; the 200 ms VmRSS poll is kept as a cross-check.
 */
class MemoryPoller {
  private readonly peaks = new Map<number, { hwm: number; rss: number }>();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly procs: Proc[], private readonly everyMs = 200) {}

  start(): void {
    this.poll();
    this.timer = setInterval(() => this.poll(), this.everyMs);
  }

  /** Takes one last reading while the processes are still alive. */
  stop(): void {
    this.poll();
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  report(): Peak[] {
    const mb = (kb: number) => (kb ? +(kb / 1024).toFixed(1) : null);
    return this.procs.map((p) => {
      const v = this.peaks.get(p.pid) ?? { hwm: 0, rss: 0 };
      return { label: p.label, pid: p.pid, hwm_mb: mb(v.hwm), max_rss_polled_mb: mb(v.rss) };
    });
  }

  private poll(): void {
    for (const p of this.procs) {
      const v = this.peaks.get(p.pid) ?? { hwm: 0, rss: 0 };
      v.hwm = Math.max(v.hwm, readKb(p.pid, 'VmHWM') ?? 0);
      v.rss = Math.max(v.rss, readKb(p.pid, 'VmRSS') ?? 0);
      this.peaks.set(p.pid, v);
    }
  }
}

function pct(xs: number[], p: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
}

const isErr = (r: Result) => Boolean(r.isError);
const textOf = (r: Result) => (r.content as Array<{ text?: string }>).map((c) => c.text ?? '').join('\n');

async function timed(client: Client, tool: string, args: Record<string, unknown>): Promise<Call & { result?: Result }> {
  const t0 = performance.now();
  try {
    const result = await client.callTool({ name: tool, arguments: args }, undefined, { timeout: CALL_TIMEOUT_MS });
    const ms = performance.now() - t0;
    return isErr(result) ? { tool, ms, error: textOf(result).slice(0, 300), result } : { tool, ms, result };
  } catch (error) {
    return { tool, ms: performance.now() - t0, error: (error as Error).message.slice(0, 300) };
  }
}

async function main(): Promise<number> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'conexus-load-'));
  const ws = path.join(tmp, 'ws');
  const indexDir = path.join(tmp, 'index');
  const transports: StdioClientTransport[] = [];
  const killAll = () => {
    for (const t of transports) if (t.pid) try { process.kill(t.pid, 'SIGKILL'); } catch { /* already gone */ }
  };
  process.on('exit', () => { killAll(); rmSync(tmp, { recursive: true, force: true }); });
  const guard = setTimeout(() => { log(`global timeout ${GLOBAL_TIMEOUT_MS / 1000} s: killing children`); killAll(); process.exit(3); }, GLOBAL_TIMEOUT_MS);

  const files = copyFixture(ws);
  const { names, unique } = identifiers(ws, files);
  const probe = unique.find((u) => u.file.startsWith('server/')) ?? unique[0];
  log(`fixture: ${files.length} files, ${names.length} exported names, probe ${probe.name} (${probe.file})`);

  const tIndex = performance.now();
  const idx = spawnSync(process.execPath, ['--import', 'tsx', MAIN, 'index', ws, '--index-dir', indexDir, ...MODEL_FLAGS],
    { cwd: REPO, encoding: 'utf8', timeout: 180_000 });
  if (idx.status !== 0) { log(`index failed: ${idx.stderr}`); return 1; }
  const indexMs = performance.now() - tIndex;
  log(`indexed in ${(indexMs / 1000).toFixed(1)} s`);

  // --no-watch on the owner: phase 2 edits files, and only the explicit reindex should pick them up.
  const flags = ['mcp', '--workspace', ws, '--index-dir', indexDir, ...MODEL_FLAGS, '--no-watch'];
  const connect = async (extra: string[]) => {
    const t = new StdioClientTransport({ command: process.execPath, args: ['--import', 'tsx', MAIN, ...flags, ...extra], cwd: REPO, stderr: 'pipe' });
    const errLines: string[] = [];
    t.stderr?.on('data', (d: Buffer) => { errLines.push(d.toString()); if (errLines.length > 50) errLines.shift(); });
    transports.push(t);
    const c = new Client({ name: 'conexus-load', version: '1.0.0' });
    await c.connect(t);
    return { client: c, pid: t.pid!, errLines };
  };
  const owner = await connect([]);
  const st = await timed(owner.client, 'index_control', { action: 'status', wait_ready: true, timeout_seconds: 60 });
  if (st.error) { log(`owner status failed: ${st.error}`); return 1; }
  if (!existsSync(path.join(indexDir, 'mcp.sock'))) log('warning: no mcp.sock in the index dir (long path: socket lives in the temp dir)');
  const bridges = await Promise.all(Array.from({ length: CLIENTS }, () => connect([])));
  const mem = new MemoryPoller([{ label: 'owner', pid: owner.pid }, ...bridges.map((b, i) => ({ label: `bridge${i + 1}`, pid: b.pid }))]);
  mem.start();
  const { tools } = await bridges[0].client.listTools();
  const schemaArgs = Object.fromEntries(tools.map((t) => [t.name, Object.keys(t.inputSchema.properties ?? {})]));
  log(`tools: ${JSON.stringify(schemaArgs)}`);
  // A bridged status says whether it reached the owner (the writer) rather than opening the index read-only.
  const bs = await timed(bridges[0].client, 'index_control', { action: 'status' });
  const bridged = (bs.result?.structuredContent as { writer?: boolean } | undefined)?.writer === true;
  log(`bridge answers as writer (i.e. via the owner): ${bridged}`);

  // Phase 1: 500 mixed calls, all in flight at once, spread over the bridges.
  const tasks = ['retry failed requests with backoff', 'where is the index lock taken', 'parse command line flags',
    'how are search results ranked', 'watch files for changes and reindex', 'validate MCP tool arguments',
    'chunk source files into symbols', 'serve MCP over a unix socket', 'tokenize identifiers for keyword search'];
  const plan = Array.from({ length: CALLS }, (_, i) => {
    const slot = i % 10;
    if (slot < 4) return { tool: 'search_codebase', args: { query: pick(names), k: 10 } };
    if (slot < 6) return { tool: 'locate_relevant_files', args: { description: pick(tasks) } };
    if (slot < 8) return { tool: 'analyze_implementation', args: { target: pick(names) } };
    return { tool: 'index_control', args: { action: 'status' } };
  });
  log(`phase 1: ${CALLS} calls over ${CLIENTS} bridging clients`);
  const t1 = performance.now();
  const calls = await Promise.all(plan.map((p, i) => timed(bridges[i % CLIENTS].client, p.tool, p.args)));
  const wallMs = performance.now() - t1;
  const errors = calls.filter((c) => c.error);
  log(`phase 1 done in ${(wallMs / 1000).toFixed(1)} s, ${errors.length} errors`);
  for (const e of errors.slice(0, 5)) log(`  ${e.tool}: ${e.error}`);

  // Phase 2: touch every file so the reindex re-reads and re-chunks all of them.
  files.forEach((f, i) => appendFileSync(path.join(ws, f), `\n// load-bench edit ${i}\n`));
  // Alternate the default mode (hybrid; keyword alone without a model) with keyword, so a
  // wrong answer can be pinned on the vector side or the keyword side.
  const modes = ['hybrid', 'keyword'];
  const query = { query: probe.name, k: 10 };
  let reindexing = true;
  let sawIndexing = false;
  const during: Array<{ ok: boolean; ms: number; mode: string; state?: string; error?: string }> = [];
  const tR = performance.now();
  const started = await timed(owner.client, 'index_control', { action: 'reindex' });
  if (started.error) { log(`reindex failed to start: ${started.error}`); return 1; }
  const searcher = async (c: Client) => {
    for (let n = 0; reindexing; n++) {
      const mode = modes[n % 2];
      const r = await timed(c, 'search_codebase', { ...query, mode });
      const sc = r.result?.structuredContent as { hits?: Array<{ path: string }>; index?: { state?: string } } | undefined;
      const ok = !r.error && Boolean(sc?.hits?.some((h) => h.path === probe.file));
      if (reindexing) during.push({ ok, ms: r.ms, mode, state: sc?.index?.state, error: r.error ?? (ok ? undefined : `hits: ${sc?.hits?.map((h) => h.path).join(', ')}`) });
    }
  };
  const watcher = async () => {
    while (performance.now() - tR < 150_000) {
      const s = await timed(owner.client, 'index_control', { action: 'status' });
      const state = (s.result?.structuredContent as { state?: string } | undefined)?.state;
      if (state && state !== 'ready') sawIndexing = true;
      if (state === 'ready' && (sawIndexing || performance.now() - tR > 5_000)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    reindexing = false;
  };
  await Promise.all([watcher(), ...bridges.map((b) => searcher(b.client))]);
  const reindexMs = performance.now() - tR;
  const final = await timed(owner.client, 'search_codebase', query);
  const finalOk = Boolean((final.result?.structuredContent as { hits?: Array<{ path: string }> } | undefined)?.hits?.some((h) => h.path === probe.file));
  const wrong = during.filter((d) => !d.ok);
  log(`phase 2: reindex ${(reindexMs / 1000).toFixed(1)} s (saw indexing state: ${sawIndexing}), ${during.length} searches during it, ${wrong.length} wrong; after: ${finalOk ? 'ok' : 'WRONG'}`);
  for (const w of wrong.slice(0, 5)) log(`  wrong (${w.mode}, state ${w.state}): ${w.error}`);
  mem.stop();

  for (const b of bridges) await b.client.close().catch(() => undefined);
  await owner.client.close().catch(() => undefined);
  clearTimeout(guard);

  const stats = (cs: Call[]) => {
    const ms = cs.map((c) => c.ms);
    return { calls: cs.length, errors: cs.filter((c) => c.error).length, p50_ms: Math.round(pct(ms, 50)), p95_ms: Math.round(pct(ms, 95)), max_ms: Math.round(Math.max(...ms)) };
  };
  const byTool = Object.fromEntries([...new Set(calls.map((c) => c.tool))].sort().map((t) => [t, stats(calls.filter((c) => c.tool === t))]));
  const report = {
    date: new Date().toISOString(),
    commit: spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO, encoding: 'utf8' }).stdout.trim(),
    machine: { cpus: os.cpus().length, node: process.version },
    model: SEMANTIC ? 'shipped (hybrid)' : 'none (keyword only)',
    fixture: { files: files.length, index_seconds: +(indexMs / 1000).toFixed(1) },
    clients: CLIENTS, bridged_via_owner: bridged,
    phase1: { wall_seconds: +(wallMs / 1000).toFixed(2), throughput_per_s: +(CALLS / (wallMs / 1000)).toFixed(1), overall: stats(calls), by_tool: byTool,
      error_samples: errors.slice(0, 5).map((e) => ({ tool: e.tool, error: e.error })) },
    reindex: { probe: probe.name, probe_file: probe.file, seconds: +(reindexMs / 1000).toFixed(1), saw_indexing_state: sawIndexing,
      searches_during: during.length, searches_answered_while_indexing: during.filter((d) => d.state === 'indexing').length, wrong: wrong.length, states_seen: [...new Set(during.map((d) => d.state))],
      p50_ms: Math.round(pct(during.map((d) => d.ms), 50)), p95_ms: Math.round(pct(during.map((d) => d.ms), 95)), correct_after: finalOk,
      wrong_by_mode: Object.fromEntries(modes.map((m) => [m, `${wrong.filter((w) => w.mode === m).length}/${during.filter((d) => d.mode === m).length}`])),
      wrong_samples: wrong.slice(0, 5).map((w) => `${w.mode}, state ${w.state}: ${w.error}`) },
    memory_mb: mem.report(),
  };
  mkdirSync(path.join(__dirname, 'results'), { recursive: true });
  // One file, one entry per model setting, so a keyword run does not erase the last semantic one.
  const out = path.join(__dirname, 'results/load.json');
  let runs: Record<string, unknown> = {};
  try { runs = JSON.parse(readFileSync(out, 'utf8')).runs ?? {}; } catch { /* first run */ }
  runs[SEMANTIC ? 'semantic' : 'keyword'] = report;
  writeFileSync(out, `${JSON.stringify({ runs }, null, 2)}\n`);

  const row = (name: string, s: ReturnType<typeof stats>) => `| ${name} | ${s.calls} | ${s.errors} | ${s.p50_ms} | ${s.p95_ms} | ${s.max_ms} |`;
  console.log(`## Load: ${CALLS} concurrent MCP calls, ${CLIENTS} bridging clients → 1 owner (${files.length} files, ${report.model})\n`);
  console.log('| tool | calls | errors | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|---|');
  console.log(row('**all**', report.phase1.overall));
  for (const [t, s] of Object.entries(byTool)) console.log(row(t, s));
  console.log(`\nWall ${report.phase1.wall_seconds} s, ${report.phase1.throughput_per_s} calls/s.\n`);
  console.log('| process | peak RSS MB (VmHWM) |\n|---|---|');
  for (const m of report.memory_mb) console.log(`| ${m.label} | ${m.hwm_mb} |`);
  console.log(`\nReindex of all ${files.length} edited files: ${report.reindex.seconds} s; ${during.length} searches for \`${probe.name}\` during it (${report.reindex.searches_answered_while_indexing} answered with state "indexing"), ${wrong.length} wrong (by mode: ${JSON.stringify(report.reindex.wrong_by_mode)}); correct after: ${finalOk}.`);
  return errors.length || wrong.length || !finalOk || !during.length ? 1 : 0;
}

main().then((code) => process.exit(code), (error) => { log(`failed: ${(error as Error).stack}`); process.exit(2); });
