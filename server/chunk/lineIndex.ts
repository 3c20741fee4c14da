/**
 * Line arithmetic shared by every chunking strategy. Lines are split on `\n` only (a
 * `\r` before it stays part of the line), which is how tree-sitter counts rows too, so
 * rows and line numbers agree. A final `\n` ends the last line rather than starting an
 * empty one.
 */

/** Where each line starts in the text. Rows are 0-based here; chunks are 1-based. */
export interface LineIndex {
  text: string;
  /** `starts[r]` is the offset of row r; `starts[count]` is one past the last line's text. */
  starts: number[];
  /** Number of lines. */
  count: number;
}

/** Indexes the lines of a text. */
export function indexLines(text: string): LineIndex {
  const starts = [0];
  let i = text.indexOf('\n');
  while (i >= 0) {
    starts.push(i + 1);
    i = text.indexOf('\n', i + 1);
  }
  let count = starts.length;
  if (text.length === 0) count = 0;
  else if (text.endsWith('\n')) count -= 1;
  // starts[count] must point one past the last line's end (at its `\n` when there is one).
  starts.length = count + 1;
  starts[count] = text.endsWith('\n') ? text.length : text.length + 1;
  return { text, starts, count };
}

/** The exact text of rows start..end (inclusive), without the final line break. */
export function rowsText(ix: LineIndex, start: number, end: number): string {
  return ix.text.slice(ix.starts[start], ix.starts[end + 1] - 1);
}

/** Characters in rows start..end, counting one line break per line. */
export function rowsChars(ix: LineIndex, start: number, end: number): number {
  return ix.starts[end + 1] - ix.starts[start];
}

/** True when rows start..end hold only whitespace. */
export function rowsBlank(ix: LineIndex, start: number, end: number): boolean {
  for (let i = ix.starts[start], stop = ix.starts[end + 1] - 1; i < stop; i++) {
    const ch = ix.text.charCodeAt(i);
    if (ch !== 32 && ch !== 9 && ch !== 10 && ch !== 13) return false;
  }
  return true;
}

/** True when one row holds only whitespace. */
export function rowBlank(ix: LineIndex, row: number): boolean {
  return rowsBlank(ix, row, row);
}

/**
 * The last row of a window starting at `start` that keeps within both limits (at least
 * `start` itself, so a single overlong line still forms a window), capped at `last`.
 */
export function windowEnd(ix: LineIndex, start: number, last: number, maxLines: number, maxChars: number): number {
  let end = Math.min(last, start + maxLines - 1);
  while (end > start && rowsChars(ix, start, end) > maxChars) {
    // Halve the overshoot quickly on long windows, then step line by line.
    const over = rowsChars(ix, start, end) - maxChars;
    const step = Math.max(1, Math.floor(((end - start) * over) / rowsChars(ix, start, end) / 2));
    end = Math.max(start, end - step);
  }
  return end;
}

/**
 * Cuts rows first..last into consecutive windows of at most `maxLines` rows and
 * `maxChars` characters, preferring to end a window just before a blank line in its
 * last third so paragraphs and blocks stay whole. Every row lands in exactly one window.
 */
export function lineWindows(
  ix: LineIndex, first: number, last: number, maxLines: number, maxChars: number,
): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let start = first;
  while (start <= last) {
    let end = windowEnd(ix, start, last, maxLines, maxChars);
    if (end < last) {
      const floor = start + Math.floor(((end - start) * 2) / 3);
      for (let r = end + 1; r > floor; r--) {
        if (r <= last && rowBlank(ix, r) && !rowBlank(ix, r - 1)) {
          end = r - 1;
          break;
        }
      }
    }
    out.push([start, end]);
    start = end + 1;
  }
  return out;
}
