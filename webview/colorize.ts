/**
 * A small syntax colouriser for snippets: keywords, strings, comments and numbers,
 * with the query's matched terms marked. It is deliberately approximate (no grammar
 * per language) — enough to make a snippet readable at a glance — and produces plain
 * segments, never HTML, so file text can only ever be rendered as text.
 */

/** A coloured piece of a snippet. */
export interface Segment {
  text: string;
  /** Token class: keyword, string, comment, number, or plain text. */
  cls: 'kw' | 'str' | 'com' | 'num' | 'plain';
  /** True when the text is a matched query term. */
  match: boolean;
}

/** Keywords across the common languages; a word in this set is coloured as a keyword. */
const KEYWORDS = new Set((
  'abstract async await break case catch class const continue def default defer del delete do elif else enum export '
  + 'extends false final finally fn for from func function go if impl implements import in instanceof interface is '
  + 'lambda let loop match mod module mut namespace new nil none None not null of or and package pass private '
  + 'protected pub public raise readonly return self static struct super switch this throw throws trait true True False '
  + 'try type typeof use using var void where while with yield'
).split(' '));

/** Line-comment markers by language id; C-style `//` is the default. */
const LINE_COMMENT: Record<string, string[]> = {
  python: ['#'], ruby: ['#'], shellscript: ['#'], bash: ['#'], sh: ['#'], yaml: ['#'], toml: ['#'], r: ['#'],
  perl: ['#'], elixir: ['#'], makefile: ['#'], dockerfile: ['#'], powershell: ['#'],
  sql: ['--'], lua: ['--'], haskell: ['--'],
  markdown: [], json: [], plaintext: [],
};

/** Languages with C-style block comments. */
const NO_BLOCK_COMMENTS = new Set(['python', 'ruby', 'shellscript', 'bash', 'sh', 'yaml', 'toml', 'markdown', 'json', 'plaintext', 'r', 'makefile', 'dockerfile']);

/** Splits `text` into coloured segments for `language`. */
export function tokenize(text: string, language: string): Segment[] {
  const lineMarkers = LINE_COMMENT[language] ?? ['//'];
  const blocks = !NO_BLOCK_COMMENTS.has(language);
  const pythonic = language === 'python';
  const out: Segment[] = [];
  const push = (t: string, cls: Segment['cls']) => {
    if (!t) return;
    const last = out[out.length - 1];
    if (last && last.cls === cls) last.text += t;
    else out.push({ text: t, cls, match: false });
  };
  let i = 0;
  while (i < text.length) {
    const marker = lineMarkers.find((m) => text.startsWith(m, i));
    if (marker) {
      const end = text.indexOf('\n', i);
      const stop = end === -1 ? text.length : end;
      push(text.slice(i, stop), 'com');
      i = stop;
      continue;
    }
    if (blocks && text.startsWith('/*', i)) {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      push(text.slice(i, stop), 'com');
      i = stop;
      continue;
    }
    const c = text[i];
    const rest = text.slice(i, i + 3);
    if (pythonic && (rest === '"""' || rest === "'''")) {
      const end = text.indexOf(rest, i + 3);
      const stop = end === -1 ? text.length : end + 3;
      push(text.slice(i, stop), 'str');
      i = stop;
      continue;
    }
    if (c === '"' || c === "'" || c === '`') {
      let j = i + 1;
      while (j < text.length && text[j] !== c && !(text[j] === '\n' && c !== '`')) j += text[j] === '\\' ? 2 : 1;
      // A closed string includes its quote; an unclosed one stops before the line break.
      const stop = j < text.length && text[j] === c ? j + 1 : Math.min(j, text.length);
      push(text.slice(i, stop), 'str');
      i = stop;
      continue;
    }
    const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(i, i + 200));
    if (word) {
      push(word[0], KEYWORDS.has(word[0]) ? 'kw' : 'plain');
      i += word[0].length;
      continue;
    }
    const num = /^\d[\d_]*(\.\d+)?([eE][+-]?\d+)?|^0[xX][\da-fA-F]+/.exec(text.slice(i, i + 100));
    if (num) {
      push(num[0], 'num');
      i += num[0].length;
      continue;
    }
    push(c, 'plain');
    i += 1;
  }
  return out;
}

/** Escapes a term for use inside a RegExp. */
function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Marks every occurrence of the terms (case-insensitive) inside the segments. Matches
 * do not cross segment boundaries, which keeps colours and marks independent.
 */
export function markTerms(segments: Segment[], terms: ReadonlyArray<string>): Segment[] {
  const useful = [...new Set(terms.map((t) => t.trim()).filter((t) => t.length >= 2))].sort((a, b) => b.length - a.length).slice(0, 32);
  if (!useful.length) return segments;
  const re = new RegExp(useful.map(escapeRegExp).join('|'), 'gi');
  const out: Segment[] = [];
  for (const seg of segments) {
    let last = 0;
    for (const m of seg.text.matchAll(re)) {
      const at = m.index ?? 0;
      if (at > last) out.push({ text: seg.text.slice(last, at), cls: seg.cls, match: false });
      out.push({ text: m[0], cls: seg.cls, match: true });
      last = at + m[0].length;
    }
    if (last < seg.text.length) out.push({ text: seg.text.slice(last), cls: seg.cls, match: false });
  }
  return out;
}

/** Tokenizes and marks in one step. */
export function colorize(text: string, language: string, terms: ReadonlyArray<string>): Segment[] {
  return markTerms(tokenize(text, language), terms);
}
