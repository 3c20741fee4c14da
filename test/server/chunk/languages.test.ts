import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectLanguage, grammarFor, parsedLanguages } from '../../../server/chunk/languages';

test('languages come from file names and extensions', () => {
  const cases: Record<string, string> = {
    Dockerfile: 'dockerfile', 'docker/Dockerfile.dev': 'dockerfile', Makefile: 'makefile', 'a/b/c.tsx': 'tsx',
    'x.ts': 'typescript', 'x.mts': 'typescript', 'x.cts': 'typescript', 'x.js': 'javascript', 'x.mjs': 'javascript',
    'x.cjs': 'javascript', 'x.jsx': 'javascript', 'x.py': 'python', 'x.go': 'go', 'x.rs': 'rust', 'X.java': 'java',
    'x.c': 'c', 'x.h': 'c', 'x.cc': 'cpp', 'x.cpp': 'cpp', 'x.cxx': 'cpp', 'x.hpp': 'cpp', 'x.hh': 'cpp',
    'x.cs': 'csharp', 'x.rb': 'ruby', 'x.php': 'php', 'x.kt': 'kotlin', 'x.kts': 'kotlin', 'x.swift': 'swift',
    'x.sh': 'bash', 'x.bash': 'bash', 'x.zsh': 'bash', 'README.md': 'markdown', 'x.markdown': 'markdown',
    'x.json': 'json', 'x.yaml': 'yaml', 'x.yml': 'yaml', 'x.toml': 'toml', 'x.css': 'css', 'x.html': 'html',
    'x.sql': 'sql', 'x.lua': 'lua', 'x.scala': 'scala', 'x.dart': 'dart', 'C:\\src\\Main.JAVA': 'java',
    LICENSE: 'text', '.gitignore': 'text', 'x.unknownext': 'text', 'Gemfile': 'ruby',
  };
  for (const [path, lang] of Object.entries(cases)) assert.equal(detectLanguage(path), lang, path);
});

test('the fifteen parsed languages have grammars; others do not', () => {
  assert.equal(parsedLanguages().length, 15);
  assert.equal(grammarFor('csharp'), 'c_sharp');
  assert.equal(grammarFor('markdown'), null);
  assert.equal(grammarFor('text'), null);
});
