/**
 * Markdown chunking by headings: each section (a heading and the text up to the next
 * heading of any level) is a chunk named by its heading, with the nearest enclosing
 * heading as container. Text before the first heading is a chunk of its own. Headings
 * inside fenced code blocks and front matter are text, not headings.
 */
import { lineWindows, rowsText, type LineIndex } from './lineIndex';
import type { Chunk } from './types';

const ATX = /^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;

interface Heading {
  row: number;
  level: number;
  title: string;
}

/** Finds ATX (`## Title`) and setext (`Title` over `===`) headings outside code fences. */
function findHeadings(ix: LineIndex): Heading[] {
  const out: Heading[] = [];
  let fence: string | null = null;
  let row = 0;
  const line = (r: number) => rowsText(ix, r, r);
  // Front matter (`---` … `---` on the first lines) is metadata, not a section break.
  if (ix.count > 0 && line(0).trim() === '---') {
    for (let r = 1; r < ix.count; r++) {
      if (/^(---|\.\.\.)\s*$/.test(line(r))) {
        row = r + 1;
        break;
      }
    }
  }
  let prevText = false; // previous row is paragraph text that a setext underline could name
  for (; row < ix.count; row++) {
    const text = line(row);
    const f = FENCE.exec(text);
    if (fence) {
      if (f && f[1][0] === fence[0] && f[1].length >= fence.length && text.trim() === f[1]) fence = null;
      prevText = false;
      continue;
    }
    if (f) {
      fence = f[1];
      prevText = false;
      continue;
    }
    const atx = ATX.exec(text);
    if (atx) {
      out.push({ row, level: atx[1].length, title: (atx[2] ?? '').trim() });
      prevText = false;
      continue;
    }
    const setext = SETEXT.exec(text);
    if (setext && prevText && (out.length === 0 || out[out.length - 1].row !== row - 1)) {
      out.push({ row: row - 1, level: setext[1][0] === '=' ? 1 : 2, title: line(row - 1).trim() });
      prevText = false;
      continue;
    }
    prevText = text.trim().length > 0 && !/^ {0,3}([-*+>]|\d+[.)])[ \t]/.test(text);
  }
  return out;
}

/** Chunks a markdown file by sections; sections over the limits are cut into line windows. */
export function chunkMarkdown(ix: LineIndex, maxLines: number, maxChars: number): Chunk[] {
  const headings = findHeadings(ix);
  const chunks: Chunk[] = [];
  const stack: Heading[] = [];
  const emit = (first: number, last: number, h: Heading | null) => {
    const container = stack.length > 0 ? stack[stack.length - 1].title || null : null;
    for (const [s, e] of lineWindows(ix, first, last, maxLines, maxChars)) {
      chunks.push({
        startLine: s + 1, endLine: e + 1, text: rowsText(ix, s, e),
        symbol: h ? h.title || null : null, kind: h ? 'section' : null, container: h ? container : null,
      });
    }
  };
  if (ix.count === 0) return chunks;
  const firstRow = headings.length > 0 ? headings[0].row : ix.count;
  if (firstRow > 0) emit(0, firstRow - 1, null);
  for (let i = 0; i < headings.length; i++) {
    const h = headings[i];
    const last = i + 1 < headings.length ? headings[i + 1].row - 1 : ix.count - 1;
    while (stack.length > 0 && stack[stack.length - 1].level >= h.level) stack.pop();
    emit(h.row, last, h);
    stack.push(h);
  }
  return chunks;
}
