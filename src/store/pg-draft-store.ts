import { type DraftAction, transitionTarget } from '../../policies/draft-rules.js';
import {
  ClaimLost, type Draft, type DraftFilter, type DraftKind, DraftNotFoundError, type DraftRow, type DraftStore, type NewDraft, type OutboxEntry,
  type Quota, type Revision, canonicalJson, claimColumns, executorGone, fromRow, payloadHash, refusal, RevisionChangedError,
} from './draft-store.js';
import { insertAudit } from './pg-audit-log.js';
import { type PgClient, type PgPool, inTransaction } from './pg-database.js';

/** Key space of the per-drafter advisory locks that serialise quota checks. */
const QUOTA_LOCK_SPACE = 0x5155_4f54; // "QUOT"

interface Change {
  /** Columns to set, besides status and updated_at. */
  columns: Record<string, unknown>;
  /** Extra SET terms computed by the database (e.g. a counter). */
  raw?: string;
  afterHash?: string;
}

/**
 * The draft queue in PostgreSQL, shared by replicas. A transition locks the draft's row
 * (SELECT … FOR UPDATE) before checking its status, so of two replicas approving or claiming
 * the same draft at once the second waits, then sees the new status and is refused: an
 * approval executes once. Drafting takes a per-drafter advisory lock for the quota count and
 * the insert, so the hourly cap holds across replicas.
 */
export class PgDraftStore implements DraftStore {
  constructor(
    private readonly pool: PgPool,
    private readonly now: () => Date = () => new Date(),
    /** The gate's rows this process still has queued (PgAuditLog); written before a transition's own. */
    private readonly queuedAudit: { written(): Promise<void> } = { written: async () => {} },
  ) {}

  async create(input: NewDraft): Promise<Draft> {
    return this.createWithinQuota(input, undefined);
  }

