/**
 * Ranking metrics for the quality benchmark and summary statistics for the speed
 * benchmark. Pure functions over plain data so they can be unit-tested with
 * hand-computed cases (see metrics.test.ts).
 *
 * Relevance is binary: a ranked item is either one of the query's relevant ids or
 * not. CoSQA has exactly one relevant function per query, but the functions accept a
 * set so the same code serves benchmarks with several gold items.
 */

/** One evaluated query: the ids the engine returned, best first, and the gold ids. */
export interface RankedRun {
  ranked: readonly number[];
  relevant: readonly number[];
}

/** The quality figures reported per mode. */
export interface QualityMetrics {
  queries: number;
  mrr10: number;
  recall1: number;
  recall5: number;
  recall10: number;
  ndcg10: number;
}

/**
 * Keeps the first occurrence of each item. The engine returns chunks, and one
 * function may be split into several chunks; the first (best-ranked) chunk stands for
 * its function and later ones are dropped rather than counted as extra misses.
 */
export function dedupeFirst<T>(items: Iterable<T>): T[] {
  const seen = new Set<T>();
  const out: T[] = [];
  for (const item of items) {
    if (seen.has(item)) continue;
    seen.add(item);
    out.push(item);
  }
  return out;
}

/** 1-based rank of the first relevant item within the top k, or 0 when none is there. */
export function firstRelevantRank(ranked: readonly number[], relevant: readonly number[], k: number): number {
  const gold = new Set(relevant);
  const limit = Math.min(k, ranked.length);
  for (let i = 0; i < limit; i++) if (gold.has(ranked[i])) return i + 1;
  return 0;
}

/** Reciprocal rank of the first relevant item within the top k (0 when absent). */
export function reciprocalRank(ranked: readonly number[], relevant: readonly number[], k: number): number {
  const rank = firstRelevantRank(ranked, relevant, k);
  return rank === 0 ? 0 : 1 / rank;
}

/** Fraction of the relevant items found in the top k (0 when there are none to find). */
export function recallAt(ranked: readonly number[], relevant: readonly number[], k: number): number {
  const gold = new Set(relevant);
  if (gold.size === 0) return 0;
  let found = 0;
  for (const id of dedupeFirst(ranked.slice(0, k))) if (gold.has(id)) found++;
  return found / gold.size;
}

/**
 * Normalised discounted cumulative gain at k with binary gains: DCG sums
 * 1/log2(rank+1) over relevant items in the top k; the ideal DCG puts every relevant
 * item first. With one gold item this is 1/log2(rank+1).
 */
export function ndcgAt(ranked: readonly number[], relevant: readonly number[], k: number): number {
  const gold = new Set(relevant);
  if (gold.size === 0) return 0;
  let dcg = 0;
  const top = dedupeFirst(ranked.slice(0, k));
  top.forEach((id, i) => { if (gold.has(id)) dcg += 1 / Math.log2(i + 2); });
  let ideal = 0;
  for (let i = 0; i < Math.min(k, gold.size); i++) ideal += 1 / Math.log2(i + 2);
  return dcg / ideal;
}

/** Averages the per-query metrics over every run (a query with no hits counts as zero). */
export function summarizeQuality(runs: readonly RankedRun[]): QualityMetrics {
  const n = runs.length;
  const mean = (f: (r: RankedRun) => number) => (n === 0 ? 0 : runs.reduce((s, r) => s + f(r), 0) / n);
  return {
    queries: n,
    mrr10: mean((r) => reciprocalRank(r.ranked, r.relevant, 10)),
    recall1: mean((r) => recallAt(r.ranked, r.relevant, 1)),
    recall5: mean((r) => recallAt(r.ranked, r.relevant, 5)),
    recall10: mean((r) => recallAt(r.ranked, r.relevant, 10)),
    ndcg10: mean((r) => ndcgAt(r.ranked, r.relevant, 10)),
  };
}

/**
 * Nearest-rank percentile (p in 0..100): the smallest value with at least p% of the
 * samples at or below it. Chosen over interpolation so a reported p95 is a latency
 * that was actually observed.
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/** Median, p95, mean and max of a sample of latencies. */
export function latencyStats(samples: readonly number[]): { n: number; p50: number; p95: number; mean: number; max: number } {
  const n = samples.length;
  return {
    n,
    p50: percentile(samples, 50),
    p95: percentile(samples, 95),
    mean: n === 0 ? Number.NaN : samples.reduce((a, b) => a + b, 0) / n,
    max: n === 0 ? Number.NaN : Math.max(...samples),
  };
}

/** A small seeded PRNG (mulberry32) so query sampling is the same on every run. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
