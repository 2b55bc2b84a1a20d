import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { storageToMarkdown } from '../../src/adapters/confluence/storage-to-markdown.js';

const fixture = (name: string): string =>
  readFileSync(fileURLToPath(new URL(`../fixtures/storage/${name}`, import.meta.url)), 'utf8');

/** A namespaced storage tag (`<ac:x`, `</ri:y`) that is not backslash-escaped Markdown text. */
const NAMESPACED_TAG = /(?<!\\)<\/?(?:ac|ri):/i;

const md = (storage: string): string => storageToMarkdown(storage);

/** Remove fenced code blocks and code spans (verbatim data) so only Markdown prose remains. */
function proseOnly(markdown: string): string {
  const kept: string[] = [];
  let fence: string | undefined;
  for (const line of markdown.split('\n')) {
    const m = /^[\s>]*(`{3,}|~{3,})/.exec(line);
    if (fence) {
      if (m && m[1][0] === fence[0] && m[1].length >= fence.length && /^[\s>]*[`~]+\s*$/.test(line)) fence = undefined;
      continue;
    }
    if (m) {
      fence = m[1];
      continue;
    }
    kept.push(line);
  }
  return kept
    .join('\n')
    .replace(/\\[\\`]/g, '')
    .replace(/(`+)(?:(?!\1)[\s\S])+?\1/g, '');
}

describe('storageToMarkdown: basic XHTML', () => {
  it('converts headings, paragraphs and inline formatting', () => {
    const storage =
      '<h1>Release notes</h1><h3>Fixes</h3><p>This is <strong>bold</strong>, <em>italic</em>, <b>b</b>, <i>i</i> and <code>inline()</code>.</p><p>Second paragraph.</p>';
    expect(md(storage)).toBe(
      '# Release notes\n\n### Fixes\n\nThis is **bold**, *italic*, **b**, *i* and `inline()`.\n\nSecond paragraph.',
    );
  });

  it('converts nested and ordered lists into tight Markdown lists', () => {
    const storage =
      '<ul><li><p>Alpha</p><ul><li>Alpha one</li><li>Alpha two<ol><li>deep</li></ol></li></ul></li><li>Beta</li></ul><ol start="3"><li>Third</li><li>Fourth</li></ol>';
    expect(md(storage)).toBe(
      '- Alpha\n  - Alpha one\n  - Alpha two\n    1. deep\n- Beta\n\n3. Third\n4. Fourth',
    );
  });

  it('converts hr, br, blockquote, strikethrough and external links', () => {
    const storage =
      '<p>line one<br/>line two</p><hr/><blockquote><p>Quoted text</p></blockquote><p><s>old</s> <del>gone</del> <a href="https://example.com/a b">Example</a></p>';
    expect(md(storage)).toBe(
      'line one\nline two\n\n---\n\n> Quoted text\n\n~~old~~ ~~gone~~ [Example](<https://example.com/a b>)',
    );
  });

  it('converts <pre> into a fenced block preserving whitespace', () => {
    expect(md('<pre>  indented\n    more &lt;tag&gt;</pre>')).toBe('```\n  indented\n    more <tag>\n```');
  });

  it('decodes HTML entities and turns &nbsp; into spaces', () => {
    expect(md('<p>caf&eacute; &ndash; it&rsquo;s&nbsp;ok &amp; 1 &lt; 2 &#8364;5 &#x1F600;</p>')).toBe(
      'café – it’s ok & 1 < 2 €5 😀',
    );
  });

  it('escapes Markdown-significant text but leaves intraword underscores alone', () => {
    expect(md('<p>snake_case and *stars* and [brackets] and _lead</p>')).toBe(
      'snake_case and \\*stars\\* and \\[brackets\\] and \\_lead',
    );
  });

  it('drops unsafe link targets but keeps the text', () => {
    expect(md('<p><a href="javascript:alert(1)">click</a></p>')).toBe('click');
  });
});

