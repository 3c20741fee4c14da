/** Temp workspaces and engines for engine tests. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Engine } from '../../../server/engine/engine';
import type { EngineOptions } from '../../../server/engine/api';
import { makeFixtureModel } from '../../fixtures/model/makeFixtureModel';

/** Makes a folder with the given files (relative path → content). */
export function makeWorkspace(files: Record<string, string>, name = 'ws'): string {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-test-'));
  const dir = path.join(base, name);
  writeFiles(dir, files);
  return dir;
}

/** Writes files under dir, creating folders. */
export function writeFiles(dir: string, files: Record<string, string>): void {
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(dir, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, content);
  }
}

let fixtureModel: Promise<string> | null = null;
/** The tiny fixture embedding model, made once per test process. */
export function fixtureModelDir(): Promise<string> {
  fixtureModel ??= makeFixtureModel(fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-model-')));
  return fixtureModel;
}

/** Opens an engine on a workspace with its index in a temp folder. */
export async function openEngine(roots: string[], extra: Partial<EngineOptions> = {}): Promise<Engine> {
  const indexDir = extra.indexDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'conexus-index-'));
  return Engine.open({ roots, indexDir, settings: { model: 'none' }, ...extra });
}

/** Sample source files used across engine tests. */
export const SAMPLE = {
  'src/auth.ts': `/** Verifies a user's password against the stored hash. */
export function verifyPassword(user: string, password: string): boolean {
  return hashPassword(password) === lookupHash(user);
}

export class SessionManager {
  /** Creates a new session token for the user. */
  createSession(userId: string): string {
    return randomToken(userId);
  }
}
`,
  'src/util.py': `def sort_dict_by_value(d):
    """Sort a dictionary by its values, descending."""
    return dict(sorted(d.items(), key=lambda kv: kv[1], reverse=True))


def file_exists(path):
    """Check if a file exists on disk."""
    import os
    return os.path.exists(path)
`,
  'docs/guide.md': `# Guide

## Sessions
How sessions are created and expired.
`,
  '.env': 'API_KEY=do-not-index\n',
};
