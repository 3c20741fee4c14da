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

/**
 * Names folders the way the engine names its roots (`server/walk/roots.ts`, which the
 * extension may not import): real paths, duplicates dropped, each named by its basename
 * with `-2`, `-3`… when two share one. VS Code's own folder names can differ (a
 * `.code-workspace` file may rename folders), so they are not used.
 */
export function nameRoots(realPaths: ReadonlyArray<string>): FolderRoot[] {
  const out: FolderRoot[] = [];
  const seen = new Set<string>();
  const used = new Set<string>();
  for (const p of realPaths) {
    if (seen.has(p)) continue;
    seen.add(p);
    const base = path.basename(p) || 'root';
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}-${i}`;
    used.add(name);
    out.push({ name, fsPath: p });
  }
  return out;
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
 * Resolves a hit's path against the workspace folders (absolute paths, VS Code's order)
 * and follows symlinks: the real file must still be inside the real folder. Returns the
 * absolute path to open, or null with nothing opened.
 */
export async function resolveHitFile(folderPaths: ReadonlyArray<string>, hitPath: string): Promise<string | null> {
  const real = await Promise.all(folderPaths.map((f) => realpath(f).catch(() => null)));
  const lexical = resolveHitPath(nameRoots(real.filter((r): r is string => r !== null)), hitPath);
  if (!lexical) return null;
  try {
    const realFile = await realpath(lexical.absPath);
    return isInside(lexical.root.fsPath, realFile) ? lexical.absPath : null;
  } catch {
    // A file that no longer exists cannot be opened; the caller says so.
    return null;
  }
}
