/**
 * The private fields and methods of MiniSearch 7.2 that the text index uses directly:
 * to stream its inverted index to disk without copying it (`TextIndex.jsonParts`), to
 * insert worker-tokenized documents with one term lookup per distinct term
 * (`TextIndex.addAll`), and to score queries without a result object per match
 * (bm25TopK.ts). The version is pinned in package.json; tests compare each of these
 * paths with MiniSearch's own public API, and `miniSearchInternals` returns null when
 * the shape is not what they expect, so callers fall back to that API.
 */

import type { FieldSlots } from './fieldSlots';
import type { PostingList } from './postingList';

/**
 * A term's documents in one field: short id → term frequency. MiniSearch makes Maps;
 * the text index stores compact `PostingList`s with the same interface (postingList.ts).
 */
export type DocFreqs = Map<number, number> | PostingList;

/** A term's postings by field id: MiniSearch makes Maps; the text index stores `FieldSlots` (fieldSlots.ts). */
export type FieldPostings = Map<number, DocFreqs> | FieldSlots;

export interface MiniSearchInternals {
  _index: Iterable<[string, FieldPostings]> & {
    get(term: string): FieldPostings | undefined;
    fetch(term: string, make: () => FieldPostings): FieldPostings;
    set(term: string, data: FieldPostings): unknown;
  };
  _documentCount: number;
  _nextId: number;
  _documentIds: Map<number, unknown>;
  _idToShortId: Map<unknown, number>;
  _fieldIds: Record<string, number>;
  _fieldLength: Map<number, number[]>;
  _avgFieldLength: number[];
  _storedFields: Map<number, unknown>;
  _dirtCount: number;
  addDocumentId(id: unknown): number;
  addFieldLength(shortId: number, fieldId: number, count: number, length: number): void;
}

/** The internals of a MiniSearch instance, or null when they are not MiniSearch 7.2's. */
export function miniSearchInternals(ms: unknown): MiniSearchInternals | null {
  const m = ms as Partial<MiniSearchInternals>;
  const ok = m._index !== undefined && typeof m._index.get === 'function' && typeof m._index.fetch === 'function' && typeof m._index.set === 'function' &&
    m._documentIds instanceof Map && m._idToShortId instanceof Map && m._fieldLength instanceof Map &&
    m._storedFields instanceof Map && typeof m.addDocumentId === 'function' && typeof m.addFieldLength === 'function';
  return ok ? (m as MiniSearchInternals) : null;
}
