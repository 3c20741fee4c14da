/**
 * People name the language in code-search queries ("python read csv", "sort array in
 * js"). As a text term the language name matches random comments and strings and
 * drowns the words that matter, so it is taken out of the keyword query and used as a
 * soft preference for hits in that language instead. Names that are also common
 * English or code words ("go", "c", "swift", "r") are left alone.
 */

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

/** Score multiplier for a hit in a language the query named. */
export const LANGUAGE_HINT_BOOST = 1.15;
