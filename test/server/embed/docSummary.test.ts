import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SUMMARY_MAX_CHARS, docSummary } from '../../../server/embed/docSummary';
import { EMBEDDING_TEXT_RECIPE, embeddingText, vectorTableKey } from '../../../server/engine/embedding';

describe('docSummary', () => {
  it('takes the first paragraph of a Python docstring, after a signature over several lines', () => {
    const code = [
      '@cached',
      'def read_config(path,',
      '                strict=False) -> dict:',
      '    """Reads the settings file',
      '    and merges the defaults.',
      '',
      '    Args:',
      '        path: where it is',
      '    """',
      '    return {}',
    ].join('\n');
    assert.equal(docSummary(code, 'python'), 'Reads the settings file and merges the defaults.');
  });

  it('reads single-quoted and one-line docstrings and stops at reST fields', () => {
    assert.equal(docSummary("class Cache:\n    '''Keeps recent results.'''\n", 'python'), 'Keeps recent results.');
    assert.equal(docSummary('def f(x):\n    "Doubles x."\n    return 2 * x\n', 'python'), 'Doubles x.');
    assert.equal(docSummary('def f(x):\n    """Doubles x.\n    :param x: a number\n    """\n', 'python'), 'Doubles x.');
  });

  it('gives nothing for a Python function whose body starts with code', () => {
    assert.equal(docSummary('def f(x):\n    y = "not a docstring"\n    return y\n', 'python'), '');
  });

  it('uses comment lines directly above a Python definition', () => {
    assert.equal(docSummary('# Parses one line of the log.\ndef parse(line):\n    return line\n', 'python'), 'Parses one line of the log.');
  });

  it('reads a JSDoc block up to its tags, without the stars', () => {
    const code = '/**\n * Debounces a callback so bursts\n * run it once.\n * @param ms quiet time\n */\nexport function debounce(fn, ms) {}\n';
    assert.equal(docSummary(code, 'typescript'), 'Debounces a callback so bursts run it once.');
    assert.equal(docSummary('/** Opens the socket. */\nfunction open() {}', 'javascript'), 'Opens the socket.');
  });

  it('reads line comments in C-family languages, skipping Rust attributes', () => {
    assert.equal(docSummary('/// Returns the parsed header.\n/// Fails on bad input.\n#[inline]\nfn header() {}', 'rust'), 'Returns the parsed header. Fails on bad input.');
    assert.equal(docSummary('// Serve starts the HTTP listener.\nfunc Serve() {}', 'go'), 'Serve starts the HTTP listener.');
  });

  it('reads hash comments for Ruby and Bash but not a shebang', () => {
    assert.equal(docSummary('# Greets the user.\ndef greet\nend', 'ruby'), 'Greets the user.');
    assert.equal(docSummary('#!/bin/bash\nrun() { :; }', 'bash'), '');
  });

  it('ignores licence headers and languages without a known comment style', () => {
    assert.equal(docSummary('/* Copyright 2020 Example Corp. Licensed under MIT. */\nfunction f() {}', 'javascript'), '');
    assert.equal(docSummary('# Title\n\nSome prose.', 'markdown'), '');
  });

  it('returns at once on unclosed strings full of escapes and on huge lines (no regex backtracking blow-up)', { timeout: 10_000 }, () => {
    for (const n of [30, 5000]) assert.equal(docSummary(`def f(x):\n    "${'\\\\'.repeat(n)}x`, 'python'), '');
    assert.ok(docSummary(`def f(x):\n    """${'a\\'.repeat(20000)}`, 'python').length <= SUMMARY_MAX_CHARS);
    assert.ok(docSummary(`// ${'word '.repeat(200000)}\nfunction f() {}`, 'javascript').length <= SUMMARY_MAX_CHARS);
  });

  it('cuts long summaries at a word boundary', () => {
    const long = `/** ${'word '.repeat(200)}*/\nfunction f() {}`;
    const s = docSummary(long, 'javascript');
    assert.ok(s.length <= SUMMARY_MAX_CHARS);
    assert.ok(s.length > SUMMARY_MAX_CHARS / 2);
    assert.equal(s.endsWith('word'), true);
  });
});

describe('embeddingText', () => {
  it('leads with names, then the doc summary, then the code', () => {
    const code = 'def load(path):\n    """Loads the cache from disk."""\n    return open(path)\n';
    assert.equal(embeddingText({ symbol: 'load', container: 'Cache', language: 'python' }, code), `Cache load\nLoads the cache from disk.\n${code}`);
  });

  it('adds no summary to chunks that are not definitions', () => {
    const code = '# a comment\nx = 1\n';
    assert.equal(embeddingText({ symbol: null, container: null, language: 'python' }, code), code);
  });

  it('keys vector tables by model and recipe, so a recipe change re-embeds', () => {
    assert.equal(vectorTableKey('m@1'), `m@1#text${EMBEDDING_TEXT_RECIPE}`);
    assert.notEqual(vectorTableKey('m@1'), vectorTableKey('m@2'));
  });
});
