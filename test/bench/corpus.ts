/**
 * The speed benchmark's corpus: source files of the project's installed dependencies,
 * code nobody here wrote, so the engine cannot have been tuned to it. Selection is
 * deterministic (sorted paths, evenly strided down to the cap) so two runs on the same
 * lockfile measure the same files, and the copy lives outside any folder named
 * `node_modules` so the engine's default exclusions do not hide it.
 */
import { copyFileSync, mkdirSync, readdirSync, readFileSync, lstatSync } from 'node:fs';
import { dirname, extname, join } from 'node:path';
import { DEFAULT_EXCLUDES } from '../../server/walk/ignoreRules';
import { seededRandom } from './metrics';

/** Extensions counted as text source. */
export const SOURCE_EXTENSIONS = new Set(['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.tsx', '.jsx', '.py', '.c', '.h', '.cc', '.cpp', '.hpp', '.rs', '.go', '.java']);

/**
 * Files at or under the engine's default size cap (1 MiB): larger ones would be
 * skipped as too large, and the cap is about files the engine is meant to index.
 */
export const MAX_SELECTED_BYTES = 1024 * 1024;

/** A selected file: where it came from and its path inside the bench workspace. */
export interface CorpusFile {
  source: string;
  /** Relative, `/`-separated path inside the workspace root. */
  rel: string;
  bytes: number;
}

/** Every candidate source file under `root`, as sorted relative paths. */
function listSources(root: string): Array<{ rel: string; bytes: number }> {
  const out: Array<{ rel: string; bytes: number }> = [];
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir)) {
      const abs = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs); // Symlinks (npm .bin links) are not followed: no duplicates, no loops.
      if (st.isDirectory()) walk(abs, r);
      else if (st.isFile() && SOURCE_EXTENSIONS.has(extname(name)) && st.size > 0 && st.size <= MAX_SELECTED_BYTES) out.push({ rel: r, bytes: st.size });
    }
  };
  walk(root, '');
  return out.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
}

/**
 * Picks at most `cap` files evenly across the sorted list, so every package
 * contributes in proportion instead of the first packages alphabetically filling the cap.
 */
export function strideSample<T>(items: readonly T[], cap: number): T[] {
  if (items.length <= cap) return [...items];
  const out: T[] = [];
  for (let i = 0; i < cap; i++) out.push(items[Math.floor((i * items.length) / cap)]);
  return out;
}

/**
 * Folder names the engine leaves out by default (`dist/`, `build/`, nested
 * `node_modules/`…), taken from the engine itself so the two cannot drift apart.
 * Published packages keep much of their code in such folders; without renaming, a
 * third of the selection would silently not be indexed and the "10,000 files" would be
 * about 6,500.
 */
const EXCLUDED_DIRS = new Set(DEFAULT_EXCLUDES.filter((p) => p.endsWith('/')).map((p) => p.slice(0, -1).toLowerCase()));

/** Renames default-excluded folder segments (`dist` → `dist_`) so the engine indexes every selected file. */
export function workspacePath(rel: string): string {
  const segs = rel.split('/');
  return segs.map((seg, i) => (i < segs.length - 1 && EXCLUDED_DIRS.has(seg.toLowerCase()) ? `${seg}_` : seg)).join('/');
}

/**
 * Whether a token reads like a name a person would search for: every camelCase or
 * snake_case part has two or more letters, a vowel and no digits. This keeps
 * `readFileSync` and `max_retries` and drops base64 and hash fragments that happen to
 * mix cases (`ldGFkYXRhW10`).
 */
export function looksLikeIdentifier(tok: string): boolean {
  if (!/[a-z][A-Z]|[A-Za-z]_[A-Za-z]/.test(tok) || /\d/.test(tok)) return false;
  const parts = tok.split('_').filter(Boolean).flatMap((w) => w.replace(/([a-z])([A-Z])/g, '$1 $2').split(' '));
  return parts.length >= 2 && parts.every((p) => p.length >= 2 && /[aeiouy]/i.test(p) && !/[A-Z]{2}[a-z]/.test(p));
}

/** Selects and copies the corpus into `dest`; returns the files in selection order. */
export function buildCorpus(nodeModules: string, dest: string, cap: number): { files: CorpusFile[]; candidates: number } {
  const all = listSources(nodeModules);
  const chosen = strideSample(all, cap);
  const files = chosen.map((f) => ({ source: join(nodeModules, f.rel), rel: workspacePath(f.rel), bytes: f.bytes }));
  for (const f of files) {
    const target = join(dest, f.rel);
    mkdirSync(dirname(target), { recursive: true });
    copyFileSync(f.source, target);
  }
  return { files, candidates: all.length };
}

/** A benchmark query with the kind of thing it looks for. */
export interface SampledQuery {
  query: string;
  kind: 'identifier' | 'word' | 'two-words';
}

/**
 * Samples queries from the corpus text, deterministically (seeded): identifiers
 * (camelCase or snake_case, in 2–50 files, the "where is X used" search), plain
 * lowercase words (in 5–500 files, the "find code about X" search) and pairs of such
 * words. Document-frequency bounds keep queries that have answers but are not in
 * every file.
 */
export function sampleQueries(files: readonly CorpusFile[], root: string, counts = { identifier: 120, word: 80, twoWords: 50 }, seed = 20261125): SampledQuery[] {
  const idDf = new Map<string, number>();
  const wordDf = new Map<string, number>();
  for (const f of files) {
    const text = readFileSync(join(root, f.rel), 'utf8');
    // Minified bundles are skipped by the engine, so words only they contain have no answer to find.
    if (/\.min\./.test(f.rel) || text.length / (text.split('\n').length || 1) > 300) continue;
    const seen = new Set<string>();
    for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]{3,40}/g)) seen.add(m[0]);
    for (const tok of seen) {
      if (/^[a-z]{4,12}$/.test(tok)) wordDf.set(tok, (wordDf.get(tok) ?? 0) + 1);
      else if (tok.length >= 6 && looksLikeIdentifier(tok)) idDf.set(tok, (idDf.get(tok) ?? 0) + 1);
    }
  }
  const pick = <T>(pool: T[], n: number, rand: () => number): T[] => {
    const copy = [...pool];
    const out: T[] = [];
    while (out.length < n && copy.length > 0) out.push(copy.splice(Math.floor(rand() * copy.length), 1)[0]);
    return out;
  };
  const rand = seededRandom(seed);
  const ids = [...idDf].filter(([, df]) => df >= 2 && df <= 50).map(([t]) => t).sort();
  const words = [...wordDf].filter(([, df]) => df >= 5 && df <= 500).map(([t]) => t).sort();
  const queries: SampledQuery[] = [];
  for (const q of pick(ids, counts.identifier, rand)) queries.push({ query: q, kind: 'identifier' });
  for (const q of pick(words, counts.word, rand)) queries.push({ query: q, kind: 'word' });
  const pairWords = pick(words, counts.twoWords * 2, rand);
  for (let i = 0; i + 1 < pairWords.length; i += 2) queries.push({ query: `${pairWords[i]} ${pairWords[i + 1]}`, kind: 'two-words' });
  return queries;
}
