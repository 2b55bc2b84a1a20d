import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type Database from 'better-sqlite3';
import { canRead, principalsOf } from '../../domain/restrictions.js';
import type { Identity, Page, PageMeta, PageSummary, RestrictionSet, SpaceInfo, UserInfo } from '../../domain/types.js';
import { oneLine } from '../../text/markdown.js';
import type { ContentSource, ListRequest, SearchRequest } from '../content-source.js';
import { ftsMatchExpression } from './fts-query.js';
import { openSiteIndex } from './local-index.js';

interface PageRow {
  id: string;
  title: string;
  space: string;
  parent_id: string | null;
  labels: string;
  created: string;
  updated: string;
  version: number;
  created_by: string | null;
  last_updated_by: string | null;
  owner: string | null;
  restrictions_json: string | null;
  file: string;
}

const META_COLUMNS = `p.id, p.title, p.space, p.parent_id, p.labels, p.created, p.updated, p.version,
  p.created_by, p.last_updated_by, p.owner, p.restrictions_json, p.file`;

/**
 * SQL that keeps only pages the acting user may read and the gate may show: inside the
 * requested spaces, without a denied label, and with every restriction set satisfied by one of
 * the user's principals. Filtering here (not only afterwards) keeps `limit` honest; the gate
 * still re-checks every row.
 */
const VISIBLE = `
  p.space IN (SELECT value FROM json_each(@spaces))
  AND NOT EXISTS (SELECT 1 FROM page_labels l WHERE l.page_rowid = p.rowid AND l.label IN (SELECT value FROM json_each(@excludeLabels)))
  AND NOT EXISTS (
    SELECT 1 FROM restriction_sets s WHERE s.page_rowid = p.rowid AND NOT EXISTS (
      SELECT 1 FROM restriction_members m WHERE m.set_id = s.set_id AND m.principal IN (SELECT value FROM json_each(@principals))))`;

const LIST_BATCH = 500;

/** The embedded source: a site folder indexed into SQLite FTS5 (BM25), restrictions per user. */
export class LocalSource implements ContentSource {
  readonly kind = 'local' as const;
  private readonly baseUrl: string;
  readonly defaultUser: string | undefined;

  private constructor(
    private readonly db: Database.Database,
    private readonly siteDir: string,
    readonly problems: string[],
    readonly rebuilt: boolean,
  ) {
    this.baseUrl = this.meta('baseUrl');
    this.defaultUser = this.meta('defaultUser') || undefined;
  }

  static open(siteDir: string, dataDir: string): LocalSource {
    const { db, rebuilt, problems } = openSiteIndex(siteDir, dataDir);
    return new LocalSource(db, siteDir, problems, rebuilt);
  }

  describe(): string {
    const count = (this.db.prepare(`SELECT count(*) AS n FROM pages`).get() as { n: number }).n;
    return `local site ${basename(this.siteDir)} (${count} pages${this.problems.length ? `, ${this.problems.length} skipped` : ''})`;
  }

  async search(request: SearchRequest, as: Identity): Promise<PageSummary[]> {
    const match = ftsMatchExpression(request.text);
    if (match === undefined || request.spaces.length === 0) return [];
    const labelFilter = request.labels?.length
      ? `AND EXISTS (SELECT 1 FROM page_labels l2 WHERE l2.page_rowid = p.rowid AND l2.label IN (SELECT value FROM json_each(@labels)))`
      : '';
    const since = request.updatedSince ? `AND p.updated >= @updatedSince` : '';
    const rows = this.db
      .prepare(
        `SELECT ${META_COLUMNS}, snippet(pages_fts, 2, '', '', '…', 28) AS excerpt
         FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid
         WHERE pages_fts MATCH @match AND ${VISIBLE} ${labelFilter} ${since}
         ORDER BY bm25(pages_fts, 10.0, 4.0, 1.0, 3.0)
         LIMIT @limit`,
      )
      .all({
        match,
        ...this.visibilityParams(request.spaces, request.excludeLabels, as),
        labels: JSON.stringify(request.labels ?? []),
        updatedSince: request.updatedSince ?? null,
        limit: request.limit,
      }) as (PageRow & { excerpt: string })[];
    return rows.map((row) => ({ ...this.toMeta(row), excerpt: oneLine(row.excerpt) }));
  }

