import type { AuditFilter, AuditTrailRow, DraftOutcomeRow, ReportStore } from '../../store/report-queries.js';
import { type GapCluster, clusterQuestions } from './gap-clusters.js';

/**
 * The trust report: how far answers and drafts deserve trust, from the steward's own tables
 * (question_log, drafts, draft_revisions, audit): SQL plus arithmetic. What SQL cannot name
 * (titles and spaces of cited pages, people) comes from lookups through the reviewer's gate,
 * so a reviewer never sees the title of a page they could not open themselves.
 */
export interface TrustReport {
  generatedAt: string;
  /** Lower bound of the period (ISO), or null for all time. */
  since: string | null;
  questions: QuestionCounts;
  /** Questions where nothing the asker may read matched: counts only, never which content. */
  restrictedMisses: { count: number; share: number };
  sources: SourceQuality;
  approvals: { byKind: ApprovalStats[]; total: ApprovalStats };
  gaps: { unanswered: number; clustered: number; clusters: GapCluster[] };
  /** `hiddenDrafts`: drafts in these rows the reader may not see; their rows keep only the id. */
  audit: { filter: AuditFilter; total: number; rows: AuditTrailRow[]; hiddenDrafts?: number };
}

export interface QuestionCounts {
  total: number;
  answered: number;
  conflicting: number;
  insufficientEvidence: number;
  noPermittedContent: number;
}

export interface CitedPage {
  pageId: string;
  /** null when the page is not visible to the reader of the report (or beyond the lookup limit). */
  title: string | null;
  space: string | null;
  url: string | null;
  /** Answers citing this page. */
  answers: number;
}

export interface SourceQuality {
  /** Answers (answered or conflicting) that cite at least one page. */
  answersWithSources: number;
  answersOnStaleSources: number;
  /** answersOnStaleSources / answersWithSources, 0 when there are none. */
  staleShare: number;
  topPages: CitedPage[];
  topSpaces: { space: string; answers: number }[];
  /** Citations whose page could not be named for this reader (not visible, gone, or not looked up). */
  unattributedCitations: number;
}

export interface ApprovalStats {
  kind: 'jira' | 'automation' | 'all';
  drafted: number;
  pending: number;
  /** Approved as drafted (one revision). */
  approved: number;
  /** Approved after a reviewer edited it (revision > 1). */
  editedThenApproved: number;
  rejected: number;
  /** Of the approved: executed, and failed (awaiting a retry). */
  executed: number;
  failed: number;
  /** Seconds from drafted to decided (approved or rejected). */
  decisionSeconds: { count: number; median: number | null; mean: number | null; max: number | null };
}

export type { AuditFilter, AuditTrailRow };

export interface TrustReportOptions {
  now?: Date;
  /** Only the last N days; all time when omitted. */
  sinceDays?: number;
  audit?: AuditFilter;
  /** How many cited pages and gap clusters to list. */
  top?: number;
  /** Most recent unanswered questions to cluster (bounds the O(n·m) clustering). */
  maxGapQuestions?: number;
  /** Distinct cited pages to look up (most cited first); citations of the rest are unattributed. */
  pageLookupLimit?: number;
}

const ANSWERED = ['answered', 'conflicting_sources'];
const UNANSWERED = ['insufficient_evidence', 'no_permitted_content'];
/** Audit rows about reading (made while drafting) are not write actions. */
const READ_ACTIONS = ['read', 'search', 'list', 'find-title'];
const DRAFT_TOOLS = ['edit_draft', 'approve_draft', 'reject_draft'];

export interface ReportLookups {
  /** A cited page as the report's reader may see it; undefined when not visible to them. */
  page(id: string): Promise<{ title: string; space: string; url: string } | undefined>;
  /** A person's display name; undefined when unknown. */
  person(accountId: string): Promise<string | undefined>;
  /** Whether the reader may see this draft (the queue's visibility rule). */
  draft(record: { kind: 'jira' | 'automation'; payload: unknown; spaces: string[] }): Promise<boolean>;
}

