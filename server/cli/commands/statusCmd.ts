/** `conexus status`: what the index holds, what was skipped and why, which model. */
import type { IndexStatus } from '../../../protocol/status';
import type { CliCommand } from '../command';
import { formatBytes, openEngine, rootsFrom, workspaceOptions, workspaceUsage } from '../common';

export const statusCommand: CliCommand = {
  name: 'status',
  summary: 'show what the index holds and what was skipped',
  usage: `conexus status [options]

Prints files, chunks, skipped files by reason (with examples), the model, the index
size and the last update. Opens the index read-only; never changes it.

Options:
      --json             print the status as JSON
${workspaceUsage}`,
  options: { ...workspaceOptions, json: { type: 'boolean' } },
  async run(ctx) {
    const engine = await openEngine(ctx, rootsFrom(ctx.values), { readOnly: true });
    try {
      const s = engine.status();
      ctx.stdout.write(ctx.values.json ? `${JSON.stringify(s)}\n` : renderStatus(s));
      return 0;
    } finally {
      await engine.close();
    }
  },
};

/** The status as lines a person reads. */
export function renderStatus(s: IndexStatus): string {
  const lines = [
    `roots:        ${s.roots.join(', ')}`,
    `index:        ${s.indexDir} (${formatBytes(s.indexBytes)})`,
    `files:        ${s.files}`,
    `chunks:       ${s.chunks} (${s.embeddedChunks} with vectors)`,
    `model:        ${s.model.id ?? 'none'}${s.model.semantic ? '' : ` — semantic search off: ${s.model.reason ?? 'no vectors yet'}`}`,
    `last update:  ${s.lastUpdated ?? 'never (run conexus index)'}`,
  ];
  const skipped = Object.entries(s.skipped);
  lines.push(`skipped:      ${skipped.length ? '' : 'none'}`);
  for (const [reason, { count, examples }] of skipped) lines.push(`  ${reason}: ${count} (e.g. ${examples.join(', ')})`);
  if (s.error) lines.push(`error:        ${s.error}`);
  return `${lines.join('\n')}\n`;
}
