/** `conexus index [DIR...]`: build or update the index, with progress and a summary. */
import type { CliCommand } from '../command';
import { formatSeconds, indexWithProgress, openEngine, rootsFrom, workspaceOptions, workspaceUsage } from '../common';

export const indexCommand: CliCommand = {
  name: 'index',
  summary: 'build or update the index of one or more folders',
  usage: `conexus index [DIR...] [options]

Indexes the folders (default: the current folder). Unchanged files are not re-read,
unchanged chunks are not re-embedded. Progress goes to stderr, the summary too;
with --json the summary is printed as JSON on stdout.

Options:
${workspaceUsage}
      --json             print the summary as JSON on stdout`,
  options: { ...workspaceOptions, json: { type: 'boolean' } },
  async run(ctx) {
    const engine = await openEngine(ctx, rootsFrom(ctx.values, ctx.positionals));
    try {
      const summary = await indexWithProgress(engine, ctx.stderr);
      const status = engine.status();
      const skipped = Object.entries(summary.skipped).map(([r, n]) => `${r} ${n}`).join(', ') || 'none';
      ctx.stderr.write(
        `indexed ${summary.files} files, ${summary.chunks} chunks in ${formatSeconds(summary.timings.total / 1000)} ` +
        `(${summary.changedFiles} changed, ${summary.removedFiles} removed, ${summary.embeddedChunks} embedded; skipped: ${skipped})\n` +
        `model: ${status.model.id ?? `none — ${status.model.reason}`}\nindex: ${engine.indexDir}\n`,
      );
      if (ctx.values.json) ctx.stdout.write(`${JSON.stringify({ ...summary, indexDir: engine.indexDir, model: status.model })}\n`);
      return 0;
    } finally {
      await engine.close();
    }
  },
};
