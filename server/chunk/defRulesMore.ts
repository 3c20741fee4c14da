/**
 * Definition rules for the C family, Ruby, PHP, Kotlin, Swift and shell, and the
 * lookup from language id to rules (see `defRules.ts` for what a rule is).
 */
import type { SymbolKind } from '../../protocol/search';
import {
  childOfType, field, go, hasToken, java, js, named, oneLine, python, rust, text,
  type DefInfo, type LangRules, type Node, type Rule,
} from './defRules';

// ---- C and C++ ---------------------------------------------------------------------------

/** The name a C/C++ declarator declares: `int *(*f)(void)` → `f`, `A::B::m` → `m` in scope `A::B`. */
function declaratorName(node: Node | null): { name: string; scope?: string } | null {
  for (let depth = 0; node && depth < 16; depth++) {
    switch (node.type) {
      case 'identifier': case 'field_identifier': case 'type_identifier':
      case 'destructor_name': case 'operator_name':
        return { name: node.text };
      case 'qualified_identifier': {
        const inner = declaratorName(field(node, 'name'));
        const scope = text(field(node, 'scope'));
        if (!inner) return null;
        return { name: inner.name, scope: [scope, inner.scope].filter(Boolean).join('::') || undefined };
      }
      default:
        node = field(node, 'declarator') ?? childOfType(node, ['identifier', 'field_identifier', 'qualified_identifier']);
    }
  }
  return null;
}

const cFunction: Rule = (node) => {
  const d = declaratorName(field(node, 'declarator'));
  return d ? { name: oneLine(d.name), kind: d.scope ? 'method' : 'function', body: field(node, 'body'), scope: d.scope } : null;
};

/** Structs, unions, enums and classes only count with a body (`struct P;` is a declaration). */
const cAggregate = (kind: SymbolKind): Rule => (node) => {
  const body = field(node, 'body');
  if (!body) return null;
  return { name: oneLine(text(field(node, 'name')) ?? '(anonymous)'), kind, body };
};

const cTypedef: Rule = (node) => {
  const d = declaratorName(field(node, 'declarator'));
  if (!d) return null;
  const type = field(node, 'type');
  const aggregate = type && field(type, 'body') ? type : null;
  const kind: SymbolKind = aggregate?.type === 'enum_specifier' ? 'enum' : aggregate ? 'struct' : 'type';
  return { name: d.name, kind, body: aggregate ? field(aggregate, 'body') : null, weak: !aggregate };
};

const cRules: Record<string, Rule> = {
  function_definition: cFunction,
  struct_specifier: cAggregate('struct'),
  union_specifier: cAggregate('struct'),
  enum_specifier: cAggregate('enum'),
  type_definition: cTypedef,
  preproc_function_def: named('macro', { body: false }),
};
const C_PREPROC = ['preproc_if', 'preproc_ifdef', 'preproc_else', 'preproc_elif', 'preproc_elifdef'];

const c: LangRules = {
  rules: cRules,
  wrappers: new Set(),
  transparent: new Set(C_PREPROC),
  attach: new Set(['comment']),
};

const cpp: LangRules = {
  rules: {
    ...cRules,
    class_specifier: cAggregate('class'),
    namespace_definition: named('namespace', { fallback: '(anonymous)' }),
    alias_declaration: named('type', { body: false, weak: true }),
    concept_definition: named('type', { body: false, weak: true }),
  },
  wrappers: new Set(['template_declaration']),
  transparent: new Set([...C_PREPROC, 'linkage_specification', 'declaration_list']),
  attach: new Set(['comment']),
};

// ---- C# --------------------------------------------------------------------------------

const csharp: LangRules = {
  rules: {
    class_declaration: named('class'),
    interface_declaration: named('interface'),
    struct_declaration: named('struct'),
    record_declaration: named('class'),
    record_struct_declaration: named('struct'),
    enum_declaration: named('enum'),
    namespace_declaration: named('namespace'),
    file_scoped_namespace_declaration: named('namespace', { body: false, weak: true }),
    method_declaration: named('method'),
    constructor_declaration: named('constructor'),
    destructor_declaration: named('method'),
    operator_declaration: (node) => ({ name: 'operator', kind: 'method', body: field(node, 'body') }),
    property_declaration: named('property', { body: false, weak: true }),
    delegate_declaration: named('type', { body: false, weak: true }),
  },
  wrappers: new Set(),
  transparent: new Set(),
  attach: new Set(['comment']),
};

// ---- Ruby, PHP, Kotlin, Swift, Bash -------------------------------------------------------

const ruby: LangRules = {
  rules: {
    class: named('class'),
    module: named('module'),
    method: named('function'), // a method once inside a class (see segments.ts)
    singleton_method: named('method'),
    singleton_class: (node) => ({ name: 'self', kind: 'class', body: field(node, 'body') }),
  },
  wrappers: new Set(),
  transparent: new Set(),
  attach: new Set(['comment']),
};

