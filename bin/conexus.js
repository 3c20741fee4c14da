#!/usr/bin/env node
// The `conexus` command: runs the bundled CLI (built by `npm run build`).
'use strict';
const path = require('node:path');
const fs = require('node:fs');

/**
 * Commands that keep running (a server for scripts or agents, the interactive prompt) run
 * in a child process with glibc's malloc limited to two arenas, as the extension runs its
 * worker (extension/workerEnv.ts). Otherwise every LanceDB and onnxruntime thread keeps an
 * arena of its own and what it freed stays resident: `serve` on the 10,000-file bench grew
 * from 590 to 917 MB over 240 semantic queries, and stayed under 580 MB with two arenas.
 * The variable only takes effect when a process starts, hence the child; this process
 * (about 40 MB) just waits for it. One-shot commands run here directly.
 */
const LONG_RUNNING = new Set(['serve', 'mcp', 'start']);
const args = process.argv.slice(2);
if (process.platform === 'linux' && process.env.MALLOC_ARENA_MAX === undefined && LONG_RUNNING.has(args[0])) {
  const { spawn } = require('node:child_process');
  const child = spawn(process.execPath, [...process.execArgv, __filename, ...args], {
    stdio: 'inherit',
    env: { ...process.env, MALLOC_ARENA_MAX: '2' },
  });
  // Ctrl-C reaches the child from the terminal itself; a signal sent to this process is passed on.
  process.on('SIGINT', () => {});
  for (const signal of ['SIGTERM', 'SIGHUP']) process.on(signal, () => child.kill(signal));
  child.on('error', (err) => {
    process.stderr.write(`conexus: could not start ${process.execPath}: ${err.message}\n`);
    process.exit(1);
  });
  child.on('exit', (code, signal) => process.exit(code ?? 128 + (require('node:os').constants.signals[signal] || 0)));
  return;
}

const bundle = path.join(__dirname, '..', 'dist', 'cli.js');
if (!fs.existsSync(bundle)) {
  process.stderr.write('conexus: the CLI is not built yet; run `npm run build` in ' + path.join(__dirname, '..') + '\n');
  process.exit(2);
}
require(bundle).main(args).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write('conexus: ' + (err && err.stack || err) + '\n'); process.exitCode = 1; },
);
