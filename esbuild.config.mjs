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

/** Options every Node bundle shares (CommonJS, Node 20). */
const node = { ...common, outdir: 'dist', platform: 'node', format: 'cjs', target: 'node20' };

/** @type {esbuild.BuildOptions[]} */
const builds = [
  {
    // The engine's entry points, with its native and wasm packages external: the CLI, the
    // worker process the extension starts, and the index worker thread both start.
    ...node,
    entryPoints: { cli: 'server/cli/main.ts', worker: 'server/worker/main.ts', indexWorker: 'server/engine/indexWorker.ts' },
    external: nodeExternals,
  },
  {
    // The extension host side: thin, talks to the worker; only `vscode` is external.
    ...node,
    entryPoints: { extension: 'extension/extension.ts' },
    external: ['vscode'],
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
