/**
 * Temporary folder trees for the walk tests: a flat map of relative paths to contents
 * (a string for a file, `null` for an empty folder), created under the OS temp folder.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

/** A temporary tree; `dir` is its real path. */
export interface TmpTree {
  dir: string;
  /** Absolute path of a `/`-separated relative path. */
  abs(rel: string): string;
  /** Writes (or overwrites) files and creates folders, like the constructor's spec. */
  write(spec: Record<string, string | Buffer | null>): void;
  cleanup(): void;
}

/** Creates a tree in a fresh temporary folder. */
export function makeTree(spec: Record<string, string | Buffer | null> = {}): TmpTree {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-walk-')));
  const abs = (rel: string) => path.join(dir, ...rel.split('/').filter(Boolean));
  const write = (s: Record<string, string | Buffer | null>) => {
    for (const [rel, content] of Object.entries(s)) {
      const p = abs(rel);
      if (content === null) {
        fs.mkdirSync(p, { recursive: true });
      } else {
        fs.mkdirSync(path.dirname(p), { recursive: true });
        fs.writeFileSync(p, content);
      }
    }
  };
  write(spec);
  return { dir, abs, write, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
