/**
 * Confluence storage format (XHTML with `ac:`/`ri:` namespaced elements and CDATA) → Markdown.
 *
 * Pipeline:
 *  1. sanitise the raw string (line endings, invisible / bidi / control characters);
 *  2. parse it with htmlparser2 (HTML mode with CDATA and self-closing tags recognised, entities
 *     decoded) into a small depth-capped tree; malformed nesting is repaired, never rejected;
 *  3. render that tree to *plain* HTML, rewriting every `ac:`/`ri:` construct into ordinary HTML
 *     (code macro → `<pre><code class="language-x">`, panels → `<blockquote>`, tasks → checkbox
 *     list items, links → `<a>` or text, …) plus two private inline elements for bracketed text;
 *  4. convert that HTML with a shared, lazily-created turndown instance (+ turndown-plugin-gfm and
 *     local rules for GFM tables, lists, headings, blockquotes);
 *  5. post-process: strip invisible characters again, trim trailing spaces, collapse blank lines
 *     (never inside fenced code), trim.
 *
 * The converter never throws: on any unexpected failure it falls back to a tag-stripped text dump.
 */
import { decodeHTML, escapeAttribute, escapeText } from 'entities';
import { Parser } from 'htmlparser2';
import TurndownService from 'turndown';
import { gfm } from 'turndown-plugin-gfm';

export interface StorageToMarkdownOptions {
  /** Map a Confluence page link (title + optional space key) to a URL or `confluence-page:<id>`; return undefined to keep just the link text. */
  resolvePageLink?: (link: { title: string; spaceKey?: string; contentId?: string }) => string | undefined;
}

/* ------------------------------------------------------------------------------------------------
 * Character hygiene
 * ---------------------------------------------------------------------------------------------- */

/**
 * Invisible / bidirectional-control / control characters removed from both the input and the
 * output: C0 controls except \t and \n (\r is normalised first), DEL + C1 controls, soft hyphen,
 * Arabic letter mark, Mongolian vowel separator, U+200B–U+200F, U+202A–U+202E, U+2060–U+2064,
 * U+2066–U+2069 and the BOM / zero-width no-break space U+FEFF.
 */
const INVISIBLE_RE =
  /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u00AD\u061C\u180E\u200B-\u200F\u202A-\u202E\u2060-\u2064\u2066-\u2069\uFEFF]/g;

function sanitizeInput(input: string): string {
  return input.replace(/\r\n?/g, '\n').replace(INVISIBLE_RE, '');
}

/* Private sentinels used to pass table structure through turndown. They are C0 control characters,
 * which are stripped from the input (and from numeric entities), so they cannot collide with data;
 * any stray one is removed again by the output sanitiser. */
const ROW_OPEN = '\u0001';
const ROW_CLOSE = '\u0002';
const CELL_OPEN = '\u0003';
const CELL_CLOSE = '\u0004';
const ROW_RE = /\u0001([^\u0001\u0002]*)\u0002/g;
const CELL_RE = /\u0003([^\u0003\u0004]*)\u0004/g;

/* ------------------------------------------------------------------------------------------------
 * Parsing (htmlparser2) into a small depth-capped tree
 * ---------------------------------------------------------------------------------------------- */

interface ElementNode {
  type: 'element';
  /** Lower-cased qualified name, e.g. `p`, `ac:structured-macro`, `ri:page`. */
  name: string;
  /** Lower-cased attribute names → entity-decoded values. */
  attrs: Map<string, string>;
  children: StorageNode[];
}

interface TextNode {
  type: 'text';
  /** Plain text: entities decoded (non-breaking spaces made plain), CDATA verbatim. */
  text: string;
}

type StorageNode = ElementNode | TextNode;

/**
 * Nesting deeper than this ends structured parsing: the rest of the input is kept as plain text.
 * This bounds every recursive step (the renderer, turndown) and htmlparser2's open-element stack,
 * whose upkeep costs O(depth) per tag.
 */
const MAX_DEPTH = 100;

const PARSER_OPTIONS = {
  decodeEntities: true,
  lowerCaseTags: true,
  lowerCaseAttributeNames: true,
  recognizeCDATA: true, // CDATA sections become text, never comments
  recognizeSelfClosing: true, // `<ri:page … />` closes itself
} as const;

/** Decoded text from outside CDATA: invisible characters dropped, non-breaking spaces made plain. */
function cleanText(text: string): string {
  return text.replace(INVISIBLE_RE, '').replace(/\u00a0/g, ' ');
}

