/**
 * The `conexus.*` commands. Each maps to one worker request or one view action;
 * failures are shown with what to do next and never thrown into VS Code's generic
 * "command failed" message.
 */
import * as vscode from 'vscode';
import { ClearRequest, IndexStatusRequest, PauseRequest, ReindexRequest, ResumeRequest } from '../protocol/requests';
import type { WebviewCommand } from '../protocol/webview';
import { formatStatusMarkdown } from './statusReport';
import { StatusDocument } from './statusDocument';
import { SEARCH_VIEW_ID, type SearchViewProvider } from './searchView';
import type { WorkerClient } from './workerClient';

/** Command ids, as declared in package.json. */
export const Commands = {
  reindexWorkspace: 'conexus.reindexWorkspace',
  pauseIndexing: 'conexus.pauseIndexing',
  resumeIndexing: 'conexus.resumeIndexing',
  clearIndex: 'conexus.clearIndex',
  showIndexStatus: 'conexus.showIndexStatus',
  showLog: 'conexus.showLog',
  search: 'conexus.search',
} as const;

/** What the commands act on. */
export interface CommandDeps {
  worker: WorkerClient;
  view: SearchViewProvider;
  log: vscode.LogOutputChannel;
  restricted: () => boolean;
  hasWorkspace: () => boolean;
}

/** Longest editor selection the Search command puts in the query box. */
const MAX_SELECTION_CHARS = 500;

/** Registers every command; returns their disposables. */
export function registerCommands(deps: CommandDeps): vscode.Disposable[] {
  const { worker, view, log } = deps;
  const statusDocument = new StatusDocument();

  const control = async (run: () => Promise<{ message: string }>) => {
    if (!deps.hasWorkspace()) {
      void vscode.window.showInformationMessage('Conexus: open a folder first; there is nothing to index.');
      return;
    }
    try {
      const { message } = await run();
      void vscode.window.setStatusBarMessage(`Conexus: ${message}`, 4000);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const choice = await vscode.window.showErrorMessage(`Conexus: ${message}`, 'Show Log');
      if (choice === 'Show Log') log.show();
    }
  };

  const reindex = async () => {
    // After repeated crashes the worker is down: reindexing starts it again (which indexes).
    if (worker.worker === 'failed' || worker.worker === 'stopped') {
      await worker.restart('"Reindex Workspace" after the worker stopped');
      return;
    }
    await control(() => worker.request(ReindexRequest, {}));
  };

  const showStatus = async () => {
    let status = worker.status;
    try {
      status = await worker.request(IndexStatusRequest, {});
    } catch (error) {
      log.debug(`Show Index Status: using the last known status (${error instanceof Error ? error.message : String(error)}).`);
    }
    await statusDocument.show(formatStatusMarkdown(status, worker.worker, deps.restricted()));
  };

  const search = async () => {
    const editor = vscode.window.activeTextEditor;
    const selected = editor && !editor.selection.isEmpty ? editor.document.getText(editor.selection).trim().slice(0, MAX_SELECTION_CHARS) : '';
    await vscode.commands.executeCommand(`${SEARCH_VIEW_ID}.focus`);
    if (selected) view.setQuery(selected);
  };

  return [
    statusDocument,
    vscode.commands.registerCommand(Commands.reindexWorkspace, reindex),
    vscode.commands.registerCommand(Commands.pauseIndexing, () => control(() => worker.request(PauseRequest, {}))),
    vscode.commands.registerCommand(Commands.resumeIndexing, () => control(() => worker.request(ResumeRequest, {}))),
    vscode.commands.registerCommand(Commands.clearIndex, () => control(() => worker.request(ClearRequest, {}))),
    vscode.commands.registerCommand(Commands.showIndexStatus, showStatus),
    vscode.commands.registerCommand(Commands.showLog, () => log.show()),
    vscode.commands.registerCommand(Commands.search, search),
  ];
}

/** Runs the command behind a button in the search panel. */
export function runPanelCommand(command: WebviewCommand): void {
  const id = {
    showLog: Commands.showLog,
    reindex: Commands.reindexWorkspace,
    resume: Commands.resumeIndexing,
    showStatus: Commands.showIndexStatus,
    openSettings: 'workbench.action.openSettings',
  }[command];
  void vscode.commands.executeCommand(id, ...(command === 'openSettings' ? ['conexus'] : []));
}
