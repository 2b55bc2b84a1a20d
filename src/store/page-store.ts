import type { Page } from '../domain/types.js';
import type { Db } from './database.js';

/**
 * Converted pages on disk, keyed by (page id, version), so a Confluence page that has not
 * changed is not fetched or converted again, even by the next process. Only pages a gate
 * already let some user read are stored, and they are only looked up for ids the gate has
 * just returned to the current user. Old versions of a page are replaced, never accumulated.
 */
export class PageStore {
  private readonly select;
  private readonly remove;
  private readonly insert;

  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {
    this.select = db.prepare(`SELECT page_json FROM page_cache WHERE page_id = ? AND version = ?`);
    this.remove = db.prepare(`DELETE FROM page_cache WHERE page_id = ? AND version <> ?`);
    this.insert = db.prepare(`INSERT OR REPLACE INTO page_cache (page_id, version, page_json, cached_at) VALUES (?, ?, ?, ?)`);
  }

  load(pageId: string, version: number): Page | undefined {
    const row = this.select.get(pageId, version) as { page_json: string } | undefined;
    return row ? (JSON.parse(row.page_json) as Page) : undefined;
  }

  save(page: Page): void {
    this.db.transaction(() => {
      this.remove.run(page.id, page.version);
      this.insert.run(page.id, page.version, JSON.stringify(page), this.now().toISOString());
    })();
  }
}
