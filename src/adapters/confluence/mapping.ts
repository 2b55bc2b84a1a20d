/**
 * Pure mapping from confluence.js response shapes to the domain types. No I/O here.
 */
import type { Content, SearchResult, User } from 'confluence.js/v1';
import type { Page as V2Page } from 'confluence.js/v2';
import type { PageMeta, UserInfo } from '../../domain/types.js';
import { stripInvisible } from '../../text/sanitize.js';

/** ISO string from what zod coerced (a Date) or a raw string; `fallback` when absent or invalid. */
export function isoDate(value: Date | string | null | undefined, fallback = ''): string {
  if (value === null || value === undefined) return fallback;
  const date = value instanceof Date ? value : new Date(value);
  return Number.isNaN(date.getTime()) ? fallback : date.toISOString();
}

/** `_links.base` + a context-relative path; absolute URLs pass through. */
export function joinUrl(base: string, path: string | undefined): string {
  if (!path) return base;
  if (/^https?:\/\//i.test(path)) return path;
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** Decodes the HTML/XML entities Confluence emits (named basics and numeric). Unknown ones stay as written. */
export function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, name: string) => {
    if (name[0] === '#') {
      const code = name[1].toLowerCase() === 'x' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[name.toLowerCase()] ?? whole;
  });
}

/**
 * Search excerpts/titles as plain text: highlight markers removed and entities decoded (we ask for
 * `indexed_unescaped`, but a proxy, an older site or a re-attached default could still send
 * `highlight`), invisible characters stripped, whitespace collapsed.
 */
export function plainSearchText(text: string): string {
  const unmarked = text.replace(/@@@hl@@@|@@@endhl@@@/g, '');
  return stripInvisible(decodeEntities(unmarked)).replace(/\s+/g, ' ').trim();
}

function labelNames(labels: NonNullable<Content['metadata']>['labels'] | undefined): string[] {
  if (!labels) return [];
  const list = Array.isArray(labels) ? labels : labels.results;
  return list.map((label) => label.name).filter((name): name is string => typeof name === 'string');
}

/** The v1 Content fields pages are mapped from; Cloud (confluence.js) and Data Center replies both fit. */
export interface ContentLike<U> {
  id?: string | null;
  type?: string | null;
  title?: string | null;
  space?: { key?: string | null } | null;
  version?: { when?: Date | string | null; number?: number | null; by?: U | null } | null;
  ancestors?: Array<{ id?: string | null }> | null;
  metadata?: { labels?: NonNullable<Content['metadata']>['labels'] | { results: Array<{ name?: string | null }> } | null } | null;
  history?: { createdDate?: Date | string | null; createdBy?: U | null; ownedBy?: U | null } | null;
  _links?: { webui?: string | null } | null;
}

/** How a source names a person: Cloud by accountId, Data Center by username. */
export type PersonId<U> = (user: U | null | undefined) => string | undefined;

const cloudPerson: PersonId<User> = (user) => user?.accountId ?? undefined;

/**
 * PageMeta from v1 Content. `undefined` (the row is dropped) when it is not a page or its space
 * is unknown. Policy: a row whose space we cannot name is never passed on.
 */
export function metaFromContent<U>(
  content: ContentLike<U> | null | undefined,
  linksBase: string,
  personId: PersonId<U>,
  fallback: { title?: string; url?: string; updated?: Date | string | null } = {},
): PageMeta | undefined {
  if (!content?.id || content.type !== 'page') return undefined;
  const spaceKey = content.space?.key;
  if (!spaceKey) return undefined;
  const version = content.version;
  const updated = isoDate(version?.when ?? undefined, isoDate(fallback.updated));
  const ancestors = content.ancestors ?? [];
  const parent = ancestors.length > 0 ? ancestors[ancestors.length - 1] : undefined;
  const labels = content.metadata?.labels as Parameters<typeof labelNames>[0];
  return {
    id: content.id,
    title: content.title ?? fallback.title ?? '',
    spaceKey,
    url: joinUrl(linksBase, content._links?.webui ?? fallback.url),
    parentId: parent?.id ?? null,
    labels: labelNames(labels),
    created: isoDate(content.history?.createdDate, updated),
    updated,
    version: version?.number ?? 0,
    createdBy: personId(content.history?.createdBy),
    lastUpdatedBy: personId(version?.by),
    owner: personId(content.history?.ownedBy),
  };
}

