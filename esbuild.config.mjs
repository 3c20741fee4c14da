// One build for every bundle: the extension and worker/CLI run on Node (vscode and
// native or wasm-loading packages stay external and ship in node_modules), the webview
// runs in the browser. Type checking is separate (`npm run typecheck`).
import * as esbuild from 'esbuild';
import { readFileSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

/** Packages that must not be bundled: native binaries, wasm loaders, or the host API. */
// The runtime packages are listed once, in package.json, because packaging
// (scripts/lib/stageModules.ts) must ship exactly the packages the bundles leave out.
const manifest = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8'));
const nodeExternals = ['vscode', ...manifest.conexusRuntimePackages];

const common = {
  bundle: true,
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    ...common,
    // The CLI, and the index worker thread it and the worker process start (dist/indexWorker.js).
    entryPoints: { cli: 'server/cli/main.ts', indexWorker: 'server/engine/indexWorker.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
  },
  {
    // The extension host side: thin, talks to the worker; only `vscode` is external.
    ...common,
    entryPoints: { extension: 'extension/extension.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    // The worker process: the engine with its native and wasm packages external, like the CLI.
    ...common,
    entryPoints: { worker: 'server/worker/main.ts' },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: nodeExternals,
  },
  {
    // The search panel: browser code plus its stylesheet (dist/webview.js and dist/webview.css).
    ...common,
    entryPoints: { webview: 'webview/main.ts' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
  },
];

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
