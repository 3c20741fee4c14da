/**
 * The file jobs of one index pass, run ahead of the thread that applies their results.
 * Results are applied in the pass's file order, so chunk ids and the catalog come out
 * the same as a sequential pass; jobs may start in another order. During a full walk
 * the first jobs start as the walk finds files (`offer`), so the parsing threads work
 * while the walk is still listing folders instead of waiting for its sorted list (on
 * 10,000 files the walk takes most of a second, with the parsers idle); once the order
 * is known, `fill` starts the next files in that order and `take` hands out each result.
 *
 * How far ahead jobs run is bounded by a job count and by the bytes of the files in
 * flight: a slow file at the head must not leave the parsers idle, and a run of large
 * files must not pile up their results in memory.
 */
import type { WalkedFile } from '../walk/types';
import type { FileJobResult } from './fileJob';

/** Starts the job for one file. */
export type StartJob = (f: WalkedFile) => Promise<FileJobResult>;

export class JobWindow {
  private readonly jobs = new Map<string, { promise: Promise<FileJobResult>; size: number; early: boolean }>();
  /**
   * Jobs and bytes in flight, early ones counted apart: early jobs run in the walk's
   * order, so most are needed only later, and counted with the rest they would hold
   * the window shut while the files next in line were started one at a time.
   */
  private ordered = { jobs: 0, bytes: 0 };
  private early = { jobs: 0, bytes: 0 };
  /** Index into the ordered list below which `fill` has already looked. */
  private cursor = 0;

  constructor(
    private readonly startJob: StartJob,
    /** Most jobs in flight once the order is known. */
    private readonly maxJobs: number,
    /** Bytes of files in flight beyond which no job starts (unless none is in flight). */
    private readonly maxBytes: number,
    /** Most jobs `offer` starts before the order is known (a walk's worth of parsing). */
    private readonly maxEarly: number,
  ) {}

  /** Jobs started and not yet taken. */
  get inFlight(): number {
    return this.jobs.size;
  }

  /** Starts `f` now if there is room for early work; the walk calls this as it finds files. */
  offer(f: WalkedFile): void {
    if (this.early.jobs >= this.maxEarly || this.early.bytes >= this.maxBytes) return;
    this.start(f, true);
  }

  /** Starts the files of `order` from index `from` on while the window has room. */
  fill(order: readonly WalkedFile[], from: number): void {
    this.cursor = Math.max(this.cursor, from);
    const o = this.ordered;
    while (this.cursor < order.length && o.jobs < this.maxJobs && (o.bytes < this.maxBytes || o.jobs === 0)) {
      this.start(order[this.cursor++], false);
    }
  }

  /** The result for `f` (started now if it was not), and its place in the window freed. */
  take(f: WalkedFile): Promise<FileJobResult> {
    if (!this.jobs.has(f.path)) this.start(f, false);
    const job = this.jobs.get(f.path)!;
    this.jobs.delete(f.path);
    const count = job.early ? this.early : this.ordered;
    count.jobs--;
    count.bytes -= job.size;
    return job.promise;
  }

  /** Waits for every job not taken (a pass that stopped early), so nothing is left running. */
  async settle(): Promise<void> {
    const left = [...this.jobs.values()];
    this.jobs.clear();
    this.ordered = { jobs: 0, bytes: 0 };
    this.early = { jobs: 0, bytes: 0 };
    for (const j of left) await j.promise.catch(() => undefined);
  }

  private start(f: WalkedFile, early: boolean): void {
    if (this.jobs.has(f.path)) return;
    const promise = this.startJob(f);
    promise.catch(() => undefined); // taken and awaited later; this only keeps an early failure from being "unhandled"
    this.jobs.set(f.path, { promise, size: f.size, early });
    const count = early ? this.early : this.ordered;
    count.jobs++;
    count.bytes += f.size;
  }
}
