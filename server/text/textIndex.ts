/**
 * Full-text (BM25) index over chunks, built on MiniSearch with the code-aware
 * tokenizer. Three fields: the chunk's text, its symbol (name and container) and its
 * path, so a query word that names a definition or a file outranks a passing mention.
 */
import MiniSearch, { type AsPlainObject, type Options, type SearchResult as MsResult } from 'minisearch';
import { Bm25Scorer, type Bm25Setup } from './bm25TopK';
import { FieldSlots } from './fieldSlots';
import { indexJsonBytes, publicJsonBytes } from './indexJson';
import { PostingList } from './postingList';
import { miniSearchInternals, type FieldPostings, type MiniSearchInternals } from './miniSearchInternals';
import { runsEnd, runsText, type TermTable } from './termCodes';
import { cappedTerms, DEFAULT_TOKENIZE_OPTIONS, detach, tokenize, tokenizePath, type TokenizeOptions } from './tokenizer';

/** The fields of one indexed chunk. */
export interface TextDoc {
  id: number;
  text: string;
  /** The text's terms already tokenized (space-joined), when a worker did it; else `text` is tokenized here. */
  terms?: string;
  /** Likewise for `symbol` and `path`. */
  symbolTerms?: string;
  pathTerms?: string;
  /** Symbol name plus container, e.g. "parseArgs Parser". */
  symbol: string;
  path: string;
}

/** One keyword hit. */
export interface TextHit {
  id: number;
  score: number;
  /** Query terms (as tokenized) that matched. */
  terms: string[];
  /** True when a term matched the symbol field. */
  symbol: boolean;
  /** True when a term matched the path field. */
  path: boolean;
}

/** Ranking knobs; defaults tuned on the CoSQA development split. */
export interface TextRanking {
  boostSymbol: number;
  boostPath: number;
  k1: number;
  b: number;
}

/** Defaults for `TextRanking`. */
export const DEFAULT_TEXT_RANKING: TextRanking = { boostSymbol: 1, boostPath: 1.5, k1: 1.2, b: 0.75 };

const PRETOKENIZED = '\u0001';
const PRETOKENIZED_CODE = 1;

/** Bumped whenever tokenization or fields change, so persisted indexes are rebuilt. */
export const TEXT_INDEX_VERSION = 2;

const newFieldMap = (): FieldPostings => new FieldSlots();

/** A BM25 index of chunks keyed by numeric chunk id. */
export class TextIndex {
  private ms: MiniSearch<TextDoc>;
  private readonly scorer = new Bm25Scorer();
  /**
   * Each term's postings object in MiniSearch's term tree, by term. The tree finds a
   * term by scanning the children of every node on its path, which was half of the
   * indexing thread's time on a cold pass of 10,000 files (5.7 s of adding documents,
   * 3.0 s with this map; 113k distinct terms). The objects are the tree's own, so this
   * is only a faster way to reach them; it is valid while the tree only grows, and is
   * emptied whenever terms can leave it (vacuum) or the tree is replaced (load).
   */
  private readonly termData = new Map<string, FieldPostings>();
  private termDataOf: unknown = null;
  /** Counts the times `termData` was emptied; worker term tables (termCodes.ts) cache the same objects and check it. */
  private termGeneration = 0;

  constructor(
    private readonly tokenizeOptions: TokenizeOptions = DEFAULT_TOKENIZE_OPTIONS,
    private readonly ranking: TextRanking = DEFAULT_TEXT_RANKING,
    serialized?: AsPlainObject,
  ) {
    const options = this.options();
    this.ms = serialized ? loadCompact(serialized, options) : new MiniSearch<TextDoc>(options);
  }

  private options() {
    const opts = this.tokenizeOptions;
    return {
      fields: ['text', 'symbol', 'path'],
      idField: 'id',
      // Terms are final when tokenize returns them (lower-cased, split, stemmed).
      processTerm: (term: string) => term || null,
      // Pre-tokenized text arrives marked, so the main thread only splits it.
      extractField: (doc: TextDoc, field: string) => {
        const pre = field === 'text' ? doc.terms : field === 'symbol' ? doc.symbolTerms : field === 'path' ? doc.pathTerms : undefined;
        return pre !== undefined ? PRETOKENIZED + pre : (doc as unknown as Record<string, string>)[field];
      },
      tokenize: (text: string, field?: string) => {
        if (text.charCodeAt(0) === PRETOKENIZED_CODE) return text.length > 1 ? text.slice(1).split(' ') : [];
        if (field === 'path') return tokenizePath(text, opts);
        return field === 'text' ? cappedTerms(text, opts) : tokenize(text, opts);
      },
      // MiniSearch's background vacuum walks the term tree across timer gaps; an index
      // pass adding documents in such a gap breaks its iterator. Vacuuming is done by
      // `vacuumIfDirty` instead, synchronously, between passes.
      autoVacuum: false,
    };
  }

