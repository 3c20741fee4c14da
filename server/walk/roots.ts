/**
 * Workspace roots: turning the folders the user opened into `Root`s with real paths
 * and unique display names, and converting between absolute paths and the display
 * paths that hits, the catalog and the MCP tools use.
 *
 * Display paths are `/`-separated and relative to a root. With a single root they carry
 * no prefix (`src/app.ts`); with several, the root's name comes first (`api/src/app.ts`),
 * so the same string means the same file in every part of the system.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConexusError, ErrorCode } from '../../protocol/errors';
import type { Root } from './types';

/**
 * Resolves workspace folders (absolute or relative to the current directory) to real
 * paths and gives each a display name: its basename, with `-2`, `-3`… appended when two
 * folders share one. The same folder listed twice (even through a symlink) appears once.
 * Throws `ConexusError(NoWorkspace)` naming the first path that is missing or not a folder.
 */
export function resolveRoots(paths: string[]): Root[] {
  if (paths.length === 0) {
    throw new ConexusError(ErrorCode.NoWorkspace, 'No workspace folder was given: open a folder in VS Code or pass one to `conexus`.');
  }
  const roots: Root[] = [];
  const seen = new Set<string>();
  const usedNames = new Set<string>();
  for (const given of paths) {
    const absPath = realFolder(given);
    if (seen.has(absPath)) continue;
    seen.add(absPath);
    const name = uniqueName(baseName(absPath), usedNames);
    usedNames.add(name);
    roots.push({ absPath, name });
  }
  return roots;
}

/** Realpath of a folder, or a NoWorkspace error that says what is wrong and what to do. */
function realFolder(given: string): string {
  const resolved = path.resolve(given);
  let real: string;
  try {
    real = fs.realpathSync.native(resolved);
  } catch (err) {
    throw new ConexusError(
      ErrorCode.NoWorkspace,
      `Workspace folder ${resolved} does not exist or cannot be read: check the path, or open an existing folder.`,
      { cause: err },
    );
  }
  let isDir = false;
  try {
    isDir = fs.statSync(real).isDirectory();
  } catch (err) {
    throw new ConexusError(ErrorCode.NoWorkspace, `Workspace folder ${resolved} cannot be read: check its permissions.`, { cause: err });
  }
  if (!isDir) {
    throw new ConexusError(ErrorCode.NoWorkspace, `Workspace path ${resolved} is a file, not a folder: open the folder that contains it instead.`);
  }
  return real;
}

/** The folder's basename; the filesystem root has none, so it gets a readable stand-in. */
function baseName(absPath: string): string {
  const base = path.basename(absPath);
  return base === '' ? 'root' : base;
}

function uniqueName(base: string, used: Set<string>): string {
  if (!used.has(base)) return base;
  for (let i = 2; ; i++) {
    const candidate = `${base}-${i}`;
    if (!used.has(candidate)) return candidate;
  }
}

/** Converts a native relative path to the `/`-separated form display paths use. */
export function toPosix(rel: string): string {
  return path.sep === '/' ? rel : rel.split(path.sep).join('/');
}

/**
 * The display path of a file given its root and its `/`-separated path relative to that
 * root: no prefix with one root, `root.name/rel` with several.
 */
export function toDisplayPath(roots: readonly Root[], root: Root, relPosix: string): string {
  if (roots.length <= 1) return relPosix;
  return relPosix === '' ? root.name : `${root.name}/${relPosix}`;
}

/**
 * The root and absolute path a display path names, or null when it names no root or
 * tries to leave its root (`..`, absolute paths, empty segments). Never touches the disk.
 */
export function resolveDisplayPath(
  roots: readonly Root[],
  displayPath: string,
): { root: Root; absPath: string } | null {
  if (roots.length === 0) return null;
  // Backslashes are accepted so that a Windows-style path typed by an agent still resolves.
  const segments = displayPath.replace(/\\/g, '/').split('/');
  if (segments.length > 0 && segments[segments.length - 1] === '') segments.pop();
  let root: Root | undefined;
  if (roots.length === 1) {
    root = roots[0];
  } else {
    const first = segments.shift();
    root = roots.find((r) => r.name === first);
  }
  if (!root) return null;
  for (const seg of segments) {
    if (seg === '' || seg === '.' || seg === '..') return null;
  }
  return { root, absPath: segments.length === 0 ? root.absPath : path.join(root.absPath, ...segments) };
}

/**
 * The root an absolute path lies in (the deepest one when roots are nested) and its
 * `/`-separated path relative to it, or null when it lies outside every root.
 */
export function locateInRoots(roots: readonly Root[], absPath: string): { root: Root; relPosix: string } | null {
  let best: { root: Root; relPosix: string } | null = null;
  for (const root of roots) {
    const rel = path.relative(root.absPath, absPath);
    if (rel === '..' || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
    if (!best || root.absPath.length > best.root.absPath.length) best = { root, relPosix: toPosix(rel) };
  }
  return best;
}
