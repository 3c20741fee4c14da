/**
 * A small workspace for the MCP tests: a parser with a helper, a retry utility, a test
 * file that references the parser, a secret the index must leave out, and things
 * outside the workspace that paths try to reach (a sibling folder sharing the root's
 * prefix and a symlink that leads out).
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Where the fixture lives. */
export interface Fixture {
  base: string;
  root: string;
  indexDir: string;
  cleanup(): void;
}

/** Creates the fixture under the temp folder. */
export function createFixture(): Fixture {
  const base = mkdtempSync(path.join(os.tmpdir(), 'conexus-mcp-'));
  const root = path.join(base, 'ws');
  const write = (rel: string, text: string) => {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), text);
  };
  write('src/parser.ts', `/** Parses key=value arguments. */
export function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const a of argv) {
    const [k, v] = a.split('=');
    out[k] = normalizeValue(v);
  }
  return out;
}

/** Trims a value; a missing value becomes the empty string. */
export function normalizeValue(v: string | undefined): string {
  return (v ?? '').trim();
}
`);
  write('src/retry.ts', `/** Retries a failing operation with exponential backoff. */
export async function withRetry<T>(op: () => Promise<T>, attempts = 3): Promise<T> {
  let delay = 100;
  for (let i = 0; ; i++) {
    try {
      return await op();
    } catch (e) {
      if (i >= attempts) throw e;
      await new Promise((r) => setTimeout(r, delay));
      delay *= 2;
    }
  }
}
`);
  write('src/cli/main.py', `import sys


class Runner:
    """Runs the command line."""

    def run(self, argv):
        return dispatch(argv[0], argv[1:])


def dispatch(name, rest):
    if name == "retry":
        return rest
    raise ValueError("unknown command " + name)
`);
  write('test/parser.test.ts', `import { parseArgs } from '../src/parser';
test('parses key=value', () => {
  expect(parseArgs(['a=1'])).toEqual({ a: '1' });
});
`);
  write('.env', 'API_KEY=sk_live_51HqLyjWDarjtT1zdp7dcXhYbTQ2cOEWdj\n');
  mkdirSync(path.join(base, 'ws-evil'));
  writeFileSync(path.join(base, 'ws-evil', 'x.ts'), 'export const evil = 1;\n');
  mkdirSync(path.join(base, 'outside'));
  writeFileSync(path.join(base, 'outside', 'secret.ts'), 'export const outsideSecret = 1;\n');
  symlinkSync(path.join(base, 'outside'), path.join(root, 'link'));
  return { base, root, indexDir: path.join(base, 'index'), cleanup: () => rmSync(base, { recursive: true, force: true }) };
}
