import { createHash } from 'node:crypto';
import { hostname } from 'node:os';
import { type DraftAction, type DraftStatus, allowedFrom } from '../../policies/draft-rules.js';
import { PolicyDeniedError, StewardError } from '../errors.js';

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

/** Who may claim an execution, for how long: a lease that ran out frees the draft for reconciliation. */
export const LEASE_MS = 120_000;

export interface Quota {
  since: Date;
  /** Throws when `createdSince` drafts of this drafter already reach the cap. */
  authorize: (createdSince: number) => void;
}

export interface OutboxEntry {
  id: number;
  target: string;
  request: unknown;
  createdAt: string;
}

/**
 * The draft queue every backend implements (SQLite in one process or a few sharing a file,
 * PostgreSQL for replicas). Every change is one transaction that checks the current status
 * (so two processes can never both make the same transition), writes the new state and
 * appends an audit row with the payload hash before and after. Nothing is ever deleted.
 * A refused transition throws PolicyDeniedError and leaves a deny row in the audit log.
 */
export interface DraftStore {
  create(input: NewDraft): Promise<Draft>;
  /**
   * Creates a draft after `quota.authorize` has seen how many drafts this drafter created since
   * `quota.since`; the count and the insert are serialised per drafter, across processes.
   */
  createWithinQuota(input: NewDraft, quota: Quota | undefined): Promise<Draft>;
  /** A pending draft of this user with exactly this payload, if one exists. */
  findPendingDuplicate(kind: DraftKind, drafter: string, payload: unknown): Promise<Draft | undefined>;
  countCreatedSince(drafter: string, since: Date): Promise<number>;
  get(id: number): Promise<Draft>;
  list(filter?: DraftFilter): Promise<Draft[]>;
  revisions(id: number): Promise<Revision[]>;
  edit(id: number, actor: string, role: string, payload: unknown, title: string, note?: string): Promise<Draft>;
  /** Approves exactly the revision the reviewer saw: a different current revision refuses inside the transaction. */
  approve(id: number, reviewer: string, role: string, revision: number): Promise<Draft>;
  /** Drafts per status. */
  statusCounts(): Promise<Record<string, number>>;
  /** Who drafted (ids and names: people are not restricted content). */
  drafters(): Promise<{ id: string; name: string }[]>;
  draftSpaces(): Promise<string[]>;
  reject(id: number, reviewer: string, role: string, reason: string): Promise<Draft>;
  /**
   * Claims a draft for execution (approved → executing, or failed → executing on retry, or a
   * dead executor's executing draft). Resolves undefined when another process owns it.
   */
  claim(id: number, actor: string, role: string, action: 'execute' | 'retry' | 'reconcile', target: string): Promise<Draft | undefined>;
  succeed(id: number, actor: string, role: string, target: string, result: unknown): Promise<Draft>;
  fail(id: number, actor: string, role: string, reason: string): Promise<Draft>;
  /** Drafts stuck in `executing` whose executor is gone: candidates for reconciliation. */
  orphanedExecutions(): Promise<Draft[]>;
  /** Records the outbox entry and marks the draft executed in one transaction: no crash window. */
  executeToOutbox(id: number, actor: string, role: string, target: string, request: unknown): Promise<Draft>;
  outboxEntry(draftId: number): Promise<OutboxEntry | undefined>;
}

/** Whether the process that claimed this execution is gone (lease over, or a dead pid on this host). */
export function executorGone(draft: Draft, now: Date): boolean {
  if (draft.leaseUntil !== null && Date.parse(draft.leaseUntil) < now.getTime()) return true;
  if (draft.executorHost !== hostname() || draft.executorPid === null) return false;
  if (draft.executorPid === process.pid) return false;
  try {
    process.kill(draft.executorPid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/** The columns a claim writes: this process, this host, a fresh lease. */
export function claimColumns(at: string, target: string): { pid: number; host: string; lease: string; target: string } {
  return { pid: process.pid, host: hostname(), lease: new Date(Date.parse(at) + LEASE_MS).toISOString(), target };
}

/** The refusal of a transition the status does not allow (the caller records the deny row). */
export function refusal(id: number, action: DraftAction, status: DraftStatus): PolicyDeniedError {
  return new PolicyDeniedError(`Draft ${id} is ${status}; it can only be ${pastTense(action)} when ${allowedFrom(action).join(' or ')}.`);
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

/** Another process changed the draft between reading and writing it (or owns its execution). */
export class ClaimLost extends StewardError {
  constructor(id: number) {
    super(`Draft ${id} changed while this action was running; look at it again.`, 'conflict');
  }
}

function pastTense(action: DraftAction): string {
  return { edit: 'edited', approve: 'approved', reject: 'rejected', execute: 'executed', succeed: 'completed', fail: 'failed', retry: 'retried', reconcile: 'reconciled' }[action];
}

export interface DraftRow {
  id: number; kind: DraftKind; status: DraftStatus; drafter: string; drafter_name: string; created_at: string; updated_at: string;
  spaces: string; title: string; payload_json: string; payload_hash: string; revision: number; decided_by: string | null;
  decided_at: string | null; reject_reason: string | null; attempts: number; executor_pid: number | null; executor_host: string | null;
  lease_until: string | null; target: string | null; result_json: string | null; failure_reason: string | null;
}

export function fromRow(row: DraftRow): Draft {
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
