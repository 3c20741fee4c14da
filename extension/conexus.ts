/**
 * Holds the extension's parts together for one window: settings and trust, the
 * worker, the search panel, the status bar, the commands and the MCP provider, and
 * reacts to changes of settings, folders and trust. Everything heavy happens in the
 * worker; this class only decides when it runs and with what options.
 */
import * as vscode from 'vscode';
import { createHash } from 'node:crypto';
import type { WorkerInitOptionsInput, WorkerLogLevel } from '../protocol/requests';
import type { PanelState } from '../protocol/webview';
import { Commands, registerCommands, runPanelCommand } from './commands';
import { registerMcpProvider, type McpTarget } from './mcpProvider';
import { SEARCH_VIEW_ID, SearchViewProvider } from './searchView';
import { invalidSettingsMessage, needsRestart, readSettings, type ReadSettings } from './settings';
import { StatusBar } from './statusBar';
import { WorkerClient } from './workerClient';

export class Conexus implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly worker: WorkerClient;
  private readonly view: SearchViewProvider;
  private readonly statusBar = new StatusBar(Commands.showIndexStatus);
  private readonly mcpChanged = new vscode.EventEmitter<void>();
  private mcpRegistration: vscode.Disposable | undefined;
  private trusted = vscode.workspace.isTrusted;
  private settings: ReadSettings;

  constructor(private readonly context: vscode.ExtensionContext, private readonly log: vscode.LogOutputChannel) {
    this.settings = this.readAndWarn();
    this.worker = new WorkerClient(context, log, () => this.initOptions());
    this.view = new SearchViewProvider(context.extensionUri, this.worker, log, () => this.panelState(), runPanelCommand);
    this.disposables.push(
      this.worker, this.view, this.statusBar, this.mcpChanged,
      vscode.window.registerWebviewViewProvider(SEARCH_VIEW_ID, this.view, { webviewOptions: { retainContextWhenHidden: true } }),
      ...registerCommands({
        worker: this.worker, view: this.view, log,
        restricted: () => !this.trusted,
        hasWorkspace: () => this.folders().length > 0,
      }),
      this.worker.onDidChange(() => this.render()),
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('conexus')) void this.onSettingsChanged(); }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.onFoldersChanged()),
      vscode.workspace.onDidGrantWorkspaceTrust(() => void this.onTrustGranted()),
    );
    if (this.trusted) this.registerMcp();
    this.render();
  }

  /** Starts the worker when a folder is open (and indexing on startup is on or an index exists). */
  async start(): Promise<void> {
    if (!this.folders().length) {
      this.log.info('No folder is open; Conexus waits for one.');
      this.render();
      return;
    }
    await this.ensureStorage();
    await this.worker.start();
  }

  dispose(): void {
    this.mcpRegistration?.dispose();
    for (const d of this.disposables.reverse()) d.dispose();
  }

  /** Stops the worker and waits for it to close its index (on deactivate). */
  stop(): Promise<void> {
    return this.worker.stop();
  }

  private folders(): string[] {
    return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  }

  /**
   * The index lives in the workspace's storage. Without one (a window with loose
   * folders but no saved workspace) it goes under global storage, in a folder keyed
   * by the folder paths so two such windows never share an index.
   */
  private indexDir(): string {
    if (this.context.storageUri) return vscode.Uri.joinPath(this.context.storageUri, 'index').fsPath;
    const key = createHash('sha256').update(this.folders().join('\n')).digest('hex').slice(0, 16);
    return vscode.Uri.joinPath(this.context.globalStorageUri, 'indexes', key).fsPath;
  }

  private async ensureStorage(): Promise<void> {
    await vscode.workspace.fs.createDirectory(vscode.Uri.file(this.indexDir()));
  }

  private initOptions(): WorkerInitOptionsInput {
    return {
      roots: this.folders(),
      indexDir: this.indexDir(),
      settings: this.settings.raw,
      restricted: !this.trusted,
      serveMcp: this.trusted,
      logLevel: workerLogLevel(this.log.logLevel),
    };
  }

  private panelState(): PanelState {
    return {
      worker: this.worker.worker,
      status: this.worker.status,
      restricted: !this.trusted,
      noWorkspace: this.folders().length === 0,
      ...(this.worker.message ? { message: this.worker.message } : {}),
      defaultMode: this.settings.settings.defaultMode,
      defaultK: this.settings.settings.defaultK,
    };
  }

  private render(): void {
    this.statusBar.update(this.worker.status, this.folders().length ? this.worker.worker : 'stopped', !this.trusted);
    this.view.postState();
  }

  private readAndWarn(): ReadSettings {
    const read = readSettings(vscode.workspace.getConfiguration('conexus'), this.trusted);
    if (read.invalid.length) {
      const message = invalidSettingsMessage(read.invalid);
      this.log.warn(message);
      void vscode.window.showWarningMessage(message, 'Open Settings').then((c) => {
        if (c) void vscode.commands.executeCommand('workbench.action.openSettings', 'conexus');
      });
    }
    return read;
  }

  private async onSettingsChanged(): Promise<void> {
    const before = this.settings.settings;
    this.settings = this.readAndWarn();
    this.render();
    if (needsRestart(before, this.settings.settings) && this.folders().length) {
      await this.worker.restart('settings changed');
    }
  }

  private async onFoldersChanged(): Promise<void> {
    this.mcpChanged.fire();
    if (!this.folders().length) {
      await this.worker.stop();
      this.render();
      return;
    }
    await this.ensureStorage();
    await this.worker.restart('workspace folders changed');
  }

  private async onTrustGranted(): Promise<void> {
    this.trusted = true;
    this.log.info('Workspace trusted: leaving restricted mode (custom settings and the MCP server are enabled).');
    this.settings = this.readAndWarn();
    this.registerMcp();
    this.render();
    if (this.folders().length) await this.worker.restart('workspace trust granted');
  }

  /** Registers the MCP server definition (trusted workspaces only). */
  private registerMcp(): void {
    if (this.mcpRegistration || !this.trusted) return;
    const target = (): McpTarget | null => (this.folders().length ? { folders: this.folders(), indexDir: this.indexDir() } : null);
    try {
      this.mcpRegistration = registerMcpProvider(this.context, target, this.mcpChanged.event, this.log);
    } catch (error) {
      this.log.error(`Could not register the MCP server: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
    }
  }
}

/** The worker's log level for the output channel's level (so "Set Log Level" reaches the worker on its next start). */
function workerLogLevel(level: vscode.LogLevel): WorkerLogLevel {
  switch (level) {
    case vscode.LogLevel.Trace: return 'trace';
    case vscode.LogLevel.Debug: return 'debug';
    case vscode.LogLevel.Warning: return 'warn';
    case vscode.LogLevel.Error: case vscode.LogLevel.Off: return 'error';
    default: return 'info';
  }
}
