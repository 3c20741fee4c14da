/**
 * Loads web-tree-sitter and its language grammars from local files, lazily and once.
 *
 * The bundle (`dist/*.js`) and the packaged extension keep `web-tree-sitter` and
 * `tree-sitter-wasms` outside the bundle, so their files may live somewhere else than
 * next to this source: both folders are configurable, and by default are resolved from
 * the installed packages. Nothing is ever fetched: grammar bytes are read from disk
 * and handed to tree-sitter as a buffer.
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import Parser from 'web-tree-sitter';
import { silentLogger, type Logger } from '../engine/logger';
import { grammarFor } from './languages';

/** Where the grammars and the tree-sitter runtime are read from. */
export interface GrammarOptions {
  /** Folder holding `tree-sitter-<lang>.wasm` files; null or absent: `tree-sitter-wasms/out`. */
  grammarDir?: string | null;
  /** Folder holding web-tree-sitter's `tree-sitter.wasm`; default: the installed package. */
  runtimeDir?: string;
  /** Where load failures are reported (once per language). */
  logger?: Logger;
}

/** A parser ready for one language, with the language handle (for queries). */
export interface LoadedGrammar {
  parser: Parser;
  language: Parser.Language;
}

let grammarDir: string | null = null;
let runtimeDir: string | null = null;
let logger: Logger = silentLogger;
let runtime: Promise<void> | null = null;
/** The tail of the load queue (see loadGrammar). */
let queue: Promise<void> = Promise.resolve();
/** Per language: the pending or finished load; a settled null means "cut by lines". */
const loads = new Map<string, Promise<LoadedGrammar | null>>();
/** Per language: the finished load, for the synchronous path. */
const ready = new Map<string, LoadedGrammar | null>();

/**
 * Sets where grammars, the runtime and failure reports go. Changing the grammar folder
 * forgets loaded grammars so the next chunk uses the new folder. The runtime folder only
 * matters before the first parse: tree-sitter's runtime is initialised once per process.
 */
export function configureGrammars(options: GrammarOptions): void {
  if (options.logger) logger = options.logger;
  if (options.runtimeDir !== undefined) {
    if (runtime && options.runtimeDir !== runtimeDir) {
      logger.warn('conexus chunk: tree-sitter runtime already initialised; the new runtimeDir applies after a restart');
    }
    runtimeDir = options.runtimeDir;
  }
  if (options.grammarDir !== undefined) setGrammarDir(options.grammarDir);
}

/** Sets the grammar folder (null: the installed `tree-sitter-wasms/out`) and forgets loaded grammars. */
export function setGrammarDir(dir: string | null): void {
  if (dir === grammarDir) return;
  grammarDir = dir;
  for (const g of ready.values()) g?.parser.delete();
  loads.clear();
  ready.clear();
}

/** The logger chunking reports to (set with `configureGrammars`). */
export function grammarLogger(): Logger {
  return logger;
}

/** The grammar folder in use. */
export function currentGrammarDir(): string {
  return grammarDir ?? join(dirname(require.resolve('tree-sitter-wasms/package.json')), 'out');
}

function currentRuntimeDir(): string {
  return runtimeDir ?? dirname(require.resolve('web-tree-sitter'));
}

function initRuntime(): Promise<void> {
  if (!runtime) {
    const dir = currentRuntimeDir();
    runtime = Parser.init({
      locateFile: (file: string) => join(dir, file),
      // Emscripten would print to stdout, which may carry the worker's protocol.
      print: (msg: string) => logger.debug(`conexus chunk: tree-sitter: ${msg}`),
      printErr: (msg: string) => logger.debug(`conexus chunk: tree-sitter: ${msg}`),
    }).catch((error: unknown) => {
      // Forget the failure so a corrected runtimeDir can be tried without a restart.
      runtime = null;
      throw new Error(`the tree-sitter runtime did not start from ${dir}`, { cause: error });
    });
  }
  return runtime;
}

/**
 * The parser for a language, loading its grammar on first use. Resolves to null when
 * the language has no grammar or its grammar could not be loaded (reported once); the
 * caller then cuts the file by lines.
 */
export function loadGrammar(language: string): Promise<LoadedGrammar | null> {
  let pending = loads.get(language);
  if (!pending) {
    // One load at a time: tree-sitter's wasm linker resolves symbols in one shared table,
    // and two grammars loading at once (typescript and tsx) corrupt each other's exports.
    pending = queue.then(() => load(language));
    queue = pending.then(() => undefined, () => undefined);
    loads.set(language, pending);
  }
  return pending;
}

/** The parser for a language if its load already finished; undefined when not tried yet. */
export function loadedGrammar(language: string): LoadedGrammar | null | undefined {
  return ready.get(language);
}

async function load(language: string): Promise<LoadedGrammar | null> {
  const stem = grammarFor(language);
  if (!stem) {
    ready.set(language, null);
    return null;
  }
  const dir = currentGrammarDir();
  const file = join(dir, `tree-sitter-${stem}.wasm`);
  let result: LoadedGrammar | null = null;
  try {
    await initRuntime();
    const bytes = new Uint8Array(await readFile(file));
    const lang = await Parser.Language.load(bytes);
    const parser = new Parser();
    parser.setLanguage(lang);
    result = { parser, language: lang };
    logger.debug(`conexus chunk: loaded the ${language} grammar from ${file}`);
  } catch (error) {
    logger.warn(
      `conexus chunk: could not load the ${language} grammar from ${file} ` +
        `(${error instanceof Error ? error.message : String(error)}); ${language} files are cut by lines. ` +
        'Check that tree-sitter-wasms is installed or set the grammar folder to where its out/ files are.',
    );
  }
  // Only record the result if the folder did not change while loading.
  if (loads.get(language) !== undefined && currentGrammarDir() === dir) ready.set(language, result);
  return result;
}

/**
 * Replaces a language's parser after a parse threw something other than a timeout:
 * some grammars' scanners call functions their wasm build lacks (bash heredocs), and
 * a parser interrupted that way is not trusted with the next file.
 */
export function renewParser(language: string, error: unknown): void {
  const g = ready.get(language);
  if (!g) return;
  if (error instanceof Error && error.message === 'Parsing failed') {
    g.parser.reset(); // the time limit: the parser is fine once reset
    return;
  }
  try {
    g.parser.delete();
  } catch {
    // Deleting a broken parser may fail too; the new one below is what matters.
  }
  const parser = new Parser();
  parser.setLanguage(g.language);
  g.parser = parser;
  logger.debug(`conexus chunk: renewed the ${language} parser after an internal error (${String(error)})`);
}

/** Loads the grammars for these languages now (e.g. at startup), so chunking can run synchronously. */
export async function preloadGrammars(languages: Iterable<string>): Promise<void> {
  await Promise.all([...languages].map((l) => loadGrammar(l)));
}
