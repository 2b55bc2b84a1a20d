/**
 * `ContentSource` over Confluence Cloud through confluence.js (v1 CQL search and users, v2 pages
 * and spaces). Confluence enforces the token owner's permissions itself, so pages come back with
 * `readRestrictions: undefined`. When asked to act for someone else (an Identity whose accountId is
 * neither the token owner's nor the configured email), every page is additionally checked with the
 * content permission endpoint for that user — which only a Confluence administrator's token may do;
 * anything else fails closed.
 */
import { isNotFoundError } from 'confluence.js';
import type { SearchPageResponseSearchResult } from 'confluence.js/v1';
import type { GroupInfo, Identity, Page, PageMeta, PageSummary, PageVersion, SpaceInfo, UserInfo } from '../../domain/types.js';
import { UpstreamError } from '../../errors.js';
import type { ContentSource, GetPageOptions, ListRequest, SearchRequest, SearchResults, TreeRequest } from '../content-source.js';
import { storageToMarkdown } from './storage-to-markdown.js';
import { buildChildrenCql, buildIdsCql, buildListCql, buildSearchCql, buildTitleCql, buildUserSearchCql } from './cql.js';
import {
  ConfluenceUpstreamError,
  DEFAULT_CONCURRENCY,
  createConfluenceClients,
  type ConfluenceClientConfig,
} from './confluence-client.js';
import { mapLimit } from './limiter.js';
import { createPeopleCache } from './people-cache.js';
import { createTitleLinks } from './title-links.js';
import {
  isoDate,
  metaFromSearchResult,
  metaFromV2Page,
  nextPageParams,
  pageFilter,
  plainSearchText,
  userInfoFromV1,
} from './mapping.js';

export interface ConfluenceSourceConfig extends ConfluenceClientConfig {
  /** Title-only page links looked up per `getPage` to turn them into `confluence-page:<id>`. Default 10. */
  maxLinkLookups?: number;
  /** Rows per CQL request when listing. Default 50. */
  pageSize?: number;
}

export interface ConfluenceSource extends ContentSource {
  readonly kind: 'confluence';
  /** The token owner, as Confluence reports it (cached). */
  currentUser(): Promise<UserInfo>;
}

/** Expansions on `/rest/api/search` sit on the result wrapper, hence `content.`; sent as one comma list. */
const SEARCH_EXPAND = ['content.space,content.version,content.metadata.labels,content.history,content.ancestors'];
const MAX_SEARCH_LIMIT = 50;
/** Bounds on how far one call walks `_links.next`. */
const MAX_SEARCH_PAGES = 5;
/** Per-user permission checks one search may make when acting for someone else. */
const MAX_PERMISSION_CHECKS = 200;
const MAX_LIST_PAGES = 2_000;
const MAX_TITLE_PAGES = 10;
/** Result pages walked for one page's children (50 each). */
const MAX_CHILD_PAGES = 10;
const MAX_VERSIONS = 250;

const PAGE_ID = /^\d{1,20}$/;
/** Cloud account ids: `5b10a2844c20165700ede21g`, `557058:f581…`, … — no spaces, no `@`. */
const ACCOUNT_ID_LIKE = /^[A-Za-z0-9][A-Za-z0-9:_-]{5,127}$/;

type SearchPage = SearchPageResponseSearchResult;

