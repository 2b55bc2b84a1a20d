import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { type LoadedSite, type SitePage, loadSiteFolder, siteFingerprint } from '../adapters/local/site-folder.js';
import type { RestrictionSet } from '../domain/types.js';
import { headingsOf, markdownToPlainText } from '../text/markdown.js';
import { stripInvisible } from '../text/sanitize.js';

/**
 * The local source's SQLite FTS5 index of a site folder (schema, build, atomic replace) and the
 * queries the local source asks of it (SiteIndexReader). All SQL of the local source lives here.
 */

/** Bump when the index layout changes, so old caches are rebuilt rather than misread. */
const INDEX_FORMAT = 4;

export interface OpenedIndex {
  db: Database.Database;
  /** True when the index was (re)built in this call. */
  rebuilt: boolean;
  problems: string[];
}

/**
 * Opens the cached index for a site folder, rebuilding it when the folder changed. The cache
 * lives in the data directory (the site folder may be read-only) and is replaced atomically,
 * so another process never sees a half-built index.
 */
export function openSiteIndex(siteDir: string, dataDir: string): OpenedIndex {
  const absolute = resolve(siteDir);
  const fingerprint = siteFingerprint(absolute);
  const folder = join(dataDir, 'index');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `site-${createHash('sha256').update(absolute).digest('hex').slice(0, 16)}.db`);

  if (existsSync(file)) {
    const db = new Database(file, { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare(`SELECT value FROM meta WHERE key = 'fingerprint'`).get() as { value: string } | undefined;
      const format = db.prepare(`SELECT value FROM meta WHERE key = 'format'`).get() as { value: string } | undefined;
      if (row?.value === fingerprint && format?.value === String(INDEX_FORMAT)) {
        const problems = JSON.parse(
          (db.prepare(`SELECT value FROM meta WHERE key = 'problems'`).get() as { value: string }).value,
        ) as string[];
        return { db, rebuilt: false, problems };
      }
    } catch {
      // An unreadable or foreign cache is simply rebuilt.
    }
    db.close();
  }

  const loaded = loadSiteFolder(absolute);
  const temp = `${file}.tmp-${process.pid}`;
  rmSync(temp, { force: true });
  buildIndex(temp, loaded, fingerprint);
  renameSync(temp, file);
  return { db: new Database(file, { readonly: true, fileMustExist: true }), rebuilt: true, problems: loaded.problems };
}