const php: LangRules = {
  rules: {
    class_declaration: named('class'),
    interface_declaration: named('interface'),
    trait_declaration: named('trait'),
    enum_declaration: named('enum'),
    function_definition: named('function'),
    method_declaration: (node) => {
      const name = text(field(node, 'name'));
      return name ? { name, kind: name === '__construct' ? 'constructor' : 'method', body: field(node, 'body') } : null;
    },
    namespace_definition: (node) => {
      const body = field(node, 'body');
      return { name: text(field(node, 'name')) ?? '(global)', kind: 'namespace', body, weak: !body };
    },
  },
  wrappers: new Set(),
  transparent: new Set(),
  attach: new Set(['comment']),
};

/** Kotlin and Swift name things by their first identifier child rather than a field. */
const firstIdent = (node: Node, types: string[]): string | null =>
  text(field(node, 'name')) ?? text(childOfType(node, types));

const kotlinClass: Rule = (node) => {
  const name = firstIdent(node, ['type_identifier', 'simple_identifier']);
  if (!name) return null;
  const body = childOfType(node, ['class_body', 'enum_class_body']);
  const kind: SymbolKind = hasToken(node, 'interface') ? 'interface'
    : body?.type === 'enum_class_body' || hasToken(node, 'enum') ? 'enum' : 'class';
  return { name, kind, body };
};

const kotlin: LangRules = {
  rules: {
    class_declaration: kotlinClass,
    object_declaration: kotlinClass,
    companion_object: (node) => ({
      name: firstIdent(node, ['type_identifier']) ?? 'Companion', kind: 'class', body: childOfType(node, ['class_body']),
    }),
    function_declaration: (node) => {
      const name = firstIdent(node, ['simple_identifier']);
      return name ? { name, kind: 'function', body: childOfType(node, ['function_body']) } : null;
    },
    secondary_constructor: () => ({ name: 'constructor', kind: 'constructor', body: null }),
    type_alias: (node) => {
      const name = firstIdent(node, ['type_identifier']);
      return name ? { name, kind: 'type', body: null, weak: true } : null;
    },
  },
  wrappers: new Set(),
  transparent: new Set(),
  attach: new Set(['comment', 'line_comment', 'multiline_comment']),
};

const swiftClass: Rule = (node) => {
  const name = firstIdent(node, ['type_identifier', 'user_type']);
  if (!name) return null;
  const kind: SymbolKind = hasToken(node, 'struct') ? 'struct' : hasToken(node, 'enum') ? 'enum'
    : hasToken(node, 'extension') ? 'impl' : 'class';
  return { name: oneLine(name), kind, body: field(node, 'body') ?? childOfType(node, ['class_body', 'enum_class_body']) };
};

const swift: LangRules = {
  rules: {
    class_declaration: swiftClass,
    protocol_declaration: named('interface'),
    function_declaration: (node) => {
      const name = firstIdent(node, ['simple_identifier']);
      return name ? { name, kind: 'function', body: field(node, 'body') } : null;
    },
    protocol_function_declaration: named('method', { body: false }),
    init_declaration: (node) => ({ name: 'init', kind: 'constructor', body: field(node, 'body') }),
    deinit_declaration: (node) => ({ name: 'deinit', kind: 'method', body: field(node, 'body') }),
    typealias_declaration: named('type', { body: false, weak: true }),
  },
  wrappers: new Set(),
  transparent: new Set(),
  attach: new Set(['comment', 'multiline_comment']),
};

const bash: LangRules = {
  rules: { function_definition: named('function', { body: false }) },
  wrappers: new Set(),
  transparent: new Set(),
  attach: new Set(['comment']),
};

const RULES: Record<string, LangRules> = {
  typescript: js, tsx: js, javascript: js, python, go, rust, java, c, cpp, csharp, ruby, php, kotlin, swift, bash,
};

/** The definition rules for a language id, or null when it is not parsed by syntax. */
export function rulesFor(language: string): LangRules | null {
  return RULES[language] ?? null;
}

/**
 * The definition a node stands for, looking through wrappers (`export`, decorators,
 * templates): the returned `node` is the outermost one, whose lines the chunk takes.
 */
export function definitionOf(rules: LangRules, node: Node): (DefInfo & { node: Node }) | null {
  const rule = rules.rules[node.type];
  if (rule) {
    const info = rule(node);
    return info ? { ...info, node } : null;
  }
  if (rules.wrappers.has(node.type)) {
    for (const child of node.namedChildren) {
      const inner = definitionOf(rules, child);
      if (inner) return { ...inner, node };
    }
  }
  return null;
}