  /** Replaces the contents with a persisted index (from `toJSON`). */
  load(serialized: AsPlainObject): void {
    this.ms = loadCompact(serialized, this.options());
    this.forgetTermData();
  }

  /** Number of documents. */
  get size(): number {
    return this.ms.documentCount;
  }

  /**
   * Adds documents; ids must be new. Documents whose terms a worker already tokenized
   * go straight into MiniSearch's term tree (see `addPretokenized`); others through
   * `MiniSearch.add`.
   */
  addAll(docs: TextDoc[]): void {
    const ms = this.internals();
    for (const doc of docs) {
      if (ms && doc.terms !== undefined && doc.symbolTerms !== undefined && doc.pathTerms !== undefined) this.addPretokenized(ms, doc);
      else this.ms.add(doc);
    }
  }

  /**
   * What `MiniSearch.add` does for a document, with one term-tree lookup per distinct
   * term instead of one per occurrence. The worker's text terms come grouped (each
   * term's occurrences together, see `cappedTerms`), so a run of equal terms is
   * counted and stored at once; a term seen again later in the same field adds to its
   * count, as MiniSearch's would. Field lengths count distinct terms, as MiniSearch's
   * do. On the 10,000-file bench this was most of the indexing thread's time: per
   * occurrence MiniSearch hashes the term into a Set and walks the tree.
   */
  private addPretokenized(ms: MiniSearchInternals, doc: TextDoc): void {
    if (ms._idToShortId.has(doc.id)) throw new Error(`MiniSearch: duplicate ID ${doc.id}`);
    const short = ms.addDocumentId(doc.id);
    const fields: Array<[string, string]> = [['text', doc.terms!], ['symbol', doc.symbolTerms!], ['path', doc.pathTerms!]];
    for (const [name, joined] of fields) {
      const fieldId = ms._fieldIds[name];
      const tokens = joined.length > 0 ? joined.split(' ') : [];
      let distinct = 0;
      let sawEmpty = false;
      for (let i = 0; i < tokens.length; ) {
        const term = tokens[i];
        let j = i + 1;
        while (j < tokens.length && tokens[j] === term) j++;
        const n = j - i;
        i = j;
        if (!term) {
          // MiniSearch counts an empty token in the field length but indexes nothing for it.
          if (!sawEmpty) distinct++;
          sawEmpty = true;
          continue;
        }
        if (addPosting(this.postingsOf(ms, term), fieldId, short, n)) distinct++;
      }
      ms.addFieldLength(short, fieldId, ms._documentCount - 1, distinct);
    }
  }

  /**
   * Adds one chunk whose terms came from a worker as codes (see termCodes.ts): its text
   * and symbol runs at `at`, its file's path runs at `pathAt`. Returns where the next
   * chunk's runs start. The index ends up as `addAll` would leave it given the same
   * terms as strings (tested), without splitting or hashing a string per term.
   */
  addCoded(id: number, table: TermTable, data: Int32Array, at: number, pathAt: number): number {
    const symbolAt = runsEnd(data, at);
    const next = runsEnd(data, symbolAt);
    const ms = this.internals();
    if (!ms) {
      this.ms.add({ id, text: '', symbol: '', path: '', terms: runsText(table, data, at), symbolTerms: runsText(table, data, symbolAt), pathTerms: runsText(table, data, pathAt) });
      return next;
    }
    if (table.generation !== this.termGeneration) {
      table.slots = [];
      table.generation = this.termGeneration;
    }
    if (ms._idToShortId.has(id)) throw new Error(`MiniSearch: duplicate ID ${id}`);
    const short = ms.addDocumentId(id);
    this.addRuns(ms, table, data, at, short, ms._fieldIds.text);
    this.addRuns(ms, table, data, symbolAt, short, ms._fieldIds.symbol);
    this.addRuns(ms, table, data, pathAt, short, ms._fieldIds.path);
    return next;
  }

