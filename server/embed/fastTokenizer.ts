/**
 * A faster encoder for BERT-style WordPiece tokenizers, used for texts that are plain
 * printable ASCII (most code), giving exactly the ids transformers.js's tokenizer gives.
 *
 * Tokenising is most of the embedding stage's cost with a static model, and
 * transformers.js's BERT pipeline tests every character against Unicode regular
 * expressions, joins character arrays, and re-slices each word for every WordPiece
 * candidate. For ASCII the same steps collapse to one pass over char codes, and code
 * repeats its words, so each word's pieces are cached.
 *
 * It only takes over from a tokenizer.json of the shape it reproduces (an optional
 * `Replace` normaliser, `BertNormalizer` with lower-casing, `BertPreTokenizer`,
 * `WordPiece`, a `[CLS] $A [SEP]` template); any other text or shape goes to
 * transformers.js. The embedder also compares both on a fixed sample at load time and on
 * the first texts it embeds, and stops using this at the first difference.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

/** Tab, newline, carriage return and printable ASCII: everything else takes the reference path. */
const OUTSIDE_FAST_PATH = /[^\t\n\r\x20-\x7e]/;
/** Words cached before the cache starts over (a few MB). */
const WORD_CACHE_LIMIT = 100_000;

const TokenizerJson = z.object({
  added_tokens: z.array(z.object({ id: z.number(), content: z.string() })).default([]),
  normalizer: z.unknown(),
  pre_tokenizer: z.object({ type: z.literal('BertPreTokenizer') }),
  model: z.object({
    type: z.literal('WordPiece'),
    unk_token: z.string(),
    continuing_subword_prefix: z.string(),
    max_input_chars_per_word: z.number().int().positive(),
    vocab: z.record(z.string(), z.number().int()),
  }),
  post_processor: z.object({
    type: z.literal('TemplateProcessing'),
    single: z.array(z.unknown()),
    special_tokens: z.record(z.string(), z.object({ ids: z.array(z.number().int()) })),
  }),
});

const BertNormalizer = z.object({ type: z.literal('BertNormalizer'), clean_text: z.literal(true), lowercase: z.literal(true), strip_accents: z.boolean().nullable().optional() });
const Replace = z.object({ type: z.literal('Replace'), pattern: z.object({ Regex: z.string() }), content: z.string() });
const Sequence = z.object({ type: z.literal('Sequence'), normalizers: z.tuple([Replace, BertNormalizer]) });

/** Encodes text to token ids with special tokens, like transformers.js's `tokenizer.encode(text)`; null = not on the fast path. */
export interface FastEncoder {
  encode(text: string): number[] | null;
}

/** Builds a fast encoder for the tokenizer.json at `file`, or null when its shape is not one this reproduces. */
export function fastEncoderFor(file: string): FastEncoder | null {
  let json: z.infer<typeof TokenizerJson>;
  try {
    const parsed = TokenizerJson.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (!parsed.success) return null;
    json = parsed.data;
  } catch {
    return null;
  }
  let replace: { re: RegExp; content: string } | null = null;
  const seq = Sequence.safeParse(json.normalizer);
  if (seq.success) {
    try {
      replace = { re: new RegExp(seq.data.normalizers[0].pattern.Regex, 'gu'), content: seq.data.normalizers[0].content };
    } catch {
      return null;
    }
  } else if (!BertNormalizer.safeParse(json.normalizer).success) return null;
  const template = json.post_processor.single.map((p) => {
    const s = p as { SpecialToken?: { id: string }; Sequence?: { id: string } };
    return s.SpecialToken ? json.post_processor.special_tokens[s.SpecialToken.id]?.ids : s.Sequence?.id === 'A' ? 'A' : undefined;
  });
  if (template.length !== 3 || template[1] !== 'A' || !Array.isArray(template[0]) || !Array.isArray(template[2])) return null;
  const vocab = new Map(Object.entries(json.model.vocab));
  const unk = vocab.get(json.model.unk_token);
  if (unk === undefined) return null;
  return new AsciiWordPiece(vocab, unk, json.model.continuing_subword_prefix, json.model.max_input_chars_per_word, replace,
    template[0] as number[], template[2] as number[], json.added_tokens.map((t) => t.content));
}

class AsciiWordPiece implements FastEncoder {
  private cache = new Map<string, number[]>();

  constructor(
    private readonly vocab: Map<string, number>,
    private readonly unk: number,
    private readonly prefix: string,
    private readonly maxChars: number,
    private readonly replace: { re: RegExp; content: string } | null,
    private readonly head: number[],
    private readonly tail: number[],
    private readonly addedTokens: string[],
  ) {}

  encode(text: string): number[] | null {
    if (OUTSIDE_FAST_PATH.test(text)) return null;
    // Added tokens ("[SEP]" written in the text) are split out before normalising.
    if (text.includes('[') && this.addedTokens.some((t) => text.includes(t))) return null;
    const t = (this.replace ? text.replace(this.replace.re, this.replace.content) : text).toLowerCase();
    const ids = [...this.head];
    let start = -1;
    for (let i = 0; i <= t.length; i++) {
      const c = i < t.length ? t.charCodeAt(i) : 32;
      const word = (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
      if (word) {
        if (start < 0) start = i;
        continue;
      }
      if (start >= 0) {
        this.pushWord(t.slice(start, i), ids);
        start = -1;
      }
      // Every printable non-alphanumeric ASCII character is BERT punctuation: a token of its own.
      if (c > 32 && c < 127) this.pushWord(t[i], ids);
    }
    for (const id of this.tail) ids.push(id);
    return ids;
  }

  private pushWord(word: string, out: number[]): void {
    let pieces = this.cache.get(word);
    if (!pieces) {
      pieces = this.wordPiece(word);
      if (this.cache.size >= WORD_CACHE_LIMIT) this.cache.clear();
      this.cache.set(word, pieces);
    }
    for (const id of pieces) out.push(id);
  }

  /** Greedy longest-match-first; a word with any unmatched rest is one unknown token. */
  private wordPiece(word: string): number[] {
    if (word.length > this.maxChars) return [this.unk];
    const pieces: number[] = [];
    let start = 0;
    while (start < word.length) {
      let end = word.length;
      let found: number | undefined;
      while (start < end) {
        found = this.vocab.get(start > 0 ? this.prefix + word.slice(start, end) : word.slice(start, end));
        if (found !== undefined) break;
        end--;
      }
      if (found === undefined) return [this.unk];
      pieces.push(found);
      start = end;
    }
    return pieces;
  }
}

/** Texts whose tokens the load-time check compares (code and prose shapes, edge cases of each step). */
export const TOKENIZER_CHECK_SAMPLE = [
  'def read_config(path, strict=False):\n    """Reads the settings file."""\n    return {}',
  'export async function getFileName(uri: URI): Promise<string> { return HTTPServer.parseURL(uri)?.path ?? ""; }',
  'XMLHttpRequest2 fooBAR baz_qux-quux 0x1F 3.14e-10 i18n',
  '\tindented\r\nwindows  lines\n\n  trailing   ',
  'supercalifragilisticexpialidociousantidisestablishmentarianismfloccinaucinihilipilificationpneumonoultramicroscopicsilicovolcanoconiosis',
  '#include <stdio.h>\nint main(void) { printf("%d\\n", argc); }',
  '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~',
  'zzqqxxjj qwzx unknownwordpiece',
  '',
  ' ',
];
