import type Database from 'better-sqlite3';

/** A page row of the site index (what the local source maps to PageMeta). */
export interface SitePageRow {
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

export interface SiteUserRow {
  account_id: string;
  display_name: string;
  email: string | null;
  groups_json: string;
}

/** Who asks and what the gate allows: every query below keeps only rows this passes. */
export interface Visibility {
  spaces: string[];
  excludeLabels: string[];
  /** `user:<id>` / `group:<name>` principals of the acting user. */
  principals: string[];
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

function params(v: Visibility) {
  return { spaces: JSON.stringify(v.spaces), excludeLabels: JSON.stringify(v.excludeLabels), principals: JSON.stringify(v.principals) };
}

/** The queries the local source asks of its site index (src/store/site-index.ts builds it). */
export class SiteIndexReader {
  constructor(private readonly db: Database.Database) {}

  pageCount(): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM pages`).get() as { n: number }).n;
  }

  meta(key: string): string {
    const row = this.db.prepare(`SELECT value FROM meta WHERE key = ?`).get(key) as { value: string } | undefined;
    return row?.value ?? '';
  }

  /** FTS5 BM25 (title 10, headings 4, body 1, labels 3) over visible pages, with a snippet of the body. */
  search(
    match: string,
    visibility: Visibility,
    filters: { labels?: string[]; updatedSince?: string; limit: number; offset?: number },
  ): (SitePageRow & { excerpt: string })[] {
    const labelFilter = filters.labels?.length
      ? `AND EXISTS (SELECT 1 FROM page_labels l2 WHERE l2.page_rowid = p.rowid AND l2.label IN (SELECT value FROM json_each(@labels)))`
      : '';
    const since = filters.updatedSince ? `AND p.updated >= @updatedSince` : '';
    return this.db
      .prepare(
        `SELECT ${META_COLUMNS}, snippet(pages_fts, 2, '', '', '…', 28) AS excerpt
         FROM pages_fts JOIN pages p ON p.rowid = pages_fts.rowid
         WHERE pages_fts MATCH @match AND ${VISIBLE} ${labelFilter} ${since}
         ORDER BY bm25(pages_fts, 10.0, 4.0, 1.0, 3.0), p.rowid
         LIMIT @limit OFFSET @offset`,
      )
      .all({
        match,
        ...params(visibility),
        labels: JSON.stringify(filters.labels ?? []),
        updatedSince: filters.updatedSince ?? null,
        limit: filters.limit,
        offset: filters.offset ?? 0,
      }) as (SitePageRow & { excerpt: string })[];
  }

  /** One page with its Markdown, whoever may read it (the caller checks restrictions). */
  page(id: string): (SitePageRow & { body_md: string }) | undefined {
    return this.db.prepare(`SELECT ${META_COLUMNS}, p.body_md FROM pages p WHERE p.id = @id`).get({ id }) as (SitePageRow & { body_md: string }) | undefined;
  }

  /** Visible pages newest first, in keyset batches so memory stays bounded and no statement stays open across an await. */
  *listPages(visibility: Visibility, bounds: { updatedBefore?: string; updatedSince?: string }): Generator<SitePageRow[]> {
    const statement = this.db.prepare(
      `SELECT ${META_COLUMNS}, p.rowid AS rid FROM pages p
       WHERE ${VISIBLE}
         AND (@before IS NULL OR p.updated < @before) AND (@since IS NULL OR p.updated >= @since)
         AND (@cursorUpdated IS NULL OR p.updated < @cursorUpdated OR (p.updated = @cursorUpdated AND p.rowid < @cursorRowid))
       ORDER BY p.updated DESC, p.rowid DESC LIMIT ${LIST_BATCH}`,
    );
    const base = { ...params(visibility), before: bounds.updatedBefore ?? null, since: bounds.updatedSince ?? null };
    let cursor: { updated: string | null; rowid: number } = { updated: null, rowid: 0 };
    for (;;) {
      const rows = statement.all({ ...base, cursorUpdated: cursor.updated, cursorRowid: cursor.rowid }) as (SitePageRow & { rid: number })[];
      yield rows;
      if (rows.length < LIST_BATCH) return;
      const last = rows[rows.length - 1];
      cursor = { updated: last.updated, rowid: last.rid };
    }
  }

  pagesByTitle(title: string, visibility: Visibility): SitePageRow[] {
    return this.db
      .prepare(`SELECT ${META_COLUMNS} FROM pages p WHERE lower(p.title) = lower(@title) AND ${VISIBLE}`)
      .all({ title: title.trim(), ...params(visibility) }) as SitePageRow[];
  }

  /** Visible direct children of a page, by title. */
  children(parentId: string, visibility: Visibility): SitePageRow[] {
    return this.db
      .prepare(`SELECT ${META_COLUMNS} FROM pages p WHERE p.parent_id = @parentId AND ${VISIBLE} ORDER BY lower(p.title), p.id`)
      .all({ parentId, ...params(visibility) }) as SitePageRow[];
  }

  /** The visible ones of these pages, in no particular order. */
  visiblePages(ids: readonly string[], visibility: Visibility): SitePageRow[] {
    return this.db
      .prepare(`SELECT ${META_COLUMNS} FROM pages p WHERE p.id IN (SELECT value FROM json_each(@ids)) AND ${VISIBLE}`)
      .all({ ids: JSON.stringify(ids), ...params(visibility) }) as SitePageRow[];
  }

  spaces(): { key: string; name: string; description: string | null }[] {
    return this.db.prepare(`SELECT key, name, description FROM spaces ORDER BY key`).all() as { key: string; name: string; description: string | null }[];
  }

  /** Users whose accountId equals `ref`, or whose email or display name equals it case-insensitively (at most 2). */
  groupsNamed(name: string): string[] {
    return (this.db.prepare(`SELECT name FROM groups WHERE name = ? COLLATE NOCASE`).all(name.trim()) as Array<{ name: string }>).map((row) => row.name);
  }

  usersMatching(ref: string, limit = 2): SiteUserRow[] {
    return this.db
      .prepare(
        `SELECT account_id, display_name, email, groups_json FROM users
         WHERE account_id = @ref OR lower(email) = lower(@ref) OR lower(display_name) = lower(@ref)
         ORDER BY account_id = @ref DESC LIMIT @limit`,
      )
      .all({ ref, limit }) as SiteUserRow[];
  }

  close(): void {
    this.db.close();
  }
}