  /** One field's runs of a coded document (see `addCoded`); the counterpart of a field in `addPretokenized`. */
  private addRuns(ms: MiniSearchInternals, table: TermTable, data: Int32Array, at: number, short: number, fieldId: number): void {
    const end = runsEnd(data, at);
    let distinct = 0;
    for (let p = at + 1; p < end; p += 2) {
      const code = data[p];
      let termPostings = table.slots[code];
      if (termPostings === undefined) {
        const term = table.terms[code];
        if (term === undefined) throw new Error(`term code ${code} was never sent by its worker; the index pass will re-read this file`);
        // MiniSearch counts an empty token in the field length but indexes nothing for it.
        if (term === '') {
          distinct++;
          continue;
        }
        termPostings = table.slots[code] = this.postingsOf(ms, term);
      }
      if (addPosting(termPostings, fieldId, short, data[p + 1])) distinct++;
    }
    ms.addFieldLength(short, fieldId, ms._documentCount - 1, distinct);
  }

  /** MiniSearch's internals when usable, with `termData` emptied if the tree was replaced. */
  private internals(): MiniSearchInternals | null {
    const ms = miniSearchInternals(this.ms);
    if (ms && this.termDataOf !== ms._index) {
      this.forgetTermData();
      this.termDataOf = ms._index;
    }
    return ms;
  }

  /** A term's postings object in the tree (made if new), through `termData`. */
  private postingsOf(ms: MiniSearchInternals, term: string): FieldPostings {
    let data = this.termData.get(term);
    if (data === undefined) {
      data = ms._index.fetch(term, newFieldMap);
      this.termData.set(detach(term), data);
    }
    return data;
  }

  private forgetTermData(): void {
    this.termData.clear();
    this.termGeneration++;
  }

  /** Removes a document by id (lazily: its terms go at the next `vacuumIfDirty`). */
  remove(id: number): void {
    if (this.ms.has(id)) this.ms.discard(id);
  }

  /** Removed documents whose terms are still in the tree. */
  get dirt(): number {
    return this.ms.dirtCount;
  }

  /**
   * Drops the terms of removed documents once enough have piled up (200 documents and
   * a tenth of the index). It runs to completion before returning: with a batch size
   * larger than the index MiniSearch's vacuum never yields, so nothing can change the
   * tree while it is walked.
   */
  vacuumIfDirty(): void {
    const dirt = this.ms.dirtCount;
    // A vacuum still finishing (its last step is a microtask) would queue this one to run later, asynchronously.
    if (dirt < 200 || this.ms.dirtFactor < 0.1 || this.ms.isVacuuming) return;
    void this.ms.vacuum({ batchSize: Number.MAX_SAFE_INTEGER, batchWait: 0 });
    this.forgetTermData();
    // The vacuum only marked removed postings (see PostingList.delete); give back their space.
    const ms = miniSearchInternals(this.ms);
    if (ms) for (const [, fields] of ms._index) for (const list of fields.values()) if (list instanceof PostingList) list.compact();
  }

  /**
   * Searches with BM25 over the three fields. `accept` filters by chunk id before
   * ranking is cut to `limit`, so filters never starve the result list. Scoring is
   * MiniSearch's, done by `Bm25Scorer` without a result object per matching chunk
   * (see bm25TopK.ts); if MiniSearch's internals are not what it expects, the public
   * API answers instead.
   */
  search(query: string, limit: number, accept?: (id: number) => boolean): TextHit[] {
    const terms = tokenize(query, this.tokenizeOptions);
    if (terms.length === 0) return [];
    const internals = miniSearchInternals(this.ms);
    if (internals) {
      return this.scorer.search(internals, terms, this.bm25Setup(), limit, accept).map((d) => ({
        id: d.id, score: d.score, terms: d.terms, symbol: d.fields.has('symbol'), path: d.fields.has('path'),
      }));
    }
    return this.searchWithMiniSearch(query, limit, accept);
  }

