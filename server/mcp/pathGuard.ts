/**
 * Confines path arguments of MCP tools to the workspace roots. An agent's arguments are
 * untrusted input: a path may try `..`, an absolute path elsewhere, a sibling folder that
 * shares the root's prefix (`/root-evil` for `/root`), a symlink that leads out, a NUL
 * byte, or percent-encoded dots and slashes. All of these are refused with
 * `path-outside-workspace` before any file is touched.
 *
 * The guard only decides whether a path is inside; whether the file is indexed (and so
 * may be served at all) is the engine's call: tools read through `engine.readFile` and
 * `engine.chunksForFile`, which know nothing outside the index.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { ConexusError, ErrorCode } from '../../protocol/errors';

/** A workspace root as the engine resolved it. */
export interface GuardRoot {
  absPath: string;
  name: string;
}

/** A path inside the workspace. */
export interface ConfinedPath {
  /** Absolute path (not symlink-resolved). */
  absPath: string;
  /** The engine's display path: relative to the root, prefixed with the root's name when there are several roots. */
  display: string;
  root: GuardRoot;
}

function refuse(input: string, why: string): never {
  const shown = JSON.stringify(input.length > 200 ? input.slice(0, 200) + '…' : input);
  throw new ConexusError(ErrorCode.PathOutsideWorkspace,
    `path ${shown} is refused: ${why}. Give a path relative to the workspace root (e.g. "src/index.ts") or an absolute path inside it.`);
}

/** True when `child` equals `parent` or lies below it (segment-wise, so `/root-evil` is not inside `/root`). */
export function isWithin(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Resolves symlinks of the longest existing prefix of `p` (the rest does not exist yet, so cannot be a link). */
function realpathOfExisting(p: string): string {
  let current = p;
  const tail: string[] = [];
  for (;;) {
    try {
      return path.join(realpathSync.native(current), ...tail.reverse());
    } catch {
      const parent = path.dirname(current);
      if (parent === current) return p;
      tail.push(path.basename(current));
      current = parent;
    }
  }
}

/**
 * Checks a path argument and returns where it points, or throws ConexusError
 * `path-outside-workspace` naming the reason.
 */
export function confinePath(roots: ReadonlyArray<GuardRoot>, input: string): ConfinedPath {
  if (typeof input !== 'string' || input.length === 0) refuse(String(input), 'it is empty');
  if (input.length > 4096) refuse(input, 'it is longer than 4096 characters');
  if (input.includes('\0')) refuse(input, 'it contains a NUL byte');
  // Percent-encoded bytes are never decoded by the tools, so a `%2e%2e` would be a literal
  // file name; refusing them outright keeps any later decoding step from being fooled.
  if (/%(2e|2f|5c|00)/i.test(input)) refuse(input, 'it contains percent-encoded dots, slashes or NUL');
  const normalisedSlashes = input.replace(/\\/g, '/');
  if (normalisedSlashes.split('/').includes('..')) refuse(input, 'it contains a ".." segment');
  if (roots.length === 0) refuse(input, 'the workspace has no roots');

  let root: GuardRoot | undefined;
  let absPath: string;
  if (path.isAbsolute(input) || /^[A-Za-z]:[\\/]/.test(input)) {
    absPath = path.resolve(input);
    root = roots.find((r) => isWithin(r.absPath, absPath));
    if (!root) refuse(input, 'it is outside the workspace roots');
  } else {
    const rel = normalisedSlashes.replace(/^\.\//, '');
    const first = rel.split('/')[0];
    // With several roots, display paths start with the root's name.
    root = roots.length > 1 ? roots.find((r) => r.name === first) : roots[0];
    const inner = roots.length > 1 && root ? rel.slice(first.length + 1) : rel;
    if (!root) refuse(input, `it does not start with a root name (${roots.map((r) => r.name).join(', ')})`);
    absPath = path.resolve(root.absPath, inner);
    if (!isWithin(root.absPath, absPath)) refuse(input, 'it is outside the workspace roots');
  }

  // A symlink inside the root may lead out of it.
  const real = realpathOfExisting(absPath);
  const realRoot = realpathOfExisting(root.absPath);
  if (!isWithin(realRoot, real)) refuse(input, 'it resolves (through a symlink) outside the workspace');

  const rel = path.relative(root.absPath, absPath).split(path.sep).join('/');
  const display = roots.length > 1 ? (rel ? `${root.name}/${rel}` : root.name) : rel;
  return { absPath, display, root };
}
