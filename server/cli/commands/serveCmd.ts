/**
 * `conexus serve`: a long-running engine for scripts and benchmarks. It indexes,
 * watches the files, answers JSON-line requests on stdin and announces on stdout each
 * time the watcher's changes are searchable.
 */
import * as readline from 'node:readline';
import { z } from 'zod';
import { ConexusError, describeIssues } from '../../../protocol/errors';
import { SearchFiltersSchema, SearchModeSchema } from '../../../protocol/search';
import type { CliCommand } from '../command';
import { openEngine, rootsFrom, workspaceOptions, workspaceUsage } from '../common';

const RequestSchema = z.object({
  id: z.union([z.number(), z.string()]),
  query: z.string(),
  k: z.number().int().optional(),
  mode: SearchModeSchema.optional(),
  filters: SearchFiltersSchema.optional(),
});

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'index, watch and answer JSON-line queries on stdin',
  usage: `conexus serve [options]

Indexes the workspace, keeps it current with a file watcher, and answers one JSON
request per stdin line: {"id": 1, "query": "...", "k": 10, "mode": "keyword"} →
{"id": 1, "hits": [...], "tookMs": 1.2}. Prints {"event": "ready", ...} once indexed
and {"event": "indexed", "changed": N, "removed": N, "paths": [...]} whenever watched
changes become searchable. Ends when stdin closes.

Options:
${workspaceUsage}`,
  options: { ...workspaceOptions },
  async run(ctx) {
    const engine = await openEngine(ctx, rootsFrom(ctx.values));
    const write = (obj: unknown) => ctx.stdout.write(`${JSON.stringify(obj)}\n`);
    try {
      if (engine.writer) {
        const summary = await engine.index();
        engine.onIndexed((e) => write({ event: 'indexed', ...e }));
        await engine.startWatching();
        write({ event: 'ready', writer: true, files: summary.files, chunks: summary.chunks, timings: summary.timings });
      } else {
        // Another process owns the index and keeps it current; this one answers from it.
        const s = engine.status();
        write({ event: 'ready', writer: false, files: s.files, chunks: s.chunks });
      }
      const rl = readline.createInterface({ input: ctx.stdin, crlfDelay: Infinity });
      for await (const line of rl) {
        if (!line.trim()) continue;
        let req: z.infer<typeof RequestSchema>;
        try {
          const r = RequestSchema.safeParse(JSON.parse(line));
          if (!r.success) throw new Error(describeIssues(r.error.issues));
          req = r.data;
        } catch (err) {
          write({ id: null, error: `not a request: ${(err as Error).message}` });
          continue;
        }
        try {
          const res = await engine.search({ query: req.query, k: req.k, mode: req.mode, filters: req.filters });
          write({ id: req.id, hits: res.hits, mode: res.mode, tookMs: res.tookMs, notice: res.notice });
        } catch (err) {
          if (!(err instanceof ConexusError)) throw err;
          write({ id: req.id, error: err.message, code: err.code });
        }
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};