  /** The same ranking through MiniSearch's public API (the reference the scorer is tested against). */
  searchWithMiniSearch(query: string, limit: number, accept?: (id: number) => boolean): TextHit[] {
    const terms = tokenize(query, this.tokenizeOptions);
    if (terms.length === 0) return [];
    const setup = this.bm25Setup();
    const results: MsResult[] = this.ms.search(query, {
      combineWith: 'OR',
      tokenize: (text: string) => tokenize(text, this.tokenizeOptions),
      processTerm: (term: string) => term,
      boost: Object.fromEntries(setup.fields.map((f) => [f.name, f.boost])),
      bm25: { k: setup.k, b: setup.b, d: setup.d },
      filter: accept ? (r) => accept(r.id as number) : undefined,
    });
    const out: TextHit[] = [];
    for (const r of results.slice(0, limit)) {
      let symbol = false;
      let path = false;
      for (const fields of Object.values(r.match)) {
        if (fields.includes('symbol')) symbol = true;
        if (fields.includes('path')) path = true;
      }
      out.push({ id: r.id as number, score: r.score, terms: r.terms, symbol, path });
    }
    return out;
  }

  /** Fields in scoring order with their boosts (MiniSearch treats a boost of 0 as 1), and BM25+ constants. */
  private bm25Setup(): Bm25Setup {
    const r = this.ranking;
    return {
      fields: [{ name: 'text', boost: 1 }, { name: 'symbol', boost: r.boostSymbol || 1 }, { name: 'path', boost: r.boostPath || 1 }],
      k: r.k1, b: r.b, d: 0.5,
    };
  }

  /** Ids of the chunks whose text has every one of these terms (as `tokenize` gives them). */
  idsWithTerms(terms: string[]): Set<number> {
    if (terms.length === 0) return new Set();
    const results = this.ms.search(terms.join(' '), {
      fields: ['text'],
      combineWith: 'AND',
      tokenize: (text: string) => text.split(' '),
      processTerm: (term: string) => term,
      prefix: false,
      fuzzy: false,
    });
    return new Set(results.map((r) => r.id as number));
  }

  /** Plain-object form for persistence (`new TextIndex(opts, ranking, obj)` restores it). */
  toJSON(): AsPlainObject {
    return this.ms.toJSON();
  }

  /**
   * The same content as `toJSON`, as JSON bytes in pieces: `{"rest":{…},"index":[…]}`,
   * where `rest` is every field but `index` (see indexJson.ts). If MiniSearch's internals
   * are not what it expects, MiniSearch's own `toJSON` is written instead.
   */
  jsonParts(pieceBytes?: number): Iterable<Uint8Array> {
    const ms = miniSearchInternals(this.ms);
    return ms ? indexJsonBytes(ms, pieceBytes) : publicJsonBytes(this.ms.toJSON());
  }
}

/**
 * `MiniSearch.loadJS` with each term's postings read straight into PostingLists, as the
 * index holds them when built here: going through loadJS's Maps first took a 10,000-file
 * index's load from 5.1 to 6.1 s and its peak from 656 to 749 MB. Documents, field
 * lengths and stored fields still go through loadJS. Other serialisation versions, or
 * internals not as expected, take loadJS's own path.
 */
function loadCompact(serialized: AsPlainObject, options: Options<TextDoc>): MiniSearch<TextDoc> {
  const { index, ...rest } = serialized as AsPlainObject & { index: Array<[string, Record<string, Record<string, number>>]> };
  if (serialized.serializationVersion !== 2) return MiniSearch.loadJS<TextDoc>(serialized, options);
  const ms = MiniSearch.loadJS<TextDoc>({ ...rest, index: [] } as AsPlainObject, options);
  const internals = miniSearchInternals(ms);
  if (!internals) return MiniSearch.loadJS<TextDoc>(serialized, options);
  for (const [term, data] of index) {
    const fields = new FieldSlots();
    for (const fieldId of Object.keys(data)) fields.set(parseInt(fieldId, 10), PostingList.fromObject(data[fieldId]));
    internals._index.set(term, fields);
  }
  return ms;
}

/**
 * Adds `n` occurrences of a term in field `fieldId` of document `short` to the term's
 * postings; true when the posting is new (the field's length counts distinct terms).
 */
function addPosting(termPostings: FieldPostings, fieldId: number, short: number, n: number): boolean {
  let postings = termPostings.get(fieldId);
  if (!postings) termPostings.set(fieldId, (postings = new PostingList()));
  if (postings instanceof PostingList) return postings.add(short, n);
  // A Map is there when MiniSearch made the term's postings itself (a document added through `MiniSearch.add`).
  const before = postings.get(short);
  postings.set(short, (before ?? 0) + n);
  return before === undefined;
}
