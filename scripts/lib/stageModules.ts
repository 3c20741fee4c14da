// Copies the packages the bundles load at run time into a staging folder's node_modules,
// for one platform, and nothing else. esbuild bundles every pure-JS dependency into
// dist/, so the package only needs the packages esbuild keeps external (native binaries,
// wasm loaders) and what those load in turn.
//
// The rules, each because of a measured cost or a run-time fact:
// - Only `dependencies` are followed. `optionalDependencies` are followed only when they
//   are per-platform binary packages for the target (os/cpu/libc fields), which is how
//   LanceDB ships its native module; LanceDB's other optional packages (its own copy of
//   transformers.js, openai) serve embedding functions Conexus does not use.
// - onnxruntime-node carries binaries for six platforms (~210 MB); only the target's stay.
// - transformers.js imports `sharp` when it loads but calls it only for image pipelines,
//   so a stub that throws if ever called replaces sharp and its 17 MB of libvips.
// - transformers.js's node build marks onnxruntime-web as ignored, so it is left out.
// - Packages needed only by install scripts or type checking are left out (see SKIP).
import { cp, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, sep } from 'node:path';

/** Packages the production bundles keep external: listed once, in package.json (esbuild.config.mjs reads the same list). */
export const RUNTIME_ROOTS: string[] = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')).conexusRuntimePackages;

/**
 * Dependencies that are declared but never loaded at run time by the code paths Conexus
 * uses; the reason is kept next to each so a future upgrade can re-check it.
 */
const SKIP = new Map<string, string>([
  ['onnxruntime-web', 'transformers.js node build marks it "(ignored)"'],
  ['@types/node', 'types only (apache-arrow lists @types as dependencies)'],
  ['@types/command-line-args', 'types only'],
  ['@types/command-line-usage', 'types only'],
  ['command-line-args', "apache-arrow's arrow2csv command only"],
  ['command-line-usage', "apache-arrow's arrow2csv command only"],
  ['tar', "onnxruntime-node's install script only (downloads CUDA builds)"],
  ['global-agent', "onnxruntime-node's install script only"],
]);

/** Packages replaced by a stub module: name → source of its index.js. */
const STUBS = new Map<string, string>([
  ['sharp', [
    '// Conexus stub: transformers.js requires sharp when it loads but uses it only for',
    '// image pipelines, which Conexus never runs. The real package adds 17 MB of libvips.',
    "'use strict';",
    'module.exports = function sharp() {',
    "  throw new Error('Conexus: image processing (sharp) is not included in this extension.');",
    '};',
    '',
  ].join('\n')],
]);

/** The platform a package is built for. */
export interface Target {
  /** Node's process.platform, e.g. 'linux'. */
  os: string;
  /** Node's process.arch, e.g. 'x64'. */
  cpu: string;
  /** 'glibc' or 'musl'. */
  libc: string;
}

/** The subset of package.json fields the walk reads. */
interface PackageJson {
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  os?: string[];
  cpu?: string[];
  libc?: string[];
}

/** Finds a package the way Node does: `<ancestor>/node_modules/<name>`, nearest ancestor first, never above rootDir. */
function resolvePackageDir(rootDir: string, fromDir: string, name: string): string | null {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    if (basename(dir) !== 'node_modules') {
      const candidate = join(dir, 'node_modules', name);
      if (existsSync(join(candidate, 'package.json'))) return candidate;
    }
    if (dir === rootDir || relative(rootDir, dir).startsWith('..') || dirname(dir) === dir) return null;
  }
}

/** True when a package declares it runs on the target (no declaration means everywhere). */
function matchesTarget(pkg: PackageJson, target: Target): boolean {
  const ok = (list: string[] | undefined, value: string) => !Array.isArray(list) || list.includes(value) ||
    (list.every((v) => v.startsWith('!')) && !list.includes(`!${value}`));
  return ok(pkg.os, target.os) && ok(pkg.cpu, target.cpu) && ok(pkg.libc, target.libc);
}

/** A per-platform binary package: it names os or cpu, i.e. it exists to be chosen by platform. */
function isPlatformPackage(pkg: PackageJson): boolean {
  return Array.isArray(pkg.os) || Array.isArray(pkg.cpu);
}

/** The packages to ship: path relative to the repo (node_modules/a/node_modules/b) → name. */
export interface RuntimeClosure {
  packages: Map<string, string>;
  /** Packages replaced by a stub module. */
  stubs: string[];
  /** Declared dependencies left out because nothing loads them at run time. */
  skipped: string[];
}

