/**
 * `npm run bench`: the quality (CoSQA) and speed/size benchmarks of issue 2, run
 * against the real `conexus` CLI as a user would run it. Needs no network. Progress
 * goes to stderr, the markdown table to stdout, and both the table and the raw figures
 * to test/bench/results/latest.{md,json}.
 *
 * Options:
 *   --only cosqa|speed        run one section
 *   --modes keyword,hybrid    search modes to measure (default keyword,semantic,hybrid)
 *   --k N                     hits per CoSQA query (default 10)
 *   --max-files N             speed corpus cap (default 10000)
 *   --cli built|dev|fake      bundled CLI (built first), tsx on the sources, or the
 *                             harness's own stand-in (test/bench/fakeCli.ts)
 *   --no-build                do not run the esbuild build before using the bundle
 *   --model M                 passed to every CLI call that opens an index (a model
 *                             folder or id, or "none"); default: the engine's default
 *   --keep                    keep the temporary workspaces and indexes
 *   --out DIR                 where latest.{json,md} go (default test/bench/results)
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { defaultCli, runCli, type CliCommandLine } from './cli';
import { runCosqa, type CosqaResult } from './cosqa';
import { loadSnapshot, log, machineInfo } from './machine';
import { evaluateTargets, renderMarkdown, type BenchResult } from './report';
import { runSpeed, type SpeedResult } from './speed';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    modes: { type: 'string', default: 'keyword,semantic,hybrid' },
    k: { type: 'string', default: '10' },
    'max-files': { type: 'string', default: '10000' },
    cli: { type: 'string', default: 'built' },
    'no-build': { type: 'boolean', default: false },
    model: { type: 'string' },
    keep: { type: 'boolean', default: false },
    out: { type: 'string', default: join(here, 'results') },
  },
});

function fail(message: string): never {
  process.stderr.write(`bench: ${message}\n`);
  process.exit(2);
}

const modes = values.modes!.split(',').map((m) => m.trim()).filter(Boolean);
for (const m of modes) if (!['keyword', 'semantic', 'hybrid'].includes(m)) fail(`unknown mode "${m}": use keyword, semantic or hybrid`);
if (values.only && !['cosqa', 'speed'].includes(values.only)) fail(`--only takes cosqa or speed, not "${values.only}"`);
const k = Number(values.k);
const maxFiles = Number(values['max-files']);
if (!Number.isInteger(k) || k < 1 || k > 200) fail('--k must be an integer from 1 to 200');
if (!Number.isInteger(maxFiles) || maxFiles < 1) fail('--max-files must be a positive integer');

/** Resolves --cli to a command line, building the bundle first when it is used. */
function chooseCli(): CliCommandLine {
  if (values.cli === 'fake') return { cmd: process.execPath, args: ['--import', 'tsx', join(here, 'fakeCli.ts')], cwd: repo };
  if (values.cli === 'dev') return defaultCli(repo, 'dev');
  if (values.cli !== 'built') fail(`--cli takes built, dev or fake, not "${values.cli}"`);
  if (!values['no-build']) {
    log('building the CLI bundle (npm run build)…');
    try {
      execFileSync(process.execPath, ['esbuild.config.mjs'], { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (e) {
      fail(`the build failed; fix it or run with --cli dev (${(e as Error).message})`);
    }
  }
  return defaultCli(repo, 'built');
}

/**
 * Whether `index` can turn the model off, read from its usage text, so the
 * keyword-only cold index is measured only when the CLI actually offers it.
 */
async function keywordOnlyArgs(cli: CliCommandLine): Promise<string[] | null> {
  const help = await runCli(cli, ['index', '--help'], { timeoutMs: 60_000 });
  const text = help.stdout + help.stderrTail;
  return /--model\b/.test(text) ? ['--model', 'none'] : null;
}

async function main(): Promise<void> {
  const started = new Date();
  const startLoad = loadSnapshot();
  const cli = chooseCli();
  if (values.model !== undefined) cli.engineArgs = ['--model', values.model];
  const machine = machineInfo(repo);
  log(`machine: ${machine.cores} cores, load ${startLoad.load1}/${startLoad.load5}/${startLoad.load15}, commit ${machine.commit}, CLI ${[cli.cmd, ...cli.args].join(' ')}`);
  const workDir = mkdtempSync(join(tmpdir(), 'conexus-bench-'));
  log(`work folder ${workDir}${values.keep ? ' (kept)' : ''}`);
  let cosqa: CosqaResult | null = null;
  let speed: SpeedResult | null = null;
  try {
    if (values.only !== 'speed') cosqa = await runCosqa(cli, workDir, { modes, k, timeoutMs: 8 * 60_000 });
    if (values.only !== 'cosqa') {
      speed = await runSpeed(cli, repo, workDir, {
        maxFiles,
        modes,
        keywordOnlyArgs: await keywordOnlyArgs(cli),
        // Fifteen times the 60 s target: long enough to get a figure on a loaded machine,
        // short enough to keep the whole bench under 20 minutes.
        indexTimeoutMs: 9 * 60_000,
        changeTrials: 5,
      });
    }
  } finally {
    if (!values.keep) rmSync(workDir, { recursive: true, force: true });
  }
  const finished = new Date();
  const result: BenchResult = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    wallSeconds: (finished.getTime() - started.getTime()) / 1000,
    cli: [values.cli, ...cli.args.slice(-1).map((a) => a.replace(repo + '/', ''))].join(': ') + (values.model !== undefined ? ` --model ${values.model}` : ''),
    machine,
    load: { start: startLoad, end: loadSnapshot() },
    cosqa,
    speed,
    targets: evaluateTargets(cosqa, speed),
  };
  const md = renderMarkdown(result);
  mkdirSync(values.out!, { recursive: true });
  writeFileSync(join(values.out!, 'latest.json'), JSON.stringify(result, null, 2) + '\n');
  writeFileSync(join(values.out!, 'latest.md'), md);
  process.stdout.write(md);
  log(`wrote ${join(values.out!, 'latest.json')} and latest.md in ${result.wallSeconds.toFixed(0)} s`);
}

main().catch((e: unknown) => {
  process.stderr.write(`bench: failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
