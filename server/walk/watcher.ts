/**
 * Watches the workspace for file changes and reports them in batches.
 *
 * One non-recursive `fs.watch` per folder that the ignore rules let through (inotify
 * reports changes to a folder's entries on the folder's own watch), so excluded
 * folders such as node_modules are never watched and a workspace costs one inotify
 * watch per folder rather than per file, as chokidar would spend. Each event is checked
 * with `lstat` to tell a new or changed file from a deletion; a new folder is listed and
 * its files reported; a deleted folder reports every file the watcher knew under it.
 *
 * When watches cannot be added (the inotify limit, ENOSPC) or a watch fails, the next
 * batch carries `rescan: true` and one warning says what to do. A changed `.gitignore`
 * or `.conexusignore` also asks for a rescan, after refreshing the cached rules and
 * the set of watched folders.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../engine/logger';
import { ChangeBatcher, type BatchListener } from './batcher';
import { IGNORE_FILE_NAMES, type IgnoreRules } from './ignoreRules';
import type { Root } from './types';

/** `fs.watch` for one folder; tests substitute one that fails. */
export type WatchFn = (absDir: string, listener: (event: string, filename: string | Buffer | null) => void) => fs.FSWatcher;

/** Options of a watcher. */
export interface WatcherOptions {
  logger: Logger;
  /** Quiet period before a batch goes out (default 200 ms). */
  debounceMs?: number;
  /** Longest a change waits in a batch (default 2000 ms). */
  maxBatchWaitMs?: number;
  /** Folder watch function (tests). */
  watch?: WatchFn;
}

type EntryKind = 'file' | 'dir' | 'other';

interface WatchedDir {
  root: Root;
  handle: fs.FSWatcher;
  /** Inode of the folder, to notice a folder deleted and re-created under the same name (-1 until known). */
  ino: number;
  /** What the watcher knows is in the folder, so a deleted folder can report its files. */
  entries: Map<string, EntryKind>;
}

const defaultWatch: WatchFn = (dir, listener) => fs.watch(dir, { persistent: true }, listener);

/** Watches the roots; see the file comment. */
export class WorkspaceWatcher {
  private readonly dirs = new Map<string, WatchedDir>();
  private readonly batcher: ChangeBatcher;
  private readonly watchFn: WatchFn;
  private readonly rootPaths: Set<string>;
  private limitWarned = false;
  private closed = false;

  constructor(
    private readonly roots: Root[],
    private readonly rules: (root: Root) => IgnoreRules,
    private readonly opts: WatcherOptions,
  ) {
    this.batcher = new ChangeBatcher(opts.logger, opts.debounceMs, opts.maxBatchWaitMs);
    this.watchFn = opts.watch ?? defaultWatch;
    this.rootPaths = new Set(roots.map((r) => r.absPath));
  }

  /** Subscribes to batches (absolute paths); returns an unsubscribe function. */
  onBatch(listener: BatchListener): () => void {
    return this.batcher.onBatch(listener);
  }

  /** Watches every root; resolves once changes from now on will be reported. */
  async start(): Promise<void> {
    const started = Date.now();
    for (const root of this.roots) await this.addTree(root, root.absPath, false);
    this.opts.logger.info(`Watching ${this.dirs.size} folders in ${Date.now() - started} ms.`);
  }

  /** Number of folders being watched. */
  get watchedFolders(): number {
    return this.dirs.size;
  }

  /** Stops watching and drops changes not yet reported. */
  async close(): Promise<void> {
    this.closed = true;
    for (const d of this.dirs.values()) d.handle.close();
    this.dirs.clear();
    this.batcher.close();
  }

  /**
   * Watches `dir` and every folder below it that is not excluded. With `report`, the
   * files found are reported as changed (a folder that appeared after the start).
   */
  private async addTree(root: Root, dir: string, report: boolean): Promise<void> {
    const queue = [dir];
    while (queue.length > 0 && !this.closed) {
      const batch = queue.splice(0, 16);
      await Promise.all(batch.map(async (d) => queue.push(...(await this.addDir(root, d, report)))));
    }
  }

  /** Watches one folder (watch first, then list, so nothing created in between is missed); returns its subfolders to watch. */
  private async addDir(root: Root, dir: string, report: boolean): Promise<string[]> {
    let watched = this.dirs.get(dir);
    if (!watched) {
      let handle: fs.FSWatcher;
      try {
        handle = this.watchFn(dir, (event, filename) => this.onEvent(dir, event, filename));
      } catch (err) {
        this.watchFailed(dir, err);
        return [];
      }
      // Registered before any await, so that concurrent events for the same new folder
      // share this watch instead of each opening (and leaking) their own.
      watched = { root, handle, ino: -1, entries: new Map() };
      this.dirs.set(dir, watched);
      handle.on('error', (err) => this.watchFailed(dir, err));
      try {
        watched.ino = (await fs.promises.stat(dir)).ino;
      } catch {
        this.unwatchTree(dir, false);
        return [];
      }
      if (this.closed) return [];
    }
    let entries: fs.Dirent[];
    try {
      entries = await fs.promises.readdir(dir, { withFileTypes: true });
    } catch {
      // Gone or unreadable already: its parent's event reports that.
      this.unwatchTree(dir, false);
      return [];
    }
    const subdirs: string[] = [];
    const rules = this.rules(root);
    for (const e of entries) {
      const abs = path.join(dir, e.name);
      const kind: EntryKind = e.isDirectory() ? 'dir' : e.isFile() ? 'file' : 'other';
      watched.entries.set(e.name, kind);
      if (kind === 'dir' && !this.rootPaths.has(abs) && !rules.isExcluded(abs, true) && !this.dirs.has(abs)) subdirs.push(abs);
      if (kind === 'file' && report && rules.isExcluded(abs, false) !== 'ignored') this.batcher.changed(abs);
    }
    return subdirs;
  }

