/**
 * The walker's contract: workspace roots in, candidate files and skip records out.
 */
import type { SkipReason } from '../../protocol/status';

/** A workspace root. */
export interface Root {
  /** Absolute, real path of the folder. */
  absPath: string;
  /** Display name, used as the path prefix when there are several roots (folder basename, de-duplicated). */
  name: string;
}

/** A file the walk found and that passed the name/size rules (content not read yet). */
export interface WalkedFile {
  root: Root;
  /** Absolute path. */
  absPath: string;
  /** The path as shown in hits: relative to the root, `/`-separated, prefixed with `root.name/` when there are several roots. */
  path: string;
  size: number;
  mtimeMs: number;
  /** Status-change time: moves when a file is renamed over another or restored with its old mtime. */
  ctimeMs?: number;
}

/** A file left out, with the reason. */
export interface SkipRecord {
  path: string;
  reason: SkipReason;
}
