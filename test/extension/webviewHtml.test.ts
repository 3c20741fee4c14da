import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWebviewHtml, contentSecurityPolicy, makeNonce } from '../../extension/webviewHtml';

test('the CSP allows only the extension\'s own resources and the nonce script', () => {
  const csp = contentSecurityPolicy('vscode-webview://abc', 'N0NCE');
  assert.match(csp, /default-src 'none'/);
  assert.match(csp, /script-src 'nonce-N0NCE'/);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
});

test('the page carries the CSP and loads one script with the nonce', () => {
  const html = buildWebviewHtml({ cspSource: 'vscode-webview://abc', scriptUri: 'https://x/webview.js', styleUri: 'https://x/webview.css', nonce: 'abc123' });
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="[^"]*script-src 'nonce-abc123'/);
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  assert.equal(scripts.length, 1);
  assert.match(scripts[0], /nonce="abc123"/);
  assert.match(html, /id="results" role="listbox" aria-label="Search results"/);
  assert.match(html, /id="count"[^>]*aria-live="polite"/);
});

test('URIs are escaped into attributes, and nonces differ per load', () => {
  const html = buildWebviewHtml({ cspSource: 'x', scriptUri: '"><img src=x onerror=alert(1)>', styleUri: 's', nonce: 'n' });
  assert.doesNotMatch(html, /<img/);
  assert.notEqual(makeNonce(), makeNonce());
  assert.ok(makeNonce().length >= 22);
});