/** Raw storage with the markup stripped and entities decoded; CDATA content kept verbatim. */
function stripMarkup(storage: string): string {
  const parts = storage.split(/<!\[CDATA\[([\s\S]*?)(?:\]\]>|$)/);
  let text = '';
  parts.forEach((part, index) => {
    text += index % 2 === 1 ? part : decodeHTML(part.replace(/<[^>]*>?/g, ' '));
  });
  return text;
}

/**
 * Parse (sanitised) storage format with htmlparser2 in HTML mode, which repairs malformed nesting
 * instead of rejecting it. Its events build the tree; only what the tokenizer leaves unconsumed at
 * the end of the input is handled here (see the end of the function).
 */
function parseStorage(input: string): ElementNode {
  const root: ElementNode = { type: 'element', name: '#root', attrs: new Map(), children: [] };
  const stack: ElementNode[] = [root];
  const pushText = (text: string): void => {
    if (!text) return;
    const siblings = stack[stack.length - 1].children;
    const last = siblings[siblings.length - 1];
    if (last?.type === 'text') last.text += text;
    else siblings.push({ type: 'text', text });
  };

  let inCdata = false;
  /** Offset of the `<` of an open tag whose `>` has not been seen yet, or -1. */
  let openTagStart = -1;
  /** Input offset just past the last event delivered to this handler. */
  let consumed = 0;
  /** Offset where parsing stopped at MAX_DEPTH, or -1. */
  let stoppedAt = -1;

  const parser: Parser = new Parser(
    {
      onopentagname() {
        openTagStart = input.indexOf('<', parser.startIndex);
      },
      onopentag(name, attribs, isImplied) {
        if (stoppedAt >= 0) return;
        const tagStart = openTagStart;
        openTagStart = -1;
        if (!isImplied) consumed = parser.endIndex + 1;
        if (stack.length >= MAX_DEPTH) {
          stoppedAt = tagStart;
          parser.pause();
          return;
        }
        const attrs = new Map<string, string>();
        for (const [key, value] of Object.entries(attribs)) attrs.set(key, value.replace(INVISIBLE_RE, ''));
        const el: ElementNode = { type: 'element', name, attrs, children: [] };
        stack[stack.length - 1].children.push(el);
        stack.push(el);
      },
      // htmlparser2 reports every close (explicit, implied or void) in order, so a pop always matches.
      onclosetag() {
        if (stoppedAt < 0 && stack.length > 1) stack.pop();
      },
      ontext(text) {
        if (stoppedAt >= 0) return;
        consumed = parser.endIndex + 1;
        pushText(inCdata ? text : cleanText(text));
      },
      oncdatastart() {
        inCdata = true;
      },
      oncdataend() {
        inCdata = false;
      },
      oncomment() {
        consumed = parser.endIndex + 1;
      },
      onprocessinginstruction() {
        consumed = parser.endIndex + 1;
      },
    },
    PARSER_OPTIONS,
  );
  // `write` delivers everything complete; `end()` would only flush (or drop) the unterminated tail.
  parser.write(input);

  if (stoppedAt >= 0) {
    pushText(cleanText(stripMarkup(input.slice(stoppedAt))));
    return root;
  }
  let tailStart = parser.startIndex;
  if (openTagStart >= 0) {
    tailStart = openTagStart;
  } else if (tailStart > consumed && input[tailStart - 1] !== '>') {
    // The last token was a closing tag name; the tokenizer skips whatever follows it up to `>`.
    const gt = input.indexOf('>', tailStart);
    tailStart = gt === -1 ? input.length : gt + 1;
  }
  // Unterminated CDATA stays verbatim; unterminated comments and declarations are dropped; an
  // unterminated tag (or a trailing entity) is kept as text.
  const tail = input.slice(tailStart);
  if (tail.startsWith('<![CDATA[')) pushText(tail.slice(9));
  else if (!tail.startsWith('<!') && !tail.startsWith('<?')) pushText(cleanText(decodeHTML(tail)));
  return root;
}

/* ------------------------------------------------------------------------------------------------
 * Tree helpers
 * ---------------------------------------------------------------------------------------------- */

function isElement(node: StorageNode | undefined, name?: string): node is ElementNode {
  return node !== undefined && node.type === 'element' && (name === undefined || node.name === name);
}

function findChild(el: ElementNode, name: string): ElementNode | undefined {
  for (const child of el.children) if (isElement(child, name)) return child;
  return undefined;
}

/** Text of a subtree (`<br>` → newline; parameters and resources skipped). */
function textOf(node: StorageNode): string {
  if (node.type === 'text') return node.text;
  if (node.name === 'br') return '\n';
  if (node.name === 'ac:parameter' || node.name.startsWith('ri:')) return '';
  let out = '';
  for (const child of node.children) out += textOf(child);
  return out;
}

