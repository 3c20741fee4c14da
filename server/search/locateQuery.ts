/**
 * Reads a task or bug description the way an engineer skims an issue: which paths it
 * names, which stack frames it shows, which identifiers it uses in code, and which
 * plain words carry the topic. `locateFiles` turns each of these into a ranking signal.
 *
 * Nothing here knows a particular repository or language: paths are recognised by
 * shape (segments with an extension), identifiers by how they are written (snake_case,
 * camelCase, a call `name(`, a backtick span, a code block), and stack frames by the
 * common formats of Python, JavaScript/TypeScript, Java/Kotlin, Go and Rust traces.
 */

/** A file position quoted in a stack trace. */
export interface TraceFrame {
  /** The path as written (may be absolute, from another machine). */
  path: string;
  line: number | null;
  /** Function or method name, when the format gives one. */
  fn: string | null;
}

/** What a description mentions, each part feeding one ranking signal. */
export interface LocateQuery {
  /** Path-like strings (`a/b/c.py`, `c.ts`), in order of first mention. */
  paths: string[];
  /** Dotted names (`pkg.mod.Class`) that may name a module path. */
  dotted: string[];
  /** Stack frames, outermost first as printed. */
  frames: TraceFrame[];
  /** Identifiers with a weight: 1 when written as code (call, backticks, code block, snake/camel case), lower in prose. */
  identifiers: Map<string, number>;
  /** Lower-cased search terms (identifier parts and topic words), stop words removed, with counts. */
  terms: Map<string, number>;
  /** True when the description is about tests (so test files are not demoted). */
  aboutTests: boolean;
}

/** English and issue-template words that carry no topic. */
const STOP = new Set((
  'a an and are as at be been but by can could did do does doing done for from had has have how i if in into is it its ' +
  'just me my no not of on or our so such than that the their them then there these they this those to too us was we were ' +
  'what when where which while who why will with would you your should shall may might must also any all some more most ' +
  'other only same very get got like use used using want wanted need needs make makes made see seems seem way thing things ' +
  'here now one two new issue bug problem expected actual result results output input example examples work works working ' +
  'instead however because still even already following case cases something think know found return returns returned ' +
  'version error errors please thanks hello hi fix fixed true false none null self cls def class import from return'
).split(/\s+/));

const TEST_WORDS = /\b(tests?|testing|pytest|unittest|jest|mocha|spec|fixture|test_\w+|\w+_test)\b/i;
const PATH_RE = /(?:[A-Za-z]:)?(?:[\w.@+-]+[\\/])*[\w@+-][\w.@+-]*\.[A-Za-z][A-Za-z0-9]{0,5}\b/g;
const FRAME_RES: Array<{ re: RegExp; path: number; line: number; fn: number | null }> = [
  // Python: File "x/y.py", line 12, in func
  { re: /File "([^"\n]+)", line (\d+)(?:, in ([\w<>.]+))?/g, path: 1, line: 2, fn: 3 },
  // JavaScript/TypeScript: at fn (path:12:3)  |  at path:12:3
  { re: /\bat (?:([\w$.<>\[\] ]+?) \()?((?:[A-Za-z]:)?[^\s():]+):(\d+):\d+\)?/g, path: 2, line: 3, fn: 1 },
  // Java/Kotlin: at pkg.Class.method(File.java:12)
  { re: /\bat ([\w$.]+)\(([\w$]+\.(?:java|kt|scala)):(\d+)\)/g, path: 2, line: 3, fn: 1 },
  // Go / Rust / generic: path.go:12 or --> src/lib.rs:12:5
  { re: /((?:[\w.-]+\/)+[\w.-]+\.(?:go|rs|c|cc|cpp|h|hpp|rb|php|cs|swift)):(\d+)/g, path: 1, line: 2, fn: null },
];

/** Words that look like file extensions but are not (version numbers, prose abbreviations). */
const NOT_EXT = /^(e|g|i|x|y|z|0|com|org|net|io|etc|eg|ie|vs)$/i;

/** Memo of identifier splits: a codebase's vocabulary is small next to its text. */
const partsMemo = new Map<string, string[]>();
const MEMO_LIMIT = 500_000;
const NO_PARTS: string[] = [];

/** Splits an identifier into lower-case parts: `parseHTTPHeader_v2` → parse, http, header, v2. */
export function identifierParts(id: string): string[] {
  // A plain lower-case word has no parts; most words are, so skip the regexes.
  if (/^[a-z]+$/.test(id)) return [id];
  const hit = partsMemo.get(id);
  if (hit) return hit;
  if (partsMemo.size >= MEMO_LIMIT) partsMemo.clear();
  const parts = splitIdentifier(id);
  partsMemo.set(id, parts.length ? parts : NO_PARTS);
  return parts;
}

