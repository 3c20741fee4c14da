/**
 * Language detection from a path, and which tree-sitter grammar (if any) parses each
 * language. Detection is by file name first (Dockerfile, Makefile, …), then by
 * extension; anything unknown is `text`, which the chunker cuts by lines.
 */

/** Whole file names (lower-cased) that identify a language without an extension. */
const BY_NAME: Record<string, string> = {
  dockerfile: 'dockerfile',
  containerfile: 'dockerfile',
  makefile: 'makefile',
  gnumakefile: 'makefile',
  cmakelists: 'cmake', // CMakeLists.txt is matched below, before its `.txt` extension.
  rakefile: 'ruby',
  gemfile: 'ruby',
  podfile: 'ruby',
  vagrantfile: 'ruby',
  brewfile: 'ruby',
  jenkinsfile: 'groovy',
  'build.gradle': 'groovy',
  'build.gradle.kts': 'kotlin',
  '.bashrc': 'bash',
  '.bash_profile': 'bash',
  '.profile': 'bash',
  '.zshrc': 'bash',
  'cmakelists.txt': 'cmake',
};

/** Extensions (lower-cased, without the dot) to language ids. */
const BY_EXTENSION: Record<string, string> = {
  ts: 'typescript', mts: 'typescript', cts: 'typescript',
  tsx: 'tsx',
  js: 'javascript', mjs: 'javascript', cjs: 'javascript', jsx: 'javascript',
  py: 'python', pyi: 'python', pyw: 'python',
  go: 'go',
  rs: 'rust',
  java: 'java',
  c: 'c', h: 'c',
  cc: 'cpp', cpp: 'cpp', cxx: 'cpp', 'c++': 'cpp', hpp: 'cpp', hh: 'cpp', hxx: 'cpp', ipp: 'cpp', inl: 'cpp',
  cs: 'csharp', csx: 'csharp',
  rb: 'ruby', rake: 'ruby', gemspec: 'ruby',
  php: 'php', phtml: 'php',
  kt: 'kotlin', kts: 'kotlin',
  swift: 'swift',
  sh: 'bash', bash: 'bash', zsh: 'bash', ksh: 'bash',
  md: 'markdown', markdown: 'markdown', mdx: 'markdown',
  json: 'json', jsonc: 'json', json5: 'json',
  yaml: 'yaml', yml: 'yaml',
  toml: 'toml',
  css: 'css', scss: 'scss', sass: 'sass', less: 'less',
  html: 'html', htm: 'html', xhtml: 'html',
  xml: 'xml', svg: 'xml', xsd: 'xml', plist: 'xml',
  sql: 'sql',
  lua: 'lua',
  scala: 'scala', sc: 'scala',
  dart: 'dart',
  ex: 'elixir', exs: 'elixir',
  erl: 'erlang', hrl: 'erlang',
  hs: 'haskell',
  ml: 'ocaml', mli: 'ocaml',
  clj: 'clojure', cljs: 'clojure', cljc: 'clojure',
  el: 'elisp',
  elm: 'elm',
  zig: 'zig',
  nim: 'nim',
  jl: 'julia',
  r: 'r',
  pl: 'perl', pm: 'perl',
  ps1: 'powershell', psm1: 'powershell',
  bat: 'bat', cmd: 'bat',
  groovy: 'groovy', gradle: 'groovy',
  m: 'objc', mm: 'objc',
  sol: 'solidity',
  vue: 'vue',
  svelte: 'svelte',
  graphql: 'graphql', gql: 'graphql',
  proto: 'protobuf',
  tf: 'hcl', hcl: 'hcl',
  ini: 'ini', cfg: 'ini', conf: 'ini',
  cmake: 'cmake',
  mk: 'makefile',
  dockerfile: 'dockerfile',
  rst: 'restructuredtext',
  tex: 'latex',
  txt: 'text',
};

/**
 * Grammar file stems in `tree-sitter-wasms/out/` (`tree-sitter-<stem>.wasm`) for the
 * languages the chunker parses. Languages without an entry are cut by lines.
 */
const GRAMMARS: Record<string, string> = {
  typescript: 'typescript',
  tsx: 'tsx',
  javascript: 'javascript',
  python: 'python',
  go: 'go',
  rust: 'rust',
  java: 'java',
  c: 'c',
  cpp: 'cpp',
  csharp: 'c_sharp',
  ruby: 'ruby',
  php: 'php',
  kotlin: 'kotlin',
  swift: 'swift',
  bash: 'bash',
};

/** The language id for a path (`/`- or `\`-separated); `text` when nothing matches. */
export function detectLanguage(path: string): string {
  const base = path.slice(Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')) + 1);
  const lower = base.toLowerCase();
  const named = BY_NAME[lower];
  if (named) return named;
  // `Dockerfile.dev`, `Makefile.am`: the name decides, whatever the suffix.
  if (lower.startsWith('dockerfile.') || lower.endsWith('.dockerfile')) return 'dockerfile';
  if (lower.startsWith('makefile.')) return 'makefile';
  const dot = lower.lastIndexOf('.');
  if (dot <= 0 && !lower.startsWith('.')) return 'text';
  const ext = lower.slice(dot + 1);
  return BY_EXTENSION[ext] ?? 'text';
}

/** The grammar stem for a language id, or null when the chunker cuts it by lines. */
export function grammarFor(language: string): string | null {
  return GRAMMARS[language] ?? null;
}

/** Every language id that has a grammar (for tests and preloading). */
export function parsedLanguages(): string[] {
  return Object.keys(GRAMMARS);
}
