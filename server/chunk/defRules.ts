/**
 * What counts as a definition in each parsed language, and how to read its name, kind
 * and body from the syntax tree. The chunker and `extractDefinitions` share these rules
 * so a chunk's symbol and the symbol list always agree.
 */
import type Parser from 'web-tree-sitter';
import type { SymbolKind } from '../../protocol/search';

type Node = Parser.SyntaxNode;

/** A definition as read from one node. */
export interface DefInfo {
  name: string;
  kind: SymbolKind;
  /** The node whose children are the definition's members (null: nothing to descend into). */
  body: Node | null;
  /**
   * True for small declarations (constants, properties, type aliases without a body) that
   * may be merged with neighbours when short; their names still appear in symbol lists.
   */
  weak?: boolean;
  /** A scope the syntax names explicitly (C++ `Cls::method`, Go receivers), used as container. */
  scope?: string;
}

/** Reads a definition from a node of a given type, or returns null when it is not one. */
type Rule = (node: Node) => DefInfo | null;

/** How one language's definitions look. */
export interface LangRules {
  rules: Record<string, Rule>;
  /** Nodes that wrap a definition (export, decorators, templates): the range is theirs, the name the inner one's. */
  wrappers: Set<string>;
  /** Nodes whose children are read as if they were the parent's (preprocessor blocks, `extern "C"`). */
  transparent: Set<string>;
  /** Sibling nodes directly above a definition that belong to it (doc comments, attributes). */
  attach: Set<string>;
}

const text = (n: Node | null | undefined): string | null => (n ? n.text : null);
const field = (n: Node, name: string): Node | null => n.childForFieldName(name);
const childOfType = (n: Node, types: string[]): Node | null => {
  for (const c of n.namedChildren) if (types.includes(c.type)) return c;
  return null;
};
const hasToken = (n: Node, token: string): boolean => {
  for (let i = 0; i < n.childCount; i++) {
    const c = n.child(i);
    if (c && !c.isNamed && c.type === token) return true;
  }
  return false;
};
/** A one-line name: multi-line names (odd syntax) are cut at the first line break. */
const oneLine = (s: string): string => {
  const i = s.indexOf('\n');
  return (i < 0 ? s : s.slice(0, i)).trim().slice(0, 200);
};

/** A rule that names the node by its `name` field. */
const named = (kind: SymbolKind, opts: { weak?: boolean; body?: boolean; fallback?: string } = {}): Rule =>
  (node) => {
    const name = text(field(node, 'name')) ?? opts.fallback ?? null;
    if (!name) return null;
    return { name: oneLine(name), kind, body: opts.body === false ? null : field(node, 'body'), weak: opts.weak };
  };

// ---- JavaScript / TypeScript -------------------------------------------------------

const FUNCTION_VALUES = new Set(['arrow_function', 'function_expression', 'function', 'generator_function']);

/** `const f = () => …`, `const C = class …`, and plain constants (weak). */
const jsVariable: Rule = (node) => {
  const decls = node.namedChildren.filter((c) => c.type === 'variable_declarator');
  if (decls.length !== 1) return null;
  const nameNode = field(decls[0], 'name');
  if (!nameNode || nameNode.type !== 'identifier') return null;
  const value = field(decls[0], 'value');
  if (value && FUNCTION_VALUES.has(value.type)) return { name: nameNode.text, kind: 'function', body: field(value, 'body') };
  if (value && value.type === 'class') return { name: nameNode.text, kind: 'class', body: field(value, 'body') };
  const isConst = node.firstChild?.type === 'const';
  return { name: nameNode.text, kind: isConst ? 'constant' : 'variable', body: null, weak: true };
};

/** `exports.f = function …`, `Foo.prototype.bar = () => …`, and TS `namespace X {}` statements. */
const jsExpressionStatement: Rule = (node) => {
  const inner = node.firstNamedChild;
  if (!inner) return null;
  if (inner.type === 'internal_module') return named('namespace')(inner);
  if (inner.type === 'call_expression') return jsTestBlock(inner);
  if (inner.type !== 'assignment_expression') return null;
  const right = field(inner, 'right');
  const left = field(inner, 'left');
  if (!right || !left || !FUNCTION_VALUES.has(right.type)) return null;
  const name = left.type === 'member_expression' ? text(field(left, 'property')) : left.type === 'identifier' ? left.text : null;
  return name ? { name, kind: 'function', body: field(right, 'body') } : null;
};

const TEST_BLOCKS = new Set(['describe', 'context', 'suite', 'it', 'test', 'specify']);

/**
 * Test suites and cases (`describe('parser', () => …)`, `it.only('reads', …)`) named by
 * their title, so a big suite is cut into its cases and each case is findable by title.
 */
const jsTestBlock: Rule = (call) => {
  let fn = field(call, 'function');
  if (fn?.type === 'member_expression') fn = field(fn, 'object'); // it.only, describe.skip
  if (!fn || fn.type !== 'identifier' || !TEST_BLOCKS.has(fn.text)) return null;
  const args = field(call, 'arguments')?.namedChildren ?? [];
  const title = args[0];
  const callback = args[args.length - 1];
  if (!title || !callback || !/^(string|template_string)$/.test(title.type) || !FUNCTION_VALUES.has(callback.type)) return null;
  return { name: oneLine(title.text.slice(1, -1)) || fn.text, kind: 'block', body: field(callback, 'body') };
};

/** Class fields holding functions (`handle = () => {}`) read as methods. */
const jsField: Rule = (node) => {
  const value = field(node, 'value');
  const name = text(field(node, 'name')) ?? text(field(node, 'property'));
  if (!name || !value || !FUNCTION_VALUES.has(value.type)) return null;
  return { name, kind: 'method', body: field(value, 'body') };
};

