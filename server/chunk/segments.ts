/**
 * Cuts a parsed file into line segments that follow its syntax.
 *
 * Invariant: the segments of a range are consecutive and cover every row of it once.
 * Definitions (with their doc comments and attributes) become their own segments;
 * the rows between them become "glue" segments labelled with the enclosing definition.
 * A segment over the size limits is cut again: at its members when it has member
 * definitions (a class becomes its methods), otherwise at statement boundaries into
 * windows that keep its name. No segment is ever dropped, however long.
 */
import type Parser from 'web-tree-sitter';
import type { SymbolKind } from '../../protocol/search';
import type { LangRules } from './defRules';
import { definitionOf } from './defRulesMore';
import { rowsChars, windowEnd, type LineIndex } from './lineIndex';

type Node = Parser.SyntaxNode;

/** Rows a segment covers (0-based, inclusive) and what it is called. */
export interface Segment {
  start: number;
  end: number;
  symbol: string | null;
  kind: SymbolKind | null;
  container: string | null;
  /** True for a definition's own segment (or a window of one); false for glue. */
  def: boolean;
  /** True for small declarations that may merge with neighbours (see DefInfo.weak). */
  weak: boolean;
  /** Syntax nodes in the segment, to find statement boundaries if it must be cut. */
  nodes: Node[];
  /** The definition's member list, when it has one. */
  body: Node | null;
  /** True for the glue that opens a definition cut into members (`class Foo {` and its doc). */
  header?: boolean;
}

/** The file's lines and the size limits: all that cutting and merging need. */
export interface SizeContext {
  lines: LineIndex;
  maxLines: number;
  maxChars: number;
}

/** Size limits plus the syntax: the language's rules and the parsed tree. */
export interface SegmentContext extends SizeContext {
  rules: LangRules;
  /** The tree's root, to look up comments that are not member nodes. */
  root: Node;
}

/** Candidate rows to cut a segment at, each with a depth: shallower is a better cut. */
export type Boundaries = Map<number, number>;

/** Kinds whose member functions are methods. */
const CLASS_LIKE = new Set<SymbolKind>(['class', 'struct', 'interface', 'trait', 'impl', 'enum']);

/** Kinds whose bodies hold statements, where small declarations are locals. */
export const isCallable = (kind: SymbolKind | null): boolean =>
  kind === 'function' || kind === 'method' || kind === 'constructor';

/** A node's first row. */
export const startRow = (n: Node): number => n.startPosition.row;
/** A node's last row, not counting a trailing line break that tree-sitter puts on the next row. */
export const endRow = (n: Node): number => {
  const e = n.endPosition;
  return e.column === 0 && e.row > n.startPosition.row ? e.row - 1 : e.row;
};

/** The node's children, with transparent wrappers (preprocessor blocks, …) opened. */
export function members(rules: LangRules, node: Node): Node[] {
  const out: Node[] = [];
  const visit = (n: Node, depth: number) => {
    for (const c of n.namedChildren) {
      if (depth < 8 && rules.transparent.has(c.type)) visit(c, depth + 1);
      else out.push(c);
    }
  };
  visit(node, 0);
  return out;
}

/** Label for glue rows: the enclosing definition's name, or nothing at top level. */
interface Owner {
  symbol: string | null;
  kind: SymbolKind | null;
  container: string | null;
}

/**
 * Segments rows first..last, given the member nodes that lie in them. `owner` labels
 * glue; definitions found get `owner.symbol` as container (or their explicit scope).
 */
export function segmentRange(
  ctx: SegmentContext, items: Node[], first: number, last: number, owner: Owner,
): Segment[] {
  const out: Segment[] = [];
  let cursor = first;
  let glueNodes: Node[] = [];
  const pushGlue = (end: number) => {
    if (end >= cursor) {
      out.push({ start: cursor, end, ...owner, def: false, weak: false, nodes: glueNodes, body: null });
    }
    glueNodes = [];
  };
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const def = definitionOf(ctx.rules, item);
    if (!def || (def.weak && isCallable(owner.kind))) {
      // Locals inside a function body are statements, not definitions.
      glueNodes.push(item);
      continue;
    }
    // Doc comments and attributes directly above (no blank line between) belong to it.
    let start = startRow(item);
    for (let j = i - 1; j >= 0 && ctx.rules.attach.has(items[j].type) && endRow(items[j]) >= start - 1; j--) {
      start = startRow(items[j]);
    }
    start = commentsAbove(ctx, Math.max(start, cursor), cursor);
    const end = Math.min(endRow(item), last);
    if (end < start) {
      // It shares its only row with what came before (e.g. minified code): stays there.
      glueNodes.push(item);
      continue;
    }
    pushGlue(start - 1);
    const kind: SymbolKind = def.kind === 'function' && owner.kind && CLASS_LIKE.has(owner.kind) ? 'method' : def.kind;
    out.push({
      start, end, symbol: def.name, kind, container: def.scope ?? owner.symbol,
      def: true, weak: def.weak === true, nodes: [item], body: def.body,
    });
    cursor = end + 1;
  }
  pushGlue(last);
  return out;
}

