/**
 * The worker's lifetime, seen from the extension host: spawns `dist/worker.js` as a
 * separate Node process through the language client over IPC, restarts it after a
 * crash within a bounded budget, tracks its last status, and sends typed requests
 * whose results are validated with the shared schemas.
 */
import * as vscode from 'vscode';
import {
  CloseAction, ErrorAction, LanguageClient, NotificationType, RequestType, ResponseError, State, TransportKind,
  type ErrorHandler, type LanguageClientOptions, type ServerOptions,
} from 'vscode-languageclient/node';
import type { z } from 'zod';
import { describeIssues, ErrorCode } from '../protocol/errors';
import {
  IndexStatusRequest, RpcErrorDataSchema, StatusChangedNotification, type WorkerInitOptionsInput,
} from '../protocol/requests';
import { IndexStatusSchema, type IndexStatus } from '../protocol/status';
import type { WorkerState } from '../protocol/webview';
import { CrashBudget } from './restartPolicy';
import { WORKER_ENV } from './workerEnv';

/** A request definition from `protocol/requests.ts`. */
interface RequestShape {
  readonly method: string;
  readonly params: z.ZodType;
  readonly result: z.ZodType;
}

/** A failed request as the panel and commands show it. */
export class WorkerRequestError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'WorkerRequestError';
  }
}

export class WorkerClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly budget = new CrashBudget();
  private readonly changed = new vscode.EventEmitter<void>();
  /** Fires when the worker's state or its last status changes. */
  readonly onDidChange = this.changed.event;
  /** The last status the worker reported; null before the first. */
  status: IndexStatus | null = null;
  worker: WorkerState = 'stopped';
  /** Why the worker is down, with what to do next. */
  message: string | undefined;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly initOptions: () => WorkerInitOptionsInput,
  ) {}

  /** Starts the worker unless it runs; a failed start leaves state `failed` with a message. */
  async start(): Promise<void> {
    if (this.client) return;
    const module = this.context.asAbsolutePath('dist/worker.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc, options: { env: WORKER_ENV } },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const clientOptions: LanguageClientOptions = {
      outputChannel: this.log,
      // A function, so a restart after a crash starts with the current settings and trust.
      initializationOptions: () => this.initOptions(),
      errorHandler: this.errorHandler(),
      initializationFailedHandler: (error) => {
        this.setWorker('failed', `The Conexus worker could not start: ${error instanceof Error ? error.message : String(error)}`);
        return false;
      },
    };
    const client = new LanguageClient('conexus', 'Conexus', serverOptions, clientOptions);
    this.client = client;
    client.onNotification(new NotificationType<unknown>(StatusChangedNotification.method), (raw) => this.acceptStatus(raw));
    client.onDidChangeState(({ newState }) => {
      if (newState === State.Running) {
        this.setWorker('running');
        // After a restart the panel must not keep showing the outage: ask for a fresh status.
        void this.refreshStatus();
      }
    });
    this.setWorker('starting');
    try {
      await client.start();
    } catch (error) {
      this.log.error(`The Conexus worker did not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (this.worker !== 'failed') this.setWorker('failed', 'The Conexus worker did not start. Run "Conexus: Show Log" for details.');
    }
  }

  /** Stops the worker (it closes its index and releases the lock). */
  async stop(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      await client.stop(3000).catch((e) => this.log.warn(`Stopping the worker: ${e instanceof Error ? e.message : String(e)}`));
    }
    this.setWorker('stopped');
  }

  /** Restarts on purpose (settings, trust, a command): the crash budget starts afresh. */
  async restart(reason: string): Promise<void> {
    this.log.info(`Restarting the worker: ${reason}.`);
    this.budget.reset();
    await this.stop();
    await this.start();
  }

  /** Sends a typed request; the result is validated with the request's schema. */
  async request<D extends RequestShape>(def: D, params: z.input<D['params']>, token?: vscode.CancellationToken): Promise<z.infer<D['result']>> {
    const client = this.client;
    if (!client || this.worker === 'failed' || this.worker === 'stopped') {
      throw new WorkerRequestError(ErrorCode.IndexUnavailable, this.message ?? 'The Conexus worker is not running. Run "Conexus: Reindex Workspace" to start it.');
    }
    const type = new RequestType<z.input<D['params']>, unknown, unknown>(def.method);
    let raw: unknown;
    try {
      raw = token ? await client.sendRequest(type, params, token) : await client.sendRequest(type, params);
    } catch (error) {
      throw toRequestError(error, token);
    }
    const parsed = def.result.safeParse(raw);
    if (!parsed.success) {
      throw new WorkerRequestError('internal', `The worker's answer to ${def.method} was malformed (${describeIssues(parsed.error.issues)}). Run "Conexus: Show Log" and report it.`);
    }
    return parsed.data as z.infer<D['result']>;
  }

  dispose(): void {
    void this.stop();
    this.changed.dispose();
  }

  private async refreshStatus(): Promise<void> {
    try {
      this.acceptStatus(await this.request(IndexStatusRequest, {}));
    } catch (error) {
      this.log.warn(`Could not read the index status: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  private acceptStatus(raw: unknown): void {
    const parsed = IndexStatusSchema.safeParse(raw);
    if (!parsed.success) {
      this.log.warn(`Ignored a malformed status from the worker: ${describeIssues(parsed.error.issues)}`);
      return;
    }
    this.status = parsed.data;
    this.changed.fire();
  }

  private setWorker(state: WorkerState, message?: string): void {
    this.worker = state;
    this.message = message;
    this.changed.fire();
  }

  /** Connection errors are retried a few times; a closed connection spends the crash budget. */
  private errorHandler(): ErrorHandler {
    return {
      error: (_error, _message, count) => ({ action: (count ?? 0) <= 3 ? ErrorAction.Continue : ErrorAction.Shutdown, handled: true }),
      closed: () => {
        const decision = this.budget.record(Date.now());
        if (decision.restart) {
          this.log.warn(`The worker stopped unexpectedly (${decision.recent} time(s) in the last ${this.budget.windowMs / 60000} minutes); restarting it.`);
          this.setWorker('restarting', 'The Conexus worker stopped unexpectedly and is restarting.');
          return { action: CloseAction.Restart, handled: true };
        }
        const message = `The Conexus worker crashed ${decision.recent} times in ${this.budget.windowMs / 60000} minutes and was not restarted. Search is unavailable.`;
        this.log.error(message);
        this.setWorker('failed', `${message} Run "Conexus: Show Log" for details, then "Conexus: Reindex Workspace" to try again.`);
        // The client's own way of closing would show a second, vaguer message; this is the one.
        this.client = undefined;
        void vscode.window.showErrorMessage(`Conexus: ${message}`, 'Show Log', 'Restart').then((choice) => {
          if (choice === 'Show Log') this.log.show();
          if (choice === 'Restart') void this.restart('restart requested after repeated crashes');
        });
        return { action: CloseAction.DoNotRestart, handled: true };
      },
    };
  }
}

/** Maps a language-client failure to a code and a message for a person. */
function toRequestError(error: unknown, token?: vscode.CancellationToken): WorkerRequestError {
  if (token?.isCancellationRequested) return new WorkerRequestError(ErrorCode.Cancelled, 'The request was cancelled.');
  if (error instanceof ResponseError) {
    const data = RpcErrorDataSchema.safeParse(error.data);
    return new WorkerRequestError(data.success ? data.data.code : 'internal', error.message);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new WorkerRequestError('internal', `The request to the Conexus worker failed: ${message}`);
}
