/**
 * `conexus start [DIR]`: the main job for a person at a terminal. Indexes the folder,
 * keeps it current, and answers queries typed at the prompt until end of input.
 */
import * as readline from 'node:readline';
import { ConexusError } from '../../../protocol/errors';
import type { CliCommand } from '../command';
import { formatSeconds, indexWithProgress, openEngine, rootsFrom, workspaceOptions, workspaceUsage } from '../common';
import { renderHits } from './searchCmd';

export const startCommand: CliCommand = {
  name: 'start',
  summary: 'index a folder, keep it current, and answer queries typed at the prompt',
  usage: `conexus start [DIR...] [options]

Indexes the folders (default: the current folder) and then reads queries from stdin,
one per line, printing the best hits. Prefix a query with "k:" for keyword-only or
"s:" for semantic-only. The index stays current while it runs. Ctrl-D ends it.

Options:
${workspaceUsage}`,
  options: { ...workspaceOptions },
  async run(ctx) {
    const engine = await openEngine(ctx, rootsFrom(ctx.values, ctx.positionals));
    try {
      const summary = await indexWithProgress(engine, ctx.stderr);
      const s = engine.status();
      ctx.stderr.write(`ready: ${summary.files} files, ${summary.chunks} chunks in ${formatSeconds(summary.timings.total / 1000)}; ` +
        `semantic search ${s.model.semantic ? `on (${s.model.id})` : `off (${s.model.reason})`}\n`);
      if (engine.writer) await engine.startWatching();
      const tty = (ctx.stdin as NodeJS.ReadStream).isTTY === true;
      const rl = readline.createInterface({ input: ctx.stdin, output: tty ? (ctx.stderr as NodeJS.WriteStream) : undefined, terminal: tty });
      const prompt = () => { if (tty) rl.prompt(); };
      rl.setPrompt('conexus> ');
      prompt();
      for await (const raw of rl) {
        const line = raw.trim();
        if (!line) { prompt(); continue; }
        const mode = line.startsWith('k:') ? 'keyword' : line.startsWith('s:') ? 'semantic' : 'hybrid';
        const query = mode === 'hybrid' ? line : line.slice(2).trim();
        try {
          const res = await engine.search({ query, mode, k: 10 });
          if (res.notice) ctx.stderr.write(`note: ${res.notice}\n`);
          ctx.stdout.write(renderHits(res));
        } catch (err) {
          if (!(err instanceof ConexusError)) throw err;
          ctx.stderr.write(`${err.message}\n`);
        }
        prompt();
      }
      return 0;
    } finally {
      await engine.close();
    }
  },
};
