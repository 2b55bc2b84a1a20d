import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { type DraftAction, type DraftStatus, allowedFrom, transitionTarget } from '../../policies/draft-rules.js';
import { PolicyDeniedError, StewardError } from '../errors.js';
import type { AuditLog } from './audit-log.js';
import type { Db } from './database.js';

export type DraftKind = 'jira' | 'automation';

export interface Draft<Payload = unknown> {
  id: number;
  kind: DraftKind;
  status: DraftStatus;
  drafter: string;
  drafterName: string;
  createdAt: string;
  updatedAt: string;
  spaces: string[];
  title: string;
  payload: Payload;
  payloadHash: string;
  revision: number;
  decidedBy: string | null;
  decidedAt: string | null;
  rejectReason: string | null;
  attempts: number;
  target: string | null;
  result: unknown;
  failureReason: string | null;
  executorPid: number | null;
  executorHost: string | null;
  leaseUntil: string | null;
}

export interface Revision {
  revision: number;
  payload: unknown;
  payloadHash: string;
  author: string;
  createdAt: string;
  note: string | null;
}

export interface NewDraft {
  kind: DraftKind;
  drafter: string;
  drafterName: string;
  role: string;
  spaces: string[];
  title: string;
  payload: unknown;
}

export interface DraftFilter {
  status?: DraftStatus;
  kind?: DraftKind;
  space?: string;
  drafter?: string;
  limit?: number;
  /** Rows to skip (newest first), for filling a page when some rows are filtered out later. */
  offset?: number;
}

/** Stable JSON (sorted keys), so equal payloads hash equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  );
}

export function payloadHash(payload: unknown): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

export class DraftNotFoundError extends StewardError {
  constructor(id: number) {
    super(`No draft ${id}.`, 'not_found');
  }
}

const LEASE_MS = 120_000;

/**
 * The draft queue in SQLite. Every change is one transaction that checks the current
 * status in its WHERE clause (so two processes can never both make the same transition),
 * writes the new state and appends an audit row with the payload hash before and after.
 * Nothing is ever deleted.
 */
export class DraftStore {
  constructor(
    private readonly db: Db,
    private readonly audit: AuditLog,
    private readonly now: () => Date = () => new Date(),
  ) {}

  create(input: NewDraft): Draft {
    return this.createWithinQuota(input, undefined);
  }

  /**
   * Creates a draft after `authorize` has seen how many drafts this drafter created since
   * `quota.since`, in one IMMEDIATE transaction: the count and the insert hold the write lock
   * together, so concurrent processes of one user cannot both pass the same count.
   */
  createWithinQuota(input: NewDraft, quota: { since: Date; authorize: (createdSince: number) => void } | undefined): Draft {
    const at = this.now().toISOString();
    const hash = payloadHash(input.payload);
    const json = canonicalJson(input.payload);
    return this.db.transaction(() => {
      if (quota) quota.authorize(this.countCreatedSince(input.drafter, quota.since));
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
      this.audit.record({ actor: input.drafter, role: input.role, tool: 'drafts', action: 'create', decision: 'allow', subject: String(id), reason: input.kind, afterHash: hash });
      return this.get(id);
    }).immediate();
  }

  /** A pending draft of this user with exactly this payload, if one exists. */
  findPendingDuplicate(kind: DraftKind, drafter: string, payload: unknown): Draft | undefined {
    const row = this.db
      .prepare(`SELECT id FROM drafts WHERE kind = ? AND drafter = ? AND status = 'pending' AND payload_hash = ? ORDER BY id LIMIT 1`)
      .get(kind, drafter, payloadHash(payload)) as { id: number } | undefined;
    return row ? this.get(row.id) : undefined;
  }

  countCreatedSince(drafter: string, since: Date): number {
    return (this.db.prepare(`SELECT count(*) AS n FROM drafts WHERE drafter = ? AND created_at >= ?`).get(drafter, since.toISOString()) as { n: number }).n;
  }