/** A subtree's text as escaped HTML. */
function textHtml(node: StorageNode): string {
  return escapeText(textOf(node));
}

/** Plain text of an element's children. */
function plainText(el: ElementNode): string {
  let out = '';
  for (const child of el.children) out += textOf(child);
  return out;
}

function isSafeHref(href: string): boolean {
  const compact = href.replace(/[\s\u0000-\u001f]+/g, '').toLowerCase();
  return compact !== '' && !/^(javascript|vbscript|data):/.test(compact);
}

function sanitizeLanguage(lang: string): string {
  return lang.trim().replace(/[^A-Za-z0-9_+#.-]/g, '').slice(0, 40);
}

function codeBlockHtml(language: string, bodyHtml: string): string {
  const lang = sanitizeLanguage(language);
  return `<pre><code${lang ? ` class="language-${lang}"` : ''}>${bodyHtml}</code></pre>`;
}

const BLOCK_TAGS = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol', 'li', 'table', 'pre', 'blockquote', 'div',
  'hr', 'section', 'article', 'dl', 'figure', 'center', 'main', 'header', 'footer', 'aside', 'nav',
  'ac:task-list', 'ac:layout', 'ac:layout-section', 'ac:layout-cell', 'ac:rich-text-body',
]);

const BLOCK_MACROS = new Set([
  'code', 'noformat', 'info', 'note', 'tip', 'warning', 'panel', 'expand', 'excerpt', 'section',
  'column', 'details', 'toc',
]);

function hasBlockContent(el: ElementNode): boolean {
  return el.children.some(
    (c) =>
      c.type === 'element' &&
      (BLOCK_TAGS.has(c.name) ||
        ((c.name === 'ac:structured-macro' || c.name === 'ac:macro') &&
          BLOCK_MACROS.has((c.attrs.get('ac:name') ?? '').toLowerCase()))),
  );
}

const MACRO_STRUCTURE = new Set(['ac:parameter', 'ac:default-parameter', 'ac:rich-text-body', 'ac:plain-text-body']);

const PANEL_LABELS: Record<string, string> = {
  info: 'Info',
  note: 'Note',
  tip: 'Tip',
  warning: 'Warning',
  panel: 'Panel',
};

const DROPPED_HTML = new Set([
  'script', 'style', 'head', 'title', 'template', 'colgroup', 'col', 'noscript', 'iframe', 'object',
  'embed', 'svg', 'math', 'input', 'select', 'textarea', 'button', 'meta', 'link', 'base', 'param',
  'source', 'track', 'area', 'wbr',
]);

const DIV_LIKE = new Set([
  'div', 'section', 'article', 'center', 'main', 'header', 'footer', 'aside', 'nav', 'figure', 'dl',
  'details', 'body', 'html',
]);

const PARAGRAPH_LIKE = new Set(['dt', 'dd', 'figcaption', 'address', 'summary']);

const PASSTHROUGH = new Set([
  'p', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'blockquote', 'ul', 'strong', 'em', 'del', 'thead',
  'tbody', 'tfoot', 'tr',
]);

const RENAMED: Record<string, string> = { b: 'strong', i: 'em', s: 'del', strike: 'del' };

/* ------------------------------------------------------------------------------------------------
 * Storage tree → plain HTML
 * ---------------------------------------------------------------------------------------------- */

type PageLinkRequest = { title: string; spaceKey?: string; contentId?: string };

class HtmlRenderer {
  /** > 0 while rendering inside a table cell, where block code must become inline code. */
  private cellDepth = 0;

  constructor(private readonly options: StorageToMarkdownOptions) {}

  private codeBlock(language: string, bodyHtml: string): string {
    return this.cellDepth > 0 ? `<code>${bodyHtml}</code>` : codeBlockHtml(language, bodyHtml);
  }

  children(el: ElementNode): string {
    let out = '';
    for (const child of el.children) out += this.node(child);
    return out;
  }

  node(node: StorageNode): string {
    if (node.type === 'text') return escapeText(node.text);
    const name = node.name;
    const colon = name.indexOf(':');
    if (colon > 0) {
      const prefix = name.slice(0, colon);
      if (prefix === 'ac') return this.ac(node, name.slice(colon + 1));
      if (prefix === 'ri') return ''; // resource identifiers only mean something inside ac:link/ac:image
      return this.children(node);
    }
    return this.html(node);
  }

  /* ---- plain HTML elements ---- */

