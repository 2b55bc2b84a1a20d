/**
 * `ContentSource` over Confluence Data Center (7.19 / 8.x / 9.x, REST v1 only) for the owner of a
 * personal access token (or a username and password). Data Center enforces that user's page
 * restrictions itself: restricted pages are left out of search and answer 404 like missing ones.
 *
 * What differs from the Cloud source, and why:
 * - Paths are `/rest/api/…` under the configured base, context path included; no `/wiki`, no v2.
 * - Paging is `start`/`limit`; `limit` is silently capped, so walks follow `size` and `_links.next`.
 *   A search window's `next` is a `start` offset, as on Cloud.
 * - No v2: children are CQL on `/rest/api/content/search`, breadcrumbs `?expand=ancestors`, and
 *   history `/content/{id}/history` (latest, previous and first version only).
 * - People are usernames (Data Center has no accountId and shows no email).
 * - Acting for anyone but the token owner is refused: Data Center has no endpoint that answers
 *   "may user X read page Y", so the service-account mode cannot be made safe here.
 * - A wrong PAT can be served as anonymous with a 200; the owner is checked with
 *   `/rest/api/user/current` before anything is read, and anonymous fails closed.
 */
import { isNotFoundError } from 'confluence.js';
import type { z } from 'zod';
import type { GroupInfo, Identity, Page, PageMeta, PageSummary, PageVersion, SpaceInfo, UserInfo } from '../../domain/types.js';
import { StewardError, UpstreamError } from '../../errors.js';
import type { ContentSource, GetPageOptions, ListRequest, SearchRequest, SearchResults, TreeRequest } from '../content-source.js';
import { ConfluenceUpstreamError, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS, resilientClient, type TransportOptions } from './confluence-client.js';
import { buildChildrenCql, buildIdsCql, buildListCql, buildSearchCql, buildTitleCql } from './cql.js';
import { DcContent, DcContentPage, DcHistory, DcSearchPage, DcSpacePage, DcGroup, DcUser } from './dc-shapes.js';
import { type DataCenterAuth, dataCenterAttempt } from './dc-transport.js';
import { isoDate, metaFromContent, nextPageParams, pageFilter, plainSearchText, type PersonId } from './mapping.js';
import { storageToMarkdown } from './storage-to-markdown.js';
import { createPeopleCache } from './people-cache.js';
import { createTitleLinks } from './title-links.js';

export interface DataCenterSourceConfig extends TransportOptions {
  /** The Data Center base URL, context path included: `https://wiki.example.com` or `https://example.com/confluence`. */
  baseUrl: string;
  auth: DataCenterAuth;
  /** Rows per CQL request when listing. Default 50. */
  pageSize?: number;
  /** Title-only page links looked up per `getPage`. Default 10. */
  maxLinkLookups?: number;
}

export interface DataCenterSource extends ContentSource {
  readonly kind: 'confluence';
  readonly deployment: 'datacenter';
  /** The token owner, as Data Center reports them (cached); anonymous is an error. */
  currentUser(): Promise<UserInfo>;
}

/** Expansions on `/rest/api/search` sit on the result wrapper, hence `content.`. */
const SEARCH_EXPAND = 'content.space,content.version,content.metadata.labels,content.history,content.ancestors';
const PAGE_EXPAND = 'body.storage,version,space,ancestors,metadata.labels,history';
/** The same metadata on `/rest/api/content/search`, whose rows are Content (no `content.`). */
const CONTENT_EXPAND = 'space,version,metadata.labels,history,ancestors';
/** Data Center caps `/rest/api/search` at 50 rows with these expansions, whatever is asked for. */
const MAX_SEARCH_LIMIT = 50;
const MAX_SEARCH_PAGES = 5;
const MAX_LIST_PAGES = 2_000;
const MAX_TITLE_PAGES = 10;
const MAX_SPACE_PAGES = 100;
const MAX_CHILD_PAGES = 10;
const PAGE_ID = /^\d{1,20}$/;
/** Usernames and user keys: no spaces, no query syntax. */
const USER_REF = /^[A-Za-z0-9._@+-]{1,255}$/;

const dcPerson: PersonId<DcUser> = (user) => user?.username ?? undefined;

