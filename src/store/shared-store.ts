import { AuditLog, type AuditStore } from './audit-log.js';
import type { Db } from './database.js';
import type { DraftStore } from './draft-store.js';
import { QuestionLog, type QuestionStore } from './question-log.js';
import { type ReportStore, SqliteReportStore } from './report-queries.js';
import { SqliteDraftStore } from './sqlite-draft-store.js';

/**
 * What every replica of a deployment shares: the draft queue, the audit log and the question
 * log, in one backend. SQLite (the file in the data directory) by default; PostgreSQL when a
 * database URL is configured. The page cache and the site index are not in here: they are
 * caches, per process.
 */
export interface SharedStore {
  readonly kind: 'sqlite' | 'postgres';
  readonly audit: AuditStore;
  drafts(now?: () => Date): DraftStore;
  questions(now?: () => Date): QuestionStore;
  /** What the trust report and the audit-trail views read, from this same backend. */
  readonly reports: ReportStore;
  /** Resolves when the store answers (for /healthz); rejects when it cannot be reached. */
  ping(): Promise<void>;
  /** Writes what is still queued and releases the connections (not the SQLite file: its owner closes it). */
  close(): Promise<void>;
}

export function sqliteSharedStore(db: Db, audit: AuditLog = new AuditLog(db)): SharedStore {
  return {
    kind: 'sqlite',
    audit,
    drafts: (now) => new SqliteDraftStore(db, audit, now),
    questions: (now) => new QuestionLog(db, now),
    reports: new SqliteReportStore(db),
    // The file is opened at start and stays open: nothing to reach.
    ping: async () => {},
    close: async () => {},
  };
}
