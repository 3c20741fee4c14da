/**
 * One term's postings by field — field id → that field's postings — as three slots
 * instead of the `Map` MiniSearch keeps per term.
 *
 * Why: the text index has three fields (ids 0, 1, 2), and a Map holding one to three
 * entries costs about 200 bytes with its hash table. A 10,000-file index has 113k terms,
 * so those Maps were some 20 MB of the heap a keyword pass leaves, all traced by every
 * full collection. Three properties cost a few dozen bytes.
 *
 * How it stays MiniSearch's index: like `PostingList`, the class has `Map`'s interface as
 * MiniSearch 7.2 and this project use it on these objects (`get`, `set`, `has`,
 * `delete`, `size`, `keys`, `values`, `entries`, iteration, `forEach`, `clear`), with
 * Map's semantics, including deletion while iterating (MiniSearch's vacuum does it).
 * One difference: iteration is in field-id order rather than insertion order, which
 * only changes the order of a term's fields in a saved snapshot. Other ids (none in this
 * index) go to a Map of their own, after the three, so nothing is ever refused.
 */
import type { DocFreqs } from './miniSearchInternals';

export class FieldSlots {
  private f0: DocFreqs | undefined = undefined;
  private f1: DocFreqs | undefined = undefined;
  private f2: DocFreqs | undefined = undefined;
  private more: Map<number, DocFreqs> | null = null;

  get size(): number {
    return (this.f0 === undefined ? 0 : 1) + (this.f1 === undefined ? 0 : 1) + (this.f2 === undefined ? 0 : 1) + (this.more?.size ?? 0);
  }

  get(fieldId: number): DocFreqs | undefined {
    return fieldId === 0 ? this.f0 : fieldId === 1 ? this.f1 : fieldId === 2 ? this.f2 : this.more?.get(fieldId);
  }

  has(fieldId: number): boolean {
    return this.get(fieldId) !== undefined;
  }

  set(fieldId: number, postings: DocFreqs): this {
    if (fieldId === 0) this.f0 = postings;
    else if (fieldId === 1) this.f1 = postings;
    else if (fieldId === 2) this.f2 = postings;
    else (this.more ??= new Map()).set(fieldId, postings);
    return this;
  }

  delete(fieldId: number): boolean {
    const had = this.has(fieldId);
    if (fieldId === 0) this.f0 = undefined;
    else if (fieldId === 1) this.f1 = undefined;
    else if (fieldId === 2) this.f2 = undefined;
    else this.more?.delete(fieldId);
    return had;
  }

  clear(): void {
    this.f0 = this.f1 = this.f2 = undefined;
    this.more = null;
  }

  forEach(fn: (postings: DocFreqs, fieldId: number, slots: this) => void): void {
    for (const [fieldId, postings] of this.entries()) fn(postings, fieldId, this);
  }

  /** Reads each slot when it is reached, so a slot deleted during the iteration is skipped, as in a Map. */
  *entries(): IterableIterator<[number, DocFreqs]> {
    if (this.f0 !== undefined) yield [0, this.f0];
    if (this.f1 !== undefined) yield [1, this.f1];
    if (this.f2 !== undefined) yield [2, this.f2];
    if (this.more) yield* this.more.entries();
  }

  *keys(): IterableIterator<number> {
    for (const [fieldId] of this.entries()) yield fieldId;
  }

  *values(): IterableIterator<DocFreqs> {
    for (const [, postings] of this.entries()) yield postings;
  }

  [Symbol.iterator](): IterableIterator<[number, DocFreqs]> {
    return this.entries();
  }
}
