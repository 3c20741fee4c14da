/**
 * Scores an exported model the way the engine will use it: through `loadEmbedder`
 * (transformers.js feature-extraction, mean pooling, L2 normalisation), ranking every
 * CoSQA corpus function by cosine similarity for each dev query. Reports MRR@10,
 * Recall@1/5/10, nDCG@10 and embedding throughput. The dev split is for choosing
 * between variants only; nothing here feeds back into training.
 *
 * With `--parity FILE` it first checks that transformers.js tokenises like the Python
 * mirror used for training (FILE: JSON lines `{"text", "ids"}` from check_parity.py).
 *
 * Usage: node --import tsx training/evaluate.ts MODEL_DIR [--bench DIR] [--parity FILE] [--json OUT]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { z } from 'zod';
import { loadEmbedder } from '../server/embed/embedder';
import { stderrLogger } from '../server/engine/logger';

const CorpusLine = z.object({ id: z.number(), code: z.string() });
const QueryLine = z.object({ query: z.string(), gold: z.number() });

function readJsonl<T>(path: string, schema: z.ZodType<T>): T[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l.trim()).map((l) => schema.parse(JSON.parse(l)));
}

function arg(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}

/** Checks token ids from the Python mirror against transformers.js's tokenizer; returns the share that agree. */
async function checkParity(modelDir: string, file: string): Promise<number> {
  const { AutoTokenizer, env } = require('@huggingface/transformers') as typeof import('@huggingface/transformers');
  env.allowRemoteModels = false;
  env.localModelPath = `${dirname(resolve(modelDir))}/`;
  const tokenizer = await AutoTokenizer.from_pretrained(basename(resolve(modelDir)));
  const lines = readJsonl(file, z.object({ text: z.string(), ids: z.array(z.number()) }));
  let same = 0;
  for (const { text, ids } of lines) {
    const got = (tokenizer.encode(text, { add_special_tokens: false }) as number[]).slice(0, ids.length);
    if (got.length === ids.length && got.every((x, i) => x === ids[i])) same++;
    else if (same + 3 > lines.length) process.stderr.write(`parity mismatch: ${JSON.stringify(text.slice(0, 80))}\n`);
  }
  return same / lines.length;
}

async function main() {
  const modelDir = process.argv[2];
  if (!modelDir) throw new Error('usage: evaluate.ts MODEL_DIR [--bench DIR] [--parity FILE] [--json OUT]');
  const bench = arg('--bench', '/work/shared/bench/cosqa')!;
  const report: Record<string, unknown> = { model: modelDir };
  const parity = arg('--parity');
  if (parity) {
    report.tokenizerParity = await checkParity(modelDir, parity);
    process.stderr.write(`tokenizer parity with the Python mirror: ${(100 * (report.tokenizerParity as number)).toFixed(1)}%\n`);
  }

  const corpus = readJsonl(join(bench, 'corpus.jsonl'), CorpusLine);
  const queries = readJsonl(join(bench, 'dev-queries.jsonl'), QueryLine);
  const embedder = await loadEmbedder({ model: resolve(modelDir), allowDownload: false }, stderrLogger('warn'));
  await embedder.embed(corpus.slice(0, 64).map((c) => c.code)); // warm-up

  // Wall-clock and process CPU time: on a machine shared with other work, CPU seconds
  // (all threads of this process) say what the embedder itself costs.
  const cpuSeconds = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1e6; };
  let t = process.hrtime.bigint();
  let c0 = cpuSeconds();
  const docVecs = await embedder.embed(corpus.map((c) => c.code));
  const docSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const docCpu = cpuSeconds() - c0;
  // Engine chunks are often longer than CoSQA functions: time ~1,500-character chunks too.
  const longChunks = Array.from({ length: 2000 }, (_, i) => corpus.slice(i % 6000, (i % 6000) + 6).map((c) => c.code).join('\n\n').slice(0, 1500));
  t = process.hrtime.bigint();
  c0 = cpuSeconds();
  await embedder.embed(longChunks);
  const longSeconds = Number(process.hrtime.bigint() - t) / 1e9;
  const longCpu = cpuSeconds() - c0;
  const queryVecs = await embedder.embed(queries.map((q) => q.query));
  await embedder.dispose();

  const index = new Map(corpus.map((c, i) => [c.id, i]));
  let mrr = 0, r1 = 0, r5 = 0, r10 = 0, ndcg = 0;
  const dim = embedder.dimension;
  const scores = new Float32Array(corpus.length);
  for (let qi = 0; qi < queries.length; qi++) {
    const q = queryVecs[qi];
    for (let d = 0; d < docVecs.length; d++) {
      const v = docVecs[d];
      let s = 0;
      for (let j = 0; j < dim; j++) s += q[j] * v[j];
      scores[d] = s;
    }
    const gold = scores[index.get(queries[qi].gold)!];
    let rank = 1;
    for (let d = 0; d < scores.length; d++) if (scores[d] > gold) rank++;
    if (rank <= 10) { mrr += 1 / rank; r10++; ndcg += 1 / Math.log2(rank + 1); }
    if (rank <= 5) r5++;
    if (rank === 1) r1++;
  }
  const n = queries.length;
  Object.assign(report, {
    id: embedder.id, dimension: dim, queries: n, documents: corpus.length,
    mrr10: +(mrr / n).toFixed(4), recall1: +(r1 / n).toFixed(4), recall5: +(r5 / n).toFixed(4), recall10: +(r10 / n).toFixed(4), ndcg10: +(ndcg / n).toFixed(4),
    chunksPerSecond: Math.round(corpus.length / docSeconds), longChunksPerSecond: Math.round(longChunks.length / longSeconds),
    chunksPerCpuSecond: Math.round(corpus.length / docCpu), longChunksPerCpuSecond: Math.round(longChunks.length / longCpu),
    loadAverage: (await import('node:os')).loadavg()[0],
  });
  process.stderr.write(`${JSON.stringify(report)}\n`);
  const out = arg('--json');
  if (out) writeFileSync(out, JSON.stringify(report, null, 2));
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
