/**
 * A plain BM25 (Okapi, k1=1.2, b=0.75) used as the reference row of the quality
 * benchmark. It is deliberately independent of the engine's own text index so the
 * engine's keyword mode is compared with textbook BM25 over the same documents in the
 * same run: if keyword mode falls below this row, the engine's tokenizer or field
 * weighting is losing information, not the benchmark.
 */

/**
 * Simple code-aware tokenisation: split on anything that is not a letter or digit,
 * then split identifiers at case changes (`readFile` → read, file; `HTTPServer` →
 * http, server) and lowercase. Single characters are dropped: they are mostly
 * loop variables and punctuation leftovers and carry no topic.
 */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  for (const word of text.split(/[^A-Za-z0-9]+/)) {
    if (word === '') continue;
    const parts = word
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
      .split(' ');
    for (const part of parts) {
      if (part.length < 2) continue;
      out.push(part.toLowerCase());
    }
  }
  return out;
}

/** BM25 parameters. */
export interface Bm25Options {
  k1: number;
  b: number;
}

/** A scored document. */
export interface Bm25Hit {
  id: number;
  score: number;
}

/** An in-memory inverted index with BM25 scoring. */
export class Bm25Index {
  private readonly postings = new Map<string, Array<[doc: number, tf: number]>>();
  private readonly docLengths: number[] = [];
  private readonly ids: number[] = [];
  private readonly avgLength: number;

  constructor(docs: ReadonlyArray<{ id: number; text: string }>, private readonly opts: Bm25Options = { k1: 1.2, b: 0.75 }) {
    let total = 0;
    docs.forEach((doc, index) => {
      const tokens = tokenize(doc.text);
      this.ids.push(doc.id);
      this.docLengths.push(tokens.length);
      total += tokens.length;
      const tf = new Map<string, number>();
      for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
      for (const [term, count] of tf) {
        let list = this.postings.get(term);
        if (!list) this.postings.set(term, (list = []));
        list.push([index, count]);
      }
    });
    this.avgLength = docs.length === 0 ? 0 : total / docs.length;
  }

  /** Number of documents. */
  get size(): number {
    return this.ids.length;
  }

  /**
   * Robertson–Spärck Jones idf with the +1 inside the log (as Lucene does) so that
   * very common terms never get a negative weight.
   */
  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    const n = this.ids.length;
    return Math.log(1 + (n - df + 0.5) / (df + 0.5));
  }

  /** The top k documents for a query; a repeated query term counts once. Ties break by id. */
  search(query: string, k: number): Bm25Hit[] {
    const { k1, b } = this.opts;
    const scores = new Map<number, number>();
    for (const term of new Set(tokenize(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const [doc, tf] of list) {
        const norm = k1 * (1 - b + (b * this.docLengths[doc]) / (this.avgLength || 1));
        scores.set(doc, (scores.get(doc) ?? 0) + (idf * tf * (k1 + 1)) / (tf + norm));
      }
    }
    return [...scores]
      .map(([doc, score]) => ({ id: this.ids[doc], score }))
      .sort((x, y) => y.score - x.score || x.id - y.id)
      .slice(0, k);
  }
}
