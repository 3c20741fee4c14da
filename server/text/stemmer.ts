/**
 * A light English suffix stripper for search terms. Full Porter stemming conflates too
 * much in code ("general" → "gener", "news" → "new"); search only needs plural and
 * verb-form variants to meet ("files"/"file", "sorting"/"sort", "parsed"/"parse").
 * It must be idempotent: stem(stem(w)) === stem(w), because queries and documents are
 * stemmed by the same function and a term may pass through twice.
 */

const VOWEL = /[aeiouy]/;

/** Returns the stem of a lower-case word; digits and short words are returned as is. */
export function stem(word: string): string {
  // Iterating to a fixed point makes the function idempotent ("parses" → "pars" → "par").
  let current = word;
  for (let i = 0; i < 4; i++) {
    const next = stripOnce(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

function stripOnce(word: string): string {
  if (word.length <= 3 || /[^a-z]/.test(word)) return word;
  let w = word;
  if (w.endsWith('ies') && w.length > 4) w = w.slice(0, -3) + 'y';
  else if (w.endsWith('sses')) w = w.slice(0, -2);
  else if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us') && !w.endsWith('is') && w.length > 3) w = w.slice(0, -1);

  if (w.endsWith('ing') && w.length > 5 && VOWEL.test(w.slice(0, -3))) w = undouble(w.slice(0, -3));
  else if (w.endsWith('ed') && w.length > 4 && VOWEL.test(w.slice(0, -2))) w = undouble(w.slice(0, -2));
  else if (w.endsWith('ly') && w.length > 5) w = w.slice(0, -2);

  // A trailing "e" is dropped so that "parse", "parsed" and "parsing" all meet at "pars".
  if (w.endsWith('e') && w.length > 3) w = w.slice(0, -1);
  return w;
}

/** "stopp" → "stop", "sett" → "set": undo the consonant doubling before -ing/-ed. */
function undouble(w: string): string {
  const n = w.length;
  if (n >= 3 && w[n - 1] === w[n - 2] && !/[aeiouylsz]/.test(w[n - 1])) return w.slice(0, -1);
  return w;
}
