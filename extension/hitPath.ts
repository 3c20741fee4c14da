/**
 * Turns the path a hit showed (relative to its root, prefixed with the root's name
 * when several folders are open) back into a file inside a workspace folder. The
 * webview is untrusted, so anything that would leave the folders — absolute paths,
 * `..` segments, unknown root names, symlinks pointing outside — is refused.
 * Node only, no `vscode`, so it is unit-tested directly.
 */
import * as path from 'node:path';
import { realpath } from 'node:fs/promises';

/** A workspace folder as this module needs it. */
export interface FolderRoot {
  name: string;
  fsPath: string;
}

/** True when `child` is `parent` or lies below it. */
function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/**
 * Resolves a hit's display path lexically; null when it names no file inside a folder.
 * With one folder the whole path is relative to it; with several the first segment
 * names the folder.
 */
export function resolveHitPath(folders: ReadonlyArray<FolderRoot>, hitPath: string): { root: FolderRoot; absPath: string } | null {
  if (!folders.length || !hitPath || hitPath.includes('\0')) return null;
  if (hitPath.startsWith('/') || hitPath.startsWith('\\') || /^[a-zA-Z]:/.test(hitPath)) return null;
  const segments = hitPath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (!segments.length || segments.some((s) => s === '..')) return null;
  let root: FolderRoot | undefined = folders[0];
  let rest = segments;
  if (folders.length > 1) {
    root = folders.find((f) => f.name === segments[0]);
    rest = segments.slice(1);
  }
  if (!root || !rest.length) return null;
  const absPath = path.resolve(root.fsPath, ...rest);
  return isInside(path.resolve(root.fsPath), absPath) ? { root, absPath } : null;
}

/**
 * Resolves a hit's path and follows symlinks: the real file must still be inside the
 * real folder. Returns the absolute path to open, or null with nothing opened.
 */
export async function resolveHitFile(folders: ReadonlyArray<FolderRoot>, hitPath: string): Promise<string | null> {
  const lexical = resolveHitPath(folders, hitPath);
  if (!lexical) return null;
  try {
    const [realRoot, realFile] = await Promise.all([realpath(lexical.root.fsPath), realpath(lexical.absPath)]);
    return isInside(realRoot, realFile) ? lexical.absPath : null;
  } catch {
    // A file that no longer exists cannot be opened; the caller says so.
    return null;
  }
}
