import type { AuditStore } from './audit-log.js';
import type { PgPool } from './pg-database.js';
import {
  type AuditFilter,
  type AuditScope,
  type AuditTrailRow,
  type DraftOutcomeRow,
  type DraftRecord,
  type DraftRecordColumns,
  NOT_DRAFT_SUBJECTS,
  type RecentQuestion,
  type ReportStore,
  draftRecordFrom,
  sqlList,
} from './report-queries.js';

/**
 * The report's queries on the PostgreSQL store: the same rows, in the same order, as the SQLite
 * ones (src/store/report-queries.ts). Counts are cast to integer (pg returns bigint as text);
 * text that decides an order is compared bytewise (COLLATE "C"), as SQLite does. The audit rows
 * this replica recorded are written first, so a reader sees its own decisions.
 */
export class PgReportStore implements ReportStore {
  constructor(private readonly pool: PgPool, private readonly audit: Pick<AuditStore, 'flush'>) {}

  async questionStatusCounts(lower: string): Promise<Map<string, number>> {
    const result = await this.pool.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM question_log WHERE at >= $1 GROUP BY status`, [lower]);
    return new Map(result.rows.map((row) => [row.status, row.n]));
  }

  async sourcedAnswerCounts(lower: string, answered: readonly string[]): Promise<{ withSources: number; stale: number }> {
    const result = await this.pool.query<{ withSources: number; stale: number }>(
      `SELECT count(*)::int AS "withSources", (count(*) FILTER (WHERE stale_cited > 0))::int AS stale FROM question_log
       WHERE at >= $1 AND status = ANY($2::text[]) AND cited_json != '[]'`,
      [lower, answered],
    );
    return result.rows[0];
  }

  async citedPageCounts(lower: string): Promise<{ pageId: string; answers: number }[]> {
    const result = await this.pool.query<{ pageId: string; answers: number }>(
      `SELECT j.value AS "pageId", count(*)::int AS answers FROM question_log AS q, json_array_elements_text(q.cited_json::json) AS j(value)
       WHERE q.at >= $1 GROUP BY j.value ORDER BY answers DESC, j.value COLLATE "C"`,
      [lower],
    );
    return result.rows;
  }

  async recentQuestions(lower: string, statuses: readonly string[], limit: number): Promise<RecentQuestion[]> {
    const result = await this.pool.query<RecentQuestion>(
      `SELECT id, at, question AS text, status FROM question_log WHERE at >= $1 AND status = ANY($2::text[]) ORDER BY id DESC LIMIT $3`,
      [lower, statuses, limit],
    );
    return result.rows;
  }

  async draftOutcomeRows(lower: string): Promise<DraftOutcomeRow[]> {
    const result = await this.pool.query<DraftOutcomeRow>(`SELECT kind, status, revision, created_at, decided_at FROM drafts WHERE created_at >= $1 ORDER BY id`, [lower]);
    return result.rows;
  }

  async draftRecords(ids: readonly number[]): Promise<DraftRecord[]> {
    if (ids.length === 0) return [];
    const result = await this.pool.query<DraftRecordColumns>(`SELECT id, kind, payload_json, spaces FROM drafts WHERE id = ANY($1::int[]) ORDER BY id`, [ids]);
    return result.rows.map(draftRecordFrom);
  }

  async auditTrailRows(lower: string, filter: AuditFilter & { limit: number }, scope: AuditScope): Promise<{ total: number; rows: AuditTrailRow[] }> {
    await this.audit.flush();
    const params: unknown[] = [lower];
    const where = [
      `a.at >= $1`,
      `(a.tool = 'drafts' OR a.tool LIKE 'draft\\_%' ESCAPE '\\' OR a.tool IN (${sqlList(scope.draftTools)}))`,
      `a.action NOT IN (${sqlList(scope.readActions)})`,
    ];
    const add = (condition: (placeholder: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (filter.actor) add((p) => `a.actor = ${p}`, filter.actor);
    if (filter.action) add((p) => `a.action = ${p}`, filter.action);
    if (filter.decision) add((p) => `a.decision = ${p}`, filter.decision);
    if (filter.draftId !== undefined) add((p) => `a.subject = ${p} AND a.action NOT IN (${sqlList(NOT_DRAFT_SUBJECTS)})`, String(filter.draftId));
    const clause = where.join(' AND ');
    const total = (await this.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM audit AS a WHERE ${clause}`, params)).rows[0].n;
    // As SQLite's CAST does, a subject joins the draft numbered by its leading digits; CASE keeps
    // the cast from ever seeing a subject that is not one.
    const rows = await this.pool.query<AuditTrailRow>(
      `SELECT a.id, a.at, a.actor, (SELECT n.drafter_name FROM drafts AS n WHERE n.drafter = a.actor ORDER BY n.id DESC LIMIT 1) AS "actorName",
              a.role, a.tool, a.action, a.decision, a.subject, d.title AS "draftTitle", a.reason,
              CASE WHEN a.tool = 'drafts' AND a.action = 'reject' AND a.decision = 'allow' THEN d.reject_reason END AS "rejectReason",
              a.before_hash AS "beforeHash", a.after_hash AS "afterHash"
       FROM audit AS a LEFT JOIN drafts AS d ON a.action NOT IN (${sqlList(NOT_DRAFT_SUBJECTS)})
            AND d.id = CASE WHEN a.subject ~ '^[0-9]' THEN substring(a.subject from '^[0-9]{1,9}')::integer END
       WHERE ${clause} ORDER BY a.id DESC LIMIT $${params.length + 1}`,
      [...params, filter.limit],
    );
    return { total, rows: rows.rows };
  }
}
