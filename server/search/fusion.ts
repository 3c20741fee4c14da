/**
 * Fusing the keyword and semantic rankings into one. Two methods, chosen and tuned on
 * the CoSQA development split (see README, "Search quality"):
 * - weighted reciprocal rank fusion: robust when the two score scales are unrelated;
 * - linear interpolation of normalised scores: keeps how far ahead a top hit is,
 *   which matters when one signal is much stronger than the other.
 * Ties are broken by id order supplied by the caller so results are stable.
 */

/** One ranked list: ids best first with their raw scores. */
export interface RankedList {
  ids: number[];
  scores: number[];
}

/** How to fuse. */
export interface FusionConfig {
  method: 'rrf' | 'linear';
  /** Weight of the keyword list (the semantic list gets 1 - keywordWeight). */
  keywordWeight: number;
  /** RRF's rank offset k (larger flattens the head). */
  rrfK: number;
}

/**
 * Defaults tuned on the CoSQA development split (MRR@10, k = 10, pool 50). With
 * conexus-code-v1 and embedding text recipe 2 (doc summaries, embedding.ts) the two
 * signals are about equally strong (keyword 0.359, semantic 0.353), and equal weights
 * do best: linear 0.4 → 0.396, 0.5 → 0.403, 0.6 → 0.394, 0.7 → 0.388; RRF and
 * z-score or max-only normalisation 0.387–0.396. (With recipe 1, semantic 0.339,
 * 0.6 was best at 0.391.) Exact identifier matches stay on top because the keyword
 * side boosts symbol names, so they lead its normalised list by a wide margin.
 */
export const DEFAULT_FUSION: FusionConfig = { method: 'linear', keywordWeight: 0.5, rrfK: 60 };

/** Fuses two ranked lists into one map id → fused score. */
export function fuse(keyword: RankedList, semantic: RankedList, config: FusionConfig = DEFAULT_FUSION): Map<number, number> {
  const wk = clamp01(config.keywordWeight);
  const ws = 1 - wk;
  const out = new Map<number, number>();
  const add = (id: number, v: number) => out.set(id, (out.get(id) ?? 0) + v);
  if (config.method === 'rrf') {
    keyword.ids.forEach((id, r) => add(id, wk / (config.rrfK + r + 1)));
    semantic.ids.forEach((id, r) => add(id, ws / (config.rrfK + r + 1)));
    return out;
  }
  const kn = normalise(keyword.scores);
  const sn = normalise(semantic.scores);
  keyword.ids.forEach((id, r) => add(id, wk * kn[r]));
  semantic.ids.forEach((id, r) => add(id, ws * sn[r]));
  return out;
}

/**
 * Scales scores into [0, 1] relative to the list's best and worst. A list of one
 * (or of equal scores) maps to 1 so a lone strong hit is not zeroed.
 */
export function normalise(scores: number[]): number[] {
  if (scores.length === 0) return [];
  let max = -Infinity;
  let min = Infinity;
  for (const s of scores) {
    if (s > max) max = s;
    if (s < min) min = s;
  }
  const span = max - min;
  return scores.map((s) => (span > 0 ? (s - min) / span : 1));
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0.5;
}