/**
 * Builds the report. Without `lookups` cited pages stay unnamed (ids only, no spaces) and
 * audit actors are named only when they drafted something.
 */
export async function buildTrustReport(store: ReportStore, options: TrustReportOptions = {}, lookups?: ReportLookups): Promise<TrustReport> {
  const now = options.now ?? new Date();
  const since = options.sinceDays !== undefined ? new Date(now.getTime() - options.sinceDays * 86_400_000).toISOString() : null;
  const lower = since ?? '';
  const top = options.top ?? 10;

  const byStatus = await store.questionStatusCounts(lower);
  const questions: QuestionCounts = {
    total: [...byStatus.values()].reduce((sum, n) => sum + n, 0),
    answered: byStatus.get('answered') ?? 0,
    conflicting: byStatus.get('conflicting_sources') ?? 0,
    insufficientEvidence: byStatus.get('insufficient_evidence') ?? 0,
    noPermittedContent: byStatus.get('no_permitted_content') ?? 0,
  };

  const sourced = await store.sourcedAnswerCounts(lower, ANSWERED);
  const cited = await store.citedPageCounts(lower);
  const unansweredRows = await store.recentQuestions(lower, UNANSWERED, options.maxGapQuestions ?? 2000);

  const audit = await auditTrail(store, lower, options.audit ?? {});
  await redactHiddenDrafts(store, audit, lookups);
  if (lookups) {
    const names = new Map<string, string | undefined>();
    for (const row of audit.rows) {
      if (row.actorName !== null || names.has(row.actor)) continue;
      names.set(row.actor, await lookups.person(row.actor).catch(() => undefined));
    }
    for (const row of audit.rows) row.actorName ??= names.get(row.actor) ?? null;
  }

  return {
    generatedAt: now.toISOString(),
    since,
    questions,
    restrictedMisses: { count: questions.noPermittedContent, share: ratio(questions.noPermittedContent, questions.total) },
    sources: {
      answersWithSources: sourced.withSources,
      answersOnStaleSources: sourced.stale,
      staleShare: ratio(sourced.stale, sourced.withSources),
      ...(await nameCitedPages(cited, lookups, top, options.pageLookupLimit ?? 60)),
    },
    approvals: approvalStats(await store.draftOutcomeRows(lower)),
    gaps: {
      unanswered: questions.insufficientEvidence + questions.noPermittedContent,
      clustered: unansweredRows.length,
      clusters: clusterQuestions(unansweredRows).slice(0, top),
    },
    audit,
  };
}

/**
 * Names the most cited pages through the reader's lookup (at most `limit` distinct pages, most
 * cited first) and counts citations per space from them; the rest stays unattributed.
 */
async function nameCitedPages(
  cited: { pageId: string; answers: number }[],
  lookups: ReportLookups | undefined,
  top: number,
  limit: number,
): Promise<Pick<SourceQuality, 'topPages' | 'topSpaces' | 'unattributedCitations'>> {
  if (!lookups) {
    return {
      topPages: cited.slice(0, top).map((page) => ({ ...page, title: null, space: null, url: null })),
      topSpaces: [],
      unattributedCitations: cited.reduce((sum, page) => sum + page.answers, 0),
    };
  }
  const resolved = await mapBounded(cited.slice(0, limit), 4, (page) => lookups.page(page.pageId).catch(() => undefined));
  const named: CitedPage[] = [];
  const spaces = new Map<string, number>();
  let unattributed = 0;
  cited.forEach((page, index) => {
    const info = resolved[index];
    if (!info) {
      unattributed += page.answers;
      return;
    }
    named.push({ ...page, title: info.title, space: info.space, url: info.url });
    spaces.set(info.space, (spaces.get(info.space) ?? 0) + page.answers);
  });
  return {
    topPages: named.slice(0, top),
    topSpaces: [...spaces.entries()]
      .map(([space, answers]) => ({ space, answers }))
      .sort((a, b) => b.answers - a.answers || a.space.localeCompare(b.space))
      .slice(0, top),
    unattributedCitations: unattributed,
  };
}

