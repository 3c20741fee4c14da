/**
 * One term's postings in one field — document short id → term frequency — stored as a
 * flat array of numbers instead of the `Map` MiniSearch puts there.
 *
 * Why: MiniSearch keeps a `Map` per term and field, and V8's hash tables cost about 60
 * bytes per entry. On the 10,000-file bench that was 210 MB of a 302 MB heap for 3.4
 * million postings, and every full collection traced them all. In an array they cost
 * 8 bytes each (plus the array's spare room).
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
 *
 * Each posting is one number, doc * 16 + freq: term frequencies are small (the text
 * field's are capped at 4), so the pair fits one array slot, 8 bytes instead of 16 as
 * two numbers. On the 10,000-file bench postings were 96 of the 222 MB of heap a
 * keyword pass leaves.
 * The low four bits hold 0-13 (the frequency), REMOVED, or BIG (the frequency is in a
 * side Map, for the rare posting above 13).
 */
const STRIDE = 16;
const MAX_INLINE = 13;
const REMOVED = 14;
const BIG = 15;

const docOf = (item: number): number => (item - (item % STRIDE)) / STRIDE;

export class PostingList {
  /** doc * STRIDE + low, docs ascending; see the file comment. A removed posting stays, marked, until `compact`. */
  private items: number[] = [];
  private live = 0;
  /** Frequencies too large (or odd) to pack, by doc. */
  private big: Map<number, number> | null = null;

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
    const a = list.items;
    let last = -1;
    for (const key of Object.keys(obj)) {
      const doc = parseInt(key, 10);
      // Integer keys come back ascending from JSON.parse; anything else goes the slow way.
      if (doc <= last) return PostingList.from(Object.entries(obj).map(([k, v]) => [parseInt(k, 10), v]));
      a.push(list.pack(doc, obj[key]));
      last = doc;
    }
    list.live = a.length;
    // Exactly as long as it is (see `compact`): the heap of the 10,000-file bench's index
    // loaded from its snapshot went from 158 to 138 MB, at no measurable cost to loading.
    list.items = a.slice();
    return list;
  }

  get size(): number {
    return this.live;
  }

  get(doc: number): number | undefined {
    const i = this.find(doc);
    return i >= 0 ? this.freqAt(i) : undefined;
  }

  has(doc: number): boolean {
    return this.get(doc) !== undefined;
  }

  set(doc: number, freq: number): this {
    const a = this.items;
    const n = a.length;
    // Postings ascend, and all of doc's possible values are at least doc * STRIDE.
    if (n === 0 || a[n - 1] < doc * STRIDE) {
      a.push(this.pack(doc, freq));
      this.live++;
      return this;
    }
    const i = this.find(doc);
    if (i >= 0) {
      const low = a[i] % STRIDE;
      if (low === REMOVED) this.live++;
      else if (low === BIG) this.big!.delete(doc);
      a[i] = this.pack(doc, freq);
    } else {
      a.splice(-i - 1, 0, this.pack(doc, freq));
      this.live++;
    }
    return this;
  }

  /**
   * Adds `n` to `doc`'s frequency (a new posting when it has none); returns whether the
   * posting is new. Indexing adds a document with the highest id so far, so this is one
   * comparison with the last posting in the common case, where `get` then `set` searched
   * the whole list for a document that could only go at its end.
   */
  add(doc: number, n: number): boolean {
    const a = this.items;
    const last = a.length - 1;
    if (last < 0 || a[last] < doc * STRIDE) {
      a.push(this.pack(doc, n));
      this.live++;
      return true;
    }
    const low = a[last] % STRIDE;
    if (low <= MAX_INLINE && a[last] - low === doc * STRIDE) {
      a[last] = this.pack(doc, low + n);
      return false;
    }
    const before = this.get(doc);
    this.set(doc, (before ?? 0) + n);
    return before === undefined;
  }

  delete(doc: number): boolean {
    const i = this.find(doc);
    if (i < 0) return false;
    const low = this.items[i] % STRIDE;
    if (low === REMOVED) return false;
    if (low === BIG) this.big!.delete(doc);
    // Marked, not spliced out: an iteration under way (MiniSearch's vacuum deletes as it
    // iterates) then skips it as a Map's would, and deleting stays O(log n).
    this.items[i] = doc * STRIDE + REMOVED;
    this.live--;
    return true;
  }

  forEach(fn: (freq: number, doc: number, list: this) => void): void {
    const a = this.items;
    for (let i = 0; i < a.length; i++) {
      const item = a[i];
      // Bit operations while the posting fits 31 bits (documents below 2^27, i.e. always in
      // practice): this loop is keyword search's innermost (bm25TopK.ts).
      const small = item <= 0x7fffffff;
      const low = small ? item & 15 : item % STRIDE;
      if (low === REMOVED) continue;
      const doc = small ? item >> 4 : (item - low) / STRIDE;
      fn(low === BIG ? this.big!.get(doc)! : low, doc, this);
    }
  }

  *entries(): IterableIterator<[number, number]> {
    const a = this.items;
    for (let i = 0; i < a.length; i++) {
      const freq = this.freqAt(i);
      if (freq !== undefined) yield [docOf(a[i]), freq];
    }
  }

  *keys(): IterableIterator<number> {
    for (const [doc] of this.entries()) yield doc;
  }

  [Symbol.iterator](): IterableIterator<[number, number]> {
    return this.entries();
  }

  /**
   * Drops removed postings' space and the array's spare room; returns whether there were
   * removed postings. Call it when no iteration over this list is under way (the text
   * index does, after a vacuum).
   *
   * An array grown by pushes keeps room for half again its length and at least 16 more
   * slots, and `filter` builds its result the same way: a one-posting list took 136
   * bytes of elements instead of 8. A copy by `slice` is exactly as long as it is. (A
   * walk over every list after a cold pass took the heap it leaves from 175 to 155 MB but
   * cost 120-220 ms on the 10,000-file bench and did not lower the peak, so it is not
   * done; a loaded index is built exactly sized, see `fromObject`.)
   */
  compact(): boolean {
    const a = this.items;
    const removed = this.live !== a.length;
    this.items = removed ? a.filter((item) => item % STRIDE !== REMOVED).slice() : a.slice();
    return removed;
  }

  /** One posting as a number; a frequency that does not fit goes to `big`. */
  private pack(doc: number, freq: number): number {
    if (!(Number.isSafeInteger(doc) && doc >= 0 && doc < 2 ** 48)) throw new RangeError(`posting for document ${doc}: document ids are whole numbers from 0 to 2^48`);
    if (Number.isInteger(freq) && freq >= 0 && freq <= MAX_INLINE) return doc * STRIDE + freq;
    (this.big ??= new Map()).set(doc, freq);
    return doc * STRIDE + BIG;
  }

  /** The frequency at position i, or undefined when that posting is removed. */
  private freqAt(i: number): number | undefined {
    const item = this.items[i];
    const low = item % STRIDE;
    if (low <= MAX_INLINE) return low;
    return low === BIG ? this.big!.get(docOf(item)) : undefined;
  }

  /** Index of `doc`'s posting, or -(insertion index) - 1. */
  private find(doc: number): number {
    const a = this.items;
    const lowest = doc * STRIDE;
    let lo = 0;
    let hi = a.length - 1;
    if (hi >= 0 && a[hi] - (a[hi] % STRIDE) === lowest) return hi;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const d = a[mid] - (a[mid] % STRIDE);
      if (d < lowest) lo = mid + 1;
      else if (d > lowest) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }
}