export function createConfluenceSource(config: ConfluenceSourceConfig): ConfluenceSource {
  const { v1, v2, siteUrl } = createConfluenceClients(config);
  const fallbackBase = `${siteUrl}/wiki`;
  const concurrency = Math.max(1, config.concurrency ?? DEFAULT_CONCURRENCY);
  const maxLinkLookups = config.maxLinkLookups ?? 10;
  const pageSize = Math.min(Math.max(config.pageSize ?? MAX_SEARCH_LIMIT, 1), MAX_SEARCH_LIMIT);

  const spacesById = new Map<string, SpaceInfo>();
  let owner: Promise<UserInfo> | undefined;
  const byAccountId = createPeopleCache<UserInfo | undefined>();
  // Title lookups run as the token owner: used only when acting as them (see getPage).
  const titleLinks = createTitleLinks({
    maxLookups: maxLinkLookups,
    concurrency,
    lookup: async (title, spaceKey) => {
      const found: PageMeta[] = [];
      for await (const response of walkCql(buildTitleCql(title, [spaceKey]), 10, 'none', 1)) {
        for (const result of response.results) {
          const meta = metaFromSearchResult(result, linksBase(response));
          if (meta) found.push(meta);
        }
      }
      return found;
    },
  });
  const remember = titleLinks.remember;

  /** A 404 from a collection endpoint means the site URL is wrong, not that something is hidden. */
  const notFoundIsUpstream = (error: unknown): never => {
    if (isNotFoundError(error)) {
      throw new ConfluenceUpstreamError('Confluence answered 404 for an API endpoint: check the configured base URL.', 404);
    }
    throw error;
  };

  /** One CQL query, following `_links.next` (never `totalSize`), at most `maxPages` requests; `limit` may change per request. */
  async function* walkCql(
    cql: string,
    rows: number | ((request: number) => number),
    excerpt: 'indexed_unescaped' | 'none',
    maxPages: number,
    from = 0,
  ): AsyncGenerator<SearchPage> {
    let position: { cursor?: string; start?: number } = from > 0 ? { start: from } : {};
    const seen = new Set<string>();
    for (let page = 0; page < maxPages; page++) {
      const response = await v1.search
        .searchByCQL({
          cql,
          limit: typeof rows === 'number' ? rows : rows(page),
          // Re-sent on every page: Cloud's `next` link drops `excerpt`.
          excerpt,
          expand: SEARCH_EXPAND,
          ...(position.cursor !== undefined ? { cursor: position.cursor, next: true } : {}),
          ...(position.start !== undefined ? { start: position.start } : {}),
        })
        .catch(notFoundIsUpstream);
      yield response;
      const next = nextPageParams(response._links.next);
      if (!next) return;
      const marker = next.cursor ?? `start:${next.start}`;
      if (seen.has(marker)) return; // no progress: stop rather than loop
      seen.add(marker);
      position = next;
    }
  }

  const linksBase = (response: SearchPage) => response._links.base ?? fallbackBase;

  async function currentUser(): Promise<UserInfo> {
    owner ??= v1.users.getCurrentUser().then(
      (user) => {
        const info = userInfoFromV1(user);
        if (!info) throw new UpstreamError('Confluence did not report the token owner’s account id.');
        return info;
      },
      (error: unknown) => notFoundIsUpstream(error),
    );
    try {
      return await owner;
    } catch (error) {
      owner = undefined; // retry the lookup next time
      throw error;
    }
  }

  /** Fails closed: only the token owner (by account id, or the configured email the runtime uses) skips the check. */
  async function actsAsOwner(as: Identity): Promise<boolean> {
    if (as.accountId !== '' && as.accountId.toLowerCase() === config.email.toLowerCase()) return true;
    return as.accountId === (await currentUser()).accountId;
  }

  async function canRead(pageId: string, accountId: string): Promise<boolean> {
    if (accountId === '') return false; // Policy: no identity, no access.
    try {
      const result = await v1.contentPermissions.checkContentPermission({
        id: pageId,
        subject: { type: 'user', identifier: accountId },
        operation: 'read',
      });
      return result.hasPermission === true;
    } catch (error) {
      if (isNotFoundError(error)) return false;
      if (error instanceof ConfluenceUpstreamError && error.status === 403) {
        throw new UpstreamError(
          'Confluence refused to check page permissions for the acting user (403): acting for someone other than the token owner needs a Confluence administrator token.',
        );
      }
      throw error;
    }
  }

  /** Pages the acting user may read. Owner: all (Confluence already filtered). Others: checked one by one. */
  async function readableBy<T extends PageMeta>(pages: T[], as: Identity): Promise<T[]> {
    if (pages.length === 0 || (await actsAsOwner(as))) return pages;
    const allowed = await mapLimit(pages, concurrency, (page) => canRead(page.id, as.accountId));
    return pages.filter((_, index) => allowed[index]);
  }

  /** Lookups in flight, shared: pages fetched in parallel from one space cost one space request. */
  const spaceLookups = new Map<string, Promise<SpaceInfo | undefined>>();

  function spaceForId(spaceId: string): Promise<SpaceInfo | undefined> {
    const cached = spacesById.get(spaceId);
    if (cached) return Promise.resolve(cached);
    let lookup = spaceLookups.get(spaceId);
    if (!lookup) {
      lookup = fetchSpace(spaceId).finally(() => spaceLookups.delete(spaceId));
      spaceLookups.set(spaceId, lookup);
    }
    return lookup;
  }

  async function fetchSpace(spaceId: string): Promise<SpaceInfo | undefined> {
    if (!PAGE_ID.test(spaceId)) return undefined;
    const response = await v2.space
      // The path and query are built from strings: pass the validated digits as-is (no float rounding).
      .getSpaces({ ids: [spaceId as unknown as number], descriptionFormat: 'plain', limit: 1 })
      .catch(notFoundIsUpstream);
    for (const space of response.results ?? []) {
      if (space.id && space.key) {
        spacesById.set(space.id, { key: space.key, name: space.name ?? space.key, description: space.description?.plain?.value || undefined });
      }
    }
    return spacesById.get(spaceId);
  }


  const source: ConfluenceSource = {
    kind: 'confluence',

    describe() {
      return `Confluence Cloud ${siteUrl} (as the owner of the API token for ${config.email})`;
    },

    currentUser,

    /**
     * Acting for someone else, the per-user check runs before the limit, not after: candidates
     * are checked in rank order until `limit` visible ones are found, walking further CQL result
     * pages if needed, so hidden pages ranking higher never make a result shorter (which would
     * tell what they contain). Bounded by MAX_SEARCH_PAGES requests and MAX_PERMISSION_CHECKS
     * checks; at the bound, what was found is returned.
     */
    async search(request: SearchRequest, as: Identity): Promise<SearchResults> {
      const cql = buildSearchCql(request);
      const limit = Math.min(Math.max(Math.floor(request.limit) || 1, 1), MAX_SEARCH_LIMIT);
      const wanted = pageFilter(request);
      const start = Math.max(0, Math.floor(request.start ?? 0));
      let owner: boolean | undefined;
      /** Kept results with their position in Confluence's result order (for the next window's start). */
      const found: { page: PageSummary; at: number }[] = [];
      /** Rows that passed the filters, not yet checked for the acting user. */
      const unchecked: { page: PageSummary; at: number }[] = [];
      let checks = 0;
      /** Position just after the last row read from Confluence, and whether Confluence has more. */
      let position = start;
      let more = false;
      const seen = new Set<string>();
      // After the first page, for someone else, whole result pages: some candidates are dropped by the check.
      const rows = (request: number) => (request === 0 || owner ? limit : MAX_SEARCH_LIMIT);
      for await (const response of walkCql(cql, rows, 'indexed_unescaped', MAX_SEARCH_PAGES, start)) {
        if (response.results.length > 0) owner ??= await actsAsOwner(as);
        more = Boolean(response._links.next);
        for (const result of response.results) {
          const at = position++;
          const meta = metaFromSearchResult(result, linksBase(response));
          if (!meta || seen.has(meta.id)) continue;
          seen.add(meta.id);
          remember(meta);
          if (!wanted(meta)) continue;
          (owner ? found : unchecked).push({ page: { ...meta, excerpt: plainSearchText(result.excerpt) }, at });
        }
        while (!owner && found.length < limit && unchecked.length > 0 && checks < MAX_PERMISSION_CHECKS) {
          // As many as are still wanted (at least one round of parallel checks), in rank order.
          const batch = unchecked.splice(0, Math.min(Math.max(limit - found.length, concurrency), MAX_PERMISSION_CHECKS - checks));
          checks += batch.length;
          const allowed = await mapLimit(batch, concurrency, (entry) => canRead(entry.page.id, as.accountId));
          batch.forEach((entry, index) => allowed[index] && found.push(entry));
        }
        if (found.length >= limit || checks >= MAX_PERMISSION_CHECKS) break;
      }
      const kept = found.slice(0, limit);
      // The next window starts after the last row returned, or after everything read when fewer were kept;
      // rows read but not returned (beyond the limit, or not yet checked) are read again then.
      const pages = kept.map((entry) => entry.page);
      // Confluence has no more, and nothing read is left over: this was the last window.
      if (!more && unchecked.length === 0 && found.length === kept.length) return { pages };
      if (kept.length === limit) return { pages, next: kept[kept.length - 1].at + 1 };
      const resume = unchecked.length > 0 ? unchecked[0].at : position;
      return { pages, next: resume };
    },

    async getPage(id: string, as: Identity, options: GetPageOptions = {}): Promise<Page | undefined> {
      // Not a Confluence page id: cannot exist (and must never reach a URL path).
      if (!PAGE_ID.test(id)) return undefined;
      const isOwner = await actsAsOwner(as);
      if (!isOwner && !(await canRead(id, as.accountId))) return undefined;
      let page;
      try {
        page = await v2.page.getPageById({
          id: id as unknown as number, // digits only, interpolated into the path as written
          bodyFormat: 'storage',
          includeLabels: true,
          includeVersion: true,
        });
      } catch (error) {
        if (isNotFoundError(error)) return undefined; // missing and restricted look the same
        throw error;
      }
      if (page.status !== undefined && page.status !== 'current' && page.status !== 'archived') return undefined;
      const space = page.spaceId ? await spaceForId(page.spaceId) : undefined;
      // Fails closed: without the page's real space the gate cannot apply the space policy.
      if (!space) throw new UpstreamError(`Confluence did not report which space page ${id} belongs to.`);
      const meta = metaFromV2Page(page, space.key, fallbackBase);
      remember(meta);
      const storage = page.body?.storage?.value ?? '';
      const allowed = options.spaces;
      if (isOwner) await titleLinks.learn(storage, space.key, allowed);
      // Acting for someone else: title lookups ran as the token owner, so they are not used.
      const body = storageToMarkdown(storage, { resolvePageLink: titleLinks.resolver(space.key, allowed, isOwner) });
      return { ...meta, body };
    },

    async *listPages(request: ListRequest, as: Identity): AsyncIterable<PageMeta> {
      const cql = buildListCql(request);
      const wanted = pageFilter(request);
      const seen = new Set<string>();
      for await (const response of walkCql(cql, pageSize, 'none', MAX_LIST_PAGES)) {
        const batch: PageMeta[] = [];
        for (const result of response.results) {
          const meta = metaFromSearchResult(result, linksBase(response));
          if (!meta || seen.has(meta.id)) continue;
          seen.add(meta.id);
          remember(meta);
          if (wanted(meta)) batch.push(meta);
        }
        yield* await readableBy(batch, as);
      }
    },

    async findPagesByTitle(title: string, spaces: string[], as: Identity): Promise<PageMeta[]> {
      const wanted = title.trim().toLowerCase();
      if (wanted === '' || spaces.length === 0) return [];
      const allowed = new Set(spaces);
      const found: PageMeta[] = [];
      const seen = new Set<string>();
      for await (const response of walkCql(buildTitleCql(title, spaces), pageSize, 'none', MAX_TITLE_PAGES)) {
        for (const result of response.results) {
          const meta = metaFromSearchResult(result, linksBase(response));
          if (!meta || seen.has(meta.id)) continue;
          seen.add(meta.id);
          remember(meta);
          if (allowed.has(meta.spaceKey) && meta.title.trim().toLowerCase() === wanted) found.push(meta);
        }
      }
      return readableBy(found, as);
    },

    /**
     * By CQL (`parent = …`), not v2 `/pages/{id}/children`: that lists ids and titles only, and
     * the gate needs every child's labels (deny-list) and space, which CQL returns in the same
     * reply; restricted children are omitted by Confluence, and checked per user when acting for
     * someone else.
     */
    async getChildren(id: string, request: TreeRequest, as: Identity): Promise<PageMeta[]> {
      if (!PAGE_ID.test(id) || request.spaces.length === 0) return [];
      if (!(await actsAsOwner(as)) && !(await canRead(id, as.accountId))) return [];
      const found: PageMeta[] = [];
      const spaces = new Set(request.spaces);
      const excluded = new Set(request.excludeLabels);
      const seen = new Set<string>();
      for await (const response of walkCql(buildChildrenCql(id, request.spaces, request.excludeLabels), pageSize, 'none', MAX_CHILD_PAGES)) {
        for (const result of response.results) {
          const meta = metaFromSearchResult(result, linksBase(response));
          if (!meta || seen.has(meta.id)) continue;
          seen.add(meta.id);
          remember(meta);
          if (meta.parentId === id && spaces.has(meta.spaceKey) && !meta.labels.some((label) => excluded.has(label))) found.push(meta);
        }
      }
      return readableBy(found, as);
    },

    /** v2 `/pages/{id}/ancestors` (ids, root first), then one CQL request for their metadata. */
    async getAncestors(id: string, request: TreeRequest, as: Identity): Promise<PageMeta[]> {
      if (!PAGE_ID.test(id) || request.spaces.length === 0) return [];
      if (!(await actsAsOwner(as)) && !(await canRead(id, as.accountId))) return [];
      let response;
      try {
        response = await v2.ancestors.getPageAncestors({ id: id as unknown as number, limit: 250 });
      } catch (error) {
        if (isNotFoundError(error)) return []; // missing and restricted look the same
        throw error;
      }
      const chain = (response.results ?? []).filter((a) => a.type === 'page' && a.id && PAGE_ID.test(a.id)).map((a) => a.id as string);
      if (chain.length === 0) return [];
      const byId = new Map<string, PageMeta>();
      const spaces = new Set(request.spaces);
      const excluded = new Set(request.excludeLabels);
      for await (const page of walkCql(buildIdsCql(chain, request.spaces, request.excludeLabels), pageSize, 'none', Math.ceil(chain.length / pageSize) + 1)) {
        for (const result of page.results) {
          const meta = metaFromSearchResult(result, linksBase(page));
          if (!meta) continue;
          remember(meta);
          if (spaces.has(meta.spaceKey) && !meta.labels.some((label) => excluded.has(label))) byId.set(meta.id, meta);
        }
      }
      const ordered = chain.flatMap((ancestor) => byId.get(ancestor) ?? []);
      return readableBy(ordered, as);
    },

    /** v2 `/pages/{id}/versions`, newest first; 404 (missing or restricted) is `undefined`. */
    async getHistory(id: string, limit: number, as: Identity): Promise<PageVersion[] | undefined> {
      if (!PAGE_ID.test(id)) return undefined;
      if (!(await actsAsOwner(as)) && !(await canRead(id, as.accountId))) return undefined;
      const wanted = Math.min(Math.max(Math.floor(limit) || 1, 1), MAX_VERSIONS);
      try {
        const response = await v2.version.getPageVersions({ id: id as unknown as number, limit: wanted, sort: '-modified-date' });
        return (response.results ?? [])
          .filter((version) => typeof version.number === 'number')
          .map((version) => ({ number: version.number as number, when: isoDate(version.createdAt), by: version.authorId || undefined, message: version.message ?? '' }))
          .sort((a, b) => b.number - a.number)
          .slice(0, wanted);
      } catch (error) {
        if (isNotFoundError(error)) return undefined;
        throw error;
      }
    },

    async listSpaces(): Promise<SpaceInfo[]> {
      const spaces: SpaceInfo[] = [];
      let cursor: string | undefined;
      const seen = new Set<string>();
      for (let page = 0; page < MAX_TITLE_PAGES * 10; page++) {
        const response = await v2.space
          .getSpaces({ limit: 250, descriptionFormat: 'plain', ...(cursor ? { cursor } : {}) })
          .catch(notFoundIsUpstream);
        for (const space of response.results ?? []) {
          if (!space.id || !space.key) continue;
          const info: SpaceInfo = { key: space.key, name: space.name ?? space.key, description: space.description?.plain?.value || undefined };
          spacesById.set(space.id, info);
          spaces.push(info);
        }
        const next = nextPageParams(response._links?.next)?.cursor;
        if (!next || seen.has(next)) break;
        seen.add(next);
        cursor = next;
      }
      return spaces;
    },

    /**
     * By accountId: `GET /rest/api/user`. By display name: `/rest/api/search/user` with
     * `user.fullname ~ "…"`, then an exact, case-insensitive match. By email: Cloud has no email
     * lookup for API tokens (emails are private by default; `/user/email` is reserved for approved
     * apps), so an email only matches when the person's profile shows it and their display name
     * contains the email's local part. Ambiguous matches answer `undefined`.
     */
    async findUser(ref: string): Promise<UserInfo | undefined> {
      const matches = await source.findUsers(ref, 2);
      return matches.length === 1 ? matches[0] : undefined;
    },

    /** Every exact match, as findUser describes: by accountId first, then by display name or visible email. */
    async findUsers(ref: string, limit = 10): Promise<UserInfo[]> {
      const wanted = ref.trim();
      if (wanted === '') return [];
      if (ACCOUNT_ID_LIKE.test(wanted)) {
        const user = await byAccountId.get(wanted, async () => {
          try {
            return userInfoFromV1(await v1.users.getUser({ accountId: wanted }));
          } catch (error) {
            const notAnId = isNotFoundError(error) || (error instanceof ConfluenceUpstreamError && error.status === 400);
            if (!notAnId) throw error;
            return undefined;
          }
        });
        if (user) return [user];
      }
      const lower = wanted.toLowerCase();
      const isEmail = wanted.includes('@');
      const name = isEmail ? wanted.slice(0, wanted.indexOf('@')).replace(/[._+-]+/g, ' ') : wanted;
      if (name.trim() === '') return [];
      const response = await v1.search.searchUser({ cql: buildUserSearchCql(name), limit: 50 }).catch(notFoundIsUpstream);
      const matches = new Map<string, UserInfo>();
      for (const result of response.results) {
        const user = result.user ? userInfoFromV1(result.user) : undefined;
        if (!user) continue;
        const hit = isEmail ? user.email?.toLowerCase() === lower : user.displayName.toLowerCase() === lower;
        if (hit) matches.set(user.accountId, user);
      }
      return [...matches.values()].slice(0, limit);
    },

    /**
     * `GET /wiki/rest/api/group/picker?query=` (confluence.js `group.searchGroups`): a partial,
     * case-insensitive match, narrowed here to the exact name. Paged until the name is past.
     */
    async findGroups(name: string): Promise<GroupInfo[]> {
      const wanted = name.trim().toLowerCase();
      if (wanted === '') return [];
      const found = new Map<string, GroupInfo>();
      for (let start = 0, page = 0; page < MAX_TITLE_PAGES; page++) {
        const response = await v1.group.searchGroups({ query: name.trim(), start, limit: 200 }).catch(notFoundIsUpstream);
        for (const group of response.results) if (group.name.toLowerCase() === wanted) found.set(group.id, { name: group.name, id: group.id });
        if (!response._links?.next || response.results.length === 0) break;
        start += response.results.length;
      }
      return [...found.values()];
    },

    async close() {
      spacesById.clear();
      titleLinks.clear();
    },
  };
  return source;
}