describe('storageToMarkdown: code macro', () => {
  it('renders a fenced block with the language', () => {
    const storage =
      '<ac:structured-macro ac:name="code" ac:schema-version="1" ac:macro-id="d1"><ac:parameter ac:name="language">python</ac:parameter><ac:parameter ac:name="linenumbers">true</ac:parameter><ac:plain-text-body><![CDATA[def add(a, b):\n    return a + b]]></ac:plain-text-body></ac:structured-macro>';
    expect(md(storage)).toBe('```python\ndef add(a, b):\n    return a + b\n```');
  });

  it('preserves CDATA content exactly, including <, &, entities-lookalikes and split ]]> sections', () => {
    const storage =
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">xml</ac:parameter><ac:plain-text-body><![CDATA[<a href="x?y=1&z=2">&amp; &nbsp; *not emphasis* _x_</a>\nif (a < b && c > d) { arr[i]]]]><![CDATA[> }\n<ac:structured-macro ac:name="toc"/>]]></ac:plain-text-body></ac:structured-macro>';
    expect(md(storage)).toBe(
      '```xml\n<a href="x?y=1&z=2">&amp; &nbsp; *not emphasis* _x_</a>\nif (a < b && c > d) { arr[i]]> }\n<ac:structured-macro ac:name="toc"/>\n```',
    );
  });

  it('uses a longer fence when the code itself contains a fence', () => {
    const storage =
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">markdown</ac:parameter><ac:plain-text-body><![CDATA[```js\nx()\n```]]></ac:plain-text-body></ac:structured-macro>';
    expect(md(storage)).toBe('````markdown\n```js\nx()\n```\n````');
  });

  it('keeps blank lines and indentation inside code while collapsing them elsewhere', () => {
    const storage =
      '<p>a</p><p>&nbsp;</p><p>&nbsp;</p><p>&nbsp;</p><ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[first\r\n\r\n\r\n\r\n    last   ]]></ac:plain-text-body></ac:structured-macro>';
    expect(md(storage)).toBe('a\n\n```\nfirst\n\n\n\n    last   \n```');
  });

  it('shows the title parameter and supports noformat', () => {
    const storage =
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="title">Config.java</ac:parameter><ac:parameter ac:name="language">java</ac:parameter><ac:plain-text-body><![CDATA[class Config {}]]></ac:plain-text-body></ac:structured-macro><ac:structured-macro ac:name="noformat"><ac:plain-text-body><![CDATA[raw   text]]></ac:plain-text-body></ac:structured-macro>';
    expect(md(storage)).toBe('**Config.java**\n\n```java\nclass Config {}\n```\n\n```\nraw   text\n```');
  });

  it('sanitises the language so it cannot break the fence line', () => {
    const storage =
      '<ac:structured-macro ac:name="code"><ac:parameter ac:name="language">c# `evil`\ninjected</ac:parameter><ac:plain-text-body><![CDATA[x]]></ac:plain-text-body></ac:structured-macro>';
    expect(md(storage)).toBe('```c#evilinjected\nx\n```');
  });
});