  get(id: number): Draft {
    const row = this.db.prepare(`SELECT * FROM drafts WHERE id = ?`).get(id) as DraftRow | undefined;
    if (!row) throw new DraftNotFoundError(id);
    return fromRow(row);
  }

  list(filter: DraftFilter = {}): Draft[] {
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

  revisions(id: number): Revision[] {
    const rows = this.db.prepare(`SELECT * FROM draft_revisions WHERE draft_id = ? ORDER BY revision`).all(id) as {
      revision: number; payload_json: string; payload_hash: string; author: string; created_at: string; note: string | null;
    }[];
    return rows.map((r) => ({ revision: r.revision, payload: JSON.parse(r.payload_json), payloadHash: r.payload_hash, author: r.author, createdAt: r.created_at, note: r.note }));
  }

  edit(id: number, actor: string, role: string, payload: unknown, title: string, note?: string): Draft {
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

  /** Approves exactly the revision the reviewer saw: a different current revision refuses inside the transaction. */
  approve(id: number, reviewer: string, role: string, revision: number): Draft {
    return this.transition(id, 'approve', reviewer, role, (draft, at) => {
      if (draft.revision !== revision) throw new RevisionChangedError(id, revision, draft.revision);
      return { sql: `decided_by = @reviewer, decided_at = @at`, params: { reviewer, at } };
    });
  }

  /** Drafts per status, and who drafted (ids and names: people are not restricted content). */
  statusCounts(): Record<string, number> {
    const rows = this.db.prepare(`SELECT status, count(*) AS n FROM drafts GROUP BY status`).all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.status, row.n]));
  }

  drafters(): { id: string; name: string }[] {
    return this.db.prepare(`SELECT drafter AS id, max(drafter_name) AS name FROM drafts GROUP BY drafter ORDER BY name`).all() as { id: string; name: string }[];
  }

  draftSpaces(): string[] {
    const rows = this.db.prepare(`SELECT DISTINCT spaces FROM drafts WHERE spaces != ''`).all() as { spaces: string }[];
    return [...new Set(rows.flatMap((row) => row.spaces.split(',')))].sort();
  }

  reject(id: number, reviewer: string, role: string, reason: string): Draft {
    return this.transition(id, 'reject', reviewer, role, (_d, at) => ({
      sql: `decided_by = @reviewer, decided_at = @at, reject_reason = @reason`,
      params: { reviewer, at, reason },
    }));
  }

  /**
   * Claims a draft for execution (approved → executing, or failed → executing on retry, or a
   * dead executor's executing draft). Returns undefined when another process owns it.
   */
  claim(id: number, actor: string, role: string, action: 'execute' | 'retry' | 'reconcile', target: string): Draft | undefined {
    try {
      return this.transition(id, action, actor, role, (draft, at) => {
        // Only a process that sends to the same target may finish someone else's execution.
        if (action === 'reconcile' && (!this.executorGone(draft) || draft.target !== target)) throw new ClaimLost(id);
        return {
          sql: `attempts = attempts + 1, executor_pid = @pid, executor_host = @host, lease_until = @lease, failure_reason = NULL, target = @target`,
          params: { pid: process.pid, host: hostname(), lease: new Date(Date.parse(at) + LEASE_MS).toISOString(), target },
        };
      });
    } catch (error) {
      if (error instanceof ClaimLost) return undefined;
      throw error;
    }
  }

  succeed(id: number, actor: string, role: string, target: string, result: unknown): Draft {
    return this.transition(id, 'succeed', actor, role, () => ({
      sql: `target = @target, result_json = @result, executor_pid = NULL, lease_until = NULL`,
      params: { target, result: JSON.stringify(result) },
    }));
  }

  fail(id: number, actor: string, role: string, reason: string): Draft {
    return this.transition(id, 'fail', actor, role, () => ({
      sql: `failure_reason = @reason, executor_pid = NULL, lease_until = NULL`,
      params: { reason },
    }));
  }

  /** Drafts stuck in `executing` whose executor is gone: candidates for reconciliation. */
  orphanedExecutions(): Draft[] {
    return this.list({ status: 'executing', limit: 1000 }).filter((draft) => this.executorGone(draft));
  }

  /** Records the outbox entry and marks the draft executed in one transaction: no crash window. */
  executeToOutbox(id: number, actor: string, role: string, target: string, request: unknown): Draft {
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

  outboxEntry(draftId: number): { id: number; target: string; request: unknown; createdAt: string } | undefined {
    const row = this.db.prepare(`SELECT * FROM outbox WHERE draft_id = ?`).get(draftId) as
      | { id: number; target: string; request_json: string; created_at: string }
      | undefined;
    return row ? { id: row.id, target: row.target, request: JSON.parse(row.request_json), createdAt: row.created_at } : undefined;
  }

  private executorGone(draft: Draft): boolean {
    if (draft.leaseUntil !== null && Date.parse(draft.leaseUntil) < this.now().getTime()) return true;
    if (draft.executorHost !== hostname() || draft.executorPid === null) return false;
    if (draft.executorPid === process.pid) return false;
    try {
      process.kill(draft.executorPid, 0);
      return false;
    } catch (error) {
      return (error as NodeJS.ErrnoException).code === 'ESRCH';
    }
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
        const draft = this.get(id);
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
        });
        return { draft: this.get(id) };
      })
      .immediate();
    if ('draft' in outcome) return outcome.draft;
    // Recorded outside the transaction, so the refusal stays in the audit trail.
    this.audit.record({ actor, role, tool: 'drafts', action, decision: 'deny', subject: String(id), reason: `status is ${outcome.refused}` });
    throw new PolicyDeniedError(`Draft ${id} is ${outcome.refused}; it can only be ${pastTense(action)} when ${allowedFrom(action).join(' or ')}.`);
  }
}

