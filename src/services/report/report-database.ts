import { StewardError } from '../../errors.js';
import type { Db } from '../../store/database.js';
import type { SharedStore } from '../../store/shared-store.js';

/**
 * The database the trust report and the audit-trail views read. Their SQL (src/store/report-queries.ts)
 * exists for SQLite only so far: with the PostgreSQL store they refuse plainly, rather than
 * report from the local SQLite file, which holds none of the shared drafts, questions or audit.
 */
export function reportDatabase(shared: Pick<SharedStore, 'kind'> | undefined, db: Db): Db {
  if (shared?.kind === 'postgres') {
    throw new StewardError('The trust report and the audit-trail views are not available with the PostgreSQL store (--database-url) yet; the rows are in PostgreSQL, table audit.', 'unavailable');
  }
  return db;
}
