/**
 * The chunk worker thread: chunks files (or lists their definitions) on request from
 * a ChunkPool, so parsing runs beside the thread that walks, reads and indexes.
 * Messages are checked with zod: the pool is trusted code, but a malformed message
 * should fail one request with a clear error rather than the whole worker.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { z } from 'zod';
import type { Logger } from '../engine/logger';
import { chunkFile } from './chunker';
import { configureGrammars } from './grammars';
import { extractDefinitions } from './symbols';

/** What the pool passes when it starts a worker. */
export const WorkerDataSchema = z.object({
  grammarDir: z.string().nullable(),
  runtimeDir: z.string().nullable(),
});

const InputSchema = z.object({ path: z.string(), text: z.string(), language: z.string() });

/** A request from the pool. */
export const WorkerRequestSchema = z.object({
  id: z.number().int(),
  op: z.enum(['chunk', 'definitions']),
  input: InputSchema,
  opts: z.object({
    maxLines: z.number().optional(),
    maxChars: z.number().optional(),
    minLines: z.number().optional(),
    windowLines: z.number().optional(),
    parseTimeoutMicros: z.number().optional(),
    maxParseChars: z.number().optional(),
    strategy: z.enum(['syntax', 'outline', 'lines']).optional(),
  }).optional(),
});
/** A request from the pool. */
export type WorkerRequest = z.infer<typeof WorkerRequestSchema>;

/** A reply or a log line from the worker. */
export type WorkerMessage =
  | { kind: 'result'; id: number; result: unknown }
  | { kind: 'error'; id: number; message: string }
  | { kind: 'log'; level: 'error' | 'warn' | 'info' | 'debug' | 'trace'; message: string };

function start(): void {
  const port = parentPort;
  if (!port) throw new Error('conexus chunk: worker.ts runs only as a worker thread started by ChunkPool');
  const post = (m: WorkerMessage) => port.postMessage(m);
  // Logs travel to the pool, which owns the real logger (never stdout).
  const logger: Logger = {
    error: (message, error) => post({ kind: 'log', level: 'error', message: error instanceof Error ? `${message}: ${error.stack ?? error.message}` : message }),
    warn: (message) => post({ kind: 'log', level: 'warn', message }),
    info: (message) => post({ kind: 'log', level: 'info', message }),
    debug: (message) => post({ kind: 'log', level: 'debug', message }),
    trace: (message) => post({ kind: 'log', level: 'trace', message }),
  };
  const data = WorkerDataSchema.parse(workerData);
  configureGrammars({ grammarDir: data.grammarDir, logger, ...(data.runtimeDir ? { runtimeDir: data.runtimeDir } : {}) });

  port.on('message', async (raw: unknown) => {
    const parsed = WorkerRequestSchema.safeParse(raw);
    if (!parsed.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
      post({ kind: 'error', id, message: `conexus chunk: malformed worker request: ${parsed.error.message}` });
      return;
    }
    const { id, op, input, opts } = parsed.data;
    try {
      const result = op === 'chunk' ? await chunkFile(input, opts) : await extractDefinitions(input);
      post({ kind: 'result', id, result });
    } catch (error) {
      post({ kind: 'error', id, message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    }
  });
}

start();