describe('storageToMarkdown: panels and other macros', () => {
  it.each([
    ['info', 'Info'],
    ['note', 'Note'],
    ['tip', 'Tip'],
    ['warning', 'Warning'],
    ['panel', 'Panel'],
  ])('renders the %s panel as a labelled blockquote', (macro, label) => {
    const storage = `<ac:structured-macro ac:name="${macro}" ac:schema-version="1"><ac:rich-text-body><p>Remember to <strong>rotate</strong> keys.</p><p>Second line.</p></ac:rich-text-body></ac:structured-macro>`;
    expect(md(storage)).toBe(`> **${label}:** Remember to **rotate** keys.\n>\n> Second line.`);
  });

  it('includes the panel title when present', () => {
    const storage =
      '<ac:structured-macro ac:name="info"><ac:parameter ac:name="icon">true</ac:parameter><ac:parameter ac:name="title">Heads up</ac:parameter><ac:rich-text-body><p>Maintenance on Friday.</p><ul><li>API</li><li>UI</li></ul></ac:rich-text-body></ac:structured-macro>';
    expect(md(storage)).toBe('> **Info:** Heads up\n>\n> Maintenance on Friday.\n>\n> - API\n> - UI');
  });

  it('renders expand as a bold title followed by its body', () => {
    const storage =
      '<ac:structured-macro ac:name="expand"><ac:parameter ac:name="title">Show details</ac:parameter><ac:rich-text-body><p>Hidden text.</p></ac:rich-text-body></ac:structured-macro><ac:structured-macro ac:name="expand"><ac:rich-text-body><p>Untitled body.</p></ac:rich-text-body></ac:structured-macro>';
    expect(md(storage)).toBe('**Show details**\n\nHidden text.\n\nUntitled body.');
  });

  it('renders status as [TITLE] and jira as the issue key', () => {
    const storage =
      '<p>State: <ac:structured-macro ac:name="status" ac:schema-version="1"><ac:parameter ac:name="colour">Green</ac:parameter><ac:parameter ac:name="title">DONE</ac:parameter></ac:structured-macro> tracked in <ac:structured-macro ac:name="jira" ac:schema-version="1"><ac:parameter ac:name="server">System JIRA</ac:parameter><ac:parameter ac:name="serverId">abc-123</ac:parameter><ac:parameter ac:name="key">PROJ-42</ac:parameter></ac:structured-macro>.</p>';
    expect(md(storage)).toBe('State: [DONE] tracked in PROJ-42.');
  });

  it('drops toc, children and anchor macros', () => {
    const storage =
      '<ac:structured-macro ac:name="toc"><ac:parameter ac:name="maxLevel">3</ac:parameter></ac:structured-macro><p><ac:structured-macro ac:name="anchor"><ac:parameter ac:name="">top</ac:parameter></ac:structured-macro>Intro</p><ac:structured-macro ac:name="children"><ac:parameter ac:name="all">true</ac:parameter></ac:structured-macro>';
    expect(md(storage)).toBe('Intro');
  });

  it('keeps the body of excerpt and unknown macros and drops their parameters', () => {
    const storage =
      '<ac:structured-macro ac:name="excerpt"><ac:parameter ac:name="hidden">false</ac:parameter><ac:rich-text-body><p>Short summary.</p></ac:rich-text-body></ac:structured-macro><ac:structured-macro ac:name="vendor-fancy-box"><ac:parameter ac:name="secretParam">do-not-show</ac:parameter><ac:rich-text-body><p>Boxed content.</p></ac:rich-text-body></ac:structured-macro><ac:structured-macro ac:name="mermaid"><ac:parameter ac:name="theme">dark</ac:parameter><ac:plain-text-body><![CDATA[graph TD; A-->B]]></ac:plain-text-body></ac:structured-macro><ac:structured-macro ac:name="recently-updated"><ac:parameter ac:name="max">5</ac:parameter></ac:structured-macro>';
    const out = md(storage);
    expect(out).toBe('Short summary.\n\nBoxed content.\n\n```\ngraph TD; A-->B\n```');
    expect(out).not.toContain('do-not-show');
  });

  it('handles legacy ac:macro and ADF extensions with fallbacks', () => {
    const storage =
      '<ac:macro ac:name="info"><ac:rich-text-body><p>Legacy.</p></ac:rich-text-body></ac:macro><ac:adf-extension><ac:adf-node type="decision-list"><ac:adf-attribute key="local-id">x1</ac:adf-attribute><ac:adf-node type="decision-item"><ac:adf-attribute key="state">DECIDED</ac:adf-attribute><ac:adf-content>Use Postgres</ac:adf-content></ac:adf-node></ac:adf-node><ac:adf-fallback><ul class="decision-list"><li>Use Postgres</li></ul></ac:adf-fallback></ac:adf-extension>';
    expect(md(storage)).toBe('> **Info:** Legacy.\n\n- Use Postgres');
  });
});