  async getPage(id: string, as: Identity): Promise<Page | undefined> {
    const row = this.db
      .prepare(`SELECT ${META_COLUMNS}, p.body_md FROM pages p WHERE p.id = @id`)
      .get({ id }) as (PageRow & { body_md: string }) | undefined;
    if (!row) return undefined;
    const meta = this.toMeta(row);
    // Same contract as Confluence: a page this user may not read is simply not there.
    // (The gate checks readRestrictions again.)
    if (!canRead(as, meta.readRestrictions)) return undefined;
    return { ...meta, body: row.body_md };
  }

  async *listPages(request: ListRequest, as: Identity): AsyncGenerator<PageMeta> {
    const params = {
      ...this.visibilityParams(request.spaces, request.excludeLabels, as),
      before: request.updatedBefore ?? null,
      since: request.updatedSince ?? null,
    };
    const statement = this.db.prepare(
      `SELECT ${META_COLUMNS}, p.rowid AS rid FROM pages p
       WHERE ${VISIBLE}
         AND (@before IS NULL OR p.updated < @before) AND (@since IS NULL OR p.updated >= @since)
         AND (@cursorUpdated IS NULL OR p.updated < @cursorUpdated OR (p.updated = @cursorUpdated AND p.rowid < @cursorRowid))
       ORDER BY p.updated DESC, p.rowid DESC LIMIT ${LIST_BATCH}`,
    );
    let cursor: { updated: string | null; rowid: number } = { updated: null, rowid: 0 };
    // Keyset pages keep memory bounded and never hold a statement open across an await.
    for (;;) {
      const rows = statement.all({ ...params, cursorUpdated: cursor.updated, cursorRowid: cursor.rowid }) as (PageRow & { rid: number })[];
      for (const row of rows) yield this.toMeta(row);
      if (rows.length < LIST_BATCH) return;
      const last = rows[rows.length - 1];
      cursor = { updated: last.updated, rowid: last.rid };
    }
  }

  async findPagesByTitle(title: string, spaces: string[], as: Identity): Promise<PageMeta[]> {
    const rows = this.db
      .prepare(`SELECT ${META_COLUMNS} FROM pages p WHERE lower(p.title) = lower(@title) AND ${VISIBLE}`)
      .all({ title: title.trim(), ...this.visibilityParams(spaces, [], as) }) as PageRow[];
    return rows.map((row) => this.toMeta(row));
  }

  async listSpaces(): Promise<SpaceInfo[]> {
    const rows = this.db.prepare(`SELECT key, name, description FROM spaces ORDER BY key`).all() as {
      key: string;
      name: string;
      description: string | null;
    }[];
    return rows.map((row) => ({ key: row.key, name: row.name, description: row.description ?? undefined }));
  }

  async findUser(ref: string): Promise<UserInfo | undefined> {
    const wanted = ref.trim();
    const row = this.db
      .prepare(
        `SELECT account_id, display_name, email, groups_json FROM users
         WHERE account_id = @ref OR lower(email) = lower(@ref) OR lower(display_name) = lower(@ref)
         ORDER BY account_id = @ref DESC LIMIT 2`,
      )
      .all({ ref: wanted }) as { account_id: string; display_name: string; email: string | null; groups_json: string }[];
    // Fails closed: an ambiguous display name resolves to nobody.
    if (row.length === 0 || (row.length > 1 && row[0].account_id !== wanted)) return undefined;
    const user = row[0];
    return { accountId: user.account_id, displayName: user.display_name, email: user.email ?? undefined, groups: JSON.parse(user.groups_json) };
  }

  async close(): Promise<void> {
    this.db.close();
  }

  private meta(key: string): string {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
    return row?.value ?? '';
  }

  private visibilityParams(spaces: string[], excludeLabels: string[], as: Identity) {
    return {
      spaces: JSON.stringify(spaces),
      excludeLabels: JSON.stringify(excludeLabels),
      principals: JSON.stringify(principalsOf(as)),
    };
  }

  private toMeta(row: PageRow): PageMeta {
    return {
      id: row.id,
      title: row.title,
      spaceKey: row.space,
      url: this.baseUrl
        ? `${this.baseUrl.replace(/\/$/, '')}/spaces/${encodeURIComponent(row.space)}/pages/${encodeURIComponent(row.id)}`
        : pathToFileURL(row.file).href,
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
