/**
 * `analyze_implementation`: everything an agent needs to understand one symbol without
 * opening five files: where it is defined (with signature), its body within the token
 * budget, what it calls (and where those are defined), what calls or references it,
 * the tests that reference it, and the files beside it. Every statement carries a path
 * and a line range as evidence. The answer is built from the index only: files the
 * engine left out (ignored, secrets) are never read.
 */
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { z } from 'zod';
import { ConexusError, ErrorCode } from '../../../protocol/errors';
import { callsInLines } from '../../chunk/chunker';
import { extractDefinitions } from '../../chunk/symbols';
import { isTestPath } from '../../search/locate';
import { type Definition, fileIndexFor } from '../../search/locateIndex';
import { parseLocateQuery } from '../../search/locateQuery';
import { FreshnessSchema } from '../freshness';
import { confinePath } from '../pathGuard';
import { CHARS_PER_TOKEN, DEFAULT_MAX_TOKENS, MAX_MAX_TOKENS, type ToolContext, currentFreshness, cutText, runTool, toolResult } from './common';

/** Input of analyze_implementation. */
export const AnalyzeInput = {
  target: z.string().trim().min(1, 'target is empty: give a symbol name, a file path or a question').max(2000)
    .describe('A symbol name ("parseArgs", "Parser.parse"), a workspace file path ("src/parser.ts"), or a question ("how is retry implemented").'),
  file: z.string().min(1).max(4096).optional().describe('Restrict to definitions in this workspace file (relative path).'),
  max_tokens: z.number().int().min(200).max(MAX_MAX_TOKENS).default(DEFAULT_MAX_TOKENS)
    .describe(`Budget for the body and lists in tokens (≈ characters/4; default ${DEFAULT_MAX_TOKENS}).`),
};

const Loc = { path: z.string(), start_line: z.number(), end_line: z.number() };
const Ref = z.object({ ...Loc, symbol: z.string().nullable() });

/** Output of analyze_implementation. */
export const AnalyzeOutput = {
  symbol: z.string().nullable(),
  definitions: z.array(z.object({ ...Loc, kind: z.string().nullable(), container: z.string().nullable(), signature: z.string() })),
  body: z.object({ ...Loc, text: z.string(), truncated: z.boolean() }).nullable(),
  calls: z.array(z.object({ name: z.string(), defined_at: z.array(z.object(Loc)) })).describe('Names the body calls, with where the index defines them.'),
  called_by: z.array(Ref).describe('Chunks (outside tests) that call or reference the symbol.'),
  tests: z.array(Ref).describe('Test-file chunks that reference the symbol.'),
  neighbours: z.array(z.string()).describe('Other indexed files in the same folder.'),
  counts: z.object({ called_by: z.number(), tests: z.number() }),
  index: FreshnessSchema,
};

const MAX_REFS = 20;

