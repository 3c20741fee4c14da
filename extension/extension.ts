/**
 * Entry point of the extension host side. Deliberately short: it creates the log and
 * the `Conexus` object, which starts the worker process that does all the work.
 */
import * as vscode from 'vscode';
import { Conexus } from './conexus';

let conexus: Conexus | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Conexus', { log: true });
  context.subscriptions.push(log);
  conexus = new Conexus(context, log);
  context.subscriptions.push(conexus);
  // The worker starts in the background so activation never waits on opening the index.
  void conexus.start().catch((error) => log.error(`Conexus could not start: ${error instanceof Error ? error.stack ?? error.message : String(error)}`));
}

export async function deactivate(): Promise<void> {
  // Waiting here lets the worker close its index and release the lock before the host exits.
  await conexus?.stop();
  conexus = undefined;
}