function splitIdentifier(id: string): string[] {
  return id
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[^A-Za-z0-9]+/)
    .map((p) => p.toLowerCase())
    .filter((p) => p.length > 1 && !/^\d+$/.test(p));
}

/**
 * Turns text into search terms: every word and identifier, lower-cased, plus the parts
 * of compound identifiers, so `trigsimp` and `latex_printer` match however they are cut.
 * Used for both files and queries so both sides agree.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]*/g)) {
    const word = m[0];
    const lower = word.toLowerCase().replace(/^_+|_+$/g, '');
    if (lower.length > 1) out.push(lower);
    const parts = identifierParts(word);
    if (parts.length > 1) for (const p of parts) out.push(p);
  }
  return out;
}

/** True for a lower-case term worth searching for. */
export function isTopicTerm(term: string): boolean {
  return term.length > 1 && term.length <= 64 && !STOP.has(term) && !/^\d/.test(term);
}

/** True when the identifier is written like code, not like an English word. */
function looksLikeCode(id: string): boolean {
  return /_/.test(id) || /[a-z][A-Z]/.test(id) || /^[A-Z][a-z]+[A-Z]/.test(id) || /\d/.test(id);
}

/** The parts of the text that are code: fenced blocks, indented lines, backtick spans, REPL lines. */
function codeRegions(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(/```[^\n]*\n([\s\S]*?)(?:```|$)/g)) out.push(m[1]);
  for (const m of text.matchAll(/`([^`\n]+)`/g)) out.push(m[1]);
  for (const m of text.matchAll(/^(?: {4}|\t|>>> |In \[\d+\]: |\$ ).*$/gm)) out.push(m[0]);
  return out;
}

function addWeight(map: Map<string, number>, key: string, w: number): void {
  map.set(key, Math.max(map.get(key) ?? 0, w));
}

/** Normalises a quoted path: forward slashes, no `./`, no trailing punctuation. */
export function cleanPath(p: string): string {
  return p.replace(/\\/g, '/').replace(/^\.\//, '').replace(/[.,;:)]+$/, '');
}

/** Parses a description into the parts `locateFiles` ranks by. */
export function parseLocateQuery(text: string): LocateQuery {
  const frames: TraceFrame[] = [];
  for (const f of FRAME_RES) {
    for (const m of text.matchAll(f.re)) {
      frames.push({ path: cleanPath(m[f.path]), line: Number(m[f.line]) || null, fn: f.fn ? (m[f.fn] ?? null) : null });
    }
  }

  const paths: string[] = [];
  for (const m of text.matchAll(PATH_RE)) {
    const p = cleanPath(m[0]);
    const ext = p.slice(p.lastIndexOf('.') + 1);
    if (NOT_EXT.test(ext) || /^\d/.test(ext)) continue;
    // "x.y" with no slash is usually a dotted attribute access, handled as a dotted name.
    if (!p.includes('/') && !/^(py|pyi|js|jsx|ts|tsx|mjs|cjs|go|rs|java|kt|c|cc|cpp|h|hpp|rb|php|cs|swift|md|json|toml|yaml|yml|cfg|ini|txt|sh)$/i.test(ext)) continue;
    if (!paths.includes(p)) paths.push(p);
  }
  for (const f of frames) if (!paths.includes(f.path)) paths.push(f.path);

  const dotted: string[] = [];
  for (const m of text.matchAll(/\b[A-Za-z_]\w*(?:\.[A-Za-z_]\w*){1,6}\b/g)) {
    if (!dotted.includes(m[0]) && !paths.some((p) => p.endsWith(m[0]))) dotted.push(m[0]);
  }

  const identifiers = new Map<string, number>();
  const code = codeRegions(text).join('\n');
  for (const m of code.matchAll(/[A-Za-z_][A-Za-z0-9_]{1,80}/g)) addWeight(identifiers, m[0], 1);
  for (const m of text.matchAll(/[A-Za-z_][A-Za-z0-9_]{1,80}/g)) {
    const id = m[0];
    const after = text[(m.index ?? 0) + id.length];
    if (looksLikeCode(id) || after === '(') addWeight(identifiers, id, 1);
    else if (!STOP.has(id.toLowerCase())) addWeight(identifiers, id, 0.3);
  }
  for (const d of dotted) for (const part of d.split('.')) addWeight(identifiers, part, 1);
  for (const f of frames) if (f.fn) addWeight(identifiers, f.fn.split('.').pop() ?? f.fn, 1);
  for (const stop of STOP) identifiers.delete(stop);

  const terms = new Map<string, number>();
  for (const t of tokenize(text)) if (isTopicTerm(t)) terms.set(t, (terms.get(t) ?? 0) + 1);

  return { paths, dotted, frames, identifiers, terms, aboutTests: TEST_WORDS.test(text) };
}
