/**
 * Chooses how the embedder turns text into token ids: the model's own transformers.js
 * tokenizer, or the faster ASCII WordPiece encoder (fastTokenizer.ts) when the model's
 * tokenizer.json has a shape it reproduces and it gives the same ids on a fixed sample.
 * The first texts really embedded are compared as well; at the first difference the
 * fast encoder is dropped for good (with a warning), so a wrong id never reaches a vector
 * after that and only the compared texts, which used the reference ids, were at stake.
 */
import { join } from 'node:path';
import type { Logger } from '../engine/logger';
import { TOKENIZER_CHECK_SAMPLE, fastEncoderFor } from './fastTokenizer';

/** Text → token ids with special tokens. */
export type Encode = (text: string) => number[];

/** Texts of real input compared with the reference tokenizer before the fast path runs unchecked. */
export const SPOT_CHECKS = 256;

/** The encoder to use for a model in `folder` (null for a model from a cache or hub: reference only). */
export function checkedEncoder(folder: string | null, reference: Encode, logger: Logger): Encode {
  const fast = folder ? fastEncoderFor(join(folder, 'tokenizer.json')) : null;
  if (!fast) return reference;
  for (const text of TOKENIZER_CHECK_SAMPLE) {
    const got = fast.encode(text);
    if (got && !sameIds(got, reference(text))) {
      logger.warn(`the fast tokenizer disagrees with the model's tokenizer on ${JSON.stringify(text.slice(0, 40))}; using the model's tokenizer`);
      return reference;
    }
  }
  let checksLeft = SPOT_CHECKS;
  let active = true;
  return (text) => {
    if (!active) return reference(text);
    const got = fast.encode(text);
    if (got === null) return reference(text);
    if (checksLeft > 0) {
      checksLeft--;
      const want = reference(text);
      if (!sameIds(got, want)) {
        active = false;
        logger.warn(`the fast tokenizer disagrees with the model's tokenizer on ${JSON.stringify(text.slice(0, 40))}; using the model's tokenizer from now on`);
      }
      return want;
    }
    return got;
  };
}

function sameIds(a: number[], b: number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
