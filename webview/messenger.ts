/**
 * The panel's side of the conversation with the extension: posts typed messages and
 * matches responses to requests by id. Only the newest search is wanted, so starting
 * one cancels the one before (a `cancel` message reaches the worker as
 * `$/cancelRequest`), and a late answer to an older id is dropped.
 */
import type { SearchParamsInput, SearchResult } from '../protocol/search';
import type { ExtensionToWebview, WebviewToExtensionInput } from '../protocol/webview';

/** What the webview host offers (`acquireVsCodeApi()`); a fake in tests. */
export interface PostTarget {
  postMessage(message: unknown): void;
}

/** A search that ended without a result. */
export class SearchFailed extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'SearchFailed';
  }
}

interface Pending {
  id: number;
  resolve(result: SearchResult): void;
  reject(error: SearchFailed): void;
}

export class Messenger {
  private nextId = 1;
  private pending: Pending | null = null;

  constructor(private readonly target: PostTarget) {}

  /** Posts a message to the extension. */
  post(message: WebviewToExtensionInput): void {
    this.target.postMessage(message);
  }

  /** Searches; any search still running is cancelled and rejects with code `cancelled`. */
  search(params: SearchParamsInput): Promise<SearchResult> {
    this.cancel();
    const id = this.nextId++;
    return new Promise<SearchResult>((resolve, reject) => {
      this.pending = { id, resolve, reject };
      this.post({ kind: 'request', id, method: 'search', params });
    });
  }

  /** Cancels the running search, if any. */
  cancel(): void {
    const p = this.pending;
    if (!p) return;
    this.pending = null;
    this.post({ kind: 'cancel', id: p.id });
    p.reject(new SearchFailed('cancelled', 'Cancelled by a newer query.'));
  }

  /**
   * Handles a response or error from the extension; returns false for messages that
   * are not about requests (state, setQuery) so the caller handles those.
   */
  receive(message: ExtensionToWebview): boolean {
    if (message.kind !== 'response' && message.kind !== 'error') return false;
    const p = this.pending;
    // An answer to anything but the newest request is stale: drop it.
    if (!p || p.id !== message.id) return true;
    this.pending = null;
    if (message.kind === 'response') p.resolve(message.result);
    else p.reject(new SearchFailed(message.code, message.message));
    return true;
  }
}
