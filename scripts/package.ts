// `npm run package`: builds the production bundles and packages the extension as
// conexus-<version>.vsix for linux-x64.
//
// Why a staging folder: the bundles keep native and wasm-loading packages external, so
// the .vsix must carry them, but `vsce package` over the repository would either ship
// all of node_modules (≈1 GB, six platforms' binaries) or, with --no-dependencies, none
// of it. Staging copies exactly what runs (dist/, the repository's shipped files, the
// run-time closure of the external packages for one platform, the model folders) into a
// temporary folder and packages that. `.vscodeignore` then trims files inside packages
// (source maps, type declarations, docs) in both places.
//
//   node --import tsx scripts/package.ts [--no-build] [--out FILE] [--keep-staging]
//        [--model FOLDER] [--extra-model FOLDER]... [--no-shipped-models]
//
//   --model FOLDER        ship FOLDER as the default model (models/conexus-code-v1),
//                         in place of the trained one
//   --extra-model FOLDER  also ship FOLDER as models/<its folder name>, beside the default
//   --no-shipped-models   ship no model from the repository's models/ folder
import { execFileSync } from 'node:child_process';
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { RUNTIME_ROOTS, stageRuntimeModules, type Target } from './lib/stageModules';
import { listZip } from './lib/zip';

/** The repository root (this file lives in scripts/). */
export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The folder name under models/ that the engine loads by default (server/embed/modelLocation.ts). */
export const DEFAULT_MODEL_NAME = 'conexus-code-v1';
/** The only platform packaged today; the pruning rules are written for it. */
export const TARGET: Target & { vsce: string } = { os: 'linux', cpu: 'x64', libc: 'glibc', vsce: 'linux-x64' };

/** What `packageExtension` is asked to do. */
export interface PackageOptions {
  /** Run the production build first (default true). */
  build?: boolean;
  /** Where to write the .vsix (default <repo>/conexus-<version>.vsix). */
  out?: string;
  /** Ship this folder as the default model instead of models/conexus-code-v1. */
  model?: string;
  /** More model folders to ship beside the default, each as models/<folder name>. */
  extraModels?: string[];
  /** Leave out the repository's models/ folder. */
  noShippedModels?: boolean;
  /** Keep the staging folder (its path is returned) for inspection. */
  keepStaging?: boolean;
  /** Progress lines (default: stderr). */
  log?: (line: string) => void;
}

/** What was packaged. */
export interface PackageResult {
  vsix: string;
  bytes: number;
  files: number;
  /** Model folders shipped, as names under models/. */
  models: string[];
  staging: string | null;
}

/** Files a model folder needs at run time; training leftovers (checkpoints, data) stay behind. */
function isModelRuntimeFile(rel: string): boolean {
  const parts = rel.split(/[\\/]/);
  const name = parts[parts.length - 1];
  if (parts[0] === 'onnx') return name.endsWith('.onnx') || name.endsWith('.onnx_data');
  return parts.length === 1 && (/\.(json|txt|model|md)$/i.test(name) || /^LICEN[CS]E/i.test(name));
}

async function copyModel(from: string, to: string): Promise<void> {
  const src = resolve(from);
  if (!existsSync(join(src, 'config.json'))) {
    throw new Error(`package: ${src} is not a model folder (no config.json); see /work/shared/notes/local-models.md for the layout`);
  }
  await cp(src, to, { recursive: true, filter: (p) => p === src || isDirOrRuntimeFile(src, p) });
}

function isDirOrRuntimeFile(root: string, p: string): boolean {
  const rel = relative(root, p);
  // Directories are filtered by whether they could hold a runtime file: only onnx/ can.
  return rel === 'onnx' || isModelRuntimeFile(rel);
}

/** The repository's own shipped files, as `vsce ls` would list them with .vscodeignore. */
async function repoFiles(): Promise<string[]> {
  const require = createRequire(import.meta.url);
  const vsce = require('@vscode/vsce/out/package.js') as {
    listFiles(o: { cwd: string; dependencies: boolean }): Promise<string[]>;
  };
  const files = await vsce.listFiles({ cwd: REPO_ROOT, dependencies: false });
  // Models are copied on their own terms (see copyModel); everything else as listed.
  return files.filter((f) => !f.startsWith('models/'));
}

/** The manifest that ships: the repository's, minus what only development needs. */
async function stagedManifest(): Promise<Record<string, unknown>> {
  const pkg = JSON.parse(await readFile(join(REPO_ROOT, 'package.json'), 'utf8')) as Record<string, unknown>;
  const deps = (pkg.dependencies ?? {}) as Record<string, string>;
  delete pkg.scripts;
  delete pkg.devDependencies;
  pkg.dependencies = Object.fromEntries(RUNTIME_ROOTS.filter((n) => deps[n]).map((n) => [n, deps[n]]));
  return pkg;
}

/**
 * vsce collects node_modules through `npm list`, which would flag every package we leave
 * out on purpose. vsce 3.9.2 (pinned) looks its dependency lister up on its npm module at
 * call time, so pointing it at the staged package folders keeps the rest of vsce — the
 * manifest checks, .vscodeignore, the vsixmanifest — exactly as `vsce package` runs it.
 */
