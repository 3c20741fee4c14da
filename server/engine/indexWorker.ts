/**
 * Worker-thread entry: runs `processFile` for jobs posted by `IndexPool`. Parsing with
 * tree-sitter is CPU-bound; doing it here keeps the owning thread free to answer
 * searches and update the index while a large workspace is chunked on other cores.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { configureGrammars } from '../chunk/grammars';
import { TermEncoder } from '../text/termCodes';
import { syncReadIo } from '../walk/content';
import { processFile, type FileJob } from './fileJob';
import type { Logger } from './logger';

const data = (workerData ?? {}) as { grammarDir?: string; runtimeDir?: string };
// Grammar problems found here must reach the owner's log: they are sent as messages.
const send = (level: 'error' | 'warn' | 'info' | 'debug' | 'trace') => (message: string, err?: unknown) =>
  parentPort?.postMessage({ log: level, message: err instanceof Error ? `${message}: ${err.message}` : message });
const logger: Logger = { error: send('error'), warn: send('warn'), info: send('info'), debug: send('debug'), trace: send('trace') };
configureGrammars({ grammarDir: data.grammarDir, runtimeDir: data.runtimeDir, logger });

// Jobs run one after another: parsing is synchronous anyway, and sequential jobs keep
// each file's read and parse times honest and the worker's memory to one file at a time.
let chain: Promise<unknown> = Promise.resolve();
// Terms go to the owner as numbers (termCodes.ts); their buffer moves rather than being copied.
const encoder = new TermEncoder();
parentPort?.on('message', (msg: { id: number; job: FileJob }) => {
  chain = chain.then(() => processFile(msg.job, syncReadIo, encoder)).then(
    (result) => parentPort!.postMessage({ id: msg.id, result }, result.kind === 'chunked' && result.codes ? [result.codes.data.buffer as ArrayBuffer] : []),
    (err: Error) => parentPort!.postMessage({ id: msg.id, error: err.stack ?? String(err) }),
  );
});
