import { type DraftAction, type DraftStatus, transitionTarget } from '../../policies/draft-rules.js';
import type { AuditLog } from './audit-log.js';
import type { Db } from './database.js';
import {
  ClaimLost, type Draft, type DraftFilter, type DraftKind, DraftNotFoundError, type DraftRow, type DraftStore, type NewDraft, type OutboxEntry,
  type Quota, type Revision, canonicalJson, claimColumns, executorGone, fromRow, payloadHash, refusal, RevisionChangedError,
} from './draft-store.js';

/**
 * The draft queue in SQLite (better-sqlite3, synchronous underneath). Each change is one
 * IMMEDIATE transaction, which takes the file's write lock before reading: the status check
 * and the write cannot interleave with another process's, so a transition happens once.
 */
export class SqliteDraftStore implements DraftStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(input: NewDraft): Promise<Draft> {
    return this.createWithinQuota(input, undefined);
  }

  /** The count and the insert hold the write lock together, so concurrent processes of one user cannot both pass the same count. */
  async createWithinQuota(input: NewDraft, quota: Quota | undefined): Promise<Draft> {
    const at = this.now().toISOString();
    const hash = payloadHash(input.payload);
    const json = canonicalJson(input.payload);
    return this.db.transaction(() => {
      if (quota) quota.authorize(this.countSince(input.drafter, quota.since));
      const id = Number(
        this.db
          .prepare(
            `INSERT INTO drafts (kind, status, drafter, drafter_name, created_at, updated_at, spaces, title, payload_json, payload_hash, revision)
             VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
          )
          .run(input.kind, input.drafter, input.drafterName, at, at, input.spaces.join(','), input.title, json, hash).lastInsertRowid,
      );
      this.db
        .prepare(`INSERT INTO draft_revisions (draft_id, revision, payload_json, payload_hash, author, created_at, note) VALUES (?, 1, ?, ?, ?, ?, 'drafted')`)
        .run(id, json, hash, input.drafter, at);
      this.audit.record({ actor: input.drafter, role: input.role, tool: 'drafts', action: 'create', decision: 'allow', subject: String(id), reason: input.kind, afterHash: hash }, at);
      return this.read(id);
    }).immediate();
  }

  async findPendingDuplicate(kind: DraftKind, drafter: string, payload: unknown): Promise<Draft | undefined> {
    const row = this.db
      .prepare(`SELECT id FROM drafts WHERE kind = ? AND drafter = ? AND status = 'pending' AND payload_hash = ? ORDER BY id LIMIT 1`)
      .get(kind, drafter, payloadHash(payload)) as { id: number } | undefined;
    return row ? this.read(row.id) : undefined;
  }

  async countCreatedSince(drafter: string, since: Date): Promise<number> {
    return this.countSince(drafter, since);
  }

  async get(id: number): Promise<Draft> {
    return this.read(id);
  }

  async list(filter: DraftFilter = {}): Promise<Draft[]> {
    const rows = this.db
      .prepare(
        `SELECT * FROM drafts
         WHERE (@status IS NULL OR status = @status) AND (@kind IS NULL OR kind = @kind)
           AND (@drafter IS NULL OR drafter = @drafter)
           AND (@space IS NULL OR instr(',' || spaces || ',', ',' || @space || ',') > 0)
         ORDER BY id DESC LIMIT @limit OFFSET @offset`,
      )
      // instr, not LIKE: a space value is data, never a pattern (a long one made LIKE fail).
      .all({
        status: filter.status ?? null, kind: filter.kind ?? null, drafter: filter.drafter ?? null, space: filter.space ?? null,
        limit: filter.limit ?? 100, offset: filter.offset ?? 0,
      }) as DraftRow[];
    return rows.map(fromRow);
  }

  async revisions(id: number): Promise<Revision[]> {
    const rows = this.db.prepare(`SELECT * FROM draft_revisions WHERE draft_id = ? ORDER BY revision`).all(id) as {
      revision: number; payload_json: string; payload_hash: string; author: string; created_at: string; note: string | null;
    }[];
    return rows.map((r) => ({ revision: r.revision, payload: JSON.parse(r.payload_json), payloadHash: r.payload_hash, author: r.author, createdAt: r.created_at, note: r.note }));
  }

  async edit(id: number, actor: string, role: string, payload: unknown, title: string, note?: string): Promise<Draft> {
    const hash = payloadHash(payload);
    const json = canonicalJson(payload);
    return this.transition(id, 'edit', actor, role, (draft, at) => {
      const revision = draft.revision + 1;
      this.db
        .prepare(`INSERT INTO draft_revisions (draft_id, revision, payload_json, payload_hash, author, created_at, note) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(id, revision, json, hash, actor, at, note ?? null);
      return { sql: `payload_json = @json, payload_hash = @hash, revision = @revision, title = @title`, params: { json, hash, revision, title }, afterHash: hash };
    });
  }

  async approve(id: number, reviewer: string, role: string, revision: number): Promise<Draft> {
    return this.transition(id, 'approve', reviewer, role, (draft, at) => {
      if (draft.revision !== revision) throw new RevisionChangedError(id, revision, draft.revision);
      return { sql: `decided_by = @reviewer, decided_at = @at`, params: { reviewer, at } };
    });
  }

  async statusCounts(): Promise<Record<string, number>> {
    const rows = this.db.prepare(`SELECT status, count(*) AS n FROM drafts GROUP BY status`).all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  async drafters(): Promise<{ id: string; name: string }[]> {
    return this.db.prepare(`SELECT drafter AS id, max(drafter_name) AS name FROM drafts GROUP BY drafter ORDER BY name`).all() as { id: string; name: string }[];
  }

  async draftSpaces(): Promise<string[]> {
    const rows = this.db.prepare(`SELECT DISTINCT spaces FROM drafts WHERE spaces != ''`).all() as { spaces: string }[];
    return [...new Set(rows.flatMap((row) => row.spaces.split(',')))].sort();
  }

  async reject(id: number, reviewer: string, role: string, reason: string): Promise<Draft> {
    return this.transition(id, 'reject', reviewer, role, (_d, at) => ({
      sql: `decided_by = @reviewer, decided_at = @at, reject_reason = @reason`,
      params: { reviewer, at, reason },
    }));
  }

  async claim(id: number, actor: string, role: string, action: 'execute' | 'retry' | 'reconcile', target: string): Promise<Draft | undefined> {
    try {
      return this.transition(id, action, actor, role, (draft, at) => {
        // Only a process that sends to the same target may finish someone else's execution.
        if (action === 'reconcile' && (!executorGone(draft, this.now()) || draft.target !== target)) throw new ClaimLost(id);
        return {
          sql: `attempts = attempts + 1, executor_pid = @pid, executor_host = @host, lease_until = @lease, failure_reason = NULL, target = @target`,
          params: claimColumns(at, target),
        };
      });
    } catch (error) {
      if (error instanceof ClaimLost) return undefined;
      throw error;
    }
  }

  async succeed(id: number, actor: string, role: string, target: string, result: unknown): Promise<Draft> {
    return this.transition(id, 'succeed', actor, role, () => ({
      sql: `target = @target, result_json = @result, executor_pid = NULL, lease_until = NULL`,
      params: { target, result: JSON.stringify(result) },
    }));
  }

  async fail(id: number, actor: string, role: string, reason: string): Promise<Draft> {
    return this.transition(id, 'fail', actor, role, () => ({
      sql: `failure_reason = @reason, executor_pid = NULL, lease_until = NULL`,
      params: { reason },
    }));
  }

  async orphanedExecutions(): Promise<Draft[]> {
    return (await this.list({ status: 'executing', limit: 1000 })).filter((draft) => executorGone(draft, this.now()));
  }

  async executeToOutbox(id: number, actor: string, role: string, target: string, request: unknown): Promise<Draft> {
    return this.transition(id, 'succeed', actor, role, (_draft, at) => {
      const outboxId = Number(
        this.db.prepare(`INSERT INTO outbox (draft_id, target, request_json, created_at) VALUES (?, ?, ?, ?)`).run(id, target, JSON.stringify(request), at).lastInsertRowid,
      );
      return {
        sql: `target = 'outbox', result_json = @result, executor_pid = NULL, lease_until = NULL`,
        params: { result: JSON.stringify({ outboxId, target }) },
      };
    });
  }

  async outboxEntry(draftId: number): Promise<OutboxEntry | undefined> {
    const row = this.db.prepare(`SELECT * FROM outbox WHERE draft_id = ?`).get(draftId) as
      | { id: number; target: string; request_json: string; created_at: string }
      | undefined;
    return row ? { id: row.id, target: row.target, request: JSON.parse(row.request_json), createdAt: row.created_at } : undefined;
  }

  private countSince(drafter: string, since: Date): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM drafts WHERE drafter = ? AND created_at >= ?`).get(drafter, since.toISOString()) as { n: number }).n;
  }

  private read(id: number): Draft {
    const row = this.db.prepare(`SELECT * FROM drafts WHERE id = ?`).get(id) as DraftRow | undefined;
    if (!row) throw new DraftNotFoundError(id);
    return fromRow(row);
  }

  private transition(
    id: number,
    action: DraftAction,
    actor: string,
    role: string,
    change: (draft: Draft, at: string) => { sql: string; params: Record<string, unknown>; afterHash?: string },
  ): Draft {
    const outcome = this.db
      .transaction((): { draft: Draft } | { refused: DraftStatus } => {
        const draft = this.read(id);
        const to = transitionTarget(action, draft.status);
        if (to === undefined) return { refused: draft.status };
        const at = this.now().toISOString();
        const { sql, params, afterHash } = change(draft, at);
        const result = this.db
          .prepare(`UPDATE drafts SET status = @to, updated_at = @at, ${sql} WHERE id = @id AND status = @from`)
          .run({ ...params, to, at, id, from: draft.status });
        if (result.changes !== 1) throw new ClaimLost(id);
        this.audit.record({
          actor, role, tool: 'drafts', action, decision: 'allow', subject: String(id),
          reason: `${draft.status} → ${to}`, beforeHash: draft.payloadHash, afterHash: afterHash ?? draft.payloadHash,
        }, at);
        return { draft: this.read(id) };
      })
      .immediate();
    if ('draft' in outcome) return outcome.draft;
    // Recorded outside the transaction, so the refusal stays in the audit trail.
    this.audit.record({ actor, role, tool: 'drafts', action, decision: 'deny', subject: String(id), reason: `status is ${outcome.refused}` }, this.now().toISOString());
    throw refusal(id, action, outcome.refused);
  }
}
