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
];
