/**
 * Opens a search hit in an editor with its lines selected. The panel sends only the
 * hit's display path and lines; `hitPath.ts` resolves them inside the workspace
 * folders and anything else is refused and logged, never opened.
 */
import * as vscode from 'vscode';
import { resolveHitFile } from './hitPath';

/** Opens `hitPath` at `startLine`–`endLine` (1-based, inclusive); false when refused. */
export async function openHit(hitPath: string, startLine: number, endLine: number, log: vscode.LogOutputChannel): Promise<boolean> {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const file = await resolveHitFile(folders, hitPath);
  if (!file) {
    log.warn(`Search panel: refused to open "${hitPath.slice(0, 200)}": it is not an existing file inside the workspace folders.`);
    void vscode.window.showWarningMessage('Conexus: that file is no longer in the workspace. Run "Conexus: Reindex Workspace" to refresh the index.');
    return false;
  }
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
  // The file may have changed since it was indexed: clamp the lines to what is there now.
  const last = Math.max(0, doc.lineCount - 1);
  const start = Math.min(Math.max(0, startLine - 1), last);
  const end = Math.min(Math.max(start, endLine - 1), last);
  const selection = new vscode.Range(start, 0, end, doc.lineAt(end).text.length);
  const editor = await vscode.window.showTextDocument(doc, { selection, preview: true });
  editor.revealRange(selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return true;
}
