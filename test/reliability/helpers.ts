/**
 * Shared tools of the reliability suite: temp folders that clean themselves up, a
 * recording logger, the "fingerprint" of an index (files, file hashes and the chunk
 * hashes of each file) so an index can be compared with a fresh index of the same tree,
 * an integrity check (no duplicate ids or paths), and a runner for the real CLI in a
 * child process. Engine tests elsewhere cover the happy paths; these helpers exist so
 * each reliability case can state "the index ends equal to a fresh one" in one line.
 */
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../server/engine/engine';
import type { EngineOptions } from '../../server/engine/api';
import type { Logger } from '../../server/engine/logger';

export { fixtureModelDir, writeFiles } from '../server/engine/helpers';

/** The repository root (the CLI runs from here so `--import tsx` resolves). */
export const REPO = path.resolve(__dirname, '..', '..');
/** The CLI entry point, run from source so the tests exercise the current code. */
export const CLI = path.join(REPO, 'server', 'cli', 'main.ts');

/** Temp folders made by a test; `cleanup()` removes them all (call it in `after`/`finally`). */
export class TempDirs {
  private readonly made: string[] = [];

  /** A new empty folder under the OS temp folder. */
  make(prefix = 'conexus-rel-'): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
    this.made.push(dir);
    return dir;
  }

  /** A workspace folder with these files (relative path → content). */
  workspace(files: Record<string, string | Buffer>): string {
    const dir = path.join(this.make('conexus-relws-'), 'ws');
    fs.mkdirSync(dir, { recursive: true });
    for (const [rel, content] of Object.entries(files)) {
      const p = path.join(dir, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
    }
    return dir;
  }

  cleanup(): void {
    for (const d of this.made.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  }
}

/** A logger that keeps every line, so tests can assert what was (and was not) logged. */
export class RecordingLogger implements Logger {
  readonly lines: Array<{ level: string; message: string }> = [];
  error(message: string, error?: unknown): void {
    this.lines.push({ level: 'error', message: error instanceof Error ? `${message}: ${error.message}` : message });
  }
  warn(message: string): void { this.lines.push({ level: 'warn', message }); }
  info(message: string): void { this.lines.push({ level: 'info', message }); }
  debug(message: string): void { this.lines.push({ level: 'debug', message }); }
  trace(message: string): void { this.lines.push({ level: 'trace', message }); }
  /** Lines at warn or error level. */
  get problems(): string[] {
    return this.lines.filter((l) => l.level === 'warn' || l.level === 'error').map((l) => l.message);
  }
}

/** Opens an engine with keyword search only unless `settings` says otherwise. */
export function open(roots: string[], indexDir: string, extra: Partial<EngineOptions> = {}): Promise<Engine> {
  return Engine.open({ roots, indexDir, ...extra, settings: { model: 'none', ...extra.settings } });
}

/** What an index holds, in a form two indexes can be compared by. */
export interface IndexPrint {
  /** Display path → file content hash. */
  files: Record<string, string>;
  /** Display path → the sorted chunk content hashes of the file. */
  chunks: Record<string, string[]>;
}

/** The fingerprint of an engine's index (loads the chunks). */
export function fingerprint(engine: Engine): IndexPrint {
  const files: Record<string, string> = {};
  const chunks: Record<string, string[]> = {};
  for (const f of engine.listFiles()) {
    files[f.path] = f.hash;
    chunks[f.path] = [];
  }
  for (const c of engine.allChunks()) (chunks[c.path] ??= []).push(c.hash);
  for (const list of Object.values(chunks)) list.sort();
  return { files, chunks };
}

/** The fingerprint of a fresh index of `roots` built in a throwaway folder. */
export async function freshFingerprint(roots: string[], temp: TempDirs, settings: EngineOptions['settings'] = {}): Promise<IndexPrint> {
  const engine = await open(roots, temp.make('conexus-fresh-'), { settings });
  try {
    await engine.index();
    return fingerprint(engine);
  } finally {
    await engine.close();
  }
}

/**
 * Asserts two fingerprints are equal, failing with a short list of the paths that
 * differ (missing, extra, other content) instead of a diff of thousands of hashes.
 */
export function assertSameIndex(actual: IndexPrint, expected: IndexPrint, what = 'the index'): void {
  const problems: string[] = [];
  for (const p of Object.keys(expected.files)) {
    if (!(p in actual.files)) problems.push(`missing ${JSON.stringify(p)}`);
    else if (actual.files[p] !== expected.files[p]) problems.push(`stale content ${JSON.stringify(p)}`);
    else if (JSON.stringify(actual.chunks[p]) !== JSON.stringify(expected.chunks[p])) problems.push(`other chunks ${JSON.stringify(p)}`);
  }
  for (const p of Object.keys(actual.files)) if (!(p in expected.files)) problems.push(`extra ${JSON.stringify(p)}`);
  for (const p of Object.keys(actual.chunks)) if (!(p in actual.files)) problems.push(`chunks without a file ${JSON.stringify(p)}`);
  assert.ok(problems.length === 0, `${what} differs from a fresh index (${problems.length}): ${problems.slice(0, 12).join(', ')}`);
}

/**
 * Asserts the index is internally consistent: unique file paths, unique chunk ids,
 * every chunk belongs to a catalog file, and no file holds the same chunk twice.
 */
export function assertIntegrity(engine: Engine): void {
  const files = engine.listFiles().map((f) => f.path);
  assert.equal(new Set(files).size, files.length, 'duplicate file paths in the catalog');
  const known = new Set(files);
  const ids = new Set<string>();
  const perFile = new Map<string, Set<string>>();
  for (const c of engine.allChunks()) {
    assert.ok(!ids.has(c.id), `duplicate chunk id ${c.id}`);
    ids.add(c.id);
    assert.ok(known.has(c.path), `chunk ${c.id} belongs to ${c.path}, which is not in the catalog`);
    const key = `${c.startLine}:${c.endLine}:${c.hash}`;
    const seen = perFile.get(c.path) ?? new Set<string>();
    assert.ok(!seen.has(key), `chunk ${key} stored twice for ${c.path}`);
    seen.add(key);
    perFile.set(c.path, seen);
  }
  assert.equal(engine.status().chunks, ids.size, 'status chunk count matches the chunks held');
}

/** The result of a CLI run. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Starts the CLI from source in a child process. */
export function spawnCli(args: string[], opts: SpawnOptions = {}): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'], ...opts });
}

