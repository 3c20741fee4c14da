/**
 * The sidebar search panel: a webview view with a strict CSP whose messages are
 * validated before anything acts on them. A newer query cancels the older one all
 * the way to the worker (webview id → CancellationTokenSource → $/cancelRequest →
 * AbortSignal in the engine).
 */
import * as vscode from 'vscode';
import { SearchRequest } from '../protocol/requests';
import {
  parseWebviewMessage, type ExtensionToWebview, type PanelState, type WebviewCommand, type WebviewToExtension,
} from '../protocol/webview';
import { ErrorCode } from '../protocol/errors';
import { buildWebviewHtml } from './webviewHtml';
import { openHit } from './openHit';
import { WorkerRequestError, type WorkerClient } from './workerClient';

/** The view's id in package.json. */
export const SEARCH_VIEW_ID = 'conexus.search';

export class SearchViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  private readonly inflight = new Map<number, vscode.CancellationTokenSource>();
  private pendingQuery: string | undefined;
  /** True once the page's script has said `ready`; messages before that could be lost. */
  private ready = false;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly worker: WorkerClient,
    private readonly log: vscode.LogOutputChannel,
    private readonly panelState: () => PanelState,
    private readonly runCommand: (command: WebviewCommand) => void,
  ) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const webview = view.webview;
    webview.options = { enableScripts: true, localResourceRoots: [this.extensionUri] };
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist');
    webview.html = buildWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'webview.css')).toString(),
    });
    this.disposables.push(
      webview.onDidReceiveMessage((raw) => void this.receive(raw)),
      view.onDidDispose(() => {
        this.cancelAll();
        this.view = undefined;
        this.ready = false;
      }),
    );
  }

  /** Posts the panel state (worker, status, restricted mode, defaults). */
  postState(): void {
    this.post({ kind: 'state', state: this.panelState() });
  }

  /** Puts `query` in the query box, now or as soon as the panel has loaded. */
  setQuery(query: string): void {
    if (this.view && this.ready) this.post({ kind: 'setQuery', query });
    else this.pendingQuery = query;
  }

  dispose(): void {
    this.cancelAll();
    for (const d of this.disposables) d.dispose();
  }

  private async receive(raw: unknown): Promise<void> {
    const parsed = parseWebviewMessage(raw);
    if (!parsed.ok) {
      this.log.warn(`Search panel: rejected a message (${parsed.reason}).`);
      // A rejected search still gets an answer, so the panel does not wait forever.
      const id = raw && typeof raw === 'object' ? (raw as { kind?: unknown; id?: unknown }) : undefined;
      if (id?.kind === 'request' && typeof id.id === 'number') {
        this.post({ kind: 'error', id: id.id, code: ErrorCode.InvalidParams, message: `The search was refused: ${parsed.reason}.` });
      }
      return;
    }
    const msg = parsed.message;
    switch (msg.kind) {
      case 'ready':
        this.ready = true;
        this.postState();
        if (this.pendingQuery !== undefined) {
          this.post({ kind: 'setQuery', query: this.pendingQuery });
          this.pendingQuery = undefined;
        }
        return;
      case 'request':
        return this.search(msg);
      case 'cancel':
        this.inflight.get(msg.id)?.cancel();
        return;
      case 'open':
        try {
          await openHit(msg.path, msg.startLine, msg.endLine, this.log);
        } catch (error) {
          this.log.error(`Search panel: could not open ${msg.path.slice(0, 200)}: ${error instanceof Error ? error.message : String(error)}`);
        }
        return;
      case 'command':
        this.runCommand(msg.command);
        return;
    }
  }

  private async search(msg: Extract<WebviewToExtension, { kind: 'request' }>): Promise<void> {
    // Only the newest query matters: everything older is cancelled in the worker too.
    this.cancelAll();
    const source = new vscode.CancellationTokenSource();
    this.inflight.set(msg.id, source);
    try {
      const result = await this.worker.request(SearchRequest, msg.params, source.token);
      this.post({ kind: 'response', id: msg.id, result });
    } catch (error) {
      const code = error instanceof WorkerRequestError ? error.code : 'internal';
      const message = error instanceof Error ? error.message : String(error);
      if (code !== ErrorCode.Cancelled) this.log.debug(`Search panel: query failed (${code}): ${message}`);
      this.post({ kind: 'error', id: msg.id, code, message });
    } finally {
      this.inflight.delete(msg.id);
      source.dispose();
    }
  }

  private cancelAll(): void {
    for (const source of this.inflight.values()) source.cancel();
    this.inflight.clear();
  }

  private post(message: ExtensionToWebview): void {
    if (!this.ready) return;
    void this.view?.webview.postMessage(message);
  }
}
