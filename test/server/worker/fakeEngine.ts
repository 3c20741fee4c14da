/**
 * A typed fake EngineApi for worker protocol tests: records calls, answers searches
 * from a fixed hit list, and can hold a search until its signal aborts so cancellation
 * is observable without timing.
 */
import type { CatalogFile, EngineApi, EngineOptions, IndexSummary, StatusListener, StoredChunk } from '../../../server/engine/api';
import type { SearchParamsInput, SearchResult } from '../../../protocol/search';
import { SearchParamsSchema } from '../../../protocol/search';
import type { IndexStatus } from '../../../protocol/status';
import { ConexusError, ErrorCode, describeIssues } from '../../../protocol/errors';

/** Resolves when `fn` is called the next time. */
export function deferred<T = void>(): { promise: Promise<T>; resolve(v: T): void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => { resolve = r; });
  return { promise, resolve };
}

export class FakeEngine implements EngineApi {
  readonly roots: ReadonlyArray<{ absPath: string; name: string }>;
  readonly indexDir: string;
  calls: string[] = [];
  closed = false;
  paused = false;
  /** When set, the next search waits until its signal aborts, then resolves `aborted`. */
  holdSearch = false;
  readonly searchStarted = deferred<void>();
  readonly aborted = deferred<void>();
  readonly indexed = deferred<void>();
  private listeners = new Set<StatusListener>();
  private state: IndexStatus['state'] = 'ready';

  constructor(readonly options: EngineOptions) {
    this.roots = options.roots.map((r) => ({ absPath: r, name: r.split('/').pop() ?? r }));
    this.indexDir = options.indexDir ?? '/tmp/index';
  }

  async index(opts?: { signal?: AbortSignal }): Promise<IndexSummary> {
    this.calls.push('index');
    this.emit('indexing');
    this.emit('ready');
    this.indexed.resolve();
    void opts;
    return { files: 1, chunks: 2, changedFiles: 1, removedFiles: 0, embeddedChunks: 0, skipped: {}, timings: { walk: 0, read: 0, parse: 0, embed: 0, write: 0, total: 1 } };
  }

  async search(params: SearchParamsInput, signal?: AbortSignal): Promise<SearchResult> {
    this.calls.push('search');
    const parsed = SearchParamsSchema.safeParse(params);
    if (!parsed.success) throw new ConexusError(ErrorCode.InvalidParams, describeIssues(parsed.error.issues));
    this.searchStarted.resolve();
    if (this.holdSearch) {
      await new Promise<void>((resolve) => {
        if (signal?.aborted) resolve();
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
      this.aborted.resolve();
      throw new ConexusError(ErrorCode.Cancelled, 'search cancelled');
    }
    return {
      mode: parsed.data.mode,
      tookMs: 1,
      hits: [{
        path: 'src/a.ts', startLine: 1, endLine: 3, language: 'typescript', symbol: 'hello', kind: 'function', container: null,
        score: 1, snippet: `function hello() { return "${parsed.data.query}"; }`,
        matched: { terms: [parsed.data.query], semantic: false, symbol: true, path: false },
      }],
    };
  }

  status(): IndexStatus {
    return {
      state: this.state, roots: this.roots.map((r) => r.absPath), indexDir: this.indexDir,
      files: 1, chunks: 2, embeddedChunks: 0, skipped: {},
      model: { id: null, dimension: null, semantic: false, reason: 'fake' },
      indexBytes: 10, lastUpdated: null, pendingChanges: 0, progress: null, writer: !this.options.readOnly,
    };
  }

  onStatus(listener: StatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async startWatching(): Promise<void> { this.calls.push('watch'); }
  pause(): void { this.calls.push('pause'); this.paused = true; this.emit('paused'); }
  resume(): void { this.calls.push('resume'); this.paused = false; this.emit('ready'); }
  async clear(): Promise<void> { this.calls.push('clear'); }
  listFiles(): CatalogFile[] { return []; }
  chunksForFile(): StoredChunk[] { return []; }
  allChunks(): Iterable<StoredChunk> { return []; }
  chunksMentioning(): StoredChunk[] { return []; }
  async readFile(): Promise<string | null> { return null; }
  async close(): Promise<void> { this.calls.push('close'); this.closed = true; }

  private emit(state: IndexStatus['state']): void {
    this.state = state;
    for (const l of this.listeners) l(this.status());
  }
}
