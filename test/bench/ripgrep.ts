/**
 * The yardstick for query latency: ripgrep answering the same queries over the same
 * files, one process per query as an agent or a person at a terminal would run it.
 * It ranks nothing and understands no code, but it is what a local search has to be
 * compared with for speed.
 */
import { spawnSync } from 'node:child_process';

/** rg options: literal, case-insensitive, list files, and do not skip anything an ignore file would hide. */
export function ripgrepArgs(query: string, root: string): string[] {
  const words = query.split(/\s+/).filter(Boolean);
  return ['--no-ignore', '--hidden', '--fixed-strings', '--ignore-case', '--files-with-matches', ...words.flatMap((w) => ['-e', w]), '--', root];
}

/** Runs each query once (after two unmeasured warm-ups for the page cache); throws when rg is missing. */
export function ripgrepLatencies(root: string, queries: readonly string[]): { wallMs: number[]; filesMatched: number[] } {
  const run = (q: string) => spawnSync('rg', ripgrepArgs(q, root), { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  const probe = run(queries[0] ?? 'x');
  if (probe.error) throw new Error(`bench: ripgrep is not available (apt-get install -y ripgrep): ${probe.error.message}`);
  run(queries[1] ?? 'x');
  const wallMs: number[] = [];
  const filesMatched: number[] = [];
  for (const q of queries) {
    const started = performance.now();
    const r = run(q);
    wallMs.push(performance.now() - started);
    // Exit 1 means "no match", which is an answer; 2 is a real failure.
    if (r.status === 2) throw new Error(`bench: rg failed on ${JSON.stringify(q)}: ${r.stderr.slice(0, 300)}`);
    filesMatched.push(r.stdout ? r.stdout.trim().split('\n').filter(Boolean).length : 0);
  }
  return { wallMs, filesMatched };
}