/** Trailing slashes dropped; the path is kept as given (a context path may itself be `/wiki`). */
export function normaliseDataCenterUrl(baseUrl: string): string {
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    throw new StewardError(`Confluence base URL ${JSON.stringify(baseUrl)} is not a valid URL.`, 'config_error');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new StewardError('Confluence base URL must be http(s).', 'config_error');
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

export function userInfoFromDc(user: DcUser): UserInfo | undefined {
  if (user.type === 'anonymous' || !user.username) return undefined;
  return { accountId: user.username, displayName: user.displayName ?? user.username, groups: [] };
}

export function createDataCenterSource(config: DataCenterSourceConfig): DataCenterSource {
  const baseUrl = normaliseDataCenterUrl(config.baseUrl);
  const credentials = config.auth.type === 'bearer' ? 'CONFLUENCE_PERSONAL_TOKEN (an unexpired personal access token)' : 'CONFLUENCE_USERNAME and CONFLUENCE_PASSWORD';
  const client = resilientClient(dataCenterAttempt(baseUrl, config.auth, config.timeoutMs ?? DEFAULT_TIMEOUT_MS), {
    ...config,
    authHint: `check ${credentials}`,
  });
  const pageSize = Math.min(Math.max(config.pageSize ?? MAX_SEARCH_LIMIT, 1), MAX_SEARCH_LIMIT);
  let owner: Promise<UserInfo> | undefined;
  const byRef = createPeopleCache<UserInfo | undefined>();
  // Every read is the token owner's (anyone else is refused), so title lookups may always be used.
  const titleLinks = createTitleLinks({
    maxLookups: config.maxLinkLookups ?? 10,
    concurrency: Math.max(1, config.concurrency ?? DEFAULT_CONCURRENCY),
    lookup: async (title, spaceKey) => {
      const found: PageMeta[] = [];
      for await (const batch of pagesOf(buildTitleCql(title, [spaceKey]), 10, 1, () => true)) found.push(...batch);
      return found;
    },
  });

  const get = <T>(path: string, searchParams: Record<string, unknown>, schema: z.ZodType<T>) =>
    client.sendRequest<T>({ url: path, method: 'GET', searchParams, schema });

  /** A 404 from a collection endpoint means the base URL (or its context path) is wrong, not that something is hidden. */
  const notFoundIsUpstream = (error: unknown): never => {
    if (isNotFoundError(error)) {
      throw new ConfluenceUpstreamError(
        'Confluence Data Center answered 404 for an API endpoint: check CONFLUENCE_URL, including the context path (e.g. https://example.com/confluence).',
        404,
      );
    }
    throw error;
  };

  /**
   * One CQL query, page by page. The next offset comes from `_links.next` (relative to
   * `_links.base`, so it is read, never resolved against the origin) or else `start + size`;
   * the walk stops on a missing `next`, an empty page or an offset already seen.
   */
  function walkCql(cql: string, limit: number, excerpt: 'indexed_unescaped' | 'none', maxPages: number, from = 0): AsyncGenerator<DcSearchPage> {
    return walk('/rest/api/search', { cql, limit, excerpt, expand: SEARCH_EXPAND }, DcSearchPage, maxPages, from);
  }

  /** `/rest/api/content/search`: the same CQL, Content rows (navigation reads nothing else). */
  function walkContent(cql: string, maxPages: number): AsyncGenerator<DcContentPage> {
    return walk('/rest/api/content/search', { cql, limit: pageSize, expand: CONTENT_EXPAND }, DcContentPage, maxPages, 0);
  }

  async function* walk<T extends DcSearchPage | DcContentPage>(
    path: string,
    params: Record<string, unknown>,
    schema: z.ZodType<T>,
    maxPages: number,
    from: number,
  ): AsyncGenerator<T> {
    let start = from;
    const seen = new Set<number>([start]);
    for (let page = 0; page < maxPages; page++) {
      const response = await get(path, { ...params, start }, schema).catch(notFoundIsUpstream);
      yield response;
      const next = response._links?.next;
      if (!next || response.results.length === 0) return;
      const from = nextPageParams(next)?.start ?? start + (response.size ?? response.results.length);
      if (seen.has(from)) return;
      seen.add(from);
      start = from;
    }
  }

  const linksBase = (response: { _links?: { base?: string | null } | null }) => response._links?.base ?? baseUrl;

  async function currentUser(): Promise<UserInfo> {
    owner ??= get('/rest/api/user/current', {}, DcUser).then((user) => {
      const info = userInfoFromDc(user);
      if (!info) {
        // CONFSERVER-98199: with anonymous access on, a PAT that did not take is served as anonymous.
        throw new ConfluenceUpstreamError(
          `Confluence Data Center answered as an anonymous user: the credentials were not accepted; check ${credentials}.`,
          401,
        );
      }
      return info;
    }, notFoundIsUpstream);
    try {
      return await owner;
    } catch (error) {
      owner = undefined; // retry the lookup next time
      throw error;
    }
  }

  /**
   * Whether to read for `as`: the token owner yes; no identity no; anyone else is refused, since
   * Data Center cannot check another user's permissions and guessing would leak.
   */
  async function readsFor(as: Identity): Promise<boolean> {
    if (as.accountId === '') return false;
    const me = await currentUser();
    if (as.accountId === me.accountId) return true;
    throw new StewardError(
      `Confluence Data Center cannot check page permissions for another user, so this server reads only as ${me.accountId}, the owner of its credentials (asked to act as ${JSON.stringify(as.accountId.slice(0, 100))}). Use that user's own token.`,
      'config_error',
    );
  }

  const rows = (response: DcSearchPage) =>
    response.results.map((result) => ({
      result,
      meta: metaFromContent(result.content, linksBase(response), dcPerson, {
        title: plainSearchText(result.title ?? ''),
        url: result.url ?? undefined,
        updated: result.lastModified,
      }),
    }));

  /** Pages a CQL query yields that pass `keep`, de-duplicated (Data Center paging can repeat rows). */
  async function* pagesOf(cql: string, limit: number, maxPages: number, keep: (meta: PageMeta) => boolean): AsyncGenerator<PageMeta[]> {
    const seen = new Set<string>();
    for await (const response of walkCql(cql, limit, 'none', maxPages)) {
      const batch: PageMeta[] = [];
      for (const { meta } of rows(response)) {
        if (!meta || seen.has(meta.id)) continue;
        seen.add(meta.id);
        titleLinks.remember(meta);
        if (keep(meta)) batch.push(meta);
      }
      yield batch;
    }
  }

  /** One item by path; a 404 (missing, or restricted for the owner) is `undefined`. */
  async function contentOrMissing<T>(path: string, searchParams: Record<string, unknown>, schema: z.ZodType<T>): Promise<T | undefined> {
    try {
      return await get(path, searchParams, schema);
    } catch (error) {
      if (isNotFoundError(error)) return undefined; // missing and restricted look the same
      throw error;
    }
  }

  /** Pages a navigation CQL query yields inside the request's spaces and outside its denied labels. */
  async function* contentMetas(cql: string, request: TreeRequest, maxPages: number): AsyncGenerator<PageMeta> {
    const spaces = new Set(request.spaces);
    const excluded = new Set(request.excludeLabels);
    const seen = new Set<string>();
    for await (const response of walkContent(cql, maxPages)) {
      for (const content of response.results) {
        const meta = metaFromContent(content, linksBase(response), dcPerson);
        if (!meta || seen.has(meta.id)) continue;
        seen.add(meta.id);
        titleLinks.remember(meta);
        if (spaces.has(meta.spaceKey) && !meta.labels.some((label) => excluded.has(label))) yield meta;
      }
    }
  }

  const source: DataCenterSource = {
    kind: 'confluence',
    deployment: 'datacenter',

    describe() {
      const who = config.auth.type === 'bearer' ? 'the owner of the personal access token' : config.auth.username;
      return `Confluence Data Center ${baseUrl} (as ${who})`;
    },

    currentUser,

    /**
     * Data Center leaves out what the owner may not read, so positions count only rows it sent;
     * `next` is the position after the last row returned (or after all read, when fewer were
     * kept), in the same `start` offsets the Cloud source uses.
     */
    async search(request: SearchRequest, as: Identity): Promise<SearchResults> {
      const cql = buildSearchCql(request); // agent text only ever inside one quoted string
      if (!(await readsFor(as))) return { pages: [] };
      const limit = Math.min(Math.max(Math.floor(request.limit) || 1, 1), MAX_SEARCH_LIMIT);
      const start = Math.max(0, Math.floor(request.start ?? 0));
      const keep = pageFilter(request);
      const found: { page: PageSummary; at: number }[] = [];
      const seen = new Set<string>();
      let position = start;
      let more = false;
      for await (const response of walkCql(cql, limit, 'indexed_unescaped', MAX_SEARCH_PAGES, start)) {
        more = Boolean(response._links?.next) && response.results.length > 0;
        for (const { result, meta } of rows(response)) {
          const at = position++;
          if (!meta || seen.has(meta.id)) continue;
          seen.add(meta.id);
          titleLinks.remember(meta);
          if (!keep(meta)) continue;
          found.push({ page: { ...meta, excerpt: plainSearchText(result.excerpt ?? '') }, at });
        }
        if (found.length >= limit) break;
      }
      const kept = found.slice(0, limit);
      const pages = kept.map((entry) => entry.page);
      if (!more && found.length === kept.length) return { pages };
      return { pages, next: kept.length === limit ? kept[kept.length - 1].at + 1 : position };
    },

    async getPage(id: string, as: Identity, options: GetPageOptions = {}): Promise<Page | undefined> {
      // Not a Confluence page id: cannot exist (and must never reach a URL path).
      if (!PAGE_ID.test(id)) return undefined;
      if (!(await readsFor(as))) return undefined;
      let content: DcContent;
      try {
        content = await get(`/rest/api/content/${id}`, { expand: PAGE_EXPAND }, DcContent);
      } catch (error) {
        if (isNotFoundError(error)) return undefined; // missing and restricted look the same
        throw error;
      }
      if (content.type !== 'page') return undefined;
      if (content.status && content.status !== 'current' && content.status !== 'archived') return undefined;
      const meta = metaFromContent(content, content._links?.base ?? baseUrl, dcPerson, { url: `/pages/viewpage.action?pageId=${id}` });
      // Fails closed: without the page's real space the gate cannot apply the space policy.
      if (!meta) throw new UpstreamError(`Confluence did not report which space page ${id} belongs to.`);
      titleLinks.remember(meta);
      const storage = content.body?.storage?.value ?? '';
      await titleLinks.learn(storage, meta.spaceKey, options.spaces);
      const body = storageToMarkdown(storage, { resolvePageLink: titleLinks.resolver(meta.spaceKey, options.spaces, true) });
      return { ...meta, body };
    },

    async *listPages(request: ListRequest, as: Identity): AsyncIterable<PageMeta> {
      const cql = buildListCql(request);
      if (!(await readsFor(as))) return;
      for await (const batch of pagesOf(cql, pageSize, MAX_LIST_PAGES, pageFilter(request))) yield* batch;
    },

    async findPagesByTitle(title: string, spaces: string[], as: Identity): Promise<PageMeta[]> {
      const wanted = title.trim().toLowerCase();
      if (wanted === '' || spaces.length === 0) return [];
      const cql = buildTitleCql(title, spaces);
      if (!(await readsFor(as))) return [];
      const allowed = new Set(spaces);
      const found: PageMeta[] = [];
      for await (const batch of pagesOf(cql, pageSize, MAX_TITLE_PAGES, (meta) => allowed.has(meta.spaceKey) && meta.title.trim().toLowerCase() === wanted)) {
        found.push(...batch);
      }
      return found;
    },

    /** CQL `parent = ID` on `/rest/api/content/search`; Data Center omits children the owner may not read. */
    async getChildren(id: string, request: TreeRequest, as: Identity): Promise<PageMeta[]> {
      if (!PAGE_ID.test(id) || request.spaces.length === 0) return [];
      if (!(await readsFor(as))) return [];
      // The page itself must be readable: children of a restricted parent are not shown either.
      if ((await contentOrMissing(`/rest/api/content/${id}`, { expand: 'space' }, DcContent)) === undefined) return [];
      const found: PageMeta[] = [];
      for await (const meta of contentMetas(buildChildrenCql(id, request.spaces, request.excludeLabels), request, MAX_CHILD_PAGES)) {
        if (meta.parentId === id) found.push(meta);
      }
      return found;
    },

    /** `/rest/api/content/{id}?expand=ancestors` (root first), then one CQL request for their metadata. */
    async getAncestors(id: string, request: TreeRequest, as: Identity): Promise<PageMeta[]> {
      if (!PAGE_ID.test(id) || request.spaces.length === 0) return [];
      if (!(await readsFor(as))) return [];
      const content = await contentOrMissing(`/rest/api/content/${id}`, { expand: 'ancestors' }, DcContent);
      const chain = (content?.ancestors ?? []).filter((a) => a.type === 'page' && a.id && PAGE_ID.test(a.id)).map((a) => a.id as string);
      if (chain.length === 0) return [];
      const byId = new Map<string, PageMeta>();
      for await (const meta of contentMetas(buildIdsCql(chain, request.spaces, request.excludeLabels), request, Math.ceil(chain.length / pageSize) + 1)) {
        byId.set(meta.id, meta);
      }
      return chain.flatMap((ancestor) => byId.get(ancestor) ?? []);
    },

    /**
     * `/rest/api/content/{id}/history`, not `/rest/api/content/{id}/version`: the version list
     * is not on every Data Center version (an unknown resource answers 404 just like a
     * restricted page, so a fallback could not tell them apart). History gives the latest
     * version, the one before it and the creation: at most three entries, newest first.
     */
    async getHistory(id: string, limit: number, as: Identity): Promise<PageVersion[] | undefined> {
      if (!PAGE_ID.test(id)) return undefined;
      if (!(await readsFor(as))) return undefined;
      const history = await contentOrMissing(`/rest/api/content/${id}/history`, { expand: 'lastUpdated,previousVersion' }, DcHistory);
      if (history === undefined) return undefined;
      const versions = new Map<number, PageVersion>();
      for (const version of [history.lastUpdated, history.previousVersion]) {
        if (typeof version?.number !== 'number' || versions.has(version.number)) continue;
        versions.set(version.number, { number: version.number, when: isoDate(version.when ?? undefined), by: dcPerson(version.by), message: version.message ?? '' });
      }
      if (!versions.has(1) && history.createdDate) versions.set(1, { number: 1, when: isoDate(history.createdDate), by: dcPerson(history.createdBy), message: '' });
      return [...versions.values()].sort((a, b) => b.number - a.number).slice(0, Math.max(1, Math.floor(limit) || 1));
    },

    async listSpaces(): Promise<SpaceInfo[]> {
      const spaces = new Map<string, SpaceInfo>();
      let start = 0;
      const seen = new Set<number>([0]);
      for (let page = 0; page < MAX_SPACE_PAGES; page++) {
        const response = await get('/rest/api/space', { limit: 100, start, expand: 'description.plain' }, DcSpacePage).catch(notFoundIsUpstream);
        for (const space of response.results) {
          // CONFSERVER-95312: a start past the end may repeat a record.
          if (!spaces.has(space.key)) spaces.set(space.key, { key: space.key, name: space.name ?? space.key, description: space.description?.plain?.value || undefined });
        }
        const next = response._links?.next;
        if (!next || response.results.length === 0) break;
        const from = nextPageParams(next)?.start ?? start + (response.size ?? response.results.length);
        if (seen.has(from)) break;
        seen.add(from);
        start = from;
      }
      return [...spaces.values()];
    },

    /**
     * By username (`/rest/api/user?username=`), then by user key. Data Center shows no emails and
     * has no display-name search for users, so those match only the token owner.
     */
    async findUser(ref: string): Promise<UserInfo | undefined> {
      const wanted = ref.trim();
      if (wanted === '') return undefined;
      const me = await currentUser().catch(() => undefined);
      if (me && (me.accountId.toLowerCase() === wanted.toLowerCase() || me.displayName.toLowerCase() === wanted.toLowerCase())) return me;
      if (!USER_REF.test(wanted)) return undefined;
      return byRef.get(wanted, async () => {
        for (const param of ['username', 'key'] as const) {
          try {
            const user = userInfoFromDc(await get('/rest/api/user', { [param]: wanted }, DcUser));
            if (user) return user;
          } catch (error) {
            const notAUser = isNotFoundError(error) || (error instanceof ConfluenceUpstreamError && error.status === 400);
            if (!notAUser) throw error;
          }
        }
        return undefined;
      });
    },

    /** Data Center has no user search by name or email: at most the one user findUser finds. */
    async findUsers(ref: string, limit = 10): Promise<UserInfo[]> {
      const user = limit > 0 ? await source.findUser(ref) : undefined;
      return user ? [user] : [];
    },

    /** `GET /rest/api/group/{name}`: Data Center groups have names, no ids; 404 when there is none. */
    async findGroups(name: string): Promise<GroupInfo[]> {
      const wanted = name.trim();
      if (wanted === '') return [];
      try {
        const group = await get(`/rest/api/group/${encodeURIComponent(wanted)}`, {}, DcGroup);
        return [{ name: group.name }];
      } catch (error) {
        if (isNotFoundError(error)) return [];
        throw error;
      }
    },

    async close() {
      titleLinks.clear();
    },
  };
  return source;
}
