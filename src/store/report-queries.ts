import type { Db } from './database.js';

/**
 * The SQL behind the trust report (src/services/report/trust-report.ts does the arithmetic and
 * the naming through the reader's gate). Read-only queries over question_log, drafts and audit;
 * `lower` is the ISO lower bound of the period ('' for all time).
 */

export interface AuditFilter {
  actor?: string;
  action?: string;
  decision?: 'allow' | 'deny';
  draftId?: number;
  limit?: number;
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

/** Audit actions whose subject is not a draft id (a page id, a project key …): never joined to a draft. */
export const NOT_DRAFT_SUBJECTS = ['draft-target', 'jira-project', 'issue-type', 'draft-labels', 'draft-quota', 'call'];

function placeholders(values: readonly unknown[]): string {
  return values.map(() => '?').join(', ');
}

export function questionStatusCounts(db: Db, lower: string): Map<string, number> {
  const rows = db.prepare(`SELECT status, count(*) AS n FROM question_log WHERE at >= ? GROUP BY status`).all(lower) as { status: string; n: number }[];
  return new Map(rows.map((row) => [row.status, row.n]));
}

/** Answers (of the given statuses) that cite something, and how many of them cite a stale page. */
export function sourcedAnswerCounts(db: Db, lower: string, answered: readonly string[]): { withSources: number; stale: number } {
  return db
    .prepare(
      `SELECT count(*) AS withSources, coalesce(sum(stale_cited > 0), 0) AS stale FROM question_log
       WHERE at >= ? AND status IN (${placeholders(answered)}) AND cited_json != '[]'`,
    )
    .get(lower, ...answered) as { withSources: number; stale: number };
}

/** Page ids by how many answers cite them, most cited first. */
export function citedPageCounts(db: Db, lower: string): { pageId: string; answers: number }[] {
  const rows = db
    .prepare(
      `SELECT j.value AS pageId, count(*) AS answers FROM question_log AS q, json_each(q.cited_json) AS j
       WHERE q.at >= ? GROUP BY j.value ORDER BY answers DESC, j.value`,
    )
    .all(lower) as { pageId: string | number; answers: number }[];
  return rows.map((row) => ({ pageId: String(row.pageId), answers: row.answers }));
}

/** The most recent questions with one of these statuses, newest first. */
export function recentQuestions(db: Db, lower: string, statuses: readonly string[], limit: number): { id: number; at: string; text: string; status: string }[] {
  return db
    .prepare(`SELECT id, at, question AS text, status FROM question_log WHERE at >= ? AND status IN (${placeholders(statuses)}) ORDER BY id DESC LIMIT ?`)
    .all(lower, ...statuses, limit) as { id: number; at: string; text: string; status: string }[];
}

export function draftOutcomeRows(db: Db, lower: string): { kind: 'jira' | 'automation'; status: string; revision: number; created_at: string; decided_at: string | null }[] {
  return db.prepare(`SELECT kind, status, revision, created_at, decided_at FROM drafts WHERE created_at >= ?`).all(lower) as {
    kind: 'jira' | 'automation'; status: string; revision: number; created_at: string; decided_at: string | null;
  }[];
}

/** Kind, payload and spaces of these drafts: what the visibility rule needs. */
export function draftRecords(db: Db, ids: readonly number[]): { id: number; kind: 'jira' | 'automation'; payload: unknown; spaces: string[] }[] {
  if (ids.length === 0) return [];
  const rows = db.prepare(`SELECT id, kind, payload_json, spaces FROM drafts WHERE id IN (${placeholders(ids)})`).all(...ids) as {
    id: number; kind: 'jira' | 'automation'; payload_json: string; spaces: string;
  }[];
  return rows.map((row) => ({ id: row.id, kind: row.kind, payload: JSON.parse(row.payload_json) as unknown, spaces: row.spaces === '' ? [] : row.spaces.split(',') }));
}

/** Every write action: draft transitions and the decisions (allowed or refused) on drafting and reviewing. */
export function auditTrailRows(
  db: Db,
  lower: string,
  filter: AuditFilter & { limit: number },
  scope: { readActions: readonly string[]; draftTools: readonly string[] },
): { total: number; rows: AuditTrailRow[] } {
  const where = [
    `at >= @lower`,
    `(tool = 'drafts' OR tool LIKE 'draft\\_%' ESCAPE '\\' OR tool IN (${scope.draftTools.map((t) => `'${t}'`).join(', ')}))`,
    `action NOT IN (${scope.readActions.map((a) => `'${a}'`).join(', ')})`,
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
    where.push(`subject = @subject AND action NOT IN (${NOT_DRAFT_SUBJECTS.map((x) => `'${x}'`).join(', ')})`);
    params.subject = String(filter.draftId);
  }
  const clause = where.join(' AND ');
  const total = (db.prepare(`SELECT count(*) AS n FROM audit WHERE ${clause}`).get(params) as { n: number }).n;
  const rows = db
    .prepare(
      `SELECT a.id, a.at, a.actor, (SELECT n.drafter_name FROM drafts AS n WHERE n.drafter = a.actor LIMIT 1) AS actorName,
              a.role, a.tool, a.action, a.decision, a.subject, d.title AS draftTitle, a.reason,
              CASE WHEN a.tool = 'drafts' AND a.action = 'reject' AND a.decision = 'allow' THEN d.reject_reason END AS rejectReason,
              a.before_hash AS beforeHash, a.after_hash AS afterHash
       FROM audit AS a LEFT JOIN drafts AS d ON a.subject GLOB '[0-9]*' AND a.action NOT IN (${NOT_DRAFT_SUBJECTS.map((x) => `'${x}'`).join(', ')})
            AND d.id = CAST(a.subject AS INTEGER)
       WHERE ${clause} ORDER BY a.id DESC LIMIT @limit`,
    )
    .all(params) as AuditTrailRow[];
  return { total, rows };
}