  private html(el: ElementNode): string {
    const name = el.name;
    const tag = PASSTHROUGH.has(name) ? name : (RENAMED[name] ?? (DIV_LIKE.has(name) ? 'div' : PARAGRAPH_LIKE.has(name) ? 'p' : ''));
    if (tag) {
      const inner = this.children(el);
      return inner ? `<${tag}>${inner}</${tag}>` : '';
    }
    if (DROPPED_HTML.has(name)) return '';
    switch (name) {
      case 'ol': {
        const start = (el.attrs.get('start') ?? '').trim();
        return /^\d{1,6}$/.test(start) ? `<ol start="${start}">${this.children(el)}</ol>` : `<ol>${this.children(el)}</ol>`;
      }
      case 'li':
        return `<li>${this.listItemContent(el.children)}</li>`;
      case 'table':
        return this.table(el);
      case 'th':
      case 'td': {
        const span = Number.parseInt(el.attrs.get('colspan') ?? '1', 10);
        const colspan = Number.isFinite(span) && span > 1 ? Math.min(span, 50) : 1;
        this.cellDepth++;
        try {
          return `<${name}${colspan > 1 ? ` colspan="${colspan}"` : ''}>${this.children(el)}</${name}>`;
        } finally {
          this.cellDepth--;
        }
      }
      case 'caption':
        return `<p>${this.children(el)}</p>`;
      case 'br':
        return '<br>';
      case 'hr':
        return '<hr>';
      case 'code':
      case 'kbd':
      case 'samp':
      case 'tt':
        return `<code>${textHtml(el)}</code>`;
      case 'pre': {
        const codeChild = el.children.find((c): c is ElementNode => isElement(c, 'code'));
        const cls = codeChild?.attrs.get('class') ?? el.attrs.get('class') ?? '';
        const lang = /(?:^|\s)(?:language|lang)-(\S+)/.exec(cls)?.[1] ?? el.attrs.get('data-language') ?? '';
        return this.codeBlock(lang, textHtml(el));
      }
      case 'a': {
        const href = (el.attrs.get('href') ?? '').trim();
        const content = this.children(el);
        if (!href || !isSafeHref(href)) return content;
        return `<a href="${escapeAttribute(href)}">${content.trim() ? content : escapeText(href)}</a>`;
      }
      case 'img': {
        const src = (el.attrs.get('src') ?? '').trim();
        if (!src || !isSafeHref(src)) return '';
        return `<img src="${escapeAttribute(src)}" alt="${escapeAttribute(el.attrs.get('alt') ?? '')}">`;
      }
      case 'time': {
        const datetime = (el.attrs.get('datetime') ?? '').trim();
        return datetime ? escapeText(datetime) : this.children(el);
      }
      default:
        // span, u, sub, sup, font, small, mark, ins, abbr, … and unknown tags: keep the content.
        return this.children(el);
    }
  }

  /** List item content; a single wrapping `<p>` (new-editor style) is unwrapped to keep lists tight. */
  private listItemContent(children: StorageNode[]): string {
    const paragraphs = children.filter((c) => isElement(c, 'p'));
    const first = children.find((c) => c.type === 'element' || /\S/.test(c.text));
    if (paragraphs.length === 1 && first === paragraphs[0]) {
      let out = '';
      for (const child of children) out += child === first ? this.children(first as ElementNode) : this.node(child);
      return out;
    }
    let out = '';
    for (const child of children) out += this.node(child);
    return out;
  }

  private table(el: ElementNode): string {
    let caption = '';
    let body = '';
    for (const child of el.children) {
      if (child.type === 'element' && child.name === 'caption') caption += `<p>${this.children(child)}</p>`;
      else if (child.type === 'text' && !/\S/.test(child.text)) continue;
      else body += this.node(child);
    }
    return `${caption}<table>${body}</table>`;
  }

  /* ---- ac:* elements ---- */

  private ac(el: ElementNode, local: string): string {
    switch (local) {
      case 'structured-macro':
      case 'macro':
        return this.macro(el);
      case 'link':
        return this.link(el);
      case 'image':
        return this.image(el);
      case 'task-list':
        return this.taskList(el);
      case 'task':
        return this.taskBody(el);
      case 'layout':
      case 'layout-section':
      case 'layout-cell':
        return `<div>${this.children(el)}</div>`;
      case 'emoticon':
      case 'placeholder':
      case 'parameter':
      case 'default-parameter':
      case 'task-id':
      case 'task-uuid':
      case 'task-status':
      case 'adf-attribute':
      case 'caption':
        return '';
      case 'plain-text-body':
        return this.codeBlock('', textHtml(el));
      case 'plain-text-link-body':
        return textHtml(el);
      case 'adf-extension': {
        const fallback = findChild(el, 'ac:adf-fallback');
        return fallback ? this.children(fallback) : this.children(el);
      }
      case 'rich-text-body':
        return this.body(el);
      default:
        // link-body, task-body, inline-comment-marker, adf-node, adf-content, adf-fallback, …
        return this.children(el);
    }
  }

