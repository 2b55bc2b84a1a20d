import type { AuditEntry, AuditSink } from '../../policies/audit.js';
import type { Db } from './database.js';

export interface AuditRow extends AuditEntry {
  id: number;
  at: string;
  beforeHash?: string | null;
  afterHash?: string | null;
}

export interface AuditFilterOptions {
  tool?: string;
  action?: string;
  decision?: 'allow' | 'deny';
  actor?: string;
  limit?: number;
}

/**
 * The audit log every backend implements. `record` is synchronous because the gate records
 * as it decides; a backend that writes over the network queues the rows in order and `flush`
 * resolves when they are all written (`list` flushes first, so a reader sees its own rows).
 */
export interface AuditStore extends AuditSink {
  record(entry: AuditEntry & { beforeHash?: string; afterHash?: string }): void;
  list(filter?: AuditFilterOptions): Promise<AuditRow[]>;
  flush(): Promise<void>;
}

/** The audit table in SQLite: every gate decision and every draft transition, append-only. */
export class AuditLog implements AuditStore {
  private readonly insert;

  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {
    this.insert = db.prepare(
      `INSERT INTO audit (at, actor, role, tool, action, decision, subject, reason, before_hash, after_hash)
       VALUES (@at, @actor, @role, @tool, @action, @decision, @subject, @reason, @beforeHash, @afterHash)`,
    );
  }

  /**
   * `at`: a draft transition's own time, so its row has the time the draft store wrote (as the
   * PostgreSQL store does); the gate's decisions take this log's clock.
   */
  record(entry: AuditEntry & { beforeHash?: string; afterHash?: string }, at = this.now().toISOString()): void {
    this.insert.run({
      at,
      actor: entry.actor,
      role: entry.role,
      tool: entry.tool,
      action: entry.action,
      decision: entry.decision,
      subject: entry.subject ?? null,
      reason: entry.reason ?? null,
      beforeHash: entry.beforeHash ?? null,
      afterHash: entry.afterHash ?? null,
    });
  }

  /** Written as recorded: nothing to wait for. */
  async flush(): Promise<void> {}

  async list(filter: AuditFilterOptions = {}): Promise<AuditRow[]> {
    const clauses: string[] = [];
    const params: Record<string, unknown> = { limit: filter.limit ?? 200 };
    for (const key of ['tool', 'action', 'decision', 'actor'] as const) {
      if (filter[key] !== undefined) {
        clauses.push(`${key} = @${key}`);
        params[key] = filter[key];
      }
    }
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    return this.db
      .prepare(
        `SELECT id, at, actor, role, tool, action, decision, subject, reason, before_hash AS beforeHash, after_hash AS afterHash
         FROM audit ${where} ORDER BY id DESC LIMIT @limit`,
      )
      .all(params) as AuditRow[];
  }
}
