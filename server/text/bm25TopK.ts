/**
 * BM25 top-k over MiniSearch's inverted index, without MiniSearch's result objects.
 *
 * `MiniSearch.search` builds a result object (score, terms, per-term field lists,
 * stored fields) for every document that shares any term with the query, then sorts
 * them all. An identifier query such as `VIPS_META_EXIF_NAME` includes `name`, which
 * occurs in a third of a large index, so most of a keyword query's time went to
 * tens of thousands of objects of which 50 are used. This walks the same postings
 * into typed arrays, keeps the best `limit` in a small heap, and builds details only
 * for those.
 *
 * The scores are MiniSearch 7.2's, added in the same order, so rankings are identical
 * (a test compares them on a real index), with one deliberate difference: documents
 * removed but not yet vacuumed are excluded from a term's document frequency up front,
 * where MiniSearch discounts them one by one as it meets them and deletes them from
 * the index as a side effect of searching.
 */
import type { DocFreqs, MiniSearchInternals } from './miniSearchInternals';

/** Fields in MiniSearch's scoring order, with their boosts, and the BM25+ constants. */
export interface Bm25Setup {
  fields: Array<{ name: string; boost: number }>;
  k: number;
  b: number;
  d: number;
}

/** One ranked document: its external id, score, matched terms, and which fields matched. */
export interface RankedDoc {
  id: number;
  score: number;
  terms: string[];
  fields: Set<string>;
}

/** Reusable per-index scratch arrays, indexed by MiniSearch's short document id. */
export class Bm25Scorer {
  private total = new Float64Array(0);
  private termScore = new Float64Array(0);
  private quality = new Uint16Array(0);
  private termStamp = new Uint32Array(0);
  private queryStamp = new Uint32Array(0);
  private stamp = 0;

  /** The best `limit` documents for `terms` (as tokenized), best first; ties keep MiniSearch's order. */
  search(ms: MiniSearchInternals, terms: string[], setup: Bm25Setup, limit: number, accept?: (id: number) => boolean): RankedDoc[] {
    this.ensure(ms._nextId);
    if (this.stamp > 0xfffffff0 - terms.length) this.resetStamps();
    const queryStamp = ++this.stamp;
    const order: number[] = [];
    const dirty = ms._dirtCount > 0;
    const n = ms._documentCount;
    const seenTerms = new Set<string>();
    for (const term of terms) {
      const data = ms._index.get(term);
      const first = !seenTerms.has(term);
      seenTerms.add(term);
      if (!data) continue;
      const termStamp = ++this.stamp;
      const termDocs: number[] = [];
      for (const field of setup.fields) {
        const fieldId = ms._fieldIds[field.name];
        const freqs = data.get(fieldId);
        if (!freqs) continue;
        const matching = dirty ? liveCount(ms, freqs) : freqs.size;
        const idf = Math.log(1 + (n - matching + 0.5) / (matching + 0.5));
        const avg = ms._avgFieldLength[fieldId];
        const { k, b, d } = setup;
        // forEach, not for…of: a PostingList's iterator is a generator, slower per posting.
        freqs.forEach((tf: number, doc: number) => {
          if (dirty && !ms._documentIds.has(doc)) return;
          const len = ms._fieldLength.get(doc)![fieldId];
          const w = field.boost * (idf * (d + (tf * (k + 1)) / (tf + k * (1 - b + (b * len) / avg))));
          if (this.termStamp[doc] !== termStamp) {
            this.termStamp[doc] = termStamp;
            this.termScore[doc] = w;
            termDocs.push(doc);
          } else this.termScore[doc] += w;
        });
      }
      for (const doc of termDocs) {
        if (this.queryStamp[doc] !== queryStamp) {
          this.queryStamp[doc] = queryStamp;
          this.total[doc] = this.termScore[doc];
          this.quality[doc] = first ? 1 : 0;
          order.push(doc);
        } else {
          this.total[doc] += this.termScore[doc];
          if (first) this.quality[doc]++;
        }
      }
    }
    const best = this.select(ms, order, limit, accept);
    return best.map((doc) => ({ id: ms._documentIds.get(doc) as number, score: this.total[doc] * Math.max(1, this.quality[doc]), ...matchDetails(ms, doc, terms, setup) }));
  }

  /** The best `limit` of `order` by final score; among equal scores the earlier in `order` wins. */
  private select(ms: MiniSearchInternals, order: number[], limit: number, accept?: (id: number) => boolean): number[] {
    // A min-heap of positions in `order`, worst at the root. Positions only increase, so
    // a candidate tying the root comes later and is worse: it enters only if strictly better.
    const heap: number[] = [];
    const score = (pos: number) => this.total[order[pos]] * Math.max(1, this.quality[order[pos]]);
    const worse = (a: number, b: number) => {
      const sa = score(a), sb = score(b);
      return sa < sb || (sa === sb && a > b);
    };
    for (let pos = 0; pos < order.length; pos++) {
      if (limit <= 0) break;
      if (heap.length === limit && !(score(pos) > score(heap[0]))) continue;
      if (accept && !accept(ms._documentIds.get(order[pos]) as number)) continue;
      if (heap.length < limit) siftUp(heap, pos, worse);
      else {
        heap[0] = pos;
        siftDown(heap, worse);
      }
    }
    heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
    return heap.map((pos) => order[pos]);
  }

  private ensure(size: number): void {
    if (this.total.length >= size) return;
    const cap = Math.max(size, Math.ceil(this.total.length * 1.5), 1024);
    this.total = new Float64Array(cap);
    this.termScore = new Float64Array(cap);
    this.quality = new Uint16Array(cap);
    this.termStamp = new Uint32Array(cap);
    this.queryStamp = new Uint32Array(cap);
    this.stamp = 0;
  }

  private resetStamps(): void {
    this.termStamp.fill(0);
    this.queryStamp.fill(0);
    this.stamp = 0;
  }
}

/** Postings of documents not yet vacuumed away. */
function liveCount(ms: MiniSearchInternals, freqs: DocFreqs): number {
  let live = 0;
  for (const doc of freqs.keys()) if (ms._documentIds.has(doc)) live++;
  return live;
}

/** Matched terms in MiniSearch's order (its result's `Object.keys(match)`) and the fields they matched. */
function matchDetails(ms: MiniSearchInternals, doc: number, terms: string[], setup: Bm25Setup): { terms: string[]; fields: Set<string> } {
  const match: Record<string, true> = {};
  const fields = new Set<string>();
  for (const term of terms) {
    const data = ms._index.get(term);
    if (!data) continue;
    for (const field of setup.fields) {
      if (data.get(ms._fieldIds[field.name])?.has(doc)) {
        match[term] = true;
        fields.add(field.name);
      }
    }
  }
  return { terms: Object.keys(match), fields };
}

function siftUp(heap: number[], item: number, worse: (a: number, b: number) => boolean): void {
  let i = heap.push(item) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (!worse(heap[i], heap[parent])) break;
    [heap[i], heap[parent]] = [heap[parent], heap[i]];
    i = parent;
  }
}

function siftDown(heap: number[], worse: (a: number, b: number) => boolean): void {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1, r = l + 1;
    let m = i;
    if (l < heap.length && worse(heap[l], heap[m])) m = l;
    if (r < heap.length && worse(heap[r], heap[m])) m = r;
    if (m === i) return;
    [heap[i], heap[m]] = [heap[m], heap[i]];
    i = m;
  }
}
