import type { Db } from './database.js';

/**
 * The queries behind the trust report and the console's audit trail (src/services/report/
 * trust-report.ts does the arithmetic and the naming through the reader's gate): read-only, over
 * question_log, drafts and audit. One contract, a SQLite and a PostgreSQL implementation
 * (src/store/pg-report-queries.ts) that return the same rows in the same order. `lower` is the ISO
 * lower bound of the period ('' for all time).
 */
export interface ReportStore {
  questionStatusCounts(lower: string): Promise<Map<string, number>>;
  /** Answers (of the given statuses) that cite something, and how many of them cite a stale page. */
  sourcedAnswerCounts(lower: string, answered: readonly string[]): Promise<{ withSources: number; stale: number }>;
  /** Page ids by how many answers cite them, most cited first (ties by id, bytewise). */
  citedPageCounts(lower: string): Promise<{ pageId: string; answers: number }[]>;
  /** The most recent questions with one of these statuses, newest first. */
  recentQuestions(lower: string, statuses: readonly string[], limit: number): Promise<RecentQuestion[]>;
  draftOutcomeRows(lower: string): Promise<DraftOutcomeRow[]>;
  /** Kind, payload and spaces of these drafts: what the visibility rule needs. */
  draftRecords(ids: readonly number[]): Promise<DraftRecord[]>;
  /** Every write action: draft transitions and the decisions (allowed or refused) on drafting and reviewing. */
  auditTrailRows(lower: string, filter: AuditFilter & { limit: number }, scope: AuditScope): Promise<{ total: number; rows: AuditTrailRow[] }>;
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  decision?: 'allow' | 'deny';
  draftId?: number;
  limit?: number;
}

/** Which audit rows count as write actions: tools about drafts, minus the reads made while drafting. */
export interface AuditScope {
  readActions: readonly string[];
  draftTools: readonly string[];
}

export interface AuditTrailRow {
  id: number;
  at: string;
  actor: string;
  actorName: string | null;
  role: string;
  tool: string;
  action: string;
  decision: 'allow' | 'deny';
  subject: string | null;
  /** The draft the row is about, when it is about one. */
  draftTitle: string | null;
  reason: string | null;
  /** On a draft's reject row: the reviewer's reason. */
  rejectReason: string | null;
  beforeHash: string | null;
  afterHash: string | null;
}

export interface RecentQuestion {
  id: number;
  at: string;
  text: string;
  status: string;
}

export interface DraftOutcomeRow {
  kind: 'jira' | 'automation';
  status: string;
  revision: number;
  created_at: string;
  decided_at: string | null;
}

export interface DraftRecord {
  id: number;
  kind: 'jira' | 'automation';
  payload: unknown;
  spaces: string[];
}

/** The columns `draftRecords` reads, as both backends return them. */
export interface DraftRecordColumns {
  id: number;
  kind: 'jira' | 'automation';
  payload_json: string;
  spaces: string;
}

/** Audit actions whose subject is not a draft id (a page id, a project key …): never joined to a draft. */
export const NOT_DRAFT_SUBJECTS = ['draft-target', 'jira-project', 'issue-type', 'draft-labels', 'draft-quota', 'call'];

/** Constant lists as SQL literals (our own constants, never caller input). */
export function sqlList(values: readonly string[]): string {
  return values.map((value) => `'${value.replace(/'/g, "''")}'`).join(', ');
}

export function draftRecordFrom(row: DraftRecordColumns): DraftRecord {
  return { id: row.id, kind: row.kind, payload: JSON.parse(row.payload_json) as unknown, spaces: row.spaces === '' ? [] : row.spaces.split(',') };
}

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

/** The report's queries on the SQLite store (the file in the data directory). */
export class SqliteReportStore implements ReportStore {
  constructor(private readonly db: Db) {}

  async questionStatusCounts(lower: string): Promise<Map<string, number>> {
    const rows = this.db.prepare(`SELECT status, count(*) AS n FROM question_log WHERE at >= ? GROUP BY status`).all(lower) as { status: string; n: number }[];
    return new Map(rows.map((row) => [row.status, row.n]));
  }

