/**
 * People name the language in code-search queries ("python read csv", "sort array in
 * js"). As a text term the language name matches random comments and strings and
 * drowns the words that matter, so it is taken out of the keyword query and used as a
 * soft preference for hits in that language instead. Names that are also common
 * English or code words ("go", "c", "swift", "r") are left alone.
 */
import { tokenize } from '../text/tokenizer';

const LANGUAGE_WORDS: Record<string, string[]> = {
  python: ['python'], python3: ['python'], py: ['python'],
  javascript: ['javascript', 'typescript'], js: ['javascript', 'typescript'], node: ['javascript', 'typescript'], nodejs: ['javascript', 'typescript'],
  typescript: ['typescript', 'tsx'], ts: ['typescript', 'tsx'],
  java: ['java'], kotlin: ['kotlin'], golang: ['go'], rust: ['rust'], ruby: ['ruby'], php: ['php'],
  csharp: ['csharp'], 'c#': ['csharp'], 'c++': ['cpp'], cpp: ['cpp'], scala: ['scala'], bash: ['bash'],
};

/** A query with language names taken out, and the languages they asked for. */
export interface QueryHints {
  /** The query for keyword search (unchanged when nothing else would be left). */
  text: string;
  /** Language ids the query named; hits in them get a small boost. */
  languages: string[];
}

/** Splits language names out of a query. */
export function extractQueryHints(query: string): QueryHints {
  const languages = new Set<string>();
  const kept: string[] = [];
  for (const word of query.split(/\s+/)) {
    const key = word.toLowerCase().replace(/^[("'`]+|[)"'`,.?!:;]+$/g, '');
    const langs = LANGUAGE_WORDS[key];
    if (langs) langs.forEach((l) => languages.add(l));
    else if (word) kept.push(word);
  }
  if (languages.size === 0 || kept.length === 0) return { text: query, languages: [] };
  return { text: kept.join(' '), languages: [...languages] };
}

/** Unstemmed, nothing dropped: only the count of terms and the whole form matter here. One object, so the tokenizer's per-options cache is reused across queries. */
const WHOLE_FORM_OPTIONS = { stem: false, dropStopWords: false };

/**
 * The whole-identifier term of a query that is one compound identifier
 * (`accessTokenType`, `VIPS_META_EXIF_NAME`, `parse_args2`), else null. Such a query is a
 * name lookup: chunks that contain the name itself belong above chunks that only share
 * its parts or its meaning, whatever the vectors say. A single plain word ("parse") is
 * not a compound, so it is ranked like any other query.
 */
export function exactIdentifierTerm(query: string): string | null {
  const q = query.trim();
  if (!/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(q)) return null;
  // The tokenizer keeps the whole form as a term only for identifiers of several parts.
  const terms = tokenize(q, WHOLE_FORM_OPTIONS);
  const whole = q.toLowerCase();
  return terms.length > 1 && terms[0] === whole ? whole : null;
}

/** Score multiplier for a hit in a language the query named. */
export const LANGUAGE_HINT_BOOST = 1.15;
