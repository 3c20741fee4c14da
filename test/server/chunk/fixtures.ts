/**
 * Small inline sources, one per parsed language, each with a documented class-like
 * definition holding methods, and a top-level function. Expected values are written
 * by hand from the source (1-based lines), not recorded from the chunker's output.
 */
import type { SymbolKind } from '../../../protocol/search';

/** A definition the file must yield: [name, kind, container, startLine, endLine]. */
export type ExpectedDef = [string, SymbolKind, string | null, number, number];

/** A chunk the file must yield when cut with maxLines 4 and minLines 1. */
export interface ExpectedChunk {
  symbol: string;
  kind: SymbolKind;
  container: string | null;
  startLine: number;
  endLine: number;
  /** Names that must be among the chunk's calls. */
  calls?: string[];
}

export interface LanguageFixture {
  language: string;
  path: string;
  source: string;
  defs: ExpectedDef[];
  chunks: ExpectedChunk[];
}

const lines = (...l: string[]) => l.join('\n') + '\n';

export const FIXTURES: LanguageFixture[] = [
  {
    language: 'typescript', path: 'src/greeter.ts',
    source: lines(
      "import { a } from 'b';", // 1
      '/** Greets people. */', // 2
      'export class Greeter {', // 3
      '  /** Says hello. */', // 4
      '  hello(name: string): string {', // 5
      '    return format(name);', // 6
      '  }', // 7
      "  bye(): void { this.log.write('bye'); }", // 8
      '}', // 9
      'export function helper(x: number) {', // 10
      '  return new Map([[x, x]]);', // 11
      '}', // 12
      'export interface Shape { area(): number }', // 13
      'export enum Color { Red, Green }', // 14
      'namespace Util { export function k() {} }', // 15
    ),
    defs: [
      ['Greeter', 'class', null, 3, 9], ['hello', 'method', 'Greeter', 5, 7], ['bye', 'method', 'Greeter', 8, 8],
      ['helper', 'function', null, 10, 12], ['Shape', 'interface', null, 13, 13], ['Color', 'enum', null, 14, 14],
      ['Util', 'namespace', null, 15, 15], ['k', 'function', 'Util', 15, 15],
    ],
    chunks: [
      { symbol: 'Greeter', kind: 'class', container: null, startLine: 2, endLine: 3 },
      { symbol: 'hello', kind: 'method', container: 'Greeter', startLine: 4, endLine: 7, calls: ['format'] },
      { symbol: 'bye', kind: 'method', container: 'Greeter', startLine: 8, endLine: 8, calls: ['write'] },
      { symbol: 'helper', kind: 'function', container: null, startLine: 10, endLine: 12, calls: ['Map'] },
    ],
  },
  {
    language: 'tsx', path: 'src/App.tsx',
    source: lines(
      '/** The app. */', // 1
      'export function App(props: Props) {', // 2
      '  return <div onClick={() => track(1)}>{props.title}</div>;', // 3
      '}', // 4
      'const Small = () => <span />;', // 5
      'class Store {', // 6
      '  load() { return fetchAll(); }', // 7
      '}', // 8
    ),
    defs: [
      ['App', 'function', null, 2, 4], ['Small', 'function', null, 5, 5], ['Store', 'class', null, 6, 8],
      ['load', 'method', 'Store', 7, 7],
    ],
    chunks: [{ symbol: 'App', kind: 'function', container: null, startLine: 1, endLine: 4, calls: ['track'] }],
  },
  {
    language: 'javascript', path: 'lib/index.js',
    source: lines(
      "'use strict';", // 1
      '/**', // 2
      ' * Parses things.', // 3
      ' */', // 4
      'class Parser {', // 5
      '  constructor(src) { this.src = src; }', // 6
      '  parse() { return tokenize(this.src).map(build); }', // 7
      '}', // 8
      'module.exports.run = function (x) { return new Parser(x).parse(); };', // 9
    ),
    defs: [
      ['Parser', 'class', null, 5, 8], ['constructor', 'constructor', 'Parser', 6, 6], ['parse', 'method', 'Parser', 7, 7],
      ['run', 'function', null, 9, 9],
    ],
    chunks: [
      { symbol: 'Parser', kind: 'class', container: null, startLine: 2, endLine: 5 },
      { symbol: 'parse', kind: 'method', container: 'Parser', startLine: 7, endLine: 7, calls: ['tokenize', 'map'] },
      { symbol: 'run', kind: 'function', container: null, startLine: 9, endLine: 9, calls: ['Parser', 'parse'] },
    ],
  },
  {
    language: 'python', path: 'pkg/shapes.py',
    source: lines(
      'import math', // 1
      '@dataclass', // 2
      'class Circle(Shape):', // 3
      '    """A round shape."""', // 4
      '    def area(self):', // 5
      '        """Area in square units."""', // 6
      '        return math.pi * square(self.r)', // 7
      '    def __init__(self, r):', // 8
      '        self.r = r', // 9
      'def unit():', // 10
      '    return Circle(1)', // 11
    ),
    defs: [
      ['Circle', 'class', null, 3, 9], ['area', 'method', 'Circle', 5, 7], ['__init__', 'constructor', 'Circle', 8, 9],
      ['unit', 'function', null, 10, 11],
    ],
    chunks: [
      { symbol: 'Circle', kind: 'class', container: null, startLine: 2, endLine: 4 },
      { symbol: 'area', kind: 'method', container: 'Circle', startLine: 5, endLine: 7, calls: ['square'] },
      { symbol: 'unit', kind: 'function', container: null, startLine: 10, endLine: 11, calls: ['Circle'] },
    ],
  },
  {
    language: 'go', path: 'server/server.go',
    source: lines(
      'package server', // 1
      '// Server serves.', // 2
      'type Server struct {', // 3
      '\taddr string', // 4
      '}', // 5
      '// Run starts it.', // 6
      'func (s *Server) Run() error {', // 7
      '\treturn http.ListenAndServe(s.addr, nil)', // 8
      '}', // 9
      'type Handler interface { Serve() }', // 10
      'func New() *Server { return &Server{} }', // 11
    ),
    defs: [
      ['Server', 'struct', null, 3, 5], ['Run', 'method', 'Server', 7, 9], ['Handler', 'interface', null, 10, 10],
      ['New', 'function', null, 11, 11],
    ],
    chunks: [
      { symbol: 'Server', kind: 'struct', container: null, startLine: 2, endLine: 5 },
      { symbol: 'Run', kind: 'method', container: 'Server', startLine: 6, endLine: 9, calls: ['ListenAndServe'] },
    ],
  },
  {
    language: 'rust', path: 'src/lib.rs',
    source: lines(
      'use std::fmt;', // 1
      '/// A point.', // 2
      '#[derive(Debug)]', // 3
      'pub struct Point { x: i32 }', // 4
      'impl Point {', // 5
      '    /// Makes one.', // 6
      '    pub fn new(x: i32) -> Self { Point { x: clamp(x) } }', // 7
      '    fn show(&self) { println!("{}", self.x); }', // 8
      '}', // 9
      'pub trait Draw { fn draw(&self); }', // 10
      'pub enum Kind { A, B }', // 11
    ),
    defs: [
      ['Point', 'struct', null, 4, 4], ['Point', 'impl', null, 5, 9], ['new', 'method', 'Point', 7, 7],
      ['show', 'method', 'Point', 8, 8], ['Draw', 'trait', null, 10, 10], ['draw', 'method', 'Draw', 10, 10],
      ['Kind', 'enum', null, 11, 11],
    ],
    chunks: [
      { symbol: 'Point', kind: 'struct', container: null, startLine: 2, endLine: 4 },
      { symbol: 'new', kind: 'method', container: 'Point', startLine: 6, endLine: 7, calls: ['clamp'] },
      { symbol: 'show', kind: 'method', container: 'Point', startLine: 8, endLine: 8, calls: ['println'] },
    ],
  },
  {
    language: 'java', path: 'src/main/java/Cache.java',
    source: lines(
      'package app;', // 1
      '/** A cache. */', // 2
      'public class Cache {', // 3
      '  public Cache() { init(); }', // 4
      '  /** Gets a value. */', // 5
      '  @Override', // 6
      '  public String get(String k) { return store.lookup(k); }', // 7
      '  enum Mode { LRU }', // 8
      '}', // 9
    ),
    defs: [
      ['Cache', 'class', null, 3, 9], ['Cache', 'constructor', 'Cache', 4, 4], ['get', 'method', 'Cache', 6, 7],
      ['Mode', 'enum', 'Cache', 8, 8],
    ],
    chunks: [
      { symbol: 'Cache', kind: 'constructor', container: 'Cache', startLine: 4, endLine: 4, calls: ['init'] },
      { symbol: 'get', kind: 'method', container: 'Cache', startLine: 5, endLine: 7, calls: ['lookup'] },
    ],
  },
  {
    language: 'c', path: 'src/list.c',
    source: lines(
      '#include <stdlib.h>', // 1
      '/* A node. */', // 2
      'struct node {', // 3
      '  int v;', // 4
      '};', // 5
      '/* Frees a list. */', // 6
      'void list_free(struct node *n) {', // 7
      '  free(n);', // 8
      '}', // 9
      'typedef enum { RED } color;', // 10
    ),
    defs: [['node', 'struct', null, 3, 5], ['list_free', 'function', null, 7, 9], ['color', 'enum', null, 10, 10]],
    chunks: [{ symbol: 'list_free', kind: 'function', container: null, startLine: 6, endLine: 9, calls: ['free'] }],
  },
  {
    language: 'cpp', path: 'src/shape.cpp',
    source: lines(
      '#include <vector>', // 1
      'namespace geo {', // 2
      '// A shape.', // 3
      'class Shape {', // 4
      ' public:', // 5
      '  double area() const { return std::abs(w * h); }', // 6
      '};', // 7
      'double Shape::scale(double f) { return area() * f; }', // 8
      '}', // 9
    ),
    defs: [
      ['geo', 'namespace', null, 2, 9], ['Shape', 'class', 'geo', 4, 7], ['area', 'method', 'Shape', 6, 6],
      ['scale', 'method', 'Shape', 8, 8],
    ],
    chunks: [
      { symbol: 'area', kind: 'method', container: 'Shape', startLine: 6, endLine: 6, calls: ['abs'] },
      { symbol: 'scale', kind: 'method', container: 'Shape', startLine: 8, endLine: 8, calls: ['area'] },
    ],
  },
  {
    language: 'csharp', path: 'src/Bank.cs',
    source: lines(
      'using System;', // 1
      'namespace Bank {', // 2
      '  /// <summary>An account.</summary>', // 3
      '  public class Account {', // 4
      '    public Account() { Open(); }', // 5
      '    [Obsolete]', // 6
      '    public void Deposit(int n) { ledger.Add(n); }', // 7
      '  }', // 8
      '  interface IAudit { void Check(); }', // 9
      '}', // 10
    ),
    defs: [
      ['Bank', 'namespace', null, 2, 10], ['Account', 'class', 'Bank', 4, 8], ['Account', 'constructor', 'Account', 5, 5],
      ['Deposit', 'method', 'Account', 6, 7], ['IAudit', 'interface', 'Bank', 9, 9],
    ],
    chunks: [
      { symbol: 'Deposit', kind: 'method', container: 'Account', startLine: 6, endLine: 7, calls: ['Add'] },
    ],
  },
  {
    language: 'ruby', path: 'lib/greeter.rb',
    source: lines(
      "require 'json'", // 1
      '# Greets.', // 2
      'module Greet', // 3
      '  class Hello', // 4
      '    # Says it.', // 5
      '    def say(name)', // 6
      '      puts format(name)', // 7
      '    end', // 8
      '  end', // 9
      'end', // 10
    ),
    defs: [['Greet', 'module', null, 3, 10], ['Hello', 'class', 'Greet', 4, 9], ['say', 'method', 'Hello', 6, 8]],
    chunks: [{ symbol: 'say', kind: 'method', container: 'Hello', startLine: 5, endLine: 8, calls: ['puts', 'format'] }],
  },
  {
    language: 'php', path: 'src/Mailer.php',
    source: lines(
      '<?php', // 1
      'namespace App;', // 2
      '/** Sends mail. */', // 3
      'class Mailer {', // 4
      '    public function send($to) {', // 5
      '        return $this->transport->deliver(build($to));', // 6
      '    }', // 7
      '}', // 8
      'function helper() { return new Mailer(); }', // 9
    ),
    defs: [['Mailer', 'class', null, 4, 8], ['send', 'method', 'Mailer', 5, 7], ['helper', 'function', null, 9, 9]],
    chunks: [
      { symbol: 'send', kind: 'method', container: 'Mailer', startLine: 5, endLine: 7, calls: ['deliver', 'build'] },
      { symbol: 'helper', kind: 'function', container: null, startLine: 9, endLine: 9, calls: ['Mailer'] },
    ],
  },
  {
    language: 'kotlin', path: 'src/Repo.kt',
    source: lines(
      'package app', // 1
      '/** A repository. */', // 2
      'class Repo(val db: Db) {', // 3
      '    fun find(id: Int): Item {', // 4
      '        return db.query(id)', // 5
      '    }', // 6
      '}', // 7
      'interface Store { fun save() }', // 8
      'fun main() { Repo(Db()).find(1) }', // 9
    ),
    defs: [
      ['Repo', 'class', null, 3, 7], ['find', 'method', 'Repo', 4, 6], ['Store', 'interface', null, 8, 8],
      ['save', 'method', 'Store', 8, 8], ['main', 'function', null, 9, 9],
    ],
    chunks: [
      { symbol: 'find', kind: 'method', container: 'Repo', startLine: 4, endLine: 6, calls: ['query'] },
      { symbol: 'main', kind: 'function', container: null, startLine: 9, endLine: 9, calls: ['Repo', 'find'] },
    ],
  },
  {
    language: 'swift', path: 'Sources/Cart.swift',
    source: lines(
      'import Foundation', // 1
      '/// A cart.', // 2
      'struct Cart {', // 3
      '    func total() -> Int {', // 4
      '        return items.reduce(0, sum)', // 5
      '    }', // 6
      '}', // 7
      'protocol Payable { func pay() }', // 8
      'func checkout() { Cart().total() }', // 9
    ),
    defs: [
      ['Cart', 'struct', null, 3, 7], ['total', 'method', 'Cart', 4, 6], ['Payable', 'interface', null, 8, 8],
      ['pay', 'method', 'Payable', 8, 8], ['checkout', 'function', null, 9, 9],
    ],
    chunks: [
      { symbol: 'total', kind: 'method', container: 'Cart', startLine: 4, endLine: 6, calls: ['reduce'] },
      { symbol: 'checkout', kind: 'function', container: null, startLine: 9, endLine: 9, calls: ['Cart', 'total'] },
    ],
  },
  {
    language: 'bash', path: 'scripts/deploy.sh',
    source: lines(
      '#!/bin/bash', // 1
      'set -e', // 2
      '', // 3
      '# Builds it.', // 4
      'build() {', // 5
      '  make all', // 6
      '}', // 7
      'function ship {', // 8
      '  rsync -a dist/ host:', // 9
      '}', // 10
    ),
    defs: [['build', 'function', null, 5, 7], ['ship', 'function', null, 8, 10]],
    chunks: [
      { symbol: 'build', kind: 'function', container: null, startLine: 4, endLine: 7, calls: ['make'] },
      { symbol: 'ship', kind: 'function', container: null, startLine: 8, endLine: 10, calls: ['rsync'] },
    ],
  },
];