  async createWithinQuota(input: NewDraft, quota: Quota | undefined): Promise<Draft> {
    const at = this.now().toISOString();
    const hash = payloadHash(input.payload);
    const json = canonicalJson(input.payload);
    // The decisions that led here (reads of the evidence, the target checks) come first in the log, as on SQLite.
    await this.queuedAudit.written();
    return inTransaction(this.pool, async (client) => {
      // Held until commit: the next process of this drafter counts after this insert is visible.
      await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [QUOTA_LOCK_SPACE, input.drafter]);
      if (quota) quota.authorize(await countSince(client, input.drafter, quota.since));
      const id = (
        await client.query<{ id: number }>(
          `INSERT INTO drafts (kind, status, drafter, drafter_name, created_at, updated_at, spaces, title, payload_json, payload_hash, revision)
           VALUES ($1, 'pending', $2, $3, $4, $4, $5, $6, $7, $8, 1) RETURNING id`,
          [input.kind, input.drafter, input.drafterName, at, input.spaces.join(','), input.title, json, hash],
        )
      ).rows[0].id;
      await client.query(
        `INSERT INTO draft_revisions (draft_id, revision, payload_json, payload_hash, author, created_at, note) VALUES ($1, 1, $2, $3, $4, $5, 'drafted')`,
        [id, json, hash, input.drafter, at],
      );
      await insertAudit(client, at, { actor: input.drafter, role: input.role, tool: 'drafts', action: 'create', decision: 'allow', subject: String(id), reason: input.kind, afterHash: hash });
      return read(client, id);
    });
  }

  async findPendingDuplicate(kind: DraftKind, drafter: string, payload: unknown): Promise<Draft | undefined> {
    const row = (
      await this.pool.query<DraftRow>(`SELECT * FROM drafts WHERE kind = $1 AND drafter = $2 AND status = 'pending' AND payload_hash = $3 ORDER BY id LIMIT 1`, [
        kind, drafter, payloadHash(payload),
      ])
    ).rows[0];
    return row ? fromRow(row) : undefined;
  }

  async countCreatedSince(drafter: string, since: Date): Promise<number> {
    return countSince(this.pool, drafter, since);
  }

  async get(id: number): Promise<Draft> {
    return read(this.pool, id);
  }

  async list(filter: DraftFilter = {}): Promise<Draft[]> {
    const result = await this.pool.query<DraftRow>(
      `SELECT * FROM drafts
       WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR kind = $2) AND ($3::text IS NULL OR drafter = $3)
         AND ($4::text IS NULL OR position(',' || $4 || ',' IN ',' || spaces || ',') > 0)
       ORDER BY id DESC LIMIT $5 OFFSET $6`,
      // position, not LIKE: a space value is data, never a pattern.
      [filter.status ?? null, filter.kind ?? null, filter.drafter ?? null, filter.space ?? null, filter.limit ?? 100, filter.offset ?? 0],
    );
    return result.rows.map(fromRow);
  }

  async revisions(id: number): Promise<Revision[]> {
    const result = await this.pool.query<{ revision: number; payload_json: string; payload_hash: string; author: string; created_at: string; note: string | null }>(
      `SELECT * FROM draft_revisions WHERE draft_id = $1 ORDER BY revision`,
      [id],
    );
    return result.rows.map((r) => ({ revision: r.revision, payload: JSON.parse(r.payload_json), payloadHash: r.payload_hash, author: r.author, createdAt: r.created_at, note: r.note }));
  }

  async edit(id: number, actor: string, role: string, payload: unknown, title: string, note?: string): Promise<Draft> {
    const hash = payloadHash(payload);
    const json = canonicalJson(payload);
    return this.transition(id, 'edit', actor, role, async (client, draft, at) => {
      const revision = draft.revision + 1;
      await client.query(
        `INSERT INTO draft_revisions (draft_id, revision, payload_json, payload_hash, author, created_at, note) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [id, revision, json, hash, actor, at, note ?? null],
      );
      return { columns: { payload_json: json, payload_hash: hash, revision, title }, afterHash: hash };
    });
  }

  async approve(id: number, reviewer: string, role: string, revision: number): Promise<Draft> {
    return this.transition(id, 'approve', reviewer, role, async (_client, draft, at) => {
      if (draft.revision !== revision) throw new RevisionChangedError(id, revision, draft.revision);
      return { columns: { decided_by: reviewer, decided_at: at } };
    });
  }

  async statusCounts(): Promise<Record<string, number>> {
    const rows = (await this.pool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM drafts GROUP BY status`)).rows;
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  async drafters(): Promise<{ id: string; name: string }[]> {
    // COLLATE "C": the same byte order as SQLite, whatever the database's locale.
    return (await this.pool.query<{ id: string; name: string }>(`SELECT drafter AS id, max(drafter_name) AS name FROM drafts GROUP BY drafter ORDER BY max(drafter_name) COLLATE "C"`)).rows;
  }

  async draftSpaces(): Promise<string[]> {
    const rows = (await this.pool.query<{ spaces: string }>(`SELECT DISTINCT spaces FROM drafts WHERE spaces <> ''`)).rows;
    return [...new Set(rows.flatMap((row) => row.spaces.split(',')))].sort();
  }

  async reject(id: number, reviewer: string, role: string, reason: string): Promise<Draft> {
    return this.transition(id, 'reject', reviewer, role, async (_client, _draft, at) => ({ columns: { decided_by: reviewer, decided_at: at, reject_reason: reason } }));
  }

  async claim(id: number, actor: string, role: string, action: 'execute' | 'retry' | 'reconcile', target: string): Promise<Draft | undefined> {
    try {
      return await this.transition(id, action, actor, role, async (_client, draft, at) => {
        // Only a process that sends to the same target may finish someone else's execution.
        if (action === 'reconcile' && (!executorGone(draft, this.now()) || draft.target !== target)) throw new ClaimLost(id);
        const claim = claimColumns(at, target);
        return {
          columns: { executor_pid: claim.pid, executor_host: claim.host, lease_until: claim.lease, failure_reason: null, target: claim.target },
          raw: 'attempts = attempts + 1',
        };
      });
    } catch (error) {
      if (error instanceof ClaimLost) return undefined;
      throw error;
    }
  }

  async succeed(id: number, actor: string, role: string, target: string, result: unknown): Promise<Draft> {
    return this.transition(id, 'succeed', actor, role, async () => ({
      columns: { target, result_json: JSON.stringify(result), executor_pid: null, lease_until: null },
    }));
  }

  async fail(id: number, actor: string, role: string, reason: string): Promise<Draft> {
    return this.transition(id, 'fail', actor, role, async () => ({ columns: { failure_reason: reason, executor_pid: null, lease_until: null } }));
  }

  async orphanedExecutions(): Promise<Draft[]> {
    return (await this.list({ status: 'executing', limit: 1000 })).filter((draft) => executorGone(draft, this.now()));
  }

  async executeToOutbox(id: number, actor: string, role: string, target: string, request: unknown): Promise<Draft> {
    return this.transition(id, 'succeed', actor, role, async (client, _draft, at) => {
      const outboxId = (
        await client.query<{ id: number }>(`INSERT INTO outbox (draft_id, target, request_json, created_at) VALUES ($1, $2, $3, $4) RETURNING id`, [
          id, target, JSON.stringify(request), at,
        ])
      ).rows[0].id;
      return { columns: { target: 'outbox', result_json: JSON.stringify({ outboxId, target }), executor_pid: null, lease_until: null } };
    });
  }

  async outboxEntry(draftId: number): Promise<OutboxEntry | undefined> {
    const row = (await this.pool.query<{ id: number; target: string; request_json: string; created_at: string }>(`SELECT * FROM outbox WHERE draft_id = $1`, [draftId])).rows[0];
    return row ? { id: row.id, target: row.target, request: JSON.parse(row.request_json), createdAt: row.created_at } : undefined;
  }

  private async transition(
    id: number,
    action: DraftAction,
    actor: string,
    role: string,
    change: (client: PgClient, draft: Draft, at: string) => Promise<Change>,
  ): Promise<Draft> {
    await this.queuedAudit.written();
    const outcome = await inTransaction(this.pool, async (client): Promise<{ draft: Draft } | { refused: Draft['status'] }> => {
      // The row lock: a concurrent transition of this draft waits here until this one commits.
      const draft = await read(client, id, 'FOR UPDATE');
      const to = transitionTarget(action, draft.status);
      if (to === undefined) return { refused: draft.status };
      const at = this.now().toISOString();
      const { columns, raw, afterHash } = await change(client, draft, at);
      const names = Object.keys(columns);
      const params: unknown[] = [to, at, ...names.map((name) => columns[name]), id, draft.status];
      const set = ['status = $1', 'updated_at = $2', ...names.map((name, index) => `${name} = $${index + 3}`), ...(raw ? [raw] : [])];
      const updated = await client.query(`UPDATE drafts SET ${set.join(', ')} WHERE id = $${names.length + 3} AND status = $${names.length + 4}`, params);
      if (updated.rowCount !== 1) throw new ClaimLost(id);
      await insertAudit(client, at, {
        actor, role, tool: 'drafts', action, decision: 'allow', subject: String(id),
        reason: `${draft.status} → ${to}`, beforeHash: draft.payloadHash, afterHash: afterHash ?? draft.payloadHash,
      });
      return { draft: await read(client, id) };
    });
    if ('draft' in outcome) return outcome.draft;
    // Recorded outside the transaction, so the refusal stays in the audit trail.
    await insertAudit(this.pool, this.now().toISOString(), { actor, role, tool: 'drafts', action, decision: 'deny', subject: String(id), reason: `status is ${outcome.refused}` });
    throw refusal(id, action, outcome.refused);
  }
}

async function countSince(db: PgPool | PgClient, drafter: string, since: Date): Promise<number> {
  return (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM drafts WHERE drafter = $1 AND created_at >= $2`, [drafter, since.toISOString()])).rows[0].n;
}

/** Ids are PostgreSQL integers: a larger number names no draft (SQLite answers the same). */
const MAX_ID = 2_147_483_647;

async function read(db: PgPool | PgClient, id: number, lock: '' | 'FOR UPDATE' = ''): Promise<Draft> {
  if (!Number.isSafeInteger(id) || id < 1 || id > MAX_ID) throw new DraftNotFoundError(id);
  const row = (await db.query<DraftRow>(`SELECT * FROM drafts WHERE id = $1 ${lock}`, [id])).rows[0];
  if (!row) throw new DraftNotFoundError(id);
  return fromRow(row);
}
