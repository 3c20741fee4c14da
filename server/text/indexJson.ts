/**
 * The text index as JSON bytes for the snapshot: `{"rest":{…},"index":[…]}`, where
 * `rest` is every field of MiniSearch's `toJSON` but `index`, and the content equals
 * what `toJSON` gives (a test compares both). `toJSON` copies the whole inverted index
 * into plain objects before anything can be written, doubling the index's memory at
 * save time; this walks MiniSearch 7.2's internal maps instead.
 *
 * The postings are written as bytes, not built as strings: on the 10,000-file bench
 * they are 3.4 million `"doc":freq` pairs, and building them as text, then measuring
 * and encoding that text, was 0.9 s of a cold index's final save, with one core idle.
 */
import type { AsPlainObject } from 'minisearch';
import type { DocFreqs, MiniSearchInternals } from './miniSearchInternals';

/** Bytes per piece handed to the writer (the last piece of a run may be shorter). */
export const PIECE_BYTES = 1 << 20;

const QUOTE = 0x22;
const COMMA = 0x2c;
const COLON = 0x3a;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const ZERO = 0x30;

/** Most bytes one posting (`,"doc":freq`, each number at most 24 characters as JSON writes it) or one field header can take. */
const POSTING_ROOM = 64;

/**
 * Appends to a fixed-size buffer; `room(n)` makes sure `n` more bytes fit and, when
 * that needs a fresh buffer, returns the full one for the caller to hand out. Full
 * buffers are never written to again, so they can be written to disk while the next
 * one fills.
 */
class ByteSink {
  private buf: Buffer;
  private pos = 0;

  constructor(private readonly size: number) {
    this.buf = Buffer.allocUnsafe(size);
  }

  room(n: number): Buffer | null {
    if (this.pos + n <= this.buf.length) return null;
    const full = this.take();
    this.buf = Buffer.allocUnsafe(Math.max(this.size, n));
    return full;
  }

  /** What has been written since the last hand-out (null when nothing). */
  take(): Buffer | null {
    if (this.pos === 0) return null;
    const full = this.buf.subarray(0, this.pos);
    this.buf = this.buf.subarray(this.pos);
    this.pos = 0;
    return full;
  }

  byte(c: number): void {
    this.buf[this.pos++] = c;
  }

  /** A UTF-8 string; the caller reserved 3 bytes per UTF-16 unit. */
  text(s: string): void {
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  /** `"doc":freq,…` for every posting; the caller reserved POSTING_ROOM bytes per posting. */
  postings(freqs: DocFreqs): void {
    let first = true;
    freqs.forEach((freq: number, doc: number) => {
      if (!first) this.byte(COMMA);
      first = false;
      this.key(doc);
      this.number(freq);
    });
  }

  /** An integer object key and its colon: `"n":`. */
  key(n: number): void {
    this.byte(QUOTE);
    this.number(n);
    this.byte(QUOTE);
    this.byte(COLON);
  }

  /** A number as JSON writes it; whole non-negative ones digit by digit (doc ids, counts). */
  number(n: number): void {
    if (!(n >= 0 && n <= 0x7fffffff && n === Math.floor(n))) {
      this.text(JSON.stringify(n));
      return;
    }
    let digits = 1;
    for (let x = n; x >= 10; x = Math.floor(x / 10)) digits++;
    let p = (this.pos += digits);
    while (n >= 10) {
      const q = Math.floor(n / 10);
      this.buf[--p] = ZERO + n - q * 10;
      n = q;
    }
    this.buf[--p] = ZERO + n;
  }
}

/** The index's JSON in pieces of about `pieceBytes`, from MiniSearch's internal maps. */
export function* indexJsonBytes(ms: MiniSearchInternals, pieceBytes = PIECE_BYTES): Generator<Uint8Array> {
  yield* asBytes(restHead(ms));
  const sink = new ByteSink(pieceBytes);
  yield* mapBytes(sink, ms._documentIds);
  yield* asBytes(`,"fieldIds":${JSON.stringify(ms._fieldIds)},"fieldLength":`, sink);
  yield* mapBytes(sink, ms._fieldLength);
  yield* asBytes(`,"averageFieldLength":${JSON.stringify(ms._avgFieldLength)},"storedFields":`, sink);
  yield* mapBytes(sink, ms._storedFields);
  yield* asBytes(`,"dirtCount":${ms._dirtCount},"serializationVersion":2},"index":[`, sink);
  let firstTerm = true;
  for (const [term, fieldIndex] of ms._index) {
    // [term,{"field":{"doc":freq,…},…}]: the keys are integers and the values numbers,
    // so only the term needs JSON escaping.
    const quoted = JSON.stringify(term);
    const full = sink.room(quoted.length * 3 + POSTING_ROOM);
    if (full) yield full;
    if (!firstTerm) sink.byte(COMMA);
    firstTerm = false;
    sink.byte(OPEN_BRACKET);
    sink.text(quoted);
    sink.byte(COMMA);
    sink.byte(OPEN_BRACE);
    let firstField = true;
    for (const [fieldId, freqs] of fieldIndex) {
      // Room for the whole field at once, so its postings go out without a check each
      // (a common term's field can hold tens of thousands; the buffer grows to fit).
      const f = sink.room((freqs.size + 1) * POSTING_ROOM);
      if (f) yield f;
      if (!firstField) sink.byte(COMMA);
      firstField = false;
      sink.key(fieldId);
      sink.byte(OPEN_BRACE);
      sink.postings(freqs);
      sink.byte(CLOSE_BRACE);
    }
    const end = sink.room(2);
    if (end) yield end;
    sink.byte(CLOSE_BRACE);
    sink.byte(CLOSE_BRACKET);
  }
  yield* asBytes(']}', sink);
}

/** The same JSON through MiniSearch's public `toJSON`, for when the internals are not what `indexJsonBytes` expects. */
export function* publicJsonBytes(json: AsPlainObject): Generator<Uint8Array> {
  const { index, ...rest } = json as AsPlainObject & { index: unknown[] };
  yield Buffer.from(`{"rest":${JSON.stringify(rest)},"index":[`);
  for (let i = 0; i < index.length; i += 500) yield Buffer.from((i ? ',' : '') + index.slice(i, i + 500).map((e) => JSON.stringify(e)).join(','));
  yield Buffer.from(']}');
}

function restHead(ms: MiniSearchInternals): string {
  return `{"rest":{"documentCount":${ms._documentCount},"nextId":${ms._nextId},"documentIds":`;
}

/** A string after whatever the sink holds (handed out first, so order is kept). */
function* asBytes(s: string, sink?: ByteSink): Generator<Uint8Array> {
  const held = sink?.take();
  if (held) yield held;
  yield Buffer.from(s, 'utf8');
}

/** A Map with integer keys as a JSON object; values through JSON.stringify unless whole numbers. */
function* mapBytes(sink: ByteSink, map: Map<number, unknown>): Generator<Uint8Array> {
  let first = true;
  const open = sink.room(1);
  if (open) yield open;
  sink.byte(OPEN_BRACE);
  for (const [k, v] of map) {
    const json = typeof v === 'number' ? null : JSON.stringify(v);
    const full = sink.room(POSTING_ROOM + (json === null ? 0 : json.length * 3));
    if (full) yield full;
    if (!first) sink.byte(COMMA);
    first = false;
    sink.key(k);
    if (json === null) sink.number(v as number);
    else sink.text(json);
  }
  const close = sink.room(1);
  if (close) yield close;
  sink.byte(CLOSE_BRACE);
}
