/**
 * One term's postings in one field — document short id → term frequency — stored as a
 * flat array of number pairs instead of the `Map` MiniSearch puts there.
 *
 * Why: MiniSearch keeps a `Map` per term and field, and V8's hash tables cost about 60
 * bytes per entry. On the 10,000-file bench that was 210 MB of a 302 MB heap for 3.4
 * million postings, and every full collection traced them all. As pairs in an array
 * they cost 16 bytes each (plus the array's spare room).
 *
 * How it stays MiniSearch's index: the class has the part of `Map<number, number>`'s
 * interface that MiniSearch 7.2 and this project use on these objects (`get`, `has`,
 * `set`, `delete`, `size`, `keys`, `entries`, iteration and `forEach`, with Map's
 * semantics, including deletion while iterating), so MiniSearch's own search, removal,
 * vacuum and `toJSON` work on it unchanged, and Maps MiniSearch creates itself can sit
 * beside it. Tests run the same operations on both and compare.
 *
 * Documents are kept in ascending short-id order. MiniSearch hands out short ids in
 * increasing order, so adding a document appends; that is also the order a Map built
 * by adding documents, or by MiniSearch's `loadJS`, iterates in.
 */
const REMOVED = -1;

export class PostingList {
  /** doc, freq, doc, freq, …, docs ascending. A removed posting keeps its doc, with freq REMOVED, until `compact`. */
  private pairs: number[] = [];
  private live = 0;

  /** Postings from `[doc, freq]` entries in any order (e.g. a Map MiniSearch built). */
  static from(entries: Iterable<[number, number]>): PostingList {
    const list = new PostingList();
    const sorted = [...entries].sort((a, b) => a[0] - b[0]);
    for (const [doc, freq] of sorted) list.set(doc, freq);
    return list;
  }

  /** Postings from a JSON object `{"doc": freq, …}` (a snapshot's), without a Map in between. */
  static fromObject(obj: Record<string, number>): PostingList {
    const list = new PostingList();
    const a = list.pairs;
    for (const key of Object.keys(obj)) {
      const doc = parseInt(key, 10);
      // Integer keys come back ascending from JSON.parse; anything else goes the slow way.
      if (a.length > 0 && a[a.length - 2] >= doc) return PostingList.from(Object.entries(obj).map(([k, v]) => [parseInt(k, 10), v]));
      a.push(doc, obj[key]);
    }
    list.live = a.length >> 1;
    return list;
  }

  get size(): number {
    return this.live;
  }

  get(doc: number): number | undefined {
    const i = this.find(doc);
    return i >= 0 && this.pairs[i + 1] !== REMOVED ? this.pairs[i + 1] : undefined;
  }

  has(doc: number): boolean {
    return this.get(doc) !== undefined;
  }

  set(doc: number, freq: number): this {
    const a = this.pairs;
    const n = a.length;
    if (n === 0 || a[n - 2] < doc) {
      a.push(doc, freq);
      this.live++;
      return this;
    }
    const i = this.find(doc);
    if (i >= 0) {
      if (a[i + 1] === REMOVED) this.live++;
      a[i + 1] = freq;
    } else {
      a.splice(-i - 1, 0, doc, freq);
      this.live++;
    }
    return this;
  }

  /**
   * Adds `n` to `doc`'s frequency (a new posting when it has none); returns whether the
   * posting is new. Indexing adds a document with the highest id so far, so this is one
   * comparison with the last pair in the common case, where `get` then `set` searched
   * the whole list for a document that could only go at its end.
   */
  add(doc: number, n: number): boolean {
    const a = this.pairs;
    const last = a.length - 2;
    if (last < 0 || a[last] < doc) {
      a.push(doc, n);
      this.live++;
      return true;
    }
    if (a[last] === doc && a[last + 1] !== REMOVED) {
      a[last + 1] += n;
      return false;
    }
    const before = this.get(doc);
    this.set(doc, (before ?? 0) + n);
    return before === undefined;
  }

  delete(doc: number): boolean {
    const i = this.find(doc);
    if (i < 0 || this.pairs[i + 1] === REMOVED) return false;
    // Marked, not spliced out: an iteration under way (MiniSearch's vacuum deletes as it
    // iterates) then skips it as a Map's would, and deleting stays O(log n).
    this.pairs[i + 1] = REMOVED;
    this.live--;
    return true;
  }

  forEach(fn: (freq: number, doc: number, list: this) => void): void {
    const a = this.pairs;
    for (let i = 0; i < a.length; i += 2) if (a[i + 1] !== REMOVED) fn(a[i + 1], a[i], this);
  }

  *entries(): IterableIterator<[number, number]> {
    const a = this.pairs;
    for (let i = 0; i < a.length; i += 2) if (a[i + 1] !== REMOVED) yield [a[i], a[i + 1]];
  }

  *keys(): IterableIterator<number> {
    const a = this.pairs;
    for (let i = 0; i < a.length; i += 2) if (a[i + 1] !== REMOVED) yield a[i];
  }

  [Symbol.iterator](): IterableIterator<[number, number]> {
    return this.entries();
  }

  /** Index of `doc`'s pair in `pairs`, or -(insertion index) - 1. */
  private find(doc: number): number {
    const a = this.pairs;
    let lo = 0;
    let hi = (a.length >> 1) - 1;
    if (hi >= 0 && a[hi * 2] === doc) return hi * 2;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = a[mid * 2];
      if (d < doc) lo = mid + 1;
      else if (d > doc) hi = mid - 1;
      else return mid * 2;
    }
    return -(lo * 2) - 1;
  }

  /**
   * Drops removed postings' space; returns whether there were any. Call it when no
   * iteration over this list is under way (the text index does, after a vacuum).
   */
  compact(): boolean {
    const a = this.pairs;
    if (this.live === a.length >> 1) return false;
    const out: number[] = [];
    for (let i = 0; i < a.length; i += 2) if (a[i + 1] !== REMOVED) out.push(a[i], a[i + 1]);
    this.pairs = out;
    return true;
  }
}