  /** A macro/rich body: wrapped in a block when it holds block content, inline otherwise. */
  private body(el: ElementNode): string {
    return hasBlockContent(el) ? `<div>${this.children(el)}</div>` : this.children(el);
  }

  private macro(el: ElementNode): string {
    const name = (el.attrs.get('ac:name') ?? '').trim().toLowerCase();
    const params = new Map<string, string>();
    for (const child of el.children) {
      if (child.type !== 'element') continue;
      if (child.name === 'ac:parameter') {
        const key = (child.attrs.get('ac:name') ?? '').trim().toLowerCase();
        if (!params.has(key)) params.set(key, plainText(child).trim());
      } else if (child.name === 'ac:default-parameter' && !params.has('')) {
        params.set('', plainText(child).trim());
      }
    }
    const rich = findChild(el, 'ac:rich-text-body');
    const plain = findChild(el, 'ac:plain-text-body');
    const title = params.get('title') ?? '';
    // Content outside the expected children (malformed or depth-flattened input) is kept, not lost.
    const extra = (): string => {
      let out = '';
      for (const child of el.children) {
        if (child.type === 'element' && MACRO_STRUCTURE.has(child.name)) continue;
        out += this.node(child);
      }
      return out;
    };

    switch (name) {
      case 'code':
      case 'noformat':
      case 'code-block': {
        const language = name === 'noformat' ? '' : (params.get('language') ?? params.get('lang') ?? params.get('') ?? '');
        const bodyHtml = plain ? textHtml(plain) : rich ? textHtml(rich) : '';
        const heading = title ? `<p><strong>${escapeText(title)}</strong></p>` : '';
        return heading + this.codeBlock(language, bodyHtml);
      }
      case 'info':
      case 'note':
      case 'tip':
      case 'warning':
      case 'panel': {
        const label = `<strong>${PANEL_LABELS[name]}:</strong>`;
        let lead = title ? escapeText(title) : '';
        let content = '';
        if (plain) {
          content = `<p>${textHtml(plain)}</p>`;
        } else if (rich) {
          // Without a title, the label leads the body's first paragraph.
          const first = rich.children.find((c) => c.type === 'element' || /\S/.test(c.text));
          const inlineFirst = !title && isElement(first, 'p');
          for (const child of rich.children) {
            if (inlineFirst && child === first) lead = this.children(child as ElementNode);
            else content += this.node(child);
          }
        }
        return `<blockquote><p>${label}${lead ? ` ${lead}` : ''}</p>${content}${extra()}</blockquote>`;
      }
      case 'expand': {
        const heading = title ? `<p><strong>${escapeText(title)}</strong></p>` : '';
        const content = rich ? this.children(rich) : plain ? `<p>${textHtml(plain)}</p>` : '';
        return `<div>${heading}${content}${extra()}</div>`;
      }
      case 'status':
        return title ? `<x-cs-status>${escapeText(title)}</x-cs-status>` : '';
      case 'jira': {
        const key = params.get('key') ?? params.get('') ?? '';
        return key ? escapeText(key) : '';
      }
      case 'toc':
      case 'children':
      case 'anchor':
        return '';
      default:
        // excerpt and unknown macros: keep the body, drop the parameters.
        if (rich) return this.body(rich) + extra();
        if (plain) return this.codeBlock('', textHtml(plain)) + extra();
        return extra();
    }
  }

  private resolvePage(request: PageLinkRequest): string | undefined {
    const resolver = this.options.resolvePageLink;
    if (!resolver) return undefined;
    try {
      const url = resolver(request);
      if (typeof url !== 'string') return undefined;
      const trimmed = url.replace(INVISIBLE_RE, '').trim();
      return trimmed && isSafeHref(trimmed) ? trimmed : undefined;
    } catch {
      return undefined;
    }
  }

