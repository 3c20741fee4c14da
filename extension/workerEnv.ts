/** The worker process's environment additions; no `vscode` import, so tests can read it. */

/**
 * Added to the worker's environment (VS Code's own is kept). glibc's malloc gives each
 * thread that allocates its own arena and keeps what those arenas freed; the worker's
 * threads (parsers, onnxruntime, LanceDB) left about 70 MB of such memory resident on a
 * 10,000-file index with the model (peak 753 MB, 686 MB with two arenas; same time).
 * Other C libraries ignore the variable.
 */
export const WORKER_ENV: Readonly<Record<string, string>> = Object.freeze({ MALLOC_ARENA_MAX: '2' });