describe('storageToMarkdown: tasks', () => {
  it('converts task lists to GFM checkboxes', () => {
    const storage =
      '<ac:task-list><ac:task><ac:task-id>1</ac:task-id><ac:task-uuid>u-1</ac:task-uuid><ac:task-status>complete</ac:task-status><ac:task-body><span class="placeholder-inline-tasks">Write the spec</span></ac:task-body></ac:task><ac:task><ac:task-id>2</ac:task-id><ac:task-status>incomplete</ac:task-status><ac:task-body>Review with <ac:link><ri:user ri:account-id="5b10ac8d82e05b22cc7d4ef5" /></ac:link> by <time datetime="2024-05-01" /></ac:task-body></ac:task></ac:task-list>';
    expect(md(storage)).toBe('- [x] Write the spec\n- [ ] Review with @5b10ac8d82e05b22cc7d4ef5 by 2024-05-01');
  });

  it('keeps empty tasks and moves a code fence in a task body onto its own line', () => {
    const storage =
      '<ac:task-list><ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body></ac:task-body></ac:task><ac:task><ac:task-status>complete</ac:task-status><ac:task-body><pre>make test</pre></ac:task-body></ac:task></ac:task-list>';
    expect(md(storage)).toBe('- [ ]\n- [x]\n  ```\n  make test\n  ```');
  });

  it('supports nested task lists', () => {
    const storage =
      '<ac:task-list><ac:task><ac:task-status>incomplete</ac:task-status><ac:task-body>Parent</ac:task-body><ac:task-list><ac:task><ac:task-status>complete</ac:task-status><ac:task-body>Child</ac:task-body></ac:task></ac:task-list></ac:task></ac:task-list>';
    expect(md(storage)).toBe('- [ ] Parent\n  - [x] Child');
  });
});

describe('storageToMarkdown: links, mentions, attachments, images', () => {
  const pageLink = (title: string, space: string | null, body: string | null): string =>
    `<ac:link><ri:page ri:content-title="${title}"${space ? ` ri:space-key="${space}"` : ''} />${
      body === null ? '' : `<ac:plain-text-link-body><![CDATA[${body}]]></ac:plain-text-link-body>`
    }</ac:link>`;

  it('resolves page links through resolvePageLink', () => {
    const calls: unknown[] = [];
    const out = storageToMarkdown(`<p>See ${pageLink('Deploy Guide', 'ENG', 'the guide')}.</p>`, {
      resolvePageLink: (link) => {
        calls.push(link);
        return 'confluence-page:4242';
      },
    });
    expect(out).toBe('See [the guide](confluence-page:4242).');
    expect(calls).toEqual([{ title: 'Deploy Guide', spaceKey: 'ENG' }]);
  });

  it('falls back to the link text when unresolved, and to the title when there is no body', () => {
    const storage = `<p>${pageLink('Deploy Guide', 'ENG', 'the guide')} / ${pageLink('Q&amp;A', null, null)}</p>`;
    expect(md(storage)).toBe('the guide / Q&A');
    const seen: unknown[] = [];
    const out = storageToMarkdown(storage, {
      resolvePageLink: (link) => {
        seen.push(link);
        return undefined;
      },
    });
    expect(out).toBe('the guide / Q&A');
    expect(seen).toEqual([{ title: 'Deploy Guide', spaceKey: 'ENG' }, { title: 'Q&A' }]);
  });

  it('uses the title when resolved with no body, supports ac:link-body, anchors and content ids', () => {
    const storage =
      '<p><ac:link ac:anchor="setup"><ri:page ri:content-title="Install" ri:space-key="DOC" /></ac:link> and <ac:link><ri:page ri:content-title="Rich" ri:content-id="77" /><ac:link-body>the <strong>rich</strong> one</ac:link-body></ac:link></p>';
    const out = storageToMarkdown(storage, {
      resolvePageLink: (link) => (link.contentId ? `confluence-page:${link.contentId}` : `https://wiki.example/${link.spaceKey}/${link.title}`),
    });
    expect(out).toBe('[Install](https://wiki.example/DOC/Install#setup) and [the **rich** one](confluence-page:77)');
  });

  it('treats a throwing resolver as unresolved', () => {
    const out = storageToMarkdown(`<p>${pageLink('X', 'K', 'text')}</p>`, {
      resolvePageLink: () => {
        throw new Error('boom');
      },
    });
    expect(out).toBe('text');
  });

  it('renders user mentions, attachments, images, emoticons and dates', () => {
    const storage =
      '<p>Ping <ac:link><ri:user ri:account-id="712020:9a8b7c6d-aaaa" /></ac:link> about <ac:link><ri:attachment ri:filename="report_q1.pdf" /></ac:link> <ac:emoticon ac:name="tick" ac:emoji-fallback="✅" /> due <time datetime="2024-01-01" />.</p><p><ac:image ac:height="250"><ri:attachment ri:filename="arch_diagram.png" ri:version-at-save="1" /></ac:image></p><p><ac:image><ri:url ri:value="https://cdn.example.com/logo.svg" /></ac:image></p>';
    expect(md(storage)).toBe(
      'Ping @712020:9a8b7c6d-aaaa about [attachment: report_q1.pdf] due 2024-01-01.\n\n*Image: arch_diagram.png*\n\n*Image: https://cdn.example.com/logo.svg*',
    );
  });

  it('renders ri:url links, same-page anchors and space links as text or links', () => {
    const storage =
      '<p><ac:link><ri:url ri:value="https://status.example.com" /><ac:plain-text-link-body><![CDATA[status page]]></ac:plain-text-link-body></ac:link>, <ac:link ac:anchor="faq"><ac:plain-text-link-body><![CDATA[FAQ]]></ac:plain-text-link-body></ac:link>, <ac:link><ri:space ri:space-key="OPS" /></ac:link></p>';
    expect(md(storage)).toBe('[status page](https://status.example.com), FAQ, OPS');
  });
});

