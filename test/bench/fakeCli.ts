/**
 * A stand-in for the `conexus` CLI that follows the same command contract (index,
 * search, search --queries, status, serve) with whole-file BM25 and no model. It
 * exists so the harness itself can be exercised end to end (`npm run bench -- --cli
 * fake`) while the engine is being written, and to tell harness bugs from engine bugs.
 * It is not a baseline: the reference row is bm25.ts inside the CoSQA section.
 */
import { mkdirSync, readdirSync, readFileSync, statSync, watch, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { Bm25Index, tokenize } from './bm25';

interface Stored {
  files: Record<string, { mtimeMs: number; size: number; text: string }>;
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'index-dir': { type: 'string' }, workspace: { type: 'string' }, json: { type: 'boolean' },
    k: { type: 'string', default: '10' }, mode: { type: 'string', default: 'hybrid' }, queries: { type: 'string' },
    model: { type: 'string' }, help: { type: 'boolean' },
  },
});
const [command, ...rest] = positionals;
const indexDir = resolve(values['index-dir'] ?? '.conexus-fake-index');
const storeFile = join(indexDir, 'index.json');

function load(): Stored {
  try {
    return JSON.parse(readFileSync(storeFile, 'utf8')) as Stored;
  } catch {
    return { files: {} }; // No index yet: start empty, like a first run.
  }
}

function walk(root: string, out: string[] = []): string[] {
  for (const name of readdirSync(root, { withFileTypes: true })) {
    if (name.name === 'node_modules' || name.name.startsWith('.')) continue;
    const p = join(root, name.name);
    if (name.isDirectory()) walk(p, out);
    else if (name.isFile()) out.push(p);
  }
  return out;
}

function indexRoot(root: string, store: Stored) {
  const t0 = performance.now();
  const seen = new Set<string>();
  let changed = 0;
  for (const abs of walk(root)) {
    const rel = relative(root, abs);
    seen.add(rel);
    const st = statSync(abs);
    const old = store.files[rel];
    if (old && old.mtimeMs === st.mtimeMs && old.size === st.size) continue;
    store.files[rel] = { mtimeMs: st.mtimeMs, size: st.size, text: readFileSync(abs, 'utf8') };
    changed++;
  }
  let removed = 0;
  for (const rel of Object.keys(store.files)) if (!seen.has(rel)) { delete store.files[rel]; removed++; }
  const total = performance.now() - t0;
  const files = Object.keys(store.files).length;
  return { files, chunks: files, changedFiles: changed, removedFiles: removed, embeddedChunks: 0, skipped: {}, timings: { walk: 0, read: total, parse: 0, embed: 0, write: 0, total } };
}

function searcher(store: Stored) {
  const paths = Object.keys(store.files).sort();
  const bm = new Bm25Index(paths.map((p, id) => ({ id, text: store.files[p].text })));
  return (query: string, k: number) => bm.search(query, k).map((h) => {
    const text = store.files[paths[h.id]].text;
    return { path: paths[h.id], startLine: 1, endLine: text.split('\n').length, language: 'text', symbol: null, kind: null, container: null, score: h.score, snippet: text.slice(0, 200), matched: { terms: tokenize(query), semantic: false, symbol: false, path: false } };
  });
}

function save(store: Stored) {
  mkdirSync(indexDir, { recursive: true });
  writeFileSync(storeFile, JSON.stringify(store));
}

async function main(): Promise<number> {
  if (values.help) { process.stdout.write('fake conexus: index|search|status|serve [--index-dir D] [--model none]\n'); return 0; }
  const store = load();
  if (command === 'index') {
    const summary = indexRoot(resolve(rest[0] ?? '.'), store);
    save(store);
    process.stderr.write(`indexed ${summary.files} files\n`);
    if (values.json) process.stdout.write(JSON.stringify(summary) + '\n');
    return 0;
  }
  if (command === 'status') {
    const files = Object.keys(store.files).length;
    process.stdout.write(JSON.stringify({ files, chunks: files, skipped: {}, model: { id: null, dimension: null, semantic: false, reason: 'fake CLI' }, indexBytes: statSync(storeFile).size, lastUpdated: null }) + '\n');
    return 0;
  }
  if (command === 'search') {
    const search = searcher(store);
    const k = Number(values.k);
    const queries = values.queries ? readFileSync(values.queries, 'utf8').split('\n').filter((l) => l.trim()).map((l) => (JSON.parse(l) as { query: string }).query) : [rest.join(' ')];
    for (const q of queries) process.stdout.write(JSON.stringify({ query: q, hits: search(q, k), mode: 'keyword' }) + '\n');
    return 0;
  }
  if (command === 'serve') {
    const root = resolve(values.workspace ?? '.');
    const first = indexRoot(root, store);
    let search = searcher(store);
    process.stdout.write(JSON.stringify({ event: 'indexed', changed: [], files: first.files }) + '\n');
    let pending = new Set<string>();
    let timer: NodeJS.Timeout | null = null;
    watch(root, { recursive: true }, (_e, name) => {
      if (!name) return;
      pending.add(name.toString());
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => {
        const changed = [...pending];
        pending = new Set();
        indexRoot(root, store);
        search = searcher(store);
        process.stdout.write(JSON.stringify({ event: 'indexed', changed }) + '\n');
      }, 100);
    });
    for await (const line of createInterface({ input: process.stdin })) {
      if (!line.trim()) continue;
      const req = JSON.parse(line) as { id: number; query: string; k?: number; mode?: string };
      const t0 = performance.now();
      const hits = search(req.query, req.k ?? 10);
      process.stdout.write(JSON.stringify({ id: req.id, hits, mode: 'keyword', tookMs: performance.now() - t0 }) + '\n');
    }
    save(store);
    process.exit(0);
  }
  process.stderr.write(`fake conexus: unknown command ${command}\n`);
  return 2;
}

main().then((code) => process.exit(code));
