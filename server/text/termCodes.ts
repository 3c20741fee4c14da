/**
 * Search terms as numbers on their way from a parsing worker to the thread that owns
 * the text index.
 *
 * Why: workers used to send each chunk's terms as one space-joined string, which the
 * owning thread split and then looked up term by term in a Map: 5.9 million fresh
 * strings to hash on a cold pass of the 10,000-file bench, about a third of the time
 * that thread spent adding documents, on a thread that is as busy as the workers.
 * Now each worker numbers the distinct terms it meets (a term's text crosses once, with
 * the first file that uses it), a file's terms cross as numbers in one Int32Array, and
 * the owning thread keeps, per worker, the term behind each number and, once looked up,
 * its postings in the index (`TextIndex.addCoded`).
 *
 * A file's codes: the path's runs, then each chunk's text runs and symbol runs. Runs of
 * a field are a count n and n pairs (term number, occurrences), each term once, in the
 * order the text first uses it, which is the order the space-joined form listed them.
 */
import type { FieldPostings } from './miniSearchInternals';
import { detach, eachIdentifier, identifierTermList, TERM_CACHE_LIMIT } from './tokenizer';

/** One file's terms as a worker sends them. */
export interface TermCodes {
  data: Int32Array;
  /** Terms this worker numbered for the first time since its previous codes, in number order. */
  fresh: string[];
  /** The number of `fresh[0]`. */
  firstFresh: number;
  /** Set on the owning side when the codes arrive: the sending worker's table (never sent). */
  table?: TermTable;
}

/** The worker's side: numbers terms and writes runs. One per worker, for the worker's life. */
export class TermEncoder {
  private readonly ids = new Map<string, number>();
  /** Numbered but not yet sent; kept across a file that failed, so numbers stay contiguous. */
  private fresh: string[] = [];
  private out: number[] = [];
  /**
   * Each identifier's term numbers, so a chunk's text costs one lookup per identifier
   * and none per term: counting terms by string in a Map, then numbering them in another,
   * was a tenth of a parsing thread's time on the 10,000-file bench.
   */
  private readonly identifiers = new Map<string, number[]>();
  /** Occurrences per term number while a text field is counted; zero outside `textField`. */
  private counts = new Int32Array(4096);
  private readonly touched: number[] = [];

  /** Starts a file: drops runs a failed file left unsent (its fresh terms still go with the next). */
  begin(): void {
    this.out = [];
  }

  /** Writes one field's runs: each term of `counts` once, with its count cut to `cap`. */
  field(counts: Map<string, number>, cap = Number.MAX_SAFE_INTEGER): void {
    const out = this.out;
    out.push(counts.size);
    for (const [term, n] of counts) out.push(this.idOf(term), n < cap ? n : cap);
  }

  /** Writes the runs of a text's terms with the default tokenizer options: `field(termCounts(text), cap)`, faster. */
  textField(text: string, cap: number): void {
    const touched = this.touched;
    eachIdentifier(text, (raw) => {
      let ids = this.identifiers.get(raw);
      if (ids === undefined) {
        ids = identifierTermList(raw).map((t) => this.idOf(t));
        if (this.identifiers.size >= TERM_CACHE_LIMIT) this.identifiers.clear();
        // A copy: the match is a slice that would keep the whole text alive.
        this.identifiers.set(detach(raw), ids);
      }
      const counts = this.counts;
      for (const id of ids) if (counts[id]++ === 0) touched.push(id);
    });
    const out = this.out;
    const counts = this.counts;
    out.push(touched.length);
    for (const id of touched) {
      out.push(id, counts[id] < cap ? counts[id] : cap);
      counts[id] = 0;
    }
    touched.length = 0;
  }

  private idOf(term: string): number {
    let id = this.ids.get(term);
    if (id === undefined) {
      id = this.ids.size;
      this.ids.set(term, id);
      this.fresh.push(term);
      if (id >= this.counts.length) {
        const grown = new Int32Array(this.counts.length * 2);
        grown.set(this.counts);
        this.counts = grown;
      }
    }
    return id;
  }

  /** The codes written since `begin`, with the terms they numbered first. */
  take(): TermCodes {
    const codes = { data: Int32Array.from(this.out), fresh: this.fresh, firstFresh: this.ids.size - this.fresh.length };
    this.out = [];
    this.fresh = [];
    return codes;
  }
}

/** The owning side's view of one worker's numbers. */
export class TermTable {
  /** Term by number. */
  readonly terms: string[] = [];
  /** Each number's postings in the text index once looked up; valid while `generation` is the index's. */
  slots: Array<FieldPostings | undefined> = [];
  generation = -1;

  /** Learns the terms numbered in `codes` and marks the codes as this table's. Codes must arrive in the order sent. */
  learn(codes: TermCodes): void {
    if (codes.firstFresh !== this.terms.length) {
      throw new Error(`term codes arrived out of order (expected term ${this.terms.length}, got ${codes.firstFresh}); the index pass will re-read this file`);
    }
    for (const t of codes.fresh) this.terms.push(t);
    codes.table = this;
  }
}

/** Where the runs starting at `at` end. */
export function runsEnd(data: Int32Array, at: number): number {
  return at + 1 + 2 * data[at];
}

/** The runs at `at` as the space-joined terms they stand for (each term repeated its count times). */
export function runsText(table: TermTable, data: Int32Array, at: number): string {
  const out: string[] = [];
  const end = runsEnd(data, at);
  for (let p = at + 1; p < end; p += 2) for (let k = 0; k < data[p + 1]; k++) out.push(table.terms[data[p]]);
  return out.join(' ');
}
