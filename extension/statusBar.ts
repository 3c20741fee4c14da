/**
 * The status bar item: indexing progress with an ETA, then ready, paused or error.
 * Clicking it shows the index status. The wording lives in `statusText.ts`.
 */
import * as vscode from 'vscode';
import type { IndexStatus } from '../protocol/status';
import type { WorkerState } from '../protocol/webview';
import { formatStatusBar } from './statusText';

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('conexus.status', vscode.StatusBarAlignment.Left, 10);

  constructor(showStatusCommand: string) {
    this.item.name = 'Conexus';
    this.item.command = showStatusCommand;
  }

  /** Shows the given worker state and status. */
  update(status: IndexStatus | null, worker: WorkerState, restricted: boolean): void {
    const view = formatStatusBar(status, worker, restricted);
    this.item.text = view.text;
    this.item.tooltip = view.tooltip;
    this.item.accessibilityInformation = { label: view.tooltip, role: 'button' };
    this.item.backgroundColor = view.severity === 'error'
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : view.severity === 'warning' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
