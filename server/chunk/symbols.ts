/**
 * Lists every definition in a file (nested ones too) with a one-line signature, for
 * the "analyze_implementation" MCP tool. Uses the same definition rules and row
 * conventions as the chunker, so a listed symbol's lines match its chunk's.
 */
import type Parser from 'web-tree-sitter';
import type { SymbolKind } from '../../protocol/search';
import { rulesFor, definitionOf } from './defRulesMore';
import { grammarLogger, loadGrammar, renewParser } from './grammars';
import { grammarFor } from './languages';
import { endRow, isCallable, members, startRow } from './segments';
import type { ChunkInput } from './types';

/** One definition found in a file. */
export interface Definition {
  name: string;
  kind: SymbolKind;
  /** Enclosing definition's name (or the scope the syntax names), null at top level. */
  container: string | null;
  /** 1-based first line of the definition itself (attached comments not included). */
  startLine: number;
  /** 1-based last line, inclusive. */
  endLine: number;
  /** The definition's first line, trimmed (and cut at 200 characters). */
  signature: string;
}

/** Nesting deeper than this is not followed (bounds work on generated code). */
const MAX_DEPTH = 64;
/** At most this many definitions per file. */
const MAX_DEFINITIONS = 10_000;
/** Files over this size are generated or bundled code; listing them is not worth the parse. */
const MAX_PARSE_CHARS = 4 * 1024 * 1024;
const PARSE_TIMEOUT_MICROS = 5_000_000;
const CLASS_LIKE = new Set<SymbolKind>(['class', 'struct', 'interface', 'trait', 'impl', 'enum']);

/**
 * The definitions in a file, in source order. Empty for languages without a grammar,
 * or when the grammar could not be loaded or the parse failed (logged).
 */
export async function extractDefinitions(input: ChunkInput): Promise<Definition[]> {
  const rules = rulesFor(input.language);
  if (!rules || !grammarFor(input.language)) return [];
  if (input.text.length > MAX_PARSE_CHARS) {
    grammarLogger().debug(`conexus chunk: ${input.path} is over ${MAX_PARSE_CHARS} characters; no definitions listed`);
    return [];
  }
  const grammar = await loadGrammar(input.language);
  if (!grammar) return [];
  let tree: Parser.Tree;
  try {
    grammar.parser.setTimeoutMicros(PARSE_TIMEOUT_MICROS);
    tree = grammar.parser.parse(input.text);
  } catch (error) {
    renewParser(input.language, error);
    grammarLogger().debug(`conexus chunk: ${input.path}: parse failed (${String(error)}); no definitions listed`);
    return [];
  }
  try {
    const lines = input.text.split('\n');
    const out: Definition[] = [];
    // Explicit stack rather than recursion: generated code can nest thousands deep.
    const stack: Array<{ nodes: Parser.SyntaxNode[]; container: string | null; kind: SymbolKind | null; depth: number }> = [
      { nodes: members(rules, tree.rootNode), container: null, kind: null, depth: 0 },
    ];
    while (stack.length > 0 && out.length < MAX_DEFINITIONS) {
      const frame = stack.pop()!;
      const later: typeof stack = [];
      for (const node of frame.nodes) {
        let def = definitionOf(rules, node);
        if (def?.weak && isCallable(frame.kind)) def = null; // locals are not definitions
        const inner = def ? innerNode(def.node, rules) : null;
        if (def && inner) {
          const kind: SymbolKind = def.kind === 'function' && frame.kind && CLASS_LIKE.has(frame.kind) ? 'method' : def.kind;
          const first = startRow(inner);
          out.push({
            name: def.name, kind, container: def.scope ?? frame.container,
            startLine: first + 1, endLine: endRow(node) + 1,
            signature: signatureAt(lines, first, endRow(node)),
          });
          if (def.body && frame.depth < MAX_DEPTH) {
            later.push({ nodes: members(rules, def.body), container: def.name, kind, depth: frame.depth + 1 });
          }
        } else if (frame.depth < MAX_DEPTH && node.namedChildCount > 0 && endRow(node) > startRow(node)) {
          // Definitions can sit inside statements (a class in an `if`, a function in a call).
          later.push({ nodes: node.namedChildren, container: frame.container, kind: frame.kind, depth: frame.depth + 1 });
        }
      }
      // Reverse so that popping visits nested frames in source order.
      for (let i = later.length - 1; i >= 0; i--) stack.push(later[i]);
    }
    return out.sort((a, b) => a.startLine - b.startLine || a.endLine - b.endLine);
  } finally {
    tree.delete();
  }
}

/** Lines that precede a signature inside a definition node: annotations, attributes, comments. */
const PREAMBLE = /^(@|#\[|\[|\/\/|\/\*|\*|$)/;

/** The definition's first line that is not an annotation or comment, trimmed. */
function signatureAt(lines: string[], first: number, last: number): string {
  for (let r = first; r <= Math.min(last, first + 20); r++) {
    const line = (lines[r] ?? '').trim();
    if (!PREAMBLE.test(line)) return line.slice(0, 200);
  }
  return (lines[first] ?? '').trim().slice(0, 200);
}

/**
 * The node a definition's signature is read from: inside a wrapper (`export`,
 * decorators) the definition itself, so the signature is `class Foo`, not `@dec`.
 */
function innerNode(node: Parser.SyntaxNode, rules: NonNullable<ReturnType<typeof rulesFor>>): Parser.SyntaxNode {
  if (!rules.wrappers.has(node.type)) return node;
  for (const c of node.namedChildren) if (rules.rules[c.type] || rules.wrappers.has(c.type)) return innerNode(c, rules);
  return node;
}