  private link(el: ElementNode): string {
    const anchor = (el.attrs.get('ac:anchor') ?? '').trim();
    let resource: ElementNode | undefined;
    let bodyEl: ElementNode | undefined;
    for (const child of el.children) {
      if (child.type !== 'element') continue;
      if (!resource && child.name.startsWith('ri:')) resource = child;
      else if (!bodyEl && (child.name === 'ac:plain-text-link-body' || child.name === 'ac:link-body')) bodyEl = child;
    }
    const bodyHtml = bodyEl ? (bodyEl.name === 'ac:plain-text-link-body' ? textHtml(bodyEl) : this.children(bodyEl)) : '';
    const bodyText = decodeHTML(bodyHtml.replace(/<[^>]*>/g, '')).trim();
    const hasBody = bodyText !== '';
    const attr = (name: string): string => (resource?.attrs.get(name) ?? '').trim();

    switch (resource?.name) {
      case 'ri:page':
      case 'ri:blog-post':
      case 'ri:content-entity': {
        const title = attr('ri:content-title');
        const spaceKey = attr('ri:space-key');
        const contentId = attr('ri:content-id');
        const label = hasBody ? bodyHtml : escapeText(title || anchor || contentId);
        if (!label) return '';
        const request: PageLinkRequest = { title };
        if (spaceKey) request.spaceKey = spaceKey;
        if (contentId) request.contentId = contentId;
        let url = this.resolvePage(request);
        if (!url) return label;
        if (anchor && !url.includes('#')) url += `#${encodeURIComponent(anchor)}`;
        return `<a href="${escapeAttribute(url)}">${label}</a>`;
      }
      case 'ri:user': {
        const id = attr('ri:account-id') || attr('ri:userkey') || attr('ri:username');
        return id ? `@${escapeText(id)}` : bodyHtml;
      }
      case 'ri:attachment': {
        const filename = attr('ri:filename');
        if (!filename) return bodyHtml;
        const prefix = hasBody && bodyText !== filename ? `${bodyHtml} ` : '';
        return `${prefix}<x-cs-attachment>${escapeText(filename)}</x-cs-attachment>`;
      }
      case 'ri:url': {
        const value = attr('ri:value');
        if (!value || !isSafeHref(value)) return hasBody ? bodyHtml : escapeText(value);
        return `<a href="${escapeAttribute(value)}">${hasBody ? bodyHtml : escapeText(value)}</a>`;
      }
      case 'ri:space':
        return hasBody ? bodyHtml : escapeText(attr('ri:space-key'));
      default:
        return hasBody ? bodyHtml : escapeText(anchor);
    }
  }

  private image(el: ElementNode): string {
    let name = '';
    for (const child of el.children) {
      if (child.type !== 'element') continue;
      if (child.name === 'ri:attachment') name = (child.attrs.get('ri:filename') ?? '').trim();
      else if (child.name === 'ri:url') name = (child.attrs.get('ri:value') ?? '').trim();
      if (name) break;
    }
    if (!name) name = (el.attrs.get('ac:alt') ?? el.attrs.get('ac:title') ?? '').trim();
    return name ? `<em>Image: ${escapeText(name)}</em>` : '';
  }

  private taskList(el: ElementNode): string {
    const items: string[] = [];
    for (const child of el.children) {
      if (child.type !== 'element') continue;
      if (child.name === 'ac:task') {
        items.push(this.taskItem(child));
      } else if (child.name === 'ac:task-list') {
        // Nested task list placed after a task: attach it to the previous item.
        const nested = this.taskList(child);
        if (items.length > 0) items[items.length - 1] = items[items.length - 1].replace(/<\/li>$/, `${nested}</li>`);
        else items.push(`<li>${nested}</li>`);
      }
    }
    return items.length ? `<ul>${items.join('')}</ul>` : '';
  }

  private taskItem(task: ElementNode): string {
    const statusEl = findChild(task, 'ac:task-status');
    const status = statusEl ? plainText(statusEl).trim().toLowerCase() : '';
    const checked = status === 'complete' || status === 'completed' || status === 'done';
    let body = '';
    let nested = '';
    for (const child of task.children) {
      if (child.type !== 'element') continue;
      if (child.name === 'ac:task-body') body += this.listItemContent(child.children);
      else if (child.name === 'ac:task-list') nested += this.taskList(child);
    }
    return `<li><input type="checkbox"${checked ? ' checked' : ''}>${body}${nested}</li>`;
  }

  /** An `ac:task` outside a task list: just its body. */
  private taskBody(task: ElementNode): string {
    const bodyEl = findChild(task, 'ac:task-body');
    return bodyEl ? this.children(bodyEl) : '';
  }
}

/* ------------------------------------------------------------------------------------------------
 * Turndown configuration (one shared instance)
 * ---------------------------------------------------------------------------------------------- */