describe('storageToMarkdown: layouts', () => {
  it('emits layout cells in order separated by blank lines', () => {
    const storage =
      '<ac:layout><ac:layout-section ac:type="two_equal"><ac:layout-cell><p>Left column</p></ac:layout-cell><ac:layout-cell><p>Right column</p></ac:layout-cell></ac:layout-section><ac:layout-section ac:type="single"><ac:layout-cell><h2>Below</h2></ac:layout-cell></ac:layout-section></ac:layout>';
    expect(md(storage)).toBe('Left column\n\nRight column\n\n## Below');
  });
});

describe('storageToMarkdown: tables', () => {
  it('uses a <th> first row inside <tbody> as the GFM header', () => {
    const storage =
      '<table data-layout="default" ac:local-id="t1"><colgroup><col style="width: 340.0px;" /><col style="width: 340.0px;" /></colgroup><tbody><tr><th><p><strong>Name</strong></p></th><th><p>Value</p></th></tr><tr><td><p>timeout</p></td><td><p>30s</p></td></tr><tr><td><p>retries</p></td><td><p>3</p></td></tr></tbody></table>';
    expect(md(storage)).toBe('| **Name** | Value |\n| --- | --- |\n| timeout | 30s |\n| retries | 3 |');
  });

  it('supports <thead> header rows', () => {
    const storage = '<table><thead><tr><th>A</th><th>B</th></tr></thead><tbody><tr><td>1</td><td>2</td></tr></tbody></table>';
    expect(md(storage)).toBe('| A | B |\n| --- | --- |\n| 1 | 2 |');
  });

  it('uses the first row as header when the table has no <th>', () => {
    const storage = '<table><tbody><tr><td><p>x</p></td><td><p>y</p></td></tr><tr><td><p>1</p></td><td><p>2</p></td></tr></tbody></table>';
    expect(md(storage)).toBe('| x | y |\n| --- | --- |\n| 1 | 2 |');
  });

  it('flattens multi-block cells, escapes pipes, pads short rows and honours colspan', () => {
    const storage =
      '<table><tbody><tr><th>Key</th><th>Notes</th><th>Extra</th></tr><tr><td><p>a|b</p></td><td><p>first</p><p>second</p><ul><li>item</li></ul></td></tr><tr><td colspan="2">wide</td><td>z</td></tr></tbody></table>';
    expect(md(storage)).toBe(
      '| Key | Notes | Extra |\n| --- | --- | --- |\n| a\\|b | first second - item |  |\n| wide |  | z |',
    );
  });

  it('turns code blocks inside cells into inline code', () => {
    const storage =
      '<table><tbody><tr><th>Command</th></tr><tr><td><ac:structured-macro ac:name="code"><ac:parameter ac:name="language">bash</ac:parameter><ac:plain-text-body><![CDATA[make build |\n  tee log]]></ac:plain-text-body></ac:structured-macro></td></tr></tbody></table>';
    expect(md(storage)).toBe('| Command |\n| --- |\n| `make build \\| tee log` |');
  });

  it('renders tables with header column layouts and macros inside cells', () => {
    const storage =
      '<p>Before</p><table><tbody><tr><th>Env</th><td><ac:structured-macro ac:name="status"><ac:parameter ac:name="title">UP</ac:parameter></ac:structured-macro></td></tr><tr><th>Owner</th><td><ac:link><ri:user ri:account-id="abc123" /></ac:link></td></tr></tbody></table><p>After</p>';
    expect(md(storage)).toBe('Before\n\n| Env | [UP] |\n| --- | --- |\n| Owner | @abc123 |\n\nAfter');
  });
});

