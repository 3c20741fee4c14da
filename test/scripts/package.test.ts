// Packages the extension with the fixture model (no trained model needed) and checks
// what a user's machine receives: the run-time packages for linux-x64 only, no other
// platform's binaries, the model in the folder the engine looks in, nothing that only
// development needs — and that embedding and LanceDB actually run from the unpacked
// .vsix, which is what the pruning could break.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeFixtureModel, FIXTURE_DIMENSION } from '../fixtures/model/makeFixtureModel';
import { packageExtension, type PackageResult } from '../../scripts/package';
import { extractZip, listZip } from '../../scripts/lib/zip';

describe('npm run package', () => {
  let dir: string;
  let result: PackageResult;
  let names: string[];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'conexus-package-test-'));
    const model = await makeFixtureModel(join(dir, 'fixture-model'));
    // Training leftovers beside the runtime files must stay behind.
    await writeFile(join(model, 'checkpoint.pt'), 'not shipped');
    await mkdir(join(model, 'train'));
    await writeFile(join(model, 'train', 'pairs.jsonl'), '{}');
    await cp(model, join(dir, 'second-model'), { recursive: true });
    result = await packageExtension({
      build: false,
      out: join(dir, 'conexus-test.vsix'),
      model,
      extraModels: [join(dir, 'second-model')],
      noShippedModels: true,
      log: () => {},
    });
    names = (await listZip(result.vsix)).map((e) => e.name);
  });

  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reports the size and file count of what it wrote', () => {
    assert.equal(result.files, names.length);
    assert.ok(result.bytes > 1024 * 1024, `suspiciously small package: ${result.bytes} bytes`);
    assert.deepEqual(result.models.sort(), ['conexus-code-v1', 'second-model']);
  });

  it('ships the given model as the default and the extra one beside it, runtime files only', () => {
    for (const model of ['conexus-code-v1', 'second-model']) {
      for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx']) {
        assert.ok(names.includes(`extension/models/${model}/${file}`), `missing models/${model}/${file}`);
      }
    }
    assert.deepEqual(names.filter((n) => /checkpoint\.pt|\/train\//.test(n)), []);
  });

  it('carries the native packages for linux-x64 and no other platform', () => {
    assert.ok(names.includes('extension/node_modules/onnxruntime-node/bin/napi-v3/linux/x64/onnxruntime_binding.node'));
    assert.ok(names.includes('extension/node_modules/@lancedb/lancedb-linux-x64-gnu/lancedb.linux-x64-gnu.node'));
    const foreign = names.filter((n) => /napi-v3\/(darwin|win32)|napi-v3\/linux\/arm64|lancedb-(darwin|win32|linux-arm64|linux-x64-musl)/.test(n));
    assert.deepEqual(foreign, []);
  });

  it('keeps the tree-sitter grammars and runtime, and leaves out what only development or images need', () => {
    for (const grammar of ['typescript', 'python', 'go', 'rust', 'java']) {
      assert.ok(names.includes(`extension/node_modules/tree-sitter-wasms/out/tree-sitter-${grammar}.wasm`), grammar);
    }
    assert.ok(names.includes('extension/node_modules/web-tree-sitter/tree-sitter.wasm'));
    assert.deepEqual(names.filter((n) => /node_modules\/(onnxruntime-web|@img|typescript|esbuild|@vscode\/vsce|playwright-core)\//.test(n)), []);
    assert.deepEqual(names.filter((n) => n.startsWith('extension/node_modules/sharp/')).sort(),
      ['extension/node_modules/sharp/index.js', 'extension/node_modules/sharp/package.json']);
    assert.deepEqual(names.filter((n) => /\.(map|d\.ts)$/.test(n)), []);
    assert.deepEqual(names.filter((n) => /^extension\/(server|extension|webview|protocol|test|scripts)\//.test(n)), []);
  });

  it('ships a manifest without scripts or dev dependencies', async () => {
    const dest = join(dir, 'manifest-only');
    await extractZip(result.vsix, dest, 'extension/package.json');
    const manifest = JSON.parse(await readFile(join(dest, 'package.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(manifest.scripts, undefined);
    assert.equal(manifest.devDependencies, undefined);
    assert.ok((manifest.dependencies as Record<string, string>)['@lancedb/lancedb']);
  });

  it('embeds text and opens a LanceDB table from the unpacked extension', async () => {
    const ext = join(dir, 'unpacked');
    await extractZip(result.vsix, ext, 'extension/');
    // A child process whose module resolution sees only the unpacked extension's node_modules.
    const script = `
      const t = require('@huggingface/transformers');
      t.env.allowRemoteModels = false;
      t.env.localModelPath = ${JSON.stringify(join(ext, 'models'))};
      (async () => {
        const fe = await t.pipeline('feature-extraction', 'conexus-code-v1', { dtype: 'fp32' });
        const out = await fe(['read a file', 'sort a list'], { pooling: 'mean', normalize: true });
        const lancedb = require('@lancedb/lancedb');
        const db = await lancedb.connect(${JSON.stringify(join(dir, 'db'))});
        const table = await db.createTable('t', [{ id: 1, vector: Array.from(out.data.slice(0, out.dims[1])) }]);
        console.log(JSON.stringify({ dims: out.dims, rows: await table.countRows() }));
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const stdout = execFileSync(process.execPath, ['-e', script], { cwd: ext, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const last = stdout.trim().split('\n').pop()!;
    assert.deepEqual(JSON.parse(last), { dims: [2, FIXTURE_DIMENSION], rows: 1 });
  });
});
