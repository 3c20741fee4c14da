/**
 * Skip records summarised for status: a count per reason and a few example paths, so
 * a person can see at a glance why a file is not found and fix the rule or the file.
 */
import type { SkippedSummary } from '../../protocol/status';
import type { SkipRecord } from '../walk/types';

/** Examples kept per reason. */
const EXAMPLES = 5;

/** Counts skip records by reason with up to five example paths each. */
export function summariseSkips(skipped: readonly SkipRecord[]): SkippedSummary {
  const out: SkippedSummary = {};
  for (const s of skipped) {
    const entry = (out[s.reason] ??= { count: 0, examples: [] });
    entry.count++;
    if (entry.examples.length < EXAMPLES) entry.examples.push(s.path);
  }
  return out;
}
