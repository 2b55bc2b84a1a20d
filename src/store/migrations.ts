/**
 * Versioned schema changes, applied in order and never edited once released: a change to
 * the schema is a new entry. Tables are STRICT; nothing is ever deleted by the server.
 */
export interface Migration {
  version: number;
  sql: string;
}

export const MIGRATIONS: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE audit (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        tool TEXT NOT NULL,
        action TEXT NOT NULL,
        decision TEXT NOT NULL CHECK (decision IN ('allow', 'deny')),
        subject TEXT,
        reason TEXT,
        before_hash TEXT,
        after_hash TEXT
      ) STRICT;
      CREATE INDEX audit_at ON audit(at);
      CREATE INDEX audit_tool ON audit(tool, action);
    `,
  },
  {
    version: 2,
    sql: `
      CREATE TABLE question_log (
        id INTEGER PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        question TEXT NOT NULL,
        status TEXT NOT NULL,
        cited_json TEXT NOT NULL,
        stale_cited INTEGER NOT NULL,
        spaces TEXT NOT NULL,
        generator TEXT NOT NULL,
        latency_ms INTEGER NOT NULL
      ) STRICT;
      CREATE INDEX question_log_at ON question_log(at);
      CREATE INDEX question_log_status ON question_log(status);
    `,
  },
  {
    version: 3,
    sql: `
      CREATE TABLE drafts (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('jira', 'automation')),
        status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'executing', 'executed', 'failed', 'rejected')),
        drafter TEXT NOT NULL,
        drafter_name TEXT NOT NULL,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        spaces TEXT NOT NULL,
        title TEXT NOT NULL,
        payload_json TEXT NOT NULL,
        payload_hash TEXT NOT NULL,
        revision INTEGER NOT NULL,
        decided_by TEXT,
        decided_at TEXT,
        reject_reason TEXT,
        attempts INTEGER NOT NULL DEFAULT 0,
        executor_pid INTEGER,
        executor_host TEXT,
        lease_until TEXT,
        target TEXT,
        result_json TEXT,
        failure_reason TEXT
      ) STRICT;
      CREATE INDEX drafts_status ON drafts(status, kind);
      CREATE INDEX drafts_drafter ON drafts(drafter, created_at);
      CREATE TABLE draft_revisions (
        draft_id INTEGER NOT NULL REFERENCES drafts(id),
        revision INTEGER NOT NULL,
        payload_json TEXT NOT NULL,
        payload_hash TEXT NOT NULL,
        author TEXT NOT NULL,
        created_at TEXT NOT NULL,
        note TEXT,
        PRIMARY KEY (draft_id, revision)
      ) STRICT;
      CREATE TABLE outbox (
        id INTEGER PRIMARY KEY,
        draft_id INTEGER NOT NULL UNIQUE REFERENCES drafts(id),
        target TEXT NOT NULL,
        request_json TEXT NOT NULL,
        created_at TEXT NOT NULL
      ) STRICT;
    `,
  },
  {
    version: 4,
    sql: `
      CREATE TABLE page_cache (
        page_id TEXT NOT NULL,
        version INTEGER NOT NULL,
        page_json TEXT NOT NULL,
        cached_at TEXT NOT NULL,
        PRIMARY KEY (page_id, version)
      ) STRICT;
    `,
  },
];