export class RevisionChangedError extends StewardError {
  constructor(
    readonly draftId: number,
    readonly seen: number,
    readonly current: number,
    changes = '',
  ) {
    super(`Draft ${draftId} changed since you saw revision ${seen}: it is now revision ${current}. Review it again and approve revision ${current}.${changes}`, 'conflict');
  }
}

class ClaimLost extends StewardError {
  constructor(id: number) {
    super(`Draft ${id} changed while this action was running; look at it again.`, 'conflict');
  }
}

function pastTense(action: DraftAction): string {
  return { edit: 'edited', approve: 'approved', reject: 'rejected', execute: 'executed', succeed: 'completed', fail: 'failed', retry: 'retried', reconcile: 'reconciled' }[action];
}

interface DraftRow {
  id: number; kind: DraftKind; status: DraftStatus; drafter: string; drafter_name: string; created_at: string; updated_at: string;
  spaces: string; title: string; payload_json: string; payload_hash: string; revision: number; decided_by: string | null;
  decided_at: string | null; reject_reason: string | null; attempts: number; executor_pid: number | null; executor_host: string | null;
  lease_until: string | null; target: string | null; result_json: string | null; failure_reason: string | null;
}

function fromRow(row: DraftRow): Draft {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    drafter: row.drafter,
    drafterName: row.drafter_name,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    spaces: row.spaces === '' ? [] : row.spaces.split(','),
    title: row.title,
    payload: JSON.parse(row.payload_json),
    payloadHash: row.payload_hash,
    revision: row.revision,
    decidedBy: row.decided_by,
    decidedAt: row.decided_at,
    rejectReason: row.reject_reason,
    attempts: row.attempts,
    target: row.target,
    result: row.result_json === null ? null : JSON.parse(row.result_json),
    failureReason: row.failure_reason,
    executorPid: row.executor_pid,
    executorHost: row.executor_host,
    leaseUntil: row.lease_until,
  };
}