/**
 * Extends a definition's first row over comment lines directly above it that are not
 * among the member nodes (some grammars put a body's leading comments on the parent).
 */
function commentsAbove(ctx: SegmentContext, start: number, floor: number): number {
  const { text, starts } = ctx.lines;
  while (start - 1 >= floor) {
    const row = start - 1;
    let col = 0;
    const lineEnd = starts[row + 1] - 1;
    while (starts[row] + col < lineEnd && /[ \t]/.test(text[starts[row] + col])) col++;
    if (starts[row] + col >= lineEnd) break; // a blank line separates
    const n = ctx.root.descendantForPosition({ row, column: col });
    if (!ctx.rules.attach.has(n.type) || startRow(n) < floor) break;
    start = startRow(n);
  }
  return start;
}

/** True when a segment is within both size limits. */
export function fits(ctx: SizeContext, start: number, end: number): boolean {
  return end - start + 1 <= ctx.maxLines && rowsChars(ctx.lines, start, end) <= ctx.maxChars;
}

/** Cuts segments over the limits again, recursively, keeping row coverage exact. */
export function refine(ctx: SegmentContext, segs: Segment[], depth = 0): Segment[] {
  const out: Segment[] = [];
  for (const seg of segs) {
    if (fits(ctx, seg.start, seg.end)) {
      out.push(seg);
      continue;
    }
    const items = seg.body && depth < 12 ? members(ctx.rules, seg.body) : [];
    if (items.some((n) => { const d = definitionOf(ctx.rules, n); return d !== null && !d.weak; })) {
      const inner = segmentRange(ctx, items, seg.start, seg.end, {
        symbol: seg.symbol, kind: seg.kind, container: seg.container,
      });
      // The glue before the first member is the definition's own header: it keeps a chunk.
      if (inner.length > 0 && !inner[0].def && inner[0].start === seg.start) inner[0].header = true;
      out.push(...refine(ctx, inner, depth + 1));
    } else {
      out.push(...windows(ctx, seg));
    }
  }
  return out;
}

/**
 * Start rows of statements inside a segment, with how deep each sits: shallower
 * boundaries (top-level statements of a body) are better places to cut.
 */
function boundaries(seg: Segment): Boundaries {
  const found: Boundaries = new Map();
  let budget = 20_000; // Enough for any real function; bounds work on generated code.
  const visit = (n: Node, depth: number) => {
    if (--budget < 0) return;
    const r = startRow(n);
    if (r > seg.start && r <= seg.end && !(found.get(r)! <= depth)) found.set(r, depth);
    const e = endRow(n);
    if (e + 1 > seg.start && e + 1 <= seg.end && !(found.get(e + 1)! <= depth + 1)) found.set(e + 1, depth + 1);
    if (depth < 10 && e > r) for (const c of n.namedChildren) visit(c, depth + 1);
  };
  for (const n of seg.nodes) visit(n, 0);
  return found;
}

/**
 * Cuts one segment into consecutive windows within the limits, each keeping the
 * segment's name. A window ends before the shallowest statement boundary in its last
 * two thirds; with no boundary at all it is cut at the limit.
 */
export function windows(ctx: SizeContext, seg: Segment, bounds: Boundaries = boundaries(seg)): Segment[] {
  const rows = [...bounds.keys()].sort((a, b) => a - b);
  const out: Segment[] = [];
  let start = seg.start;
  let k = 0; // index of the first boundary row > start
  while (start <= seg.end) {
    const limit = windowEnd(ctx.lines, start, seg.end, ctx.maxLines, ctx.maxChars);
    let cut = limit + 1; // the row the next window starts at
    if (limit < seg.end) {
      while (k < rows.length && rows[k] <= start) k++;
      const floor = start + Math.floor((limit - start + 1) / 3);
      let best = -1;
      let bestDepth = Infinity;
      let latestBeforeFloor = -1;
      for (let i = k; i < rows.length && rows[i] <= limit + 1; i++) {
        const d = bounds.get(rows[i])!;
        // Past the floor: shallower wins, and among equals the later one (rows ascend).
        if (rows[i] > floor) {
          if (d <= bestDepth) { best = i; bestDepth = d; }
        } else latestBeforeFloor = i;
      }
      if (best < 0) best = latestBeforeFloor;
      if (best >= 0) cut = rows[best];
    }
    out.push({ ...seg, start, end: cut - 1 });
    start = cut;
  }
  return out;
}
