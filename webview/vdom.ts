/**
 * A tiny element description used by the panel's renderer. Rendering produces these
 * plain objects (testable without a DOM); `materialize` turns them into DOM nodes
 * with `createElement` and `createTextNode` only. There is no path from a string to
 * HTML: file text and messages always end up as text nodes, and only a fixed list of
 * tags and attributes exists, so no event-handler attribute can ever be set.
 */

/** Tags the renderer may create. */
const TAGS = new Set(['div', 'span', 'li', 'ul', 'p', 'strong', 'code', 'pre', 'mark', 'button']);
/** Attributes the renderer may set. */
const ATTR = /^(class|id|role|title|tabindex|aria-[a-z]+|data-[a-z][a-z-]*)$/;

/** An element: tag, attributes, children. A string child is text. */
export interface VNode {
  tag: string;
  attrs: Record<string, string>;
  children: VChild[];
}
/** A child: an element or text. */
export type VChild = VNode | string;

/** Creates an element description; falsy children are dropped, arrays are flattened. */
export function h(tag: string, attrs: Record<string, string | number | boolean | undefined> = {}, ...children: Array<VChild | VChild[] | null | undefined | false>): VNode {
  if (!TAGS.has(tag)) throw new Error(`Conexus webview: tag <${tag}> is not allowed`);
  const clean: Record<string, string> = {};
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (!ATTR.test(k)) throw new Error(`Conexus webview: attribute "${k}" is not allowed`);
    clean[k] = v === true ? '' : String(v);
  }
  const flat: VChild[] = [];
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) flat.push(...c);
    else flat.push(c);
  }
  return { tag, attrs: clean, children: flat };
}

/** Builds DOM nodes for a description; text always becomes a text node. */
export function materialize(node: VChild, doc: Document): Node {
  if (typeof node === 'string') return doc.createTextNode(node);
  const el = doc.createElement(node.tag);
  for (const [k, v] of Object.entries(node.attrs)) el.setAttribute(k, v);
  for (const c of node.children) el.appendChild(materialize(c, doc));
  return el;
}

/** Escapes text for HTML. */
function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** Serialises a description as HTML (escaped), the way the DOM would; for tests and debugging. */
export function toHtml(node: VChild): string {
  if (typeof node === 'string') return esc(node);
  const attrs = Object.entries(node.attrs).map(([k, v]) => ` ${k}="${esc(v)}"`).join('');
  return `<${node.tag}${attrs}>${node.children.map(toHtml).join('')}</${node.tag}>`;
}

/** The text content of a description (what a screen reader would read). */
export function textOf(node: VChild): string {
  return typeof node === 'string' ? node : node.children.map(textOf).join('');
}
