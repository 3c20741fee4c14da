/**
 * Files left out of the index for their content (too large, binary, minified) are
 * still found by name: a person searching "logo.png" or "bundle.min.js" learns the file
 * exists and why its text is not searchable. Secrets and unreadable files are never
 * offered. These hits carry no code, only the path and the reason.
 */
import type { SearchHit } from '../../protocol/search';
import { detectLanguage } from '../chunk/languages';
import { tokenize, tokenizePath } from '../text/tokenizer';
import type { SkipRecord } from '../walk/types';

/** Skip reasons whose files may be named in results. */
const FINDABLE = new Set(['too-large', 'binary', 'minified', 'not-text']);

/** Most skipped-file hits one query returns. */
const MAX_PATH_HITS = 5;

/**
 * Skipped files whose path matches every query term (or contains the query as typed),
 * best match first. `accept` applies the request's path and language filters.
 */
export function skippedPathHits(skipped: readonly SkipRecord[], query: string, accept: (path: string, language: string) => boolean): SearchHit[] {
  const q = query.trim().toLowerCase();
  const terms = [...new Set(tokenize(query))];
  if (!q || terms.length === 0) return [];
  const out: Array<{ hit: SearchHit; rank: number }> = [];
  for (const s of skipped) {
    if (!FINDABLE.has(s.reason)) continue;
    const lower = s.path.toLowerCase();
    const base = lower.slice(lower.lastIndexOf('/') + 1);
    const pathTerms = new Set(tokenizePath(s.path).concat(tokenize(base)));
    const contains = lower.includes(q);
    if (!contains && !terms.every((t) => pathTerms.has(t))) continue;
    const language = detectLanguage(s.path);
    if (!accept(s.path, language)) continue;
    // An exact file name beats a substring, which beats a match of all terms.
    const rank = base === q ? 3 : contains ? 2 : 1;
    out.push({
      rank,
      hit: {
        path: s.path, startLine: 1, endLine: 1, language, symbol: null, kind: null, container: null, score: 0,
        snippet: `(file not indexed: ${s.reason})`,
        matched: { terms, semantic: false, symbol: false, path: true },
      },
    });
  }
  return out.sort((a, b) => b.rank - a.rank || (a.hit.path < b.hit.path ? -1 : 1)).slice(0, MAX_PATH_HITS).map((x) => x.hit);
}