function trimNewlines(text: string): string {
  return text.replace(/^\n+/, '').replace(/\n+$/, '');
}

const INTRAWORD_CHAR = /[\p{L}\p{N}]/u;

/** Characters some escaping rule below acts on wherever they are, and the starts of text the anchored rules act on. */
const ESCAPED_ANYWHERE = /[\\*`[\]_<]/;
const ESCAPED_AT_START = /^(?:[-+=#~>]|\d)/;

/** Markdown escaping for text nodes: turndown's set, but intraword `_` is left alone and tag-like `<` is escaped. */
function escapeMarkdownText(text: string): string {
  // Most text nodes hold nothing any rule below would touch: they are returned as they are.
  if (!ESCAPED_ANYWHERE.test(text) && !ESCAPED_AT_START.test(text)) return text;
  let out = text
    .replace(/\\/g, '\\\\')
    .replace(/\*/g, '\\*')
    .replace(/^-/g, '\\-')
    .replace(/^\+ /g, '\\+ ')
    .replace(/^(=+)/g, '\\$1')
    .replace(/^(#{1,6}) /g, '\\$1 ')
    .replace(/`/g, '\\`')
    .replace(/^~~~/g, '\\~~~')
    .replace(/\[/g, '\\[')
    .replace(/\]/g, '\\]')
    .replace(/^>/g, '\\>')
    .replace(/^(\d+)\. /g, '$1\\. ')
    .replace(/<(?=[A-Za-z/!?])/g, '\\<');
  if (out.indexOf('_') !== -1) {
    out = out.replace(/_/g, (_m, offset: number, whole: string) =>
      INTRAWORD_CHAR.test(whole[offset - 1] ?? '') && INTRAWORD_CHAR.test(whole[offset + 1] ?? '') ? '_' : '\\_',
    );
  }
  return out;
}