/**
 * Bundles the CLI from the current source into `outDir` (with its index worker), for
 * tests that start it many times: a bundle starts in about half the time of the tsx
 * loader, which is what lets a hundred crash rounds fit in the test's budget. Packages
 * stay external and resolve from the repository through NODE_PATH (see `spawnBundle`).
 */
export async function buildCli(outDir: string): Promise<string> {
  const esbuild = await import('esbuild');
  await esbuild.build({
    entryPoints: { cli: CLI, indexWorker: path.join(REPO, 'server', 'engine', 'indexWorker.ts') },
    outdir: outDir, bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', logLevel: 'silent',
  });
  return path.join(outDir, 'cli.js');
}

/** Starts a CLI bundle made by `buildCli`. */
export function spawnBundle(bundle: string, args: string[], opts: SpawnOptions = {}): ChildProcess {
  const env = { ...process.env, ...opts.env, NODE_PATH: path.join(REPO, 'node_modules') };
  return spawn(process.execPath, [bundle, ...args], { cwd: REPO, stdio: ['pipe', 'pipe', 'pipe'], ...opts, env });
}

/** Collects a child's output and resolves when it exits. */
export function settle(child: ChildProcess): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Runs the CLI to completion (stdin closed at once). */
export function runCli(args: string[], opts: SpawnOptions = {}): Promise<CliRun> {
  const child = spawnCli(args, opts);
  const done = settle(child);
  child.stdin?.end();
  return done;
}

/** Resolves with the first line of `stream` that matches; rejects if the stream ends first. */
export function waitForLine(stream: NodeJS.ReadableStream, match: (line: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = '';
    const onData = (d: Buffer | string) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (match(line)) {
          stream.off('data', onData);
          stream.off('end', onEnd);
          resolve(line);
          return;
        }
      }
    };
    const onEnd = () => reject(new Error('stream ended before the expected line'));
    stream.on('data', onData);
    stream.on('end', onEnd);
  });
}

/** A small seeded PRNG (the bench's mulberry32) so a failing random run can be replayed from its seed. */
export { seededRandom as rng } from '../bench/metrics';

/** Source text for a small Python file whose function name and body words are unique to `n`. */
export function pySource(n: number, version = 0): string {
  return `def handler_${n}_v${version}(value):\n    """Handle request number ${n} in version ${version}."""\n    return value * ${n} + ${version}\n\n\nclass Widget${n}:\n    def render(self):\n        return "widget ${n} revision ${version}"\n`;
}
