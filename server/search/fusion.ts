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
 * Defaults tuned on the CoSQA development split with conexus-code-v1 (MRR@10, k = 10,
 * pool 50): linear 0.6 → 0.391, linear 0.5 → 0.390, linear 0.4 → 0.386, RRF (k 10,
 * 0.5) → 0.388; keyword alone 0.359, semantic alone 0.339. Leaning on keywords also
 * keeps exact identifier matches on top, which vectors alone tend to displace.
 */
export const DEFAULT_FUSION: FusionConfig = { method: 'linear', keywordWeight: 0.6, rrfK: 60 };

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