/** PageMeta from a v1 search result (see metaFromContent). */
export function metaFromSearchResult(result: SearchResult, linksBase: string): PageMeta | undefined {
  return metaFromContent(result.content, linksBase, cloudPerson, { title: plainSearchText(result.title), url: result.url, updated: result.lastModified });
}

/** PageMeta from a v2 PageSingle; the caller supplies the space key it resolved from `spaceId`. */
export function metaFromV2Page(page: V2Page, spaceKey: string, fallbackBase: string): PageMeta {
  const base = page._links?.base ?? fallbackBase;
  const created = isoDate(page.createdAt);
  const updated = isoDate(page.version?.createdAt, created);
  return {
    id: page.id ?? '',
    title: page.title ?? '',
    spaceKey,
    url: joinUrl(base, page._links?.webui ?? `/pages/viewpage.action?pageId=${page.id ?? ''}`),
    parentId: page.parentId ?? null,
    labels: (page.labels?.results ?? []).map((label) => label.name).filter((name): name is string => typeof name === 'string'),
    created,
    updated,
    version: page.version?.number ?? 0,
    createdBy: page.authorId ?? undefined,
    lastUpdatedBy: page.version?.authorId ?? undefined,
    owner: page.ownerId ?? undefined,
  };
}

export function userInfoFromV1(user: User): UserInfo | undefined {
  if (!user.accountId) return undefined;
  return {
    accountId: user.accountId,
    displayName: user.displayName ?? user.publicName ?? user.accountId,
    email: user.email ? user.email : undefined,
    // Cloud enforces permissions itself; group membership is not needed by the gate there.
    groups: [],
  };
}

export interface StoragePageLink {
  title: string;
  spaceKey?: string;
  contentId?: string;
}

/** Page links (`<ri:page …/>`) in a storage body, attributes entity-decoded. */
export function pageLinksInStorage(storage: string): StoragePageLink[] {
  const links: StoragePageLink[] = [];
  for (const match of storage.matchAll(/<ri:page\b([^>]*?)\/?>/g)) {
    const attrs = new Map<string, string>();
    for (const attr of match[1].matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
      attrs.set(attr[1], decodeEntities(attr[2] ?? attr[3] ?? ''));
    }
    const title = attrs.get('ri:content-title');
    const contentId = attrs.get('ri:content-id');
    if (!title && !contentId) continue;
    links.push({ title: title ?? '', spaceKey: attrs.get('ri:space-key') || undefined, contentId: contentId || undefined });
  }
  return links;
}

/** The cursor (or start offset) of a context-relative `_links.next`; undefined when it carries neither. */
export function nextPageParams(next: string | undefined): { cursor?: string; start?: number } | undefined {
  if (!next) return undefined;
  let params: URLSearchParams;
  try {
    params = new URL(next, 'http://confluence.invalid').searchParams;
  } catch {
    return undefined;
  }
  const cursor = params.get('cursor');
  if (cursor) return { cursor };
  const start = Number(params.get('start'));
  return Number.isInteger(start) && start > 0 ? { start } : undefined;
}

/**
 * Defence in depth for CQL results: CQL already says all of this, and a row that disagrees is
 * dropped. Dates are exact here (CQL dates are whole days in the user's time zone).
 */
export function pageFilter(request: {
  spaces: readonly string[];
  excludeLabels: readonly string[];
  labels?: readonly string[];
  updatedSince?: string;
  updatedBefore?: string;
}): (meta: PageMeta) => boolean {
  const spaces = new Set(request.spaces);
  const excluded = new Set(request.excludeLabels);
  const wanted = request.labels && request.labels.length > 0 ? new Set(request.labels) : undefined;
  const since = request.updatedSince !== undefined ? Date.parse(request.updatedSince) : undefined;
  const before = request.updatedBefore !== undefined ? Date.parse(request.updatedBefore) : undefined;
  return (meta) => {
    if (!spaces.has(meta.spaceKey) || meta.labels.some((label) => excluded.has(label))) return false;
    if (wanted && !meta.labels.some((label) => wanted.has(label))) return false;
    const updated = Date.parse(meta.updated);
    if (since !== undefined && !(updated >= since)) return false;
    return before === undefined || updated < before;
  };
}
