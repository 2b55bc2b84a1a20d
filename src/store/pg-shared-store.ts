import { type PgOptions, openPgPool } from './pg-database.js';
import { PgAuditLog } from './pg-audit-log.js';
import { PgDraftStore } from './pg-draft-store.js';
import { PgQuestionLog } from './pg-question-log.js';
import { PgReportStore } from './pg-report-queries.js';
import type { SharedStore } from './shared-store.js';

/** The shared store in PostgreSQL: one pool per process, the schema migrated on open. */
export async function openPgSharedStore(url: string, options: PgOptions = {}): Promise<SharedStore> {
  const pool = await openPgPool(url, options);
  const audit = new PgAuditLog(pool);
  return {
    kind: 'postgres',
    audit,
    drafts: (now) => new PgDraftStore(pool, now, audit),
    questions: (now) => new PgQuestionLog(pool, now),
    reports: new PgReportStore(pool, audit),
    async ping() {
      await pool.query('SELECT 1');
    },
    async close() {
      try {
        await audit.flush();
      } finally {
        await pool.end();
      }
    },
  };
}
