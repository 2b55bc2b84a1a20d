import { basename } from 'node:path';
import { canRead, principalsOf } from '../../domain/restrictions.js';
import type { GroupInfo, Identity, Page, PageMeta, PageVersion, RestrictionSet, SpaceInfo, UserInfo } from '../../domain/types.js';
import { oneLine } from '../../text/markdown.js';
import type { ContentSource, ListRequest, SearchRequest, SearchResults, TreeRequest } from '../content-source.js';
import { ftsMatchExpression } from './fts-query.js';
import { type SitePageRow, SiteIndexReader, type Visibility } from '../../store/site-index-reader.js';
import { openSiteIndex } from '../../store/site-index.js';

/** Deepest page tree walked for a breadcrumb. */
const MAX_DEPTH = 100;

/** The embedded source: a site folder indexed into SQLite FTS5 (BM25), restrictions per user. */
export class LocalSource implements ContentSource {
  readonly kind = 'local' as const;
  private readonly baseUrl: string;
  readonly defaultUser: string | undefined;

  private constructor(
    private readonly index: SiteIndexReader,
    private readonly siteDir: string,
    readonly problems: string[],
    readonly rebuilt: boolean,
  ) {
    this.baseUrl = index.meta('baseUrl');
    this.defaultUser = index.meta('defaultUser') || undefined;
  }

  static open(siteDir: string, dataDir: string): LocalSource {
    const { db, rebuilt, problems } = openSiteIndex(siteDir, dataDir);
    return new LocalSource(new SiteIndexReader(db), siteDir, problems, rebuilt);
  }

  describe(): string {
    const count = this.index.pageCount();
    return `local site ${basename(this.siteDir)} (${count} pages${this.problems.length ? `, ${this.problems.length} skipped` : ''})`;
  }

  async search(request: SearchRequest, as: Identity): Promise<SearchResults> {
    const match = ftsMatchExpression(request.text);
    if (match === undefined || request.spaces.length === 0) return { pages: [] };
    const start = Math.max(0, Math.floor(request.start ?? 0));
    // One row more than asked tells whether another window exists.
    const rows = this.index.search(match, this.visibility(request.spaces, request.excludeLabels, as), {
      labels: request.labels,
      updatedSince: request.updatedSince,
      limit: request.limit + 1,
      offset: start,
    });
    const pages = rows.slice(0, request.limit).map((row) => ({ ...this.toMeta(row), excerpt: oneLine(row.excerpt) }));
    return rows.length > request.limit ? { pages, next: start + request.limit } : { pages };
  }

  async getPage(id: string, as: Identity): Promise<Page | undefined> {
    const row = this.index.page(id);
    if (!row) return undefined;
    const meta = this.toMeta(row);
    // Same contract as Confluence: a page this user may not read is simply not there.
    // (The gate checks readRestrictions again.)
    if (!canRead(as, meta.readRestrictions)) return undefined;
    return { ...meta, body: row.body_md };
  }

  async *listPages(request: ListRequest, as: Identity): AsyncGenerator<PageMeta> {
    const batches = this.index.listPages(this.visibility(request.spaces, request.excludeLabels, as), {
      updatedBefore: request.updatedBefore,
      updatedSince: request.updatedSince,
    });
    for (const rows of batches) for (const row of rows) yield this.toMeta(row);
  }

  async findPagesByTitle(title: string, spaces: string[], as: Identity): Promise<PageMeta[]> {
    return this.index.pagesByTitle(title, this.visibility(spaces, [], as)).map((row) => this.toMeta(row));
  }

  async getChildren(id: string, request: TreeRequest, as: Identity): Promise<PageMeta[]> {
    if ((await this.getPage(id, as)) === undefined) return [];
    return this.index.children(id, this.visibility(request.spaces, request.excludeLabels, as)).map((row) => this.toMeta(row));
  }

