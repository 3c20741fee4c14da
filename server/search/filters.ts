/**
 * Search filters as one predicate over chunks: language, path globs and symbol kind.
 * Globs without a slash match the file name anywhere ("*.py"), as people expect
 * from VS Code's search include/exclude boxes.
 */
import picomatch from 'picomatch';
import type { SearchFilters } from '../../protocol/search';
import type { ChunkRecord } from '../store/chunkStore';

/** A compiled filter; `null` when nothing is filtered. */
export type ChunkFilter = ((c: ChunkRecord) => boolean) | null;

/** Compiles filters once per request. */
export function compileFilters(filters: SearchFilters | undefined): ChunkFilter {
  if (!filters) return null;
  const languages = filters.languages?.length ? new Set(filters.languages.map((l) => l.toLowerCase())) : null;
  const kinds = filters.kinds?.length ? new Set<string>(filters.kinds) : null;
  const include = filters.include?.length ? globMatcher(filters.include) : null;
  const exclude = filters.exclude?.length ? globMatcher(filters.exclude) : null;
  if (!languages && !kinds && !include && !exclude) return null;
  return (c) =>
    (!languages || languages.has(c.language)) &&
    (!kinds || (c.kind !== null && kinds.has(c.kind))) &&
    (!include || include(c.path)) &&
    (!exclude || !exclude(c.path));
}

/** A matcher that is true when any glob matches the path. */
export function globMatcher(globs: string[]): (path: string) => boolean {
  const matchers = globs.map((g) => picomatch(g, { dot: true, basename: !g.includes('/') }));
  return (path) => matchers.some((m) => m(path));
}
