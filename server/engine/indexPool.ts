/**
 * A small pool of worker threads that process files (`fileJob.ts`). Workers start on
 * the first job and are ended when a pass finishes, so tree-sitter's WebAssembly memory
 * is returned to the system between passes instead of staying at its peak. If workers
 * cannot start (a bundle without the worker file, a restricted runtime), jobs run
 * in-process with identical results.
 */
import * as os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Logger } from './logger';
import { processFile, type FileJob, type FileJobResult } from './fileJob';
import { findWorkerScript } from './workerScript';
import { TermTable } from '../text/termCodes';

interface Pending {
  worker: Worker;
  job: FileJob;
  resolve(r: FileJobResult): void;
  reject(e: Error): void;
}

/**
 * Default worker count: one per core, at most four. The owning thread's share (adding
 * to the text index) is smaller than a worker's, so on two cores a single worker left
 * the main thread idle half the pass (measured: 13 of 26 s on 10,000 files).
 */
export function defaultPoolSize(): number {
  return Math.max(1, Math.min(4, os.availableParallelism?.() ?? os.cpus().length));
}

/** See the file comment. */
export class IndexPool {
  private workers: Worker[] = [];
  private readonly pending = new Map<number, Pending>();
  private readonly load = new Map<Worker, number>();
  private nextId = 1;
  private inProcess = false;

  constructor(private readonly size: number, private readonly logger: Logger, private readonly workerData: object = {}) {}

  /** How many jobs run at once (for sizing read-ahead). */
  get width(): number {
    return this.inProcess ? 1 : Math.max(1, this.size);
  }

  /** Processes one file on the least busy worker. */
  run(job: FileJob): Promise<FileJobResult> {
    if (this.inProcess || this.size === 0) return processFile(job);
    if (this.workers.length === 0 && !this.start()) return processFile(job);
    const worker = this.workers.reduce((a, b) => ((this.load.get(a) ?? 0) <= (this.load.get(b) ?? 0) ? a : b));
    const id = this.nextId++;
    this.load.set(worker, (this.load.get(worker) ?? 0) + 1);
    return new Promise<FileJobResult>((resolve, reject) => {
      this.pending.set(id, {
        worker,
        job,
        resolve: (r) => { this.load.set(worker, (this.load.get(worker) ?? 1) - 1); resolve(r); },
        reject: (e) => { this.load.set(worker, (this.load.get(worker) ?? 1) - 1); reject(e); },
      });
      worker.postMessage({ id, job });
    });
  }

  private start(): boolean {
    const script = findWorkerScript(__dirname, 'indexWorker');
    if (!script) {
      this.logger.warn('index worker script not found next to the bundle; chunking on the main thread');
      this.inProcess = true;
      return false;
    }
    try {
      for (let i = 0; i < this.size; i++) {
        // A capped heap makes the worker collect garbage early instead of growing toward
        // V8's default limit; a worker that still runs out is replaced by in-process work.
        // A smaller young generation than V8's default too: a job's garbage is a file's worth,
        // and the default semi-spaces kept about 35 MB more per worker resident. 16 MB, not
        // less: on the cold 10,000-file bench (keyword only, interleaved runs) 8 MB took 6 %
        // longer (14.6 against 13.7 s, 1.5 s more CPU in scavenges) for 25 MB less peak
        // (457 against 478 MB); 32 MB saved 3 % more for another 25 MB.
        const w = new Worker(script.source, { eval: script.eval, workerData: this.workerData, resourceLimits: { maxOldGenerationSizeMb: 160, maxYoungGenerationSizeMb: 16 } });
        // The worker's term numbers (termCodes.ts), learnt as its messages arrive, which is the order it numbered them.
        const terms = new TermTable();
        w.on('message', (msg: { id: number; result?: FileJobResult; error?: string; log?: keyof Logger; message?: string }) => {
          if (msg.log) {
            this.logger[msg.log](msg.message ?? '');
            return;
          }
          // Learnt before anything else, so the table follows the worker even for a result nobody waits for.
          let learnt: Error | null = null;
          try {
            if (msg.result?.kind === 'chunked' && msg.result.codes) terms.learn(msg.result.codes);
          } catch (err) {
            learnt = err as Error;
          }
          const p = this.pending.get(msg.id);
          if (!p) return;
          this.pending.delete(msg.id);
          if (msg.error) p.reject(new Error(`index worker failed: ${msg.error}`));
          else if (learnt) p.reject(learnt);
          else p.resolve(msg.result!);
        });
        w.on('error', (err) => this.failAll(w, err));
        w.on('exit', (code) => { if (code !== 0) this.failAll(w, new Error(`index worker exited with code ${code}`)); });
        this.workers.push(w);
        this.load.set(w, 0);
      }
      return true;
    } catch (err) {
      this.logger.warn(`could not start index workers (${(err as Error).message}); chunking on the main thread`);
      this.inProcess = true;
      return false;
    }
  }

  /**
   * A crashed worker leaves the pool; its jobs are redone in-process so the pass still
   * completes. With no workers left, later jobs run in-process too.
   */
  private failAll(worker: Worker, err: Error): void {
    if (!this.load.has(worker)) return;
    this.logger.error('index worker stopped; its files are processed on the main thread', err);
    this.workers = this.workers.filter((w) => w !== worker);
    this.load.delete(worker);
    if (this.workers.length === 0) this.inProcess = true;
    for (const [id, p] of this.pending) {
      if (p.worker !== worker) continue;
      this.pending.delete(id);
      processFile(p.job).then(p.resolve, p.reject);
    }
  }

  /** Ends the workers (their memory goes back to the system); the next job starts new ones. */
  async close(): Promise<void> {
    const ws = this.workers;
    this.workers = [];
    this.load.clear();
    this.inProcess = false;
    await Promise.all(ws.map((w) => w.terminate()));
  }
}
