/**
 * A pool of chunk worker threads with the same async API as `chunkFile` and
 * `extractDefinitions`. Parsing with tree-sitter (wasm) runs at about 2 MB/s per core,
 * so on a multi-core machine the pool keeps parsing off the thread that walks, reads
 * and indexes, and parses several files at once.
 *
 * Workers are started lazily, hold the process open only while they have work, and
 * are replaced when they die; a request whose worker died is chunked on the calling
 * thread instead, so no file is ever lost to a crash.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { silentLogger, type Logger } from '../engine/logger';
import { chunkFile, type ChunkOptions } from './chunker';
import { extractDefinitions, type Definition } from './symbols';
import type { Chunk, ChunkInput } from './types';
import type { WorkerMessage, WorkerRequest } from './worker';

/** How the pool runs. */
export interface ChunkPoolOptions {
  /** Worker threads (default: available cores, at most 4). */
  size?: number;
  /** Grammar folder for the workers (see `setGrammarDir`); default: the installed package. */
  grammarDir?: string | null;
  /** web-tree-sitter runtime folder for the workers; default: the installed package. */
  runtimeDir?: string | null;
  /** Where worker logs and crashes are reported. */
  logger?: Logger;
  /**
   * The worker script. Default: `chunkWorker.js` next to this module (the bundle must
   * build `server/chunk/worker.ts` to that name), else `worker.ts` through tsx (source runs).
   */
  workerScript?: string;
}

interface Task {
  request: WorkerRequest;
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Task>;
}

/** Parallel chunking; call `close()` when done (idle workers do not keep the process alive). */
export class ChunkPool {
  private readonly size: number;
  private readonly logger: Logger;
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private closed = false;

  constructor(private readonly options: ChunkPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? Math.min(4, availableParallelism())));
    this.logger = options.logger ?? silentLogger;
  }

  /** Chunks a file on a worker thread; same result as `chunkFile`. */
  chunkFile(input: ChunkInput, opts?: ChunkOptions): Promise<Chunk[]> {
    return this.run({ id: 0, op: 'chunk', input: plain(input), opts }) as Promise<Chunk[]>;
  }

  /** Lists a file's definitions on a worker thread; same result as `extractDefinitions`. */
  extractDefinitions(input: ChunkInput): Promise<Definition[]> {
    return this.run({ id: 0, op: 'definitions', input: plain(input) }) as Promise<Definition[]>;
  }

  /** Stops the workers; requests still running are finished on the calling thread. */
  async close(): Promise<void> {
    this.closed = true;
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private run(request: WorkerRequest): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error('conexus chunk: the chunk pool is closed; create a new one'));
    request.id = this.nextId++;
    const slot = this.pick();
    return new Promise((resolve, reject) => {
      slot.inFlight.set(request.id, { request, resolve, reject });
      if (slot.inFlight.size === 1) slot.worker.ref();
      slot.worker.postMessage(request);
    });
  }

  /** The least busy worker, starting a new one while the pool is below its size. */
  private pick(): Slot {
    let best: Slot | null = null;
    for (const s of this.slots) if (!best || s.inFlight.size < best.inFlight.size) best = s;
    if (best && (best.inFlight.size === 0 || this.slots.length >= this.size)) return best;
    return this.spawn();
  }

  private spawn(): Slot {
    const worker = startWorker(this.options);
    const slot: Slot = { worker, inFlight: new Map() };
    this.slots.push(slot);
    worker.unref();
    worker.on('message', (m: WorkerMessage) => this.onMessage(slot, m));
    worker.on('error', (error) => this.logger.error('conexus chunk: a chunk worker failed', error));
    worker.on('exit', (code) => this.onExit(slot, code));
    return slot;
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    if (m.kind === 'log') {
      if (m.level === 'error') this.logger.error(m.message);
      else this.logger[m.level](m.message);
      return;
    }
    const task = slot.inFlight.get(m.id);
    if (!task) return;
    slot.inFlight.delete(m.id);
    if (slot.inFlight.size === 0) slot.worker.unref();
    if (m.kind === 'result') task.resolve(m.result);
    else task.reject(new Error(`conexus chunk: chunking ${task.request.input.path} failed in a worker: ${m.message}`));
  }

  /** A worker that exits with work pending died: finish its work here and replace it lazily. */
  private onExit(slot: Slot, code: number): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (slot.inFlight.size === 0) return;
    this.logger.warn(`conexus chunk: a chunk worker exited (code ${code}) with ${slot.inFlight.size} files pending; chunking them on the main thread`);
    for (const task of slot.inFlight.values()) {
      const { op, input, opts } = task.request;
      const done = op === 'chunk' ? chunkFile(input, opts) : extractDefinitions(input);
      done.then(task.resolve, task.reject);
    }
    slot.inFlight.clear();
  }
}

/** Only the three fields cross the thread boundary (callers may pass richer objects). */
const plain = (i: ChunkInput): ChunkInput => ({ path: i.path, text: i.text, language: i.language });

function startWorker(options: ChunkPoolOptions): Worker {
  const workerData = { grammarDir: options.grammarDir ?? null, runtimeDir: options.runtimeDir ?? null };
  const bundled = options.workerScript ?? join(__dirname, 'chunkWorker.js');
  if (options.workerScript || existsSync(bundled)) return new Worker(bundled, { workerData });
  const source = join(__dirname, 'worker.ts');
  if (!existsSync(source)) {
    throw new Error(`conexus chunk: no chunk worker script at ${bundled}; build server/chunk/worker.ts to that name or pass workerScript`);
  }
  // Running from source (tests, `npm run conexus`): load the TypeScript worker through tsx.
  // Resolved at run time only (a computed name keeps bundlers from treating it as a dependency).
  const tsx = require.resolve(['tsx', 'cjs'].join('/'));
  return new Worker(`require(${JSON.stringify(tsx)}); require(${JSON.stringify(source)});`, {
    eval: true, workerData, execArgv: [],
  });
}
