/**
 * Merges small neighbouring segments so the index is not flooded with two-line chunks
 * (import blocks, lone constants, closing braces, blank runs), while every named
 * definition that is not a small declaration keeps a chunk of its own.
 */
import { fits, type Segment, type SizeContext } from './segments';
import { rowsBlank } from './lineIndex';

/** Loose segments may merge with each other: glue, and small declarations. */
const loose = (s: Segment, minLines: number): boolean => !s.def || (s.weak && s.end - s.start + 1 < minLines);

/** The definition a loose segment belongs to: glue carries its owner's name, a declaration its container. */
const owner = (s: Segment): string | null => (s.def ? s.container : s.symbol);

const sameLabel = (a: Segment, b: Segment): boolean =>
  a.symbol === b.symbol && a.kind === b.kind && a.container === b.container && a.def === b.def;

/**
 * Pass 1 joins runs of loose segments while the run fits the limits; pass 2 folds what
 * is still tiny (or blank) into a neighbour. Coverage is kept: only adjacent segments join.
 */
export function mergeSmall(ctx: SizeContext, segs: Segment[], minLines: number): Segment[] {
  const runs: Segment[] = [];
  for (const seg of segs) {
    const prev = runs[runs.length - 1];
    if (prev && loose(prev, minLines) && loose(seg, minLines) && owner(prev) === owner(seg) && fits(ctx, prev.start, seg.end)) {
      runs[runs.length - 1] = join(prev, seg, labelOfRun(ctx, prev, seg));
    } else {
      runs.push({ ...seg });
    }
  }
  const out: Segment[] = [];
  for (let i = 0; i < runs.length; i++) {
    const seg = runs[i];
    const size = seg.end - seg.start + 1;
    const blank = size <= minLines * 4 && rowsBlank(ctx.lines, seg.start, seg.end);
    const tiny = loose(seg, minLines) && size < minLines && !seg.header;
    if (!blank && !tiny) {
      out.push(seg);
      continue;
    }
    const prev = out[out.length - 1];
    const next = runs[i + 1];
    if (prev && (blank || fits(ctx, prev.start, seg.end))) {
      out[out.length - 1] = join(prev, seg, named(prev, seg));
    } else if (next && (blank || fits(ctx, seg.start, next.end))) {
      runs[i + 1] = join(seg, next, named(next, seg));
    } else {
      out.push(seg);
    }
  }
  return out;
}

/**
 * The label of two loose segments joined: kept when they agree; otherwise the glue's
 * (its owner, the enclosing definition or nothing), since no one name describes both.
 */
function labelOfRun(ctx: SizeContext, a: Segment, b: Segment): Segment {
  if (sameLabel(a, b)) return a;
  // Blank rows say nothing, so the other side names the run.
  if (!b.def && rowsBlank(ctx.lines, b.start, b.end)) return a;
  if (!a.def && rowsBlank(ctx.lines, a.start, a.end)) return b;
  // Glue carries its owner's name (a split class's header carries the class): prefer a named one.
  const glue = [a, b].filter((s) => !s.def).sort((x, y) => Number(y.symbol !== null) - Number(x.symbol !== null))[0];
  if (glue) return { ...glue, def: false, weak: false };
  return { ...a, symbol: null, kind: null, def: false, weak: false };
}

/** The absorbing segment's label, unless it has no name and the absorbed one has. */
function named(absorber: Segment, absorbed: Segment): Segment {
  return absorber.symbol === null && absorbed.symbol !== null ? absorbed : absorber;
}

function join(a: Segment, b: Segment, label: Segment): Segment {
  return {
    start: a.start,
    end: b.end,
    symbol: label.symbol,
    kind: label.kind,
    container: label.container,
    def: label.def,
    weak: label.weak,
    nodes: a.nodes.concat(b.nodes),
    body: null,
    header: a.header,
  };
}
