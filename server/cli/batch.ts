/**
 * JSON-lines batches for the CLI (`search --queries`, `locate --queries`): one request
 * per input line, one answer line per request, in input order. A line that is not a
 * valid request gets an error line in its place (so answers stay aligned with
 * requests), a note on stderr naming the line, and a non-zero exit at the end.
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import type { z } from 'zod';
import { describeIssues } from '../../protocol/errors';
import type { CliContext } from './command';

/**
 * Reads `file` ("-" for stdin) line by line, validates each with `schema`, and writes
 * `answer(request)` as a JSON line, or `invalid` plus an error for a bad line. Returns
 * the exit code: 1 when any line failed, else 0. `answer` may return null to report a
 * failure it already wrote.
 */
export async function runJsonLines<T>(
  ctx: CliContext,
  file: string,
  schema: z.ZodType<T>,
  invalid: Record<string, unknown>,
  answer: (request: T) => Promise<Record<string, unknown> | null>,
): Promise<number> {
  const input = file === '-' ? ctx.stdin : fs.createReadStream(file);
  const rl = readline.createInterface({ input, crlfDelay: Infinity });
  let lineNo = 0;
  let failures = 0;
  for await (const line of rl) {
    lineNo++;
    if (line.trim() === '') continue;
    let request: T;
    try {
      const r = schema.safeParse(JSON.parse(line));
      if (!r.success) throw new Error(describeIssues(r.error.issues));
      request = r.data;
    } catch (err) {
      failures++;
      ctx.stderr.write(`line ${lineNo}: not a {"query": "..."} object (${(err as Error).message}); skipped\n`);
      ctx.stdout.write(`${JSON.stringify({ query: null, ...invalid, error: `line ${lineNo} is not valid` })}\n`);
      continue;
    }
    const out = await answer(request);
    if (out === null) failures++;
    else ctx.stdout.write(`${JSON.stringify(out)}\n`);
  }
  return failures > 0 ? 1 : 0;
}
