/**
 * How eagerly V8 collects garbage in a process that holds an engine. Searches leave
 * short-lived but large garbage (MiniSearch builds a scored entry for every chunk that
 * matches any query word, often tens of thousands), and with V8's default growth factor
 * the heap of a 10,000-file workspace (about 400 MB live) grew past 1.2 GB before a full
 * collection: `serve` peaked at 2.4 GB over the bench's 500 queries. Measured on that
 * bench (2 cores): growth capped at 50 % between full collections, serve 1.14 GB with
 * keyword p95 27.7 ms and 8.0 ms of CPU per keyword query (default: 2.37 GB, 28.1 ms,
 * 7.7 ms); at 20 %, 1.05 GB but 36 ms and 11 ms, too dear for keyword search.
 * (Those figures predate text/bm25TopK.ts, which no longer builds an entry per matching
 * chunk; the growth cap still bounds the garbage of semantic search and snippets.)
 */
import * as v8 from 'node:v8';

/** Growth of the old generation allowed between full collections, in percent (see above). */
export const HEAP_GROWING_PERCENT = 50;

/**
 * WebAssembly code stays at V8's baseline tier (Liftoff). The tree-sitter grammars hold
 * very large functions (the generated lexers), and optimising them with TurboFan took
 * 110-140 MB of compiler memory per parsing worker, which the allocator kept: on the
 * 10,000-file bench the cold index peaked at 675-703 MB with tier-up and 583-611 MB
 * without, for 0.3 s more of 18 (three runs each). No other wasm runs in the process.
 */
export const WASM_FLAGS = '--liftoff-only';

/** Applies the policy to this process; call once, early (before any parsing worker starts), from an entry point. */
export function applyHeapPolicy(): void {
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  v8.setFlagsFromString(WASM_FLAGS);
}
