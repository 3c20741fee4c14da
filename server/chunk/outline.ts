/**
 * The outline chunker: a fast, grammar-free approximation of syntax chunking for code,
 * used where parsing costs too much (files over the parse size limit, or bulk indexing
 * of dependencies when the caller asks for it). It reads the file's shape instead of
 * its grammar: statements start at the file's base indentation, a comment run directly
 * above a statement belongs to it, and common definition openers (`function f`,
 * `class C`, `def f`, `func f`, `fn f`, `const f = (…) =>`) name the chunk. Big
 * statements are cut where indentation is shallowest. It runs at tens of MB/s.
 *
 * It keeps the chunker's invariants (exact cover, exact text); names and calls are
 * best-effort and may miss what only a parser would see.
 */
import type { SymbolKind } from '../../protocol/search';
import { type LineIndex } from './lineIndex';
import { mergeSmall } from './merge';
import { fits, windows, type Boundaries, type Segment, type SizeContext } from './segments';

/** Definition openers, tried in order on a statement's first code line (trimmed). */
const OPENERS: Array<[RegExp, SymbolKind, boolean?]> = [
  [/^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:async\s+)?function\s*\*?\s*([A-Za-z_$][\w$]*)/, 'function'],
  [/^(?:export\s+)?(?:default\s+)?(?:declare\s+)?(?:abstract\s+)?class\s+([A-Za-z_$][\w$]*)/, 'class'],
  [/^(?:export\s+)?(?:declare\s+)?interface\s+([A-Za-z_$][\w$]*)/, 'interface'],
  [/^(?:export\s+)?(?:declare\s+)?(?:const\s+)?enum\s+([A-Za-z_$][\w$]*)/, 'enum'],
  [/^(?:export\s+)?(?:declare\s+)?(?:namespace|module)\s+([A-Za-z_$][\w$.]*)/, 'namespace'],
  [/^(?:export\s+)?(?:declare\s+)?type\s+([A-Za-z_$][\w$]*)\b[^=]*=/, 'type', true],
  [/^(?:export\s+)?(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]*)?=\s*(?:async\s+)?(?:function\b|\([^)]*\)\s*(?::[^=]*)?=>|[A-Za-z_$][\w$]*\s*=>)/, 'function'],
  [/^(?:export\s+)?const\s+([A-Za-z_$][\w$]*)/, 'constant', true],
  [/^(?:export\s+)?(?:let|var)\s+([A-Za-z_$][\w$]*)/, 'variable', true],
  [/^(?:module\.)?exports\.([A-Za-z_$][\w$]*)\s*=\s*(?:async\s+)?(?:function|\()/, 'function'],
  [/^[A-Za-z_$][\w$]*\.prototype\.([A-Za-z_$][\w$]*)\s*=/, 'method'],
  [/^(?:async\s+)?def\s+([A-Za-z_]\w*)/, 'function'],
  [/^func\s+\([^)]*\)\s*([A-Za-z_]\w*)/, 'method'],
  [/^func\s+([A-Za-z_]\w*)/, 'function'],
  [/^type\s+([A-Za-z_]\w*)\s+struct\b/, 'struct'],
  [/^type\s+([A-Za-z_]\w*)\s+interface\b/, 'interface'],
  [/^(?:pub(?:\([^)]*\))?\s+)?(?:const\s+)?(?:async\s+)?(?:unsafe\s+)?(?:extern\s+"[^"]*"\s+)?fn\s+([A-Za-z_]\w*)/, 'function'],
  [/^(?:pub(?:\([^)]*\))?\s+)?struct\s+([A-Za-z_]\w*)/, 'struct'],
  [/^(?:pub(?:\([^)]*\))?\s+)?enum\s+([A-Za-z_]\w*)/, 'enum'],
  [/^(?:pub(?:\([^)]*\))?\s+)?trait\s+([A-Za-z_]\w*)/, 'trait'],
  [/^impl(?:<[^>]*>)?\s+(?:[\w:<>, ]+\s+for\s+)?([A-Za-z_][\w:]*)/, 'impl'],
  [/^(?:pub(?:\([^)]*\))?\s+)?mod\s+([A-Za-z_]\w*)/, 'module'],
  [/^module\s+([A-Z][\w:]*)/, 'module'],
  // Shell functions: `name() {` and `function name {` (last: `main()` alone is rare elsewhere).
  [/^function\s+([A-Za-z_][\w.:-]*)\s*(?:\(\))?\s*(?:\{|$)/, 'function'],
  [/^([A-Za-z_][\w.:-]*)\s*\(\)\s*(?:\{|$)/, 'function'],
];

const COMMENT = /^(\/\/|\/\*|\*|#(?![[!])|--|"""|''')/;
/** Lines that continue the previous statement rather than start one. */
const CONTINUATION = /^([}\])]|end\b|else\b|elif\b|except\b|catch\b|finally\b|rescue\b|ensure\b|\.|\?|:|&&|\|\||\+|-(?!-)|\*)/;
// Identifiers are matched whole (lookbehind, then an atomic lookahead-and-backreference),
// so a long word that is not followed by `(` costs linear time, not quadratic.
// A name right after `function`/`def`/`fn`/`func` is being defined, not called.
const CALL = /(?<![\w$])(?<!\b(?:function\*?|def|fn|func)\s+)(?=([A-Za-z_$][\w$]*))\1\s*\(/g;
const NEW = /\bnew\s+(?=([A-Za-z_$][\w$]*))\1/g;
const KEYWORDS = new Set([
  'if', 'for', 'while', 'switch', 'catch', 'return', 'function', 'typeof', 'await', 'yield', 'new', 'delete', 'void',
  'super', 'import', 'require', 'elif', 'def', 'print', 'sizeof', 'func', 'fn', 'match', 'when', 'foreach', 'with', 'and', 'or', 'not', 'in',
]);

interface RowShape {
  indent: number; // -1 for blank rows
  first: string; // the trimmed line, cut short
}

function shapes(ix: LineIndex): RowShape[] {
  const out: RowShape[] = new Array(ix.count);
  const { text, starts } = ix;
  for (let r = 0; r < ix.count; r++) {
    let i = starts[r];
    const end = starts[r + 1] - 1;
    let indent = 0;
    for (; i < end; i++) {
      const ch = text.charCodeAt(i);
      if (ch === 32) indent++;
      else if (ch === 9) indent += 4;
      else break;
    }
    const blank = i >= end || (i === end - 1 && text.charCodeAt(i) === 13);
    out[r] = { indent: blank ? -1 : indent, first: blank ? '' : text.slice(i, Math.min(end, i + 200)) };
  }
  return out;
}

/** Chunks code by its outline. */
export function chunkOutline(ctx: SizeContext, minLines: number): Segment[] {
  const ix = ctx.lines;
  const rows = shapes(ix);
  let base = Infinity;
  for (const r of rows) if (r.indent >= 0 && r.indent < base) base = r.indent;
  // Statement starts: rows at the base indentation that do not continue the previous one.
  const starts: number[] = [];
  for (let r = 0; r < rows.length; r++) {
    const s = rows[r];
    if (s.indent === base && (starts.length === 0 || !CONTINUATION.test(s.first))) starts.push(r);
  }
  if (starts.length === 0 || starts[0] !== 0) starts.unshift(0);
  const segs: Segment[] = [];
  for (let i = 0; i < starts.length; i++) {
    const start = starts[i];
    const end = i + 1 < starts.length ? starts[i + 1] - 1 : ix.count - 1;
    const prev = segs[segs.length - 1];
    // A statement that is only comments, directly above the next, belongs to the next.
    const commentOnly = prev && !prev.def && isCommentRun(rows, prev.start, prev.end);
    const named = nameOf(rows, start, end);
    if (commentOnly && named) {
      prev.end = end;
      Object.assign(prev, named, { def: true });
      continue;
    }
    if (commentOnly && isCommentRun(rows, start, end)) {
      prev.end = end; // consecutive comment and decorator lines form one leading run
      continue;
    }
    segs.push({ start, end, symbol: null, kind: null, container: null, def: false, weak: false, nodes: [], body: null, ...named, ...(named ? { def: true } : {}) });
  }
  const cut: Segment[] = [];
  for (const seg of segs) {
    if (fits(ctx, seg.start, seg.end)) cut.push(seg);
    else cut.push(...windows(ctx, seg, indentBoundaries(rows, seg)));
  }
  return mergeSmall(ctx, cut, minLines);
}

/** Comments, decorators and attributes: lines that belong to the statement below them. */
const LEADING = /^(\/\/|\/\*|\*|#(?!!)|--|"""|'''|@)/;

function isCommentRun(rows: RowShape[], start: number, end: number): boolean {
  for (let r = start; r <= end; r++) if (rows[r].indent < 0 || !LEADING.test(rows[r].first)) return false;
  return true;
}

function nameOf(rows: RowShape[], start: number, end: number): Pick<Segment, 'symbol' | 'kind' | 'weak'> | null {
  for (let r = start; r <= Math.min(end, start + 30); r++) {
    const line = rows[r].first;
    if (rows[r].indent < 0 || COMMENT.test(line) || line.startsWith('@') || line.startsWith('#[')) continue;
    for (const [re, kind, weak] of OPENERS) {
      const m = re.exec(line);
      if (m) return { symbol: m[1], kind, weak: weak === true };
    }
    return null;
  }
  return null;
}

/** Rows inside a statement where a shallower line starts (after a blank line is better still). */
function indentBoundaries(rows: RowShape[], seg: Segment): Boundaries {
  const bounds: Boundaries = new Map();
  for (let r = seg.start + 1; r <= seg.end; r++) {
    const s = rows[r];
    if (s.indent < 0 || CONTINUATION.test(s.first)) continue;
    const afterBlank = rows[r - 1].indent < 0 ? 0 : 1;
    bounds.set(r, Math.floor(s.indent / 2) * 2 + afterBlank);
  }
  return bounds;
}

/** Call names in a chunk's text, by pattern: `name(` and `new Name`, without keywords. */
export function outlineCalls(text: string, max: number): string[] {
  const seen = new Set<string>();
  for (const re of [CALL, NEW]) {
    re.lastIndex = 0;
    for (let m = re.exec(text); m && seen.size < max; m = re.exec(text)) {
      if (!KEYWORDS.has(m[1]) && m[1].length <= 100) seen.add(m[1]);
    }
  }
  return [...seen];
}