  async getAncestors(id: string, request: TreeRequest, as: Identity): Promise<PageMeta[]> {
    if ((await this.getPage(id, as)) === undefined) return [];
    const chain: string[] = [];
    const seen = new Set([id]);
    // Bounded and cycle-safe: a hand-written site folder can point parents in a circle.
    for (let parent = this.index.page(id)?.parent_id; parent && !seen.has(parent) && chain.length < MAX_DEPTH; parent = this.index.page(parent)?.parent_id) {
      seen.add(parent);
      chain.unshift(parent);
    }
    const visible = new Map(this.index.visiblePages(chain, this.visibility(request.spaces, request.excludeLabels, as)).map((row) => [row.id, row]));
    return chain.flatMap((ancestor) => {
      const row = visible.get(ancestor);
      return row ? [this.toMeta(row)] : [];
    });
  }

  /**
   * The site format records a page's creation and its latest version only (front matter
   * `created`/`createdBy`, `updated`/`lastUpdatedBy`/`version`), so that is the history: no
   * invented versions in between, and no version messages.
   */
  async getHistory(id: string, limit: number, as: Identity): Promise<PageVersion[] | undefined> {
    const page = await this.getPage(id, as);
    if (page === undefined) return undefined;
    const versions: PageVersion[] = [{ number: page.version, when: page.updated, by: page.lastUpdatedBy, message: '' }];
    if (page.version > 1) versions.push({ number: 1, when: page.created, by: page.createdBy, message: '' });
    return versions.slice(0, Math.max(1, limit));
  }

  async listSpaces(): Promise<SpaceInfo[]> {
    return this.index.spaces().map((row) => ({ key: row.key, name: row.name, description: row.description ?? undefined }));
  }

  async findUser(ref: string): Promise<UserInfo | undefined> {
    const wanted = ref.trim();
    const rows = this.index.usersMatching(wanted);
    // Fails closed: an ambiguous display name resolves to nobody.
    if (rows.length === 0 || (rows.length > 1 && rows[0].account_id !== wanted)) return undefined;
    const user = rows[0];
    return { accountId: user.account_id, displayName: user.display_name, email: user.email ?? undefined, groups: JSON.parse(user.groups_json) };
  }

  async findUsers(ref: string, limit = 10): Promise<UserInfo[]> {
    return this.index.usersMatching(ref.trim(), limit).map((user) => ({ accountId: user.account_id, displayName: user.display_name, email: user.email ?? undefined, groups: JSON.parse(user.groups_json) }));
  }

  async findGroups(name: string): Promise<GroupInfo[]> {
    return this.index.groupsNamed(name).map((group) => ({ name: group }));
  }

  async close(): Promise<void> {
    this.index.close();
  }

  private visibility(spaces: string[], excludeLabels: string[], as: Identity): Visibility {
    return { spaces, excludeLabels, principals: principalsOf(as) };
  }

  private toMeta(row: SitePageRow): PageMeta {
    return {
      id: row.id,
      title: row.title,
      spaceKey: row.space,
      url: pageUrl(this.baseUrl, row.space, row.id),
      parentId: row.parent_id,
      labels: row.labels === '' ? [] : row.labels.split(' '),
      created: row.created,
      updated: row.updated,
      version: row.version,
      createdBy: row.created_by ?? undefined,
      lastUpdatedBy: row.last_updated_by ?? undefined,
      owner: row.owner ?? undefined,
      readRestrictions: row.restrictions_json ? (JSON.parse(row.restrictions_json) as RestrictionSet[]) : [],
    };
  }
}

/**
 * A page's URL: under the site's baseUrl when site.json gives one, else the same path relative
 * (`/spaces/IT/pages/1001`), stable and meaningful to any client. Never a file path: URLs go to
 * remote HTTP clients and into Jira issues, and the server's disk layout is not theirs to see.
 */
function pageUrl(baseUrl: string, space: string, id: string): string {
  return `${baseUrl ? baseUrl.replace(/\/$/, '') : ''}/spaces/${encodeURIComponent(space)}/pages/${encodeURIComponent(id)}`;
}