describe('storageToMarkdown: hygiene', () => {
  it('strips invisible, bidi and control characters (literal and entity-encoded)', () => {
    const storage =
      '<p>a\u200Bb\u200Fc\u202Ed\u2066e\u2069f\uFEFFg\u0000h\u0007i\u001Bj&#8203;k&#x202E;l&#1;m\tn</p><ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[x\u202Ey\u0008z]]></ac:plain-text-body></ac:structured-macro>';
    expect(md(storage)).toBe('abcdefghijklm n\n\n```\nxyz\n```');
  });

  it('keeps newlines and tabs inside code', () => {
    const storage = '<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[a\tb\nc]]></ac:plain-text-body></ac:structured-macro>';
    expect(md(storage)).toBe('```\na\tb\nc\n```');
  });

  it('leaves no storage-format tags, attributes or namespaces in the output', () => {
    const out = storageToMarkdown(fixture('runbook-page.xml'));
    expect(out).not.toMatch(/\b(?:ac|ri):/);
    expect(out).not.toMatch(/<[a-z!/]/i);
    expect(out).not.toMatch(/\n{3,}/);
    expect(out).toBe(out.trim());
  });
});

describe('storageToMarkdown: malformed input', () => {
  it('returns an empty string for empty or whitespace-only input', () => {
    expect(md('')).toBe('');
    expect(md('   \n  ')).toBe('');
    expect(md('<p>&nbsp;</p><p></p>')).toBe('');
  });

  it('returns plain text unchanged', () => {
    expect(md('Just some plain text.')).toBe('Just some plain text.');
  });

  it('recovers from unclosed, stray and mismatched tags', () => {
    expect(md('<p>unclosed <strong>bold <em>both')).toBe('unclosed **bold *both***');
    expect(md('</div><p>stray close</span> tags</p></li>')).toBe('stray close tags');
    expect(md('<ac:structured-macro ac:name="info"><ac:rich-text-body><p>never closed')).toBe('> **Info:** never closed');
  });

  it('handles unterminated CDATA, comments and attribute quotes without throwing', () => {
    expect(md('<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[a < b')).toBe('```\na < b\n```');
    expect(md('<p>keep</p><!-- dangling comment <p>gone</p>')).toBe('keep');
    expect(md('<p class="oops>text')).toBe('\\<p class="oops>text');
  });

  it('escapes literal angle brackets that look like tags', () => {
    expect(md('<p>1 < 2 and a <b >x</b > and &lt;ac:link&gt;</p>')).toBe('1 < 2 and a **x** and \\<ac:link>');
  });

  it('survives pathological nesting depth', () => {
    const deep = '<div>'.repeat(5000) + '<p>deep</p>' + '</div>'.repeat(5000);
    expect(md(deep)).toBe('deep');
    const deepMacros =
      '<ac:structured-macro ac:name="expand"><ac:rich-text-body>'.repeat(2000) + 'core' + '</ac:rich-text-body></ac:structured-macro>'.repeat(2000);
    expect(() => md(deepMacros)).not.toThrow();
    expect(md(deepMacros)).toContain('core');
  });

  it('never throws on non-string input', () => {
    expect(storageToMarkdown(undefined as unknown as string)).toBe('');
    expect(storageToMarkdown(42 as unknown as string)).toBe('');
  });
});

