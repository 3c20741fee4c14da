/**
 * "Conexus: Show Index Status" as a read-only virtual markdown document shown in the
 * markdown preview. A virtual document (its own URI scheme) rather than an untitled
 * one, so closing it never asks to save, and showing it again refreshes the same tab.
 */
import * as vscode from 'vscode';

/** The URI scheme of the status document. */
export const STATUS_SCHEME = 'conexus-status';

export class StatusDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private content = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;
  readonly uri = vscode.Uri.from({ scheme: STATUS_SCHEME, path: '/Conexus Index Status.md' });
  private readonly registration = vscode.workspace.registerTextDocumentContentProvider(STATUS_SCHEME, this);

  provideTextDocumentContent(): string {
    return this.content;
  }

  /** Shows `markdown` in the preview (or as a document when there is no markdown preview). */
  async show(markdown: string): Promise<void> {
    this.content = markdown;
    this.changed.fire(this.uri);
    const doc = await vscode.workspace.openTextDocument(this.uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', doc.uri);
    } catch {
      // Without the built-in markdown extension the document itself is still readable.
      await vscode.window.showTextDocument(doc, { preview: true });
    }
  }

  dispose(): void {
    this.registration.dispose();
    this.changed.dispose();
  }
}