function cleanCell(content: string): string {
  return content
    .replace(/[\u0001-\u0004]/g, '')
    .replace(/\s*\n\s*/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
}

function tableMarkdown(content: string): string {
  const rows: string[][] = [];
  for (const row of content.matchAll(ROW_RE)) {
    const cells: string[] = [];
    for (const cell of row[1].matchAll(CELL_RE)) cells.push(cell[1]);
    if (cells.length > 0) rows.push(cells);
  }
  const width = rows.reduce((max, r) => Math.max(max, r.length), 0);
  if (width === 0) return '';
  const line = (cells: string[]): string => {
    const padded = cells.slice();
    while (padded.length < width) padded.push('');
    return `| ${padded.join(' | ')} |`;
  };
  const lines = [line(rows[0]), line(new Array<string>(width).fill('---'))];
  for (const row of rows.slice(1)) lines.push(line(row));
  return `\n\n${lines.join('\n')}\n\n`;
}

let sharedTurndown: TurndownService | undefined;

function getTurndown(): TurndownService {
  if (sharedTurndown) return sharedTurndown;
  const service = new TurndownService({
    headingStyle: 'atx',
    hr: '---',
    bulletListMarker: '-',
    codeBlockStyle: 'fenced',
    fence: '```',
    emDelimiter: '*',
    strongDelimiter: '**',
    linkStyle: 'inlined',
    br: '',
  });
  service.use(gfm);
  service.escape = escapeMarkdownText;

  // Rules added later take precedence over earlier ones (and over the gfm plugin's).
  service.addRule('csStrikethrough', {
    filter: (node) => node.nodeName === 'DEL' || node.nodeName === 'S' || node.nodeName === 'STRIKE',
    replacement: (content) => (content.trim() ? `~~${content}~~` : ''),
  });

  service.addRule('csHeading', {
    filter: ['h1', 'h2', 'h3', 'h4', 'h5', 'h6'],
    replacement: (content, node) => {
      const level = Number(node.nodeName.charAt(1)) || 1;
      const text = content.replace(/\s*\n+\s*/g, ' ').trim();
      return text ? `\n\n${'#'.repeat(level)} ${text}\n\n` : '';
    },
  });

  service.addRule('csBlockquote', {
    filter: 'blockquote',
    replacement: (content) => {
      const inner = trimNewlines(content);
      return inner.trim() ? `\n\n${inner.replace(/^/gm, '> ')}\n\n` : '';
    },
  });

  service.addRule('csListItem', {
    filter: 'li',
    replacement: (content, node) => {
      let prefix = '- ';
      const parent = node.parentNode as HTMLElement | null;
      if (parent && parent.nodeName === 'OL') {
        const start = Number.parseInt(parent.getAttribute('start') ?? '', 10);
        const index = Array.prototype.indexOf.call(parent.children, node) as number;
        prefix = `${(Number.isFinite(start) ? start : 1) + Math.max(index, 0)}. `;
      }
      const isParagraph = /\n$/.test(content);
      // Task checkbox (gfm plugin): one space after it, or a line break when a code fence follows.
      let text = trimNewlines(content)
        .replace(/^\[( |x)\]\s*(?=`{3,}|~{3,})/, '[$1]\n')
        .replace(/^\[( |x)\][ \t]+/, '[$1] ');
      text = text + (isParagraph ? '\n' : '');
      text = text.replace(/\n/g, `\n${' '.repeat(prefix.length)}`);
      return prefix + text + (node.nextSibling ? '\n' : '');
    },
  });

  service.addRule('csTableSection', {
    filter: ['thead', 'tbody', 'tfoot'],
    replacement: (content) => content,
  });
  service.addRule('csTableCell', {
    filter: ['th', 'td'],
    replacement: (content, node) => {
      const span = Number.parseInt(node.getAttribute('colspan') ?? '1', 10);
      const extra = Number.isFinite(span) && span > 1 ? Math.min(span, 50) - 1 : 0;
      return CELL_OPEN + cleanCell(content) + CELL_CLOSE + (CELL_OPEN + CELL_CLOSE).repeat(extra);
    },
  });
  service.addRule('csTableRow', {
    filter: 'tr',
    replacement: (content) => ROW_OPEN + content.replace(/[\u0001\u0002]/g, '') + ROW_CLOSE,
  });
  service.addRule('csTable', {
    filter: 'table',
    replacement: (content) => tableMarkdown(content),
  });

  service.addRule('csStatus', {
    filter: (node) => node.nodeName === 'X-CS-STATUS',
    replacement: (content) => (content.trim() ? `[${content.trim()}]` : ''),
  });
  service.addRule('csAttachment', {
    filter: (node) => node.nodeName === 'X-CS-ATTACHMENT',
    replacement: (content) => (content.trim() ? `[attachment: ${content.trim()}]` : ''),
  });

  sharedTurndown = service;
  return service;
}

/* ------------------------------------------------------------------------------------------------
 * Post-processing and fallback
 * ---------------------------------------------------------------------------------------------- */

/** Trim trailing whitespace and collapse runs of blank lines, leaving fenced code untouched. */
function tidyMarkdown(markdown: string): string {
  const lines = markdown.replace(INVISIBLE_RE, '').split('\n');
  const out: string[] = [];
  let fence: { prefix: string; close: RegExp } | undefined;
  let blankRun = 0;
  for (const line of lines) {
    if (fence) {
      out.push(line);
      if (line.startsWith(fence.prefix) && fence.close.test(line.slice(fence.prefix.length))) fence = undefined;
      continue;
    }
    const stripped = line.replace(/^(?:[ \t]*>)*[ \t]*/, '');
    const open = /^(`{3,}|~{3,})/.exec(stripped);
    if (open) {
      const ch = open[1][0] === '`' ? '`' : '~';
      fence = {
        prefix: line.slice(0, line.length - stripped.length),
        close: new RegExp(`^${ch}{${open[1].length},}[ \\t]*$`),
      };
      blankRun = 0;
      out.push(line.replace(/[ \t]+$/, ''));
      continue;
    }
    const trimmed = line.replace(/[ \t]+$/, '');
    if (trimmed === '') {
      blankRun++;
      if (blankRun > 1) continue;
    } else {
      blankRun = 0;
    }
    out.push(trimmed);
  }
  return out.join('\n').trim();
}

/** Last-resort conversion: strip tags, keep CDATA text, decode entities. */
function fallbackText(storage: string): string {
  return stripMarkup(sanitizeInput(storage))
    .replace(INVISIBLE_RE, '')
    .replace(/<(?=[A-Za-z/!?])/g, '\\<')
    .replace(/[ \t]+/g, ' ')
    .replace(/ *\n */g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/**
 * Convert Confluence storage format to Markdown. Never throws; returns '' for empty input.
 */
export function storageToMarkdown(storage: string, options?: StorageToMarkdownOptions): string {
  try {
    if (typeof storage !== 'string' || storage.length === 0) return '';
    const tree = parseStorage(sanitizeInput(storage));
    const html = new HtmlRenderer(options ?? {}).children(tree);
    if (!/\S/.test(html)) return '';
    return tidyMarkdown(getTurndown().turndown(html));
  } catch {
    try {
      return typeof storage === 'string' ? fallbackText(storage) : '';
    } catch {
      return '';
    }
  }
}