  async sourcedAnswerCounts(lower: string, answered: readonly string[]): Promise<{ withSources: number; stale: number }> {
    return this.db
      .prepare(
        `SELECT count(*) AS withSources, coalesce(sum(stale_cited > 0), 0) AS stale FROM question_log
         WHERE at >= ? AND status IN (${placeholders(answered)}) AND cited_json != '[]'`,
      )
      .get(lower, ...answered) as { withSources: number; stale: number };
  }

  async citedPageCounts(lower: string): Promise<{ pageId: string; answers: number }[]> {
    const rows = this.db
      .prepare(
        `SELECT CAST(j.value AS TEXT) AS pageId, count(*) AS answers FROM question_log AS q, json_each(q.cited_json) AS j
         WHERE q.at >= ? GROUP BY pageId ORDER BY answers DESC, pageId`,
      )
      .all(lower) as { pageId: string; answers: number }[];
    return rows;
  }

  async recentQuestions(lower: string, statuses: readonly string[], limit: number): Promise<RecentQuestion[]> {
    return this.db
      .prepare(`SELECT id, at, question AS text, status FROM question_log WHERE at >= ? AND status IN (${placeholders(statuses)}) ORDER BY id DESC LIMIT ?`)
      .all(lower, ...statuses, limit) as RecentQuestion[];
  }

  async draftOutcomeRows(lower: string): Promise<DraftOutcomeRow[]> {
    return this.db.prepare(`SELECT kind, status, revision, created_at, decided_at FROM drafts WHERE created_at >= ? ORDER BY id`).all(lower) as DraftOutcomeRow[];
  }

  async draftRecords(ids: readonly number[]): Promise<DraftRecord[]> {
    if (ids.length === 0) return [];
    const rows = this.db.prepare(`SELECT id, kind, payload_json, spaces FROM drafts WHERE id IN (${placeholders(ids)}) ORDER BY id`).all(...ids) as DraftRecordColumns[];
    return rows.map(draftRecordFrom);
  }

  async auditTrailRows(lower: string, filter: AuditFilter & { limit: number }, scope: AuditScope): Promise<{ total: number; rows: AuditTrailRow[] }> {
    const where = [
      `at >= @lower`,
      `(tool = 'drafts' OR tool LIKE 'draft\\_%' ESCAPE '\\' OR tool IN (${sqlList(scope.draftTools)}))`,
      `action NOT IN (${sqlList(scope.readActions)})`,
    ];
    const params: Record<string, unknown> = { lower, limit: filter.limit };
    if (filter.actor) {
      where.push(`actor = @actor`);
      params.actor = filter.actor;
    }
    if (filter.action) {
      where.push(`action = @action`);
      params.action = filter.action;
    }
    if (filter.decision) {
      where.push(`decision = @decision`);
      params.decision = filter.decision;
    }
    if (filter.draftId !== undefined) {
      where.push(`subject = @subject AND action NOT IN (${sqlList(NOT_DRAFT_SUBJECTS)})`);
      params.subject = String(filter.draftId);
    }
    const clause = where.join(' AND ');
    const total = (this.db.prepare(`SELECT count(*) AS n FROM audit WHERE ${clause}`).get(params) as { n: number }).n;
    const rows = this.db
      .prepare(
        `SELECT a.id, a.at, a.actor, (SELECT n.drafter_name FROM drafts AS n WHERE n.drafter = a.actor ORDER BY n.id DESC LIMIT 1) AS actorName,
                a.role, a.tool, a.action, a.decision, a.subject, d.title AS draftTitle, a.reason,
                CASE WHEN a.tool = 'drafts' AND a.action = 'reject' AND a.decision = 'allow' THEN d.reject_reason END AS rejectReason,
                a.before_hash AS beforeHash, a.after_hash AS afterHash
         FROM audit AS a LEFT JOIN drafts AS d ON a.subject GLOB '[0-9]*' AND a.action NOT IN (${sqlList(NOT_DRAFT_SUBJECTS)})
              AND d.id = CAST(a.subject AS INTEGER)
         WHERE ${clause} ORDER BY a.id DESC LIMIT @limit`,
      )
      .all(params) as AuditTrailRow[];
    return { total, rows };
  }
}