/** Walks the run-time dependency closure of RUNTIME_ROOTS in `rootDir` (which holds node_modules). */
export async function runtimeClosure(rootDir: string, target: Target): Promise<RuntimeClosure> {
  const packages = new Map<string, string>();
  const stubs = new Set<string>();
  const skipped = new Set<string>();
  const queue = RUNTIME_ROOTS.map((name) => ({ name, from: rootDir, optional: false }));
  while (queue.length > 0) {
    const { name, from, optional } = queue.shift()!;
    if (SKIP.has(name)) { skipped.add(name); continue; }
    if (STUBS.has(name)) { stubs.add(name); continue; }
    const dir = resolvePackageDir(rootDir, from, name);
    if (!dir) {
      if (optional) continue;
      throw new Error(`package: ${name} (needed by ${relative(rootDir, from) || 'the extension'}) is not installed; run npm ci`);
    }
    const rel = relative(rootDir, dir);
    if (packages.has(rel)) continue;
    const pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
    if (optional && !(isPlatformPackage(pkg) && matchesTarget(pkg, target))) continue;
    packages.set(rel, name);
    for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push({ name: dep, from: dir, optional: false });
    for (const dep of Object.keys(pkg.optionalDependencies ?? {})) {
      if (!(pkg.dependencies ?? {})[dep]) queue.push({ name: dep, from: dir, optional: true });
    }
  }
  return { packages, stubs: [...stubs].sort(), skipped: [...skipped].sort() };
}

/** onnxruntime-node keeps its binaries in bin/napi-v3/<os>/<cpu>; drop every other platform's. */
function platformFilter(name: string, target: Target): (src: string) => boolean {
  if (name !== 'onnxruntime-node') return () => true;
  return (src: string) => {
    const m = /[\\/]bin[\\/]napi-v\d+[\\/]([^\\/]+)(?:[\\/]([^\\/]+))?/.exec(src);
    if (!m) return true;
    return m[1] === target.os && (m[2] === undefined || m[2] === target.cpu);
  };
}

/**
 * Files inside a shipped package that nothing loads at run time. Licences always stay.
 * The big ones: transformers.js ships browser builds, a 21 MB onnxruntime-web wasm, its
 * TypeScript sources and maps (≈44 MB of its 48 MB); apache-arrow ships minified browser
 * builds and .ts sources beside the .js and .mjs that Node loads.
 */
export function isRuntimeFile(pkgName: string, relInside: string): boolean {
  const rel = relInside.split(sep).join('/');
  const name = rel.slice(rel.lastIndexOf('/') + 1);
  if (/^(LICEN[CS]E|NOTICE|COPYING)/i.test(name) || /THIRD_PARTY/i.test(name)) return true;
  if (/\.(map|ts|mts|cts|md|markdown)$/i.test(name) || /\.d\.[mc]?ts$/.test(name)) return false;
  if (pkgName === '@huggingface/transformers') {
    if (rel.startsWith('src/') || rel.startsWith('types/')) return false;
    // package.json "exports" sends Node to exactly these two builds.
    if (rel.startsWith('dist/')) return name === 'transformers.node.cjs' || name === 'transformers.node.mjs';
  }
  if (pkgName === 'apache-arrow') {
    if (rel.startsWith('src/') || rel.startsWith('bin/')) return false;
    if (/^Arrow\.(es2015|esnext|externs)/.test(name)) return false;
  }
  return true;
}

/**
 * Copies the closure into `stagingDir/node_modules/...`, keeping each package's relative
 * place so Node resolves it the same way, minus nested node_modules (those are packages
 * of their own, copied only when they are in the closure). Returns the staged package
 * folders relative to `stagingDir`, stubs included.
 */
export async function stageRuntimeModules(rootDir: string, stagingDir: string, target: Target):
  Promise<{ packages: string[]; stubs: string[]; skipped: string[] }> {
  const { packages, stubs, skipped } = await runtimeClosure(rootDir, target);
  for (const [rel, name] of packages) {
    const src = join(rootDir, rel);
    const keep = platformFilter(name, target);
    await cp(src, join(stagingDir, rel), {
      recursive: true,
      filter: (from: string) => {
        const inside = relative(src, from);
        if (inside.split(sep).includes('node_modules') || !keep(from)) return false;
        // Folders pass so their files are each judged; a file passes when it runs.
        return inside === '' || statSync(from).isDirectory() || isRuntimeFile(name, inside);
      },
    });
  }
  for (const name of stubs) {
    const dir = join(stagingDir, 'node_modules', name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name, version: '0.0.0-conexus-stub', main: 'index.js', private: true }, null, 2) + '\n');
    await writeFile(join(dir, 'index.js'), STUBS.get(name)!);
  }
  return { packages: [...packages.keys(), ...stubs.map((s) => join('node_modules', s))].sort(), stubs, skipped };
}

/** Total size in bytes of a folder, for the packaging summary. */
export async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath ?? entry.path, entry.name))).size;
  }
  return total;
}