function buildIndex(file: string, loaded: LoadedSite, fingerprint: string): void {
  const db = new Database(file);
  db.pragma('journal_mode = OFF');
  db.pragma('synchronous = OFF');
  db.exec(`
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
    CREATE TABLE spaces (key TEXT PRIMARY KEY, name TEXT NOT NULL, description TEXT) STRICT;
    CREATE TABLE users (account_id TEXT PRIMARY KEY, display_name TEXT NOT NULL, email TEXT, groups_json TEXT NOT NULL) STRICT;
    CREATE TABLE groups (name TEXT PRIMARY KEY COLLATE NOCASE) STRICT;
    CREATE TABLE pages (
      rowid INTEGER PRIMARY KEY,
      id TEXT NOT NULL UNIQUE,
      title TEXT NOT NULL,
      space TEXT NOT NULL,
      parent_id TEXT,
      labels TEXT NOT NULL,
      headings TEXT NOT NULL,
      created TEXT NOT NULL,
      updated TEXT NOT NULL,
      version INTEGER NOT NULL,
      created_by TEXT,
      last_updated_by TEXT,
      owner TEXT,
      restrictions_json TEXT,
      file TEXT NOT NULL,
      body_md TEXT NOT NULL,
      body_text TEXT NOT NULL
    ) STRICT;
    CREATE INDEX pages_space_updated ON pages(space, updated);
    CREATE INDEX pages_title ON pages(lower(title));
    CREATE TABLE page_labels (page_rowid INTEGER NOT NULL, label TEXT NOT NULL) STRICT;
    CREATE INDEX page_labels_by_page ON page_labels(page_rowid);
    CREATE TABLE restriction_sets (set_id INTEGER PRIMARY KEY, page_rowid INTEGER NOT NULL) STRICT;
    CREATE INDEX restriction_sets_by_page ON restriction_sets(page_rowid);
    CREATE TABLE restriction_members (set_id INTEGER NOT NULL, principal TEXT NOT NULL, PRIMARY KEY (set_id, principal)) STRICT;
    CREATE VIRTUAL TABLE pages_fts USING fts5(
      title, headings, body_text, labels,
      content = 'pages', content_rowid = 'rowid',
      tokenize = 'porter unicode61 remove_diacritics 2'
    );
  `);

  const byId = new Map(loaded.pages.map((page) => [page.id, page]));
  const insertPage = db.prepare(`
    INSERT INTO pages (rowid, id, title, space, parent_id, labels, headings, created, updated, version,
      created_by, last_updated_by, owner, restrictions_json, file, body_md, body_text)
    VALUES (@rowid, @id, @title, @space, @parentId, @labels, @headings, @created, @updated, @version,
      @createdBy, @lastUpdatedBy, @owner, @restrictions, @file, @bodyMd, @bodyText)`);
  const insertLabel = db.prepare(`INSERT INTO page_labels (page_rowid, label) VALUES (?, ?)`);
  const insertSet = db.prepare(`INSERT INTO restriction_sets (page_rowid) VALUES (?)`);
  const insertMember = db.prepare(`INSERT OR IGNORE INTO restriction_members (set_id, principal) VALUES (?, ?)`);

  db.transaction(() => {
    const meta = db.prepare(`INSERT INTO meta (key, value) VALUES (?, ?)`);
    meta.run('fingerprint', fingerprint);
    meta.run('format', String(INDEX_FORMAT));
    meta.run('problems', JSON.stringify(loaded.problems));
    meta.run('baseUrl', loaded.site.baseUrl ?? '');
    meta.run('defaultUser', loaded.site.defaultUser ?? '');
    for (const space of loaded.site.spaces) {
      db.prepare(`INSERT OR IGNORE INTO spaces (key, name, description) VALUES (?, ?, ?)`).run(space.key, space.name, space.description ?? null);
    }
    for (const user of loaded.site.users) {
      db.prepare(`INSERT OR IGNORE INTO users (account_id, display_name, email, groups_json) VALUES (?, ?, ?, ?)`).run(
        user.accountId,
        user.displayName,
        user.email ?? null,
        JSON.stringify(user.groups),
      );
    }
    // Groups: those site.json lists and those its users belong to (the demo site names some only there).
    const insertGroup = db.prepare(`INSERT OR IGNORE INTO groups (name) VALUES (?)`);
    for (const group of loaded.site.groups) insertGroup.run(group.name);
    for (const user of loaded.site.users) for (const group of user.groups) insertGroup.run(group);
    loaded.pages.forEach((page, index) => {
      const rowid = index + 1;
      const restrictions = effectiveRestrictions(page, byId);
      const body = stripInvisible(page.body);
      insertPage.run({
        rowid,
        id: page.id,
        title: stripInvisible(page.title),
        space: page.spaceKey,
        parentId: page.parentId,
        labels: page.labels.join(' '),
        headings: headingsOf(body).join('\n'),
        created: page.created,
        updated: page.updated,
        version: page.version,
        createdBy: page.createdBy ?? null,
        lastUpdatedBy: page.lastUpdatedBy ?? null,
        owner: page.owner ?? null,
        restrictions: restrictions.length > 0 ? JSON.stringify(restrictions) : null,
        file: page.file,
        bodyMd: body,
        bodyText: markdownToPlainText(body),
      });
      for (const label of page.labels) insertLabel.run(rowid, label);
      for (const set of restrictions) {
        const setId = insertSet.run(rowid).lastInsertRowid;
        for (const user of set.users) insertMember.run(setId, `user:${user}`);
        for (const group of set.groups) insertMember.run(setId, `group:${group}`);
      }
    });
    db.exec(`INSERT INTO pages_fts (pages_fts) VALUES ('rebuild')`);
  })();
  db.exec(`INSERT INTO pages_fts (pages_fts) VALUES ('optimize')`);
  db.close();
}

/**
 * A page's own restriction plus those of every ancestor: Confluence view restrictions are
 * inherited, so a child of a restricted page is hidden from the same people even when its
 * own front matter says nothing. A broken parent chain stops at the last known page.
 */
function effectiveRestrictions(page: SitePage, byId: Map<string, SitePage>): RestrictionSet[] {
  const sets: RestrictionSet[] = [];
  const visited = new Set<string>();
  let current: SitePage | undefined = page;
  while (current && !visited.has(current.id)) {
    visited.add(current.id);
    if (current.readRestriction) sets.push(current.readRestriction);
    current = current.parentId ? byId.get(current.parentId) : undefined;
  }
  return sets;
}
