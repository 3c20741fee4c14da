/**
 * Where a worker thread's script is: next to the bundle (`dist/<name>.js`) or, when the
 * engine runs from its TypeScript sources (tests, development), the source file itself
 * with tsx registered first — Node 20 does not pass `--import` hooks to workers.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** A script for `new Worker(source, { eval })`. */
export interface WorkerScript {
  source: string;
  eval: boolean;
}

/** Finds `<name>.js` or `<name>.ts` in `dir` (the caller's `__dirname`); null when neither exists. */
export function findWorkerScript(dir: string, name: string): WorkerScript | null {
  const js = path.join(dir, `${name}.js`);
  if (fs.existsSync(js)) return { source: js, eval: false };
  const ts = path.join(dir, `${name}.ts`);
  if (fs.existsSync(ts)) return { source: `require('tsx/cjs'); require(${JSON.stringify(ts)});`, eval: true };
  return null;
}
