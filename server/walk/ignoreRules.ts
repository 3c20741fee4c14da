/**
 * Which paths of one root the engine leaves alone: default excludes (version control,
 * dependency and build folders, lock files), secrets, nested `.gitignore` files,
 * `.conexusignore` files and the `include`/`exclude` settings.
 *
 * Nested ignore files are merged into one `ignore` matcher per root by rewriting each
 * pattern relative to the root (`foo` in `a/.gitignore` becomes `a/**\/foo`, `/foo`
 * becomes `a/foo`). A rewritten pattern can only match inside its own folder, so one
 * matcher with the files in precedence order reproduces git's rules exactly, including
 * "a file under an excluded folder cannot be re-included". Precedence, lowest first:
 * defaults, `.gitignore` (shallow to deep), `.conexusignore` (shallow to deep, so it can
 * re-include what git ignores), then the `exclude` setting.
 *
 * Loaded files are cached; the watcher calls `invalidate` when one changes, so checking
 * a single path never needs a walk.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Settings } from '../../protocol/settings';
import { toPosix } from './roots';
import type { Root } from './types';

/** Why a path is left out: `ignored` paths are simply not walked; `secret` files are reported. */
export type Exclusion = false | 'ignored' | 'secret';

/** Names of the per-folder ignore files, in the order they are applied. */
export const IGNORE_FILE_NAMES = ['.gitignore', '.conexusignore'] as const;

/** Version-control folders: never walked, and no ignore file can re-include them. */
const VCS_DIRS = new Set(['.git', '.hg', '.svn']);

/** Dependency, build and cache folders, and lock files: excluded unless an ignore file re-includes them. */
export const DEFAULT_EXCLUDES: readonly string[] = [
  'node_modules/', 'bower_components/', 'jspm_packages/', '.venv/', 'venv/', '__pycache__/',
  '.mypy_cache/', '.pytest_cache/', '.tox/', '.ruff_cache/', 'dist/', 'build/', 'out/',
  'target/', '.next/', '.nuxt/', '.svelte-kit/', '.cache/', '.parcel-cache/', '.turbo/',
  'coverage/', '.nyc_output/', '.gradle/', '.terraform/', '.conexus/', '.ssh/', '.gnupg/',
  'package-lock.json', 'yarn.lock', 'pnpm-lock.yaml', 'Cargo.lock', 'poetry.lock',
  'composer.lock', 'Gemfile.lock', 'go.sum', '.DS_Store',
];

/**
 * Secret file names (matched on the basename). These are never indexed whatever the
 * ignore files say, so a stray `!` can never put credentials into an index.
 */
const SECRET_NAME = /^(\.env.*|.*\.pem|.*\.key|id_rsa.*|id_ed25519.*|id_ecdsa.*|id_dsa.*|.*\.p12|.*\.pfx|\.npmrc|\.netrc|\.pgpass)$/i;
/** Conventional templates of `.env` files hold no secrets and document configuration. */
const ENV_TEMPLATE = /^\.env\.(example|sample|template|dist)$/i;

/** True when a file name looks like it holds credentials. */
export function isSecretName(basename: string): boolean {
  return SECRET_NAME.test(basename) && !ENV_TEMPLATE.test(basename);
}

/** Git compares paths case-sensitively except on the case-insensitive default filesystems. */
const IGNORE_CASE = process.platform === 'darwin' || process.platform === 'win32';

interface IgnoreFile {
  /** Folder of the file, relative to the root, `/`-separated ('' for the root). */
  dir: string;
  kind: 0 | 1; // index into IGNORE_FILE_NAMES
  /** The file's text, to notice an edit that no watcher event announced. */
  text: string;
  patterns: string[];
}

/** The exclusion rules of one root. */
export class IgnoreRules {
  /** Loaded ignore files by `kind:dir`; null records that the folder has none. */
  private readonly files = new Map<string, IgnoreFile | null>();
  private matcher: Ignore | null = null;
  private readonly include: Ignore | null;
  private readonly exclude: readonly string[];

  /** Rules for `root` with the `include`/`exclude` settings (gitignore syntax, relative to the root). */
  constructor(readonly root: Root, settings: Pick<Settings, 'include' | 'exclude'>) {
    this.exclude = settings.exclude;
    this.include = settings.include.length > 0 ? ignore({ ignorecase: IGNORE_CASE }).add(settings.include) : null;
  }

  /**
   * Whether to leave `absPath` out: `'ignored'` (not walked, not reported), `'secret'`
   * (a file reported with skip reason `secret`) or false. Paths outside the root are
   * `'ignored'`; the root itself never is. Reads missing ignore files on the way (cached).
   */
  isExcluded(absPath: string, isDir: boolean): Exclusion {
    const rel = toPosix(path.relative(this.root.absPath, absPath));
    if (rel === '..' || rel.startsWith('../') || path.isAbsolute(rel)) return 'ignored';
    return this.isExcludedRel(rel, isDir);
  }