describe('storageToMarkdown: realistic page', () => {
  it('converts a full runbook page combining many constructs', () => {
    const out = storageToMarkdown(fixture('runbook-page.xml'), {
      resolvePageLink: (link) =>
        link.spaceKey === 'OPS' ? `https://example.atlassian.net/wiki/spaces/OPS/pages/98765` : undefined,
    });
    expect(out).toBe(
      [
        '# Payments Service Runbook',
        '',
        'Owner: @557058:f3a1b2c4-1111-2222-3333-444455556666 · Status: [In review] · Last reviewed 2024-03-18',
        '',
        'How to deploy, roll back and debug the **payments** service in production.',
        '',
        '> **Warning:** Change freeze',
        '>',
        '> No deploys between *Dec 20* and *Jan 3* without approval from [release managers](https://example.atlassian.net/wiki/spaces/OPS/pages/98765).',
        '',
        '## Deploy',
        '',
        '1. Check the dashboard for open incidents.',
        '2. Run the deploy script:',
        '',
        '   **deploy.sh**',
        '',
        '   ```bash',
        '   ./deploy.sh --env prod --service payments && echo "ok" > /tmp/status',
        '   ```',
        '',
        '3. Watch error rates for 15 minutes.',
        '',
        '## Rollback',
        '',
        '> **Note:** Rollback is safe only if the DB migration is backward compatible.',
        '',
        'See PAY-1234 for the last incident.',
        '',
        '## Endpoints',
        '',
        '| **Endpoint** | **Method** | **Notes** |',
        '| --- | --- | --- |',
        '| `/v1/charge` | POST | Idempotent via `Idempotency-Key` |',
        '| `/v1/refund` | POST | Requires role *refunds* |',
        '',
        '## Checklist',
        '',
        '- [x] Alerts configured',
        '- [ ] Update on-call rota',
        '',
        '**Architecture diagram**',
        '',
        '*Image: payments-architecture.png*',
        '',
        'Source: [attachment: payments-architecture.drawio]',
        '',
        'Questions? Ask in [#payments](https://example.slack.com/archives/C0123).',
      ].join('\n'),
    );
  });

  it('is stable across repeated calls (shared turndown instance)', () => {
    const page = fixture('runbook-page.xml');
    const first = storageToMarkdown(page);
    for (let i = 0; i < 20; i++) expect(storageToMarkdown(page)).toBe(first);
  });
});

describe('storageToMarkdown: properties', () => {
  const fragment = fc.oneof(
    fc.string(),
    fc.constantFrom(
      '<ac:', '</ac:', '<ri:', '</ri:', '<ac:link>', '<ri:page ri:content-title="x"/>', '<![CDATA[', ']]>',
      ']]]]><![CDATA[>', '&lt;ac:x&gt;', '&#8203;', '&#1;', '<', '>', '&', '"', '/>', '<p>', '</p>',
      '<ac:structured-macro ac:name="code">', '<ac:plain-text-body>', '<ac:rich-text-body>',
      '<ac:parameter ac:name="title">', '<table><tr><td>', '</td></tr></table>', '\u202E', '\u0000',
    ),
  );

  it('never throws and never emits ac:/ri: tags for arbitrary text wrapped in <p>', () => {
    fc.assert(
      fc.property(fc.array(fragment, { maxLength: 12 }).map((parts) => parts.join('')), (text) => {
        const out = storageToMarkdown(`<p>${text}</p>`);
        expect(typeof out).toBe('string');
        // Only code (verbatim CDATA) may legitimately contain storage markup.
        expect(proseOnly(out)).not.toMatch(NAMESPACED_TAG);
        expect(out).not.toMatch(/[\u0000-\u0008\u000B-\u001F\u200B-\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/);
      }),
      { numRuns: 500 },
    );
  });
});