async function runVsce(staging: string, packageDirs: string[], out: string): Promise<void> {
  const require = createRequire(import.meta.url);
  const npm = require('@vscode/vsce/out/npm.js') as { getDependencies: (cwd: string) => Promise<string[]> };
  const vsce = require('@vscode/vsce/out/package.js') as { packageCommand(o: Record<string, unknown>): Promise<void> };
  const original = npm.getDependencies;
  npm.getDependencies = async (cwd: string) => [cwd, ...packageDirs.map((d) => join(staging, d))];
  // vsce prints its file tree with console.log; keep stdout for the .vsix path alone.
  const log = console.log;
  console.log = console.error;
  try {
    await vsce.packageCommand({
      cwd: staging,
      packagePath: out,
      target: TARGET.vsce,
      dependencies: true,
      allowMissingRepository: true,
      // The README links to repository files (ARCHITECTURE.md) that do not ship; with no
      // public repository URL vsce cannot make them absolute and would refuse to package.
      rewriteRelativeLinks: false,
      skipLicense: !existsSync(join(staging, 'LICENSE')) && !existsSync(join(staging, 'LICENSE.md')),
    });
  } finally {
    npm.getDependencies = original;
    console.log = log;
  }
}

/** Loads the shipped externals from the staging folder, so a missing run-time dependency fails here, not in a user's editor. */
function smokeLoad(staging: string): void {
  // tree-sitter-wasms is data only (its "main" does not exist): check a grammar resolves instead.
  const specifiers = RUNTIME_ROOTS.map((n) => (n === 'tree-sitter-wasms' ? 'tree-sitter-wasms/out/tree-sitter-typescript.wasm' : n));
  const script = specifiers.map((n) => (n.endsWith('.wasm') ? `require.resolve(${JSON.stringify(n)});` : `require(${JSON.stringify(n)});`)).join('');
  execFileSync(process.execPath, ['-e', script], { cwd: staging, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Builds (optionally) and packages the extension; see the file comment for the layout. */
export async function packageExtension(options: PackageOptions = {}): Promise<PackageResult> {
  const log = options.log ?? ((line: string) => process.stderr.write(`[package] ${line}\n`));
  const started = Date.now();
  if (options.build ?? true) {
    log('production build');
    execFileSync(process.execPath, ['esbuild.config.mjs', '--production'], { cwd: REPO_ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  }
  const manifest = await stagedManifest();
  const main = typeof manifest.main === 'string' ? manifest.main : null;
  if (main && !existsSync(join(REPO_ROOT, main)) && !existsSync(join(REPO_ROOT, `${main}.js`))) {
    throw new Error(`package: package.json "main" is ${main}, which the build did not produce`);
  }
  const out = resolve(options.out ?? join(REPO_ROOT, `conexus-${String(manifest.version)}.vsix`));
  const staging = await mkdtemp(join(tmpdir(), 'conexus-vsix-'));
  try {
    for (const file of await repoFiles()) await cp(join(REPO_ROOT, file), join(staging, file));
    await writeFile(join(staging, 'package.json'), JSON.stringify(manifest, null, 2) + '\n');
    if (existsSync(join(REPO_ROOT, '.vscodeignore'))) await cp(join(REPO_ROOT, '.vscodeignore'), join(staging, '.vscodeignore'));

    const models: string[] = [];
    const shippedDir = join(REPO_ROOT, 'models');
    if (!options.noShippedModels && existsSync(shippedDir)) {
      for (const entry of await readdir(shippedDir, { withFileTypes: true })) {
        if (!entry.isDirectory() || (options.model && entry.name === DEFAULT_MODEL_NAME)) continue;
        if (!existsSync(join(shippedDir, entry.name, 'config.json'))) { log(`skipping models/${entry.name}: no config.json`); continue; }
        await copyModel(join(shippedDir, entry.name), join(staging, 'models', entry.name));
        models.push(entry.name);
      }
    }
    if (options.model) {
      await copyModel(options.model, join(staging, 'models', DEFAULT_MODEL_NAME));
      models.push(DEFAULT_MODEL_NAME);
    }
    for (const extra of options.extraModels ?? []) {
      const name = basename(resolve(extra));
      if (models.includes(name)) throw new Error(`package: two model folders would both ship as models/${name}`);
      await copyModel(extra, join(staging, 'models', name));
      models.push(name);
    }
    if (!models.includes(DEFAULT_MODEL_NAME)) log(`warning: no ${DEFAULT_MODEL_NAME} model ships; semantic search will report the model missing`);

    const staged = await stageRuntimeModules(REPO_ROOT, staging, TARGET);
    log(`runtime packages: ${staged.packages.length} (stubbed: ${staged.stubs.join(', ') || 'none'}; left out: ${staged.skipped.join(', ')})`);
    smokeLoad(staging);
    await runVsce(staging, staged.packages, out);

    const entries = await listZip(out);
    const { size } = await stat(out);
    log(`${relative(process.cwd(), out) || out}: ${(size / 1024 / 1024).toFixed(1)} MiB, ${entries.length} files, models: ${models.join(', ') || 'none'} (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    return { vsix: out, bytes: size, files: entries.length, models, staging: options.keepStaging ? staging : null };
  } finally {
    if (!options.keepStaging) await rm(staging, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      'no-build': { type: 'boolean' },
      out: { type: 'string' },
      model: { type: 'string' },
      'extra-model': { type: 'string', multiple: true },
      'no-shipped-models': { type: 'boolean' },
      'keep-staging': { type: 'boolean' },
    },
  });
  const result = await packageExtension({
    build: !values['no-build'],
    out: values.out,
    model: values.model,
    extraModels: values['extra-model'],
    noShippedModels: values['no-shipped-models'],
    keepStaging: values['keep-staging'],
  });
  if (result.staging) process.stderr.write(`[package] staging kept at ${result.staging}\n`);
  // The .vsix path is the only stdout line, so scripts can capture it.
  process.stdout.write(`${result.vsix}\n`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