/** Picks the definition the target names: exact names first, rare names before common ones. */
function resolveDefinitions(ctx: ToolContext, target: string, file: string | null): { name: string; defs: Definition[] } | null {
  const index = fileIndexFor(ctx.engine);
  const q = parseLocateQuery(target);
  const candidates: Array<{ name: string; container: string | null; weight: number }> = [];
  const dotted = /^[A-Za-z_$][\w$]*(?:[.#:]+[A-Za-z_$][\w$]*)+$/.test(target) ? target.split(/[.#:]+/) : null;
  if (dotted) candidates.push({ name: dotted[dotted.length - 1], container: dotted[dotted.length - 2], weight: 3 });
  if (/^[A-Za-z_$][\w$]*$/.test(target)) candidates.push({ name: target, container: null, weight: 3 });
  for (const [id, w] of q.identifiers) candidates.push({ name: id, container: null, weight: w + Math.min(1, id.length / 20) });
  candidates.sort((a, b) => b.weight - a.weight);
  for (const c of candidates) {
    let defs = index.definitions.get(c.name) ?? [];
    if (file) defs = defs.filter((d) => d.path === file);
    if (c.container && defs.some((d) => d.container === c.container)) defs = defs.filter((d) => d.container === c.container);
    if (defs.length) return { name: c.name, defs: [...defs].sort((a, b) => Number(isTestPath(a.path)) - Number(isTestPath(b.path))) };
  }
  return null;
}

async function signatureOf(ctx: ToolContext, d: Definition, cache: Map<string, Awaited<ReturnType<typeof extractDefinitions>>>): Promise<string> {
  let defs = cache.get(d.path);
  if (!defs) {
    const text = await ctx.engine.readFile(d.path);
    const lang = ctx.engine.chunksForFile(d.path)[0]?.language ?? '';
    defs = text === null ? [] : await extractDefinitions({ path: d.path, text, language: lang }).catch(() => []);
    cache.set(d.path, defs);
  }
  const hit = defs.find((x) => x.name === d.name && x.startLine >= d.startLine && x.startLine <= d.endLine);
  if (hit) return hit.signature;
  const chunk = ctx.engine.chunksForFile(d.path).find((c) => c.startLine === d.startLine);
  const line = chunk?.text.split('\n').find((l) => l.includes(d.name)) ?? '';
  return line.trim().slice(0, 200);
}

/** Registers the tool. */
export function registerAnalyzeImplementation(server: McpServer, ctx: ToolContext): void {
  server.registerTool('analyze_implementation', {
    title: 'Analyze how something is implemented',
    description: 'For a symbol, file or "how is X implemented" question: where it is defined (path, lines, signature), its body within a token budget, what it calls, what calls or references it, the tests that reference it, and the files beside it, each with exact paths and line ranges. Use after locate_relevant_files or search_codebase to understand one piece of code.',
    inputSchema: AnalyzeInput,
    outputSchema: AnalyzeOutput,
    annotations: { readOnlyHint: true, openWorldHint: false },
  }, (args) => runTool(ctx, 'analyze_implementation', async () => {
    const engine = ctx.engine;
    let file: string | null = null;
    if (args.file) {
      file = confinePath(engine.roots, args.file).display;
      if (engine.chunksForFile(file).length === 0) {
        throw new ConexusError(ErrorCode.InvalidParams, `file: ${file} is not in the index (it may be ignored, excluded, binary or a secret); pick a file from search_codebase or locate_relevant_files.`);
      }
    }
    // A target that is a path of an indexed file is analysed as "the main definitions of that file".
    if (!file && /[/\\]|\.[A-Za-z]{1,5}$/.test(args.target) && !/\s/.test(args.target)) {
      try {
        const p = confinePath(engine.roots, args.target).display;
        if (engine.chunksForFile(p).length > 0) file = p;
      } catch (error) {
        if (/[/\\]/.test(args.target)) throw error;
      }
    }
    let resolved = resolveDefinitions(ctx, args.target, file);
    if (!resolved) {
      const hits = (await engine.search({ query: args.target, k: 10, mode: 'hybrid', ...(file ? { filters: { include: [file] } } : {}) })).hits;
      const hit = hits.find((h) => h.symbol);
      if (hit?.symbol) resolved = resolveDefinitions(ctx, hit.symbol, hit.path);
    }
    if (!resolved && file) {
      const first = engine.chunksForFile(file).find((c) => c.symbol);
      if (first?.symbol) resolved = resolveDefinitions(ctx, first.symbol, file);
    }
    if (!resolved) {
      throw new ConexusError(ErrorCode.InvalidParams, `target: no indexed definition matches ${JSON.stringify(args.target)}; try search_codebase with other words, or give the exact symbol name.`);
    }
    const { name, defs } = resolved;
    const primary = defs[0];
    const budget = args.max_tokens * CHARS_PER_TOKEN;
    const sigCache = new Map<string, Awaited<ReturnType<typeof extractDefinitions>>>();
    const definitions = [];
    for (const d of defs.slice(0, 10)) {
      definitions.push({ path: d.path, start_line: d.startLine, end_line: d.endLine, kind: d.kind, container: d.container, signature: await signatureOf(ctx, d, sigCache) });
    }

    const text = await engine.readFile(primary.path);
    const bodyText = text === null ? '' : text.split('\n').slice(primary.startLine - 1, primary.endLine).join('\n');
    const cut = cutText(bodyText, Math.max(400, Math.floor(budget * 0.6)));
    const body = text === null ? null : { path: primary.path, start_line: primary.startLine, end_line: primary.endLine, text: cut.text, truncated: cut.truncated };

    const index = fileIndexFor(engine);
    // Calls are found in the definition's lines now, from the file as it is (the index keeps none: see callsInLines).
    const language = engine.chunksForFile(primary.path)[0]?.language ?? '';
    const called = text === null ? [] : (await callsInLines({ path: primary.path, text, language }, primary.startLine, primary.endLine)).filter((n) => n !== name);
    const calls = called.slice(0, 30).map((n) => ({
      name: n,
      defined_at: (index.definitions.get(n) ?? []).slice(0, 3).map((d) => ({ path: d.path, start_line: d.startLine, end_line: d.endLine })),
    }));

    // A call names its callee, so the chunks that mention the name as a whole word hold every caller.
    const callers: z.infer<typeof Ref>[] = [];
    const tests: z.infer<typeof Ref>[] = [];
    let nCallers = 0;
    let nTests = 0;
    for (const c of engine.chunksMentioning(name)) {
      if (c.path === primary.path && c.startLine <= primary.endLine && c.endLine >= primary.startLine) continue;
      const ref = { path: c.path, start_line: c.startLine, end_line: c.endLine, symbol: c.symbol };
      if (isTestPath(c.path)) { nTests++; if (tests.length < MAX_REFS) tests.push(ref); }
      else { nCallers++; if (callers.length < MAX_REFS) callers.push(ref); }
    }
    const dir = primary.path.includes('/') ? primary.path.slice(0, primary.path.lastIndexOf('/') + 1) : '';
    const neighbours = engine.listFiles().map((f) => f.path)
      .filter((p) => p !== primary.path && p.startsWith(dir) && !p.slice(dir.length).includes('/')).slice(0, 20);

    const structured = {
      symbol: name, definitions, body, calls, called_by: callers, tests, neighbours,
      counts: { called_by: nCallers, tests: nTests }, index: currentFreshness(ctx),
    };
    const loc = (r: { path: string; start_line: number; end_line: number }) => `${r.path}:${r.start_line}-${r.end_line}`;
    const lines = [
      `${name}: defined at ${definitions.map((d) => `${loc(d)} (${d.kind ?? 'definition'}${d.container ? ` in ${d.container}` : ''})`).join(', ')}`,
      ...definitions.slice(0, 3).map((d) => `  ${d.signature}`),
    ];
    if (body) lines.push(`Body ${loc(body)}${body.truncated ? ' (shortened; raise max_tokens for more)' : ''}:`, body.text);
    if (calls.length) lines.push(`Calls: ${calls.map((c) => c.defined_at[0] ? `${c.name} (${loc(c.defined_at[0])})` : c.name).join(', ')}`);
    lines.push(`Called/referenced by (${nCallers}): ${callers.map((r) => `${loc(r)}${r.symbol ? ` ${r.symbol}` : ''}`).join(', ') || 'none found'}`);
    lines.push(`Tests (${nTests}): ${tests.map(loc).join(', ') || 'none found'}`);
    if (neighbours.length) lines.push(`Same folder: ${neighbours.join(', ')}`);
    return toolResult(structured, lines);
  }));
}
