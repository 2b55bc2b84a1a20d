/**
 * A site folder (the local source's format) served by the loopback Confluence stub: the same
 * pages, users and restrictions, so local and Cloud mode can be compared on one corpus.
 * Restrictions become the stub's `readableBy` (accountIds of the users allowed by each set;
 * the stub applies ancestors' restrictions itself, as Confluence does).
 */
import { loadSiteFolder } from '../../src/adapters/local/site-folder.js';
import type { StubPage, StubSite, StubUser } from './confluence-stub.js';

const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Inline Markdown to storage: links (page links by id), bold, italics and code. */
function inline(text: string): string {
  let out = '';
  const pattern = /\[([^\]]*)\]\(([^)\s]+)\)|\*\*([^*]+)\*\*|`([^`]+)`/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    out += escape(text.slice(last, match.index));
    if (match[1] !== undefined) {
      const target = match[2];
      const page = /^confluence-page:(\d+)$/.exec(target);
      out += page
        ? `<ac:link><ri:page ri:content-id="${page[1]}" /><ac:plain-text-link-body><![CDATA[${match[1]}]]></ac:plain-text-link-body></ac:link>`
        : `<a href="${escape(target)}">${escape(match[1])}</a>`;
    } else if (match[3] !== undefined) out += `<strong>${escape(match[3])}</strong>`;
    else out += `<code>${escape(match[4])}</code>`;
    last = match.index + match[0].length;
  }
  return out + escape(text.slice(last));
}

/** Enough of Markdown for evaluation pages: headings, paragraphs, lists, tables, fences, quotes. */
export function markdownToStorage(markdown: string): string {
  const blocks: string[] = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.trim() === '') continue;
    const heading = /^(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line);
    if (heading) {
      blocks.push(`<h${heading[1].length}>${inline(heading[2])}</h${heading[1].length}>`);
      continue;
    }
    if (/^\s*(```|~~~)/.test(line)) {
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*(```|~~~)/.test(lines[i]); i++) code.push(lines[i]);
      blocks.push(`<ac:structured-macro ac:name="code"><ac:plain-text-body><![CDATA[${code.join('\n')}]]></ac:plain-text-body></ac:structured-macro>`);
      continue;
    }
    if (/^\s*\|/.test(line)) {
      const rows: string[][] = [];
      for (; i < lines.length && /^\s*\|/.test(lines[i]); i++) {
        if (/^\s*\|?\s*:?-{3,}/.test(lines[i])) continue;
        rows.push(lines[i].trim().replace(/^\||\|$/g, '').split('|').map((c) => c.trim()));
      }
      i--;
      const [head, ...body] = rows;
      if (!head) continue;
      blocks.push(
        `<table><tbody><tr>${head.map((c) => `<th>${inline(c)}</th>`).join('')}</tr>${body.map((r) => `<tr>${r.map((c) => `<td>${inline(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`,
      );
      continue;
    }
    const item = /^\s*([-*+]|\d+[.)])\s+/;
    if (item.test(line)) {
      const ordered = /^\s*\d/.test(line);
      const items: string[] = [];
      for (; i < lines.length && lines[i].trim() !== '' && (item.test(lines[i]) || /^\s{2,}\S/.test(lines[i])); i++) {
        if (item.test(lines[i])) items.push(lines[i].replace(item, ''));
        else items[items.length - 1] += ` ${lines[i].trim()}`;
      }
      i--;
      const tag = ordered ? 'ol' : 'ul';
      blocks.push(`<${tag}>${items.map((t) => `<li>${inline(t)}</li>`).join('')}</${tag}>`);
      continue;
    }
    const paragraph: string[] = [];
    const quoted = /^\s*>/.test(line);
    for (; i < lines.length && lines[i].trim() !== '' && !/^(#{1,6})\s/.test(lines[i]) && !item.test(lines[i]) && !/^\s*\|/.test(lines[i]); i++) {
      paragraph.push(lines[i].replace(/^\s*>\s?/, ''));
    }
    i--;
    const p = `<p>${inline(paragraph.join(' '))}</p>`;
    blocks.push(quoted ? `<blockquote>${p}</blockquote>` : p);
  }
  return blocks.join('');
}

/** Email a stub user signs in with (site users without one get a stable invented address). */
export function stubEmail(user: { accountId: string; email?: string }): string {
  return user.email ?? `${user.accountId}@users.example`;
}

export function siteFolderOnStub(dir: string): StubSite & { users: (StubUser & { groups: string[] })[] } {
  const loaded = loadSiteFolder(dir);
  const users = loaded.site.users.map((u) => ({ accountId: u.accountId, displayName: u.displayName, email: stubEmail(u), groups: u.groups }));
  const allowed = (set: { users: string[]; groups: string[] }) =>
    users.filter((u) => set.users.includes(u.accountId) || set.users.includes(u.email) || u.groups.some((g) => set.groups.includes(g))).map((u) => u.accountId);
  const fallbackAuthor = users[0]?.accountId ?? 'acc-unknown';
  const pages: StubPage[] = loaded.pages.map((p) => ({
    id: p.id,
    title: p.title,
    spaceKey: p.spaceKey,
    parentId: p.parentId,
    storage: markdownToStorage(p.body),
    labels: p.labels,
    createdAt: p.created,
    updatedAt: p.updated,
    version: p.version,
    authorId: p.createdBy ?? fallbackAuthor,
    ownerId: p.owner ?? p.createdBy ?? fallbackAuthor,
    lastUpdatedBy: p.lastUpdatedBy,
    ...(p.readRestriction ? { readableBy: allowed(p.readRestriction) } : {}),
  }));
  return {
    spaces: loaded.site.spaces.map((s, i) => ({ id: String(9000 + i), key: s.key, name: s.name, description: s.description })),
    users,
    pages,
  };
}