function approvalStats(rows: DraftOutcomeRow[]): { byKind: ApprovalStats[]; total: ApprovalStats } {
  const stats = (kind: ApprovalStats['kind'], subset: DraftOutcomeRow[]): ApprovalStats => {
    const approvedRows = subset.filter((row) => row.decided_at !== null && row.status !== 'rejected');
    const durations = subset
      .filter((row) => row.decided_at !== null)
      .map((row) => Math.max(0, (Date.parse(row.decided_at!) - Date.parse(row.created_at)) / 1000))
      .sort((a, b) => a - b);
    return {
      kind,
      drafted: subset.length,
      pending: subset.filter((row) => row.status === 'pending').length,
      approved: approvedRows.filter((row) => row.revision === 1).length,
      editedThenApproved: approvedRows.filter((row) => row.revision > 1).length,
      rejected: subset.filter((row) => row.status === 'rejected').length,
      executed: subset.filter((row) => row.status === 'executed').length,
      failed: subset.filter((row) => row.status === 'failed').length,
      decisionSeconds: {
        count: durations.length,
        median: durations.length ? median(durations) : null,
        mean: durations.length ? round(durations.reduce((sum, d) => sum + d, 0) / durations.length) : null,
        max: durations.length ? round(durations[durations.length - 1]) : null,
      },
    };
  };
  const kinds = [...new Set(rows.map((row) => row.kind))].sort();
  return { byKind: kinds.map((kind) => stats(kind, rows.filter((row) => row.kind === kind))), total: stats('all', rows) };
}

/** Every write action: draft transitions and the decisions (allowed or refused) on drafting and reviewing. */
export async function auditTrail(store: ReportStore, lower: string, filter: AuditFilter): Promise<TrustReport['audit']> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
  const { total, rows } = await store.auditTrailRows(lower, { ...filter, limit }, { readActions: READ_ACTIONS, draftTools: DRAFT_TOOLS });
  return { filter: { ...filter, limit }, total, rows };
}

/**
 * A draft's title and reject reason appear in the trail only for readers who may see the draft
 * (its evidence); other rows keep the action and the id, and are counted in `hiddenDrafts`.
 * Without lookups nobody is known to see anything, so nothing is named.
 */
async function redactHiddenDrafts(store: ReportStore, audit: TrustReport['audit'], lookups: ReportLookups | undefined): Promise<void> {
  const ids = [...new Set(audit.rows.filter((row) => row.draftTitle !== null).map((row) => Number(row.subject)))];
  const visible = new Set<number>();
  if (lookups && ids.length > 0) {
    for (const d of await store.draftRecords(ids)) {
      if (await lookups.draft(d).catch(() => false)) visible.add(d.id);
    }
  }
  // A refused draft target names a page: only readers who may open it see which.
  for (const row of audit.rows) {
    if (row.action !== 'draft-target' || row.subject === null) continue;
    const page = lookups ? await lookups.page(row.subject).catch(() => undefined) : undefined;
    if (!page) row.subject = null;
  }
  const hidden = new Set<number>();
  for (const row of audit.rows) {
    if (row.draftTitle === null || visible.has(Number(row.subject))) continue;
    hidden.add(Number(row.subject));
    row.draftTitle = null;
    row.rejectReason = null;
  }
  audit.hiddenDrafts = hidden.size;
}

function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : round(part / whole, 4);
}

function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

function median(sorted: number[]): number {
  const mid = Math.floor(sorted.length / 2);
  return round(sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2);
}

async function mapBounded<T, R>(items: T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const index = next++;
        results[index] = await run(items[index]);
      }
    }),
  );
  return results;
}
