import type { AuditEntry } from '../../policies/audit.js';
import type { AuditFilterOptions, AuditRow, AuditStore } from './audit-log.js';
import type { PgClient, PgPool } from './pg-database.js';

type AuditInput = AuditEntry & { beforeHash?: string; afterHash?: string };

/** One audit row, on the pool or inside a caller's transaction. */
export async function insertAudit(db: PgPool | PgClient, at: string, entry: AuditInput): Promise<void> {
  await db.query(
    `INSERT INTO audit (at, actor, role, tool, action, decision, subject, reason, before_hash, after_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [at, entry.actor, entry.role, entry.tool, entry.action, entry.decision, entry.subject ?? null, entry.reason ?? null, entry.beforeHash ?? null, entry.afterHash ?? null],
  );
}

/**
 * The audit log in PostgreSQL. The gate records synchronously as it decides, so rows are
 * written in the background, one after another in the order recorded; `flush` waits for
 * them and reports a row that could not be written. Draft transitions do not come through
 * here: their rows are written inside the transition's own transaction.
 */
export class PgAuditLog implements AuditStore {
  private pending: Promise<void> = Promise.resolve();
  private failure: Error | undefined;

  constructor(private readonly pool: PgPool, private readonly now: () => Date = () => new Date()) {}

  record(entry: AuditInput): void {
    const at = this.now().toISOString();
    this.pending = this.pending.then(() =>
      insertAudit(this.pool, at, entry).catch((error: Error) => {
        // Said at once on stderr (the operator's channel), not only at the next flush.
        if (!this.failure) process.stderr.write(`confluence-steward: an audit row could not be written to PostgreSQL: ${error.message}\n`);
        this.failure ??= error;
      }),
    );
  }

  /** Resolves when the rows recorded so far are written (or failed, which `flush` reports). */
  written(): Promise<void> {
    return this.pending;
  }

  async flush(): Promise<void> {
    await this.pending;
    const failure = this.failure;
    this.failure = undefined;
    if (failure) throw new Error(`could not write to the audit log: ${failure.message}`);
  }

  async list(filter: AuditFilterOptions = {}): Promise<AuditRow[]> {
    await this.flush();
    const clauses: string[] = [];
    const params: unknown[] = [];
    for (const key of ['tool', 'action', 'decision', 'actor'] as const) {
      if (filter[key] !== undefined) {
        params.push(filter[key]);
        clauses.push(`${key} = $${params.length}`);
      }
    }
    params.push(filter.limit ?? 200);
    const where = clauses.length > 0 ? `WHERE ${clauses.join(' AND ')}` : '';
    const result = await this.pool.query<AuditRow>(
      `SELECT id, at, actor, role, tool, action, decision, subject, reason, before_hash AS "beforeHash", after_hash AS "afterHash"
       FROM audit ${where} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return result.rows;
  }
}
