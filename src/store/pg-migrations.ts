import type { Migration } from './migrations.js';

/**
 * The PostgreSQL schema of what replicas share: audit, question log, drafts, revisions and the
 * outbox (the page cache stays per replica, in SQLite). Same columns and meanings as the SQLite
 * migrations; timestamps stay ISO-8601 text so both backends compare and return them alike.
 * Versioned and never edited once released: a change is a new entry.
 */
export const PG_MIGRATIONS: Migration[] = [
  {
    version: 1,
    sql: `
      CREATE TABLE audit (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at text NOT NULL,
        actor text NOT NULL,
        role text NOT NULL,
        tool text NOT NULL,
        action text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('allow', 'deny')),
        subject text,
        reason text,
        before_hash text,
        after_hash text
      );
      CREATE INDEX audit_at ON audit(at);
      CREATE INDEX audit_tool ON audit(tool, action);
      CREATE TABLE question_log (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        at text NOT NULL,
        actor text NOT NULL,
        question text NOT NULL,
        status text NOT NULL,
        cited_json text NOT NULL,
        stale_cited integer NOT NULL,
        spaces text NOT NULL,
        generator text NOT NULL,
        latency_ms integer NOT NULL
      );
      CREATE INDEX question_log_at ON question_log(at);
      CREATE INDEX question_log_status ON question_log(status);
      CREATE TABLE drafts (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('jira', 'automation')),
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'executing', 'executed', 'failed', 'rejected')),
        drafter text NOT NULL,
        drafter_name text NOT NULL,
        created_at text NOT NULL,
        updated_at text NOT NULL,
        spaces text NOT NULL,
        title text NOT NULL,
        payload_json text NOT NULL,
        payload_hash text NOT NULL,
        revision integer NOT NULL,
        decided_by text,
        decided_at text,
        reject_reason text,
        attempts integer NOT NULL DEFAULT 0,
        executor_pid integer,
        executor_host text,
        lease_until text,
        target text,
        result_json text,
        failure_reason text
      );
      CREATE INDEX drafts_status ON drafts(status, kind);
      CREATE INDEX drafts_drafter ON drafts(drafter, created_at);
      CREATE TABLE draft_revisions (
        draft_id integer NOT NULL REFERENCES drafts(id),
        revision integer NOT NULL,
        payload_json text NOT NULL,
        payload_hash text NOT NULL,
        author text NOT NULL,
        created_at text NOT NULL,
        note text,
        PRIMARY KEY (draft_id, revision)
      );
      CREATE TABLE outbox (
        id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        draft_id integer NOT NULL UNIQUE REFERENCES drafts(id),
        target text NOT NULL,
        request_json text NOT NULL,
        created_at text NOT NULL
      );
    `,
  },
];