  /** `isExcluded` for a path already relative to the root and `/`-separated (the walk has it at hand). */
  isExcludedRel(rel: string, isDir: boolean): Exclusion {
    if (rel === '') return false;
    const segments = rel.split('/');
    for (const seg of segments) if (VCS_DIRS.has(seg)) return 'ignored';
    this.loadAncestors(segments);
    const matcher = this.getMatcher();
    const parentRel = segments.length > 1 ? segments.slice(0, -1).join('/') + '/' : '';
    if (parentRel && matcher.ignores(parentRel)) return 'ignored';
    if (!isDir && isSecretName(segments[segments.length - 1])) return 'secret';
    if (matcher.ignores(isDir ? `${rel}/` : rel)) return 'ignored';
    if (!isDir && this.include && !this.include.ignores(rel)) return 'ignored';
    return false;
  }

  /**
   * Called by the walk for each folder it lists (`names` are the folder's entries): the
   * ignore files there are (re)read, so a full walk always applies the files as they are
   * on disk, even when an edit was never announced by the watcher, and a folder without
   * one is not probed again.
   */
  noteFolder(absDir: string, names: Iterable<string>): void {
    const dir = toPosix(path.relative(this.root.absPath, absDir));
    const present = new Set<string>();
    for (const n of names) if (n === IGNORE_FILE_NAMES[0] || n === IGNORE_FILE_NAMES[1]) present.add(n);
    IGNORE_FILE_NAMES.forEach((name, kind) => {
      if (!present.has(name)) this.setFile(kind as 0 | 1, dir, null);
      else this.load(kind as 0 | 1, dir);
    });
  }

  /**
   * Forgets a cached ignore file when `absPath` is one (it changed, appeared or was
   * deleted); the next check reloads it. Returns true when `absPath` was an ignore file,
   * in which case earlier answers may no longer hold and the caller should rescan.
   */
  invalidate(absPath: string): boolean {
    const kind = (IGNORE_FILE_NAMES as readonly string[]).indexOf(path.basename(absPath));
    if (kind < 0) return false;
    const dir = toPosix(path.relative(this.root.absPath, path.dirname(absPath)));
    if (dir.startsWith('..')) return false;
    if (this.files.delete(`${kind}:${dir}`)) this.matcher = null;
    return true;
  }

  /** Makes sure the ignore files of every folder above the path's last segment are loaded. */
  private loadAncestors(segments: string[]): void {
    let dir = '';
    for (let i = 0; i < segments.length; i++) {
      for (const kind of [0, 1] as const) if (!this.files.has(`${kind}:${dir}`)) this.load(kind, dir);
      if (i < segments.length - 1) dir = dir ? `${dir}/${segments[i]}` : segments[i];
    }
  }

  private load(kind: 0 | 1, dir: string): void {
    const file = path.join(this.root.absPath, ...(dir ? dir.split('/') : []), IGNORE_FILE_NAMES[kind]);
    let text: string | null = null;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      // Missing, a folder, or unreadable: git ignores such files too, and so do we.
      text = null;
    }
    this.setFile(kind, dir, text === null ? null : { dir, kind, text, patterns: rewritePatterns(text, dir) });
  }

  /** Records a folder's ignore file; the merged matcher is rebuilt only when something changed. */
  private setFile(kind: 0 | 1, dir: string, file: IgnoreFile | null): void {
    const key = `${kind}:${dir}`;
    const had = this.files.get(key);
    this.files.set(key, file);
    const same = had === undefined ? file === null : had === null ? file === null : file !== null && had.text === file.text;
    if (!same) this.matcher = null;
  }

  /** One matcher with every loaded file, rebuilt after a change (files are few; paths are many). */
  private getMatcher(): Ignore {
    if (this.matcher) return this.matcher;
    const loaded = [...this.files.values()].filter((f): f is IgnoreFile => f !== null);
    loaded.sort((a, b) => a.kind - b.kind || depth(a.dir) - depth(b.dir));
    const m = ignore({ ignorecase: IGNORE_CASE }).add(DEFAULT_EXCLUDES as string[]);
    for (const f of loaded) m.add(f.patterns);
    m.add(this.exclude as string[]);
    this.matcher = m;
    return m;
  }
}

function depth(dir: string): number {
  return dir === '' ? 0 : dir.split('/').length;
}

/** Characters that are special in a gitignore pattern and must be escaped in a folder prefix. */
function escapeGlob(dir: string): string {
  return dir.replace(/[\\*?[\]]/g, '\\$&').replace(/^([!#])/, '\\$1');
}

/**
 * Rewrites the lines of an ignore file found in `dir` (relative to the root) so they
 * mean the same thing when matched against root-relative paths.
 */
export function rewritePatterns(text: string, dir: string): string[] {
  const out: string[] = [];
  const prefix = dir === '' ? '' : `${escapeGlob(dir)}/`;
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.replace(/(?<!\\)\s+$/, '');
    if (line === '' || line.startsWith('#')) continue;
    let negate = '';
    if (line.startsWith('!')) {
      negate = '!';
      line = line.slice(1);
    }
    if (line === '' || line === '/') continue;
    if (prefix === '') {
      out.push(negate + line);
      continue;
    }
    // A slash at the start or in the middle anchors the pattern to its folder; otherwise
    // it matches at any depth below that folder.
    const body = line.endsWith('/') ? line.slice(0, -1) : line;
    const anchored = body.includes('/');
    out.push(negate + prefix + (anchored ? line.replace(/^\//, '') : `**/${line}`));
  }
  return out;
}