const jsMethod: Rule = (node) => {
  const name = text(field(node, 'name'));
  if (!name) return null;
  return { name, kind: name === 'constructor' ? 'constructor' : 'method', body: field(node, 'body') };
};

const jsRules: Record<string, Rule> = {
  function_declaration: named('function'),
  generator_function_declaration: named('function'),
  class_declaration: named('class'),
  abstract_class_declaration: named('class'),
  method_definition: jsMethod,
  abstract_method_signature: named('method', { body: false }),
  lexical_declaration: jsVariable,
  variable_declaration: jsVariable,
  expression_statement: jsExpressionStatement,
  public_field_definition: jsField,
  field_definition: jsField,
  interface_declaration: named('interface'),
  type_alias_declaration: named('type', { body: false, weak: true }),
  enum_declaration: named('enum'),
  internal_module: named('namespace'),
  // Only reached through `export default …` (expressions are otherwise wrapped in statements).
  function_expression: named('function', { fallback: 'default' }),
  arrow_function: (node) => ({ name: 'default', kind: 'function', body: field(node, 'body') }),
  class: named('class', { fallback: 'default' }),
  module: (node) => {
    const name = text(field(node, 'name'));
    return name ? { name: name.replace(/^['"]|['"]$/g, ''), kind: 'module', body: field(node, 'body') } : null;
  },
};

const JS_COMMENTS = new Set(['comment', 'decorator']);
const js: LangRules = {
  rules: jsRules,
  wrappers: new Set(['export_statement', 'ambient_declaration']),
  transparent: new Set(),
  attach: JS_COMMENTS,
};

// ---- Python, Go, Rust, Java -----------------------------------------------------------

const python: LangRules = {
  rules: {
    function_definition: (node) => {
      const name = text(field(node, 'name'));
      if (!name) return null;
      return { name, kind: name === '__init__' ? 'constructor' : 'function', body: field(node, 'body') };
    },
    class_definition: named('class'),
    // `NAME = …` at module or class level: small ones merge with neighbours, big ones
    // (tables, configs) get a chunk named after them.
    expression_statement: (node) => {
      const a = node.firstNamedChild;
      const left = a?.type === 'assignment' ? field(a, 'left') : null;
      if (!left || left.type !== 'identifier' || node.namedChildCount !== 1) return null;
      const kind: SymbolKind = /^[A-Z][A-Z0-9_]*$/.test(left.text) ? 'constant' : 'variable';
      return { name: left.text, kind, body: null, weak: true };
    },
  },
  wrappers: new Set(['decorated_definition']),
  transparent: new Set(),
  attach: new Set(['comment']),
};

/** Go receiver type name: `func (s *Server) Run()` → `Server`. */
const goReceiver = (node: Node): string | undefined => {
  const recv = field(node, 'receiver');
  const param = recv?.namedChildren.find((c) => c.type === 'parameter_declaration');
  const type = param ? field(param, 'type') : null;
  const t = type?.text.replace(/^\*/, '').replace(/\[.*$/s, '');
  return t || undefined;
};

const goSpecs = (kindOf: (spec: Node) => SymbolKind, weak: boolean): Rule => (node) => {
  const spec = node.namedChildren.find((c) => /_spec$|^type_alias$/.test(c.type));
  const name = spec ? text(field(spec, 'name')) : null;
  if (!spec || !name) return null;
  return { name: oneLine(name), kind: kindOf(spec), body: null, weak };
};

const go: LangRules = {
  rules: {
    function_declaration: named('function'),
    method_declaration: (node) => {
      const name = text(field(node, 'name'));
      return name ? { name, kind: 'method', body: field(node, 'body'), scope: goReceiver(node) } : null;
    },
    type_declaration: goSpecs((spec) => {
      const t = field(spec, 'type')?.type;
      return t === 'struct_type' ? 'struct' : t === 'interface_type' ? 'interface' : 'type';
    }, false),
    const_declaration: goSpecs(() => 'constant', true),
    var_declaration: goSpecs(() => 'variable', true),
  },
  wrappers: new Set(),
  transparent: new Set(),
  attach: new Set(['comment']),
};

const rust: LangRules = {
  rules: {
    function_item: named('function'),
    function_signature_item: named('method', { body: false }),
    struct_item: named('struct'),
    union_item: named('struct'),
    enum_item: named('enum'),
    trait_item: named('trait'),
    impl_item: (node) => {
      const type = text(field(node, 'type'));
      return type ? { name: oneLine(type), kind: 'impl', body: field(node, 'body') } : null;
    },
    mod_item: (node) => {
      const name = text(field(node, 'name'));
      const body = field(node, 'body');
      return name ? { name, kind: 'module', body, weak: !body } : null;
    },
    macro_definition: named('macro', { body: false }),
    type_item: named('type', { body: false, weak: true }),
    const_item: named('constant', { body: false, weak: true }),
    static_item: named('variable', { body: false, weak: true }),
  },
  wrappers: new Set(),
  transparent: new Set(),
  attach: new Set(['line_comment', 'block_comment', 'attribute_item']),
};

const java: LangRules = {
  rules: {
    class_declaration: named('class'),
    interface_declaration: named('interface'),
    annotation_type_declaration: named('interface'),
    enum_declaration: named('enum'),
    record_declaration: named('class'),
    method_declaration: named('method'),
    constructor_declaration: named('constructor'),
  },
  wrappers: new Set(),
  transparent: new Set(),
  attach: new Set(['line_comment', 'block_comment', 'comment']),
};

export { js, python, go, rust, java, named, field, text, childOfType, hasToken, oneLine };
export type { Rule, Node };