  private onEvent(dir: string, event: string, filename: string | Buffer | null): void {
    if (this.closed) return;
    const watched = this.dirs.get(dir);
    if (!watched) return;
    if (filename === null) {
      // The platform did not say which entry changed, so only a full scan can tell.
      this.batcher.requestRescan();
      return;
    }
    const name = filename.toString();
    const abs = path.join(dir, name);
    if ((IGNORE_FILE_NAMES as readonly string[]).includes(name)) {
      this.rules(watched.root).invalidate(abs);
      this.batcher.requestRescan();
      void this.refreshRules(watched.root).catch((err) => this.opts.logger.error('Refreshing watched folders failed', err));
    }
    void this.classify(watched, dir, name, abs).catch((err) => this.opts.logger.error(`Watcher could not handle a change to ${abs}`, err));
    // inotify names the folder itself when the folder is deleted or moved, and its watch
    // is dead from then on. If a new folder took its place (possibly with the same inode
    // number), only a fresh watch sees it; so watch it again and report what is there.
    if (event === 'rename' && name === path.basename(dir)) {
      void this.rewatch(watched.root, dir).catch((err) => this.opts.logger.error(`Watcher could not re-watch ${dir}`, err));
    }
  }

  /** Replaces the watches of a folder that may have been deleted or replaced. */
  private async rewatch(root: Root, dir: string): Promise<void> {
    this.unwatchTree(dir, true);
    let isDir = false;
    try {
      isDir = (await fs.promises.lstat(dir)).isDirectory();
    } catch {
      isDir = false;
    }
    if (this.closed || !isDir || this.dirs.has(dir)) return;
    if (dir !== root.absPath && this.rules(root).isExcluded(dir, true)) return;
    const parent = this.dirs.get(path.dirname(dir));
    // Without a watched parent the folder was moved away or deleted; the parent's event covers it.
    if (dir === root.absPath || parent) await this.addTree(root, dir, true);
  }

  /** Decides what an event on `abs` means by looking at what is there now. */
  private async classify(watched: WatchedDir, dir: string, name: string, abs: string): Promise<void> {
    let st: fs.Stats | null = null;
    try {
      st = await fs.promises.lstat(abs);
    } catch {
      st = null;
    }
    if (this.closed || this.dirs.get(dir) !== watched) return;
    const before = watched.entries.get(name);
    const rules = this.rules(watched.root);
    if (!st) {
      watched.entries.delete(name);
      if (before === 'dir') this.unwatchTree(abs, true);
      else if (rules.isExcluded(abs, false) !== 'ignored') this.batcher.removed(abs);
      return;
    }
    const now: EntryKind = st.isDirectory() ? 'dir' : st.isFile() ? 'file' : 'other';
    watched.entries.set(name, now);
    // A folder replaced by a file, or deleted and re-created (its old watch is dead).
    const old = this.dirs.get(abs);
    if (before === 'dir' && (now !== 'dir' || (old && old.ino !== -1 && old.ino !== st.ino))) this.unwatchTree(abs, true);
    if (before === 'file' && now !== 'file') this.batcher.removed(abs);
    if (now === 'file') {
      if (rules.isExcluded(abs, false) !== 'ignored') this.batcher.changed(abs);
    } else if (now === 'dir' && !this.dirs.has(abs) && !this.rootPaths.has(abs) && !rules.isExcluded(abs, true)) {
      await this.addTree(watched.root, abs, true);
    }
  }

  /** Stops watching a folder and those below it; with `report`, every file known there is reported removed. */
  private unwatchTree(dir: string, report: boolean): void {
    const prefix = dir + path.sep;
    for (const [d, w] of [...this.dirs]) {
      if (d !== dir && !d.startsWith(prefix)) continue;
      w.handle.close();
      this.dirs.delete(d);
      if (report) for (const [name, kind] of w.entries) if (kind === 'file') this.batcher.removed(path.join(d, name));
    }
  }

  /** After an ignore file changed: stop watching newly excluded folders, start on re-included ones. */
  private async refreshRules(root: Root): Promise<void> {
    const rules = this.rules(root);
    for (const d of [...this.dirs.keys()]) {
      const w = this.dirs.get(d);
      if (w && w.root === root && d !== root.absPath && rules.isExcluded(d, true)) this.unwatchTree(d, false);
    }
    // Listing every watched folder again finds the re-included ones; the rescan that
    // was requested reports their files.
    const known = [...this.dirs.entries()].filter(([, w]) => w.root === root).map(([d]) => d);
    for (const d of known) {
      for (const sub of await this.addDir(root, d, false)) await this.addTree(root, sub, false);
    }
  }

  private watchFailed(dir: string, err: unknown): void {
    const code = (err as NodeJS.ErrnoException | null)?.code;
    this.unwatchTree(dir, false);
    // A folder that vanished or may not be read is the walk's business, not a missed event.
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EACCES' || code === 'EPERM') return;
    if (code === 'ENOSPC' || code === 'EMFILE') {
      if (!this.limitWarned) {
        this.limitWarned = true;
        this.opts.logger.warn(
          `The file watcher reached the system limit on watched folders (${code}) at ${dir}; changes in some folders will be missed ` +
            'until the next full scan. Raise the limit (for example `sudo sysctl fs.inotify.max_user_watches=524288`, ' +
            'and max_user_instances if needed) or exclude large folders in .conexusignore, then reload the window.',
        );
      }
    } else {
      this.opts.logger.warn(`Watching ${dir} failed (${code ?? String(err)}); a full scan will pick up its changes.`);
    }
    this.batcher.requestRescan();
  }
}
