/**
 * The search panel's HTML shell: a strict Content Security Policy (nothing but the
 * extension's own script with a fresh nonce and its own stylesheet), the static
 * controls with their labels, and empty regions the script fills. Pure, so the CSP
 * is unit-tested; `searchView.ts` supplies the webview URIs.
 */
import { randomBytes } from 'node:crypto';

/** What the shell needs from the webview. */
export interface ShellOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** `webview.asWebviewUri(dist/webview.js)` as a string. */
  scriptUri: string;
  /** `webview.asWebviewUri(dist/webview.css)` as a string. */
  styleUri: string;
  nonce?: string;
}

/** A nonce for one page load: 128 random bits. */
export function makeNonce(): string {
  return randomBytes(16).toString('base64');
}

/** Escapes text for a double-quoted HTML attribute value or text content. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

/** The Content-Security-Policy for the panel. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `font-src ${cspSource}`,
    `img-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** The panel's HTML. */
export function buildWebviewHtml(opts: ShellOptions): string {
  const nonce = opts.nonce ?? makeNonce();
  const csp = escapeHtml(contentSecurityPolicy(opts.cspSource, nonce));
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${escapeHtml(opts.styleUri)}">
<title>Conexus Search</title>
</head>
<body>
<main id="app">
  <div class="search-row">
    <input id="query" type="search" role="combobox" aria-label="Search the workspace" aria-controls="results"
      aria-expanded="false" aria-autocomplete="list" placeholder="Search code (words, identifiers or a question)" spellcheck="false" autocomplete="off">
  </div>
  <div class="options-row">
    <label for="mode">Mode</label>
    <select id="mode" aria-label="Search mode">
      <option value="hybrid">Hybrid</option>
      <option value="keyword">Keyword</option>
      <option value="semantic">Semantic</option>
    </select>
    <details id="filters">
      <summary>Filters</summary>
      <label for="languages">Languages</label>
      <input id="languages" type="text" aria-label="Languages, comma-separated" placeholder="e.g. python, typescript" spellcheck="false">
      <label for="include">Include</label>
      <input id="include" type="text" aria-label="Include globs, comma-separated" placeholder="e.g. src/**" spellcheck="false">
      <label for="exclude">Exclude</label>
      <input id="exclude" type="text" aria-label="Exclude globs, comma-separated" placeholder="e.g. **/*.test.ts" spellcheck="false">
    </details>
  </div>
  <div id="notice" class="notice" hidden></div>
  <div id="banner" class="banner" data-state="starting"></div>
  <div id="count" class="count" role="status" aria-live="polite"></div>
  <ul id="results" role="listbox" aria-label="Search results"></ul>
</main>
<script nonce="${nonce}" src="${escapeHtml(opts.scriptUri)}"></script>
</body>
</html>`;
}
