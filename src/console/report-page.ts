import { formatDuration, percent } from '../services/report/report-text.js';
import type { ApprovalStats, TrustReport } from '../services/report/trust-report.js';
import { barChart, stackedBarChart } from './charts.js';
import { utc } from './format.js';
import { type Html, html, safeHref } from './html.js';

export interface ReportQuery {
  days?: number;
  actor?: string;
  action?: string;
  decision?: 'allow' | 'deny';
  draftId?: number;
}

export const PERIODS = [7, 30, 90, 365];
const ACTIONS = ['create', 'edit', 'approve', 'reject', 'execute', 'succeed', 'fail', 'retry', 'reconcile', 'draft', 'draft-quota'];

export function reportQueryFrom(params: URLSearchParams): ReportQuery {
  const text = (name: string) => params.get(name)?.trim() || undefined;
  const int = (name: string) => {
    const value = Number(text(name));
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  };
  const decision = text('decision');
  return {
    days: int('days') !== undefined && int('days')! <= 3650 ? int('days') : undefined,
    actor: text('actor'),
    action: text('action'),
    decision: decision === 'allow' || decision === 'deny' ? decision : undefined,
    draftId: int('draft'),
  };
}

const OUTCOMES = [
  { name: 'approved as drafted', color: '#1a7f37' },
  { name: 'edited, then approved', color: '#7cc48f' },
  { name: 'rejected', color: '#b42318' },
  { name: 'pending', color: '#d4a72c' },
];

export function reportPage(report: TrustReport, query: ReportQuery): Html {
  const q = report.questions;
  const s = report.sources;
  const option = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}"${value === (current ?? '') ? html` selected` : ''}>${label}</option>`;
  return html`<h1>Trust report</h1>
<form class="filters card" method="get" action="/report" aria-label="Report period">
  <div><label for="r-days">Period</label><select id="r-days" name="days">
    ${option('', 'All time', query.days === undefined ? '' : String(query.days))}
    ${PERIODS.map((days) => option(String(days), `Last ${days} days`, query.days === undefined ? '' : String(query.days)))}
  </select></div>
  <div><button type="submit">Show</button></div>
  <p class="small muted">${report.since ? `Since ${utc(report.since)}` : 'All time'} · generated ${utc(report.generatedAt)}</p>
</form>

<div class="kpis">
  <div class="kpi"><div class="value">${q.total}</div><div class="label">questions asked (${q.answered + q.conflicting} answered)</div></div>
  <div class="kpi"><div class="value">${report.restrictedMisses.count}</div><div class="label">restricted-content misses (${percent(report.restrictedMisses.share)} of questions)</div></div>
  <div class="kpi"><div class="value">${percent(s.staleShare)}</div><div class="label">of sourced answers rest on a stale page (${s.answersOnStaleSources} of ${s.answersWithSources})</div></div>
  <div class="kpi"><div class="value">${formatDuration(report.approvals.total.decisionSeconds.median)}</div><div class="label">median time to decision (${report.approvals.total.decisionSeconds.count} decided)</div></div>
</div>

<section class="card" aria-labelledby="misses-h">
<h2 id="misses-h">Restricted-content misses</h2>
<p>${report.restrictedMisses.count} question${report.restrictedMisses.count === 1 ? '' : 's'} found nothing the asker may read: either the answer is in pages they may not open, or it is not written down. Only the count is shown here; which pages exist is never revealed.</p>
</section>

<div class="grid2">
<section class="card" aria-labelledby="pages-h">
<h2 id="pages-h">Most cited pages</h2>
${barChart('Answers citing each page', s.topPages.map((page) => ({ label: `${page.title ?? page.pageId}${page.space ? ` (${page.space})` : ''}`, value: page.answers })))}
${s.topPages.length ? html`<details><summary>As a table, with links</summary><table><thead><tr><th scope="col">Page</th><th scope="col">Space</th><th scope="col" class="num">Answers</th></tr></thead><tbody>${s.topPages.map((page) => {
  const href = safeHref(page.url);
  return html`<tr><td>${href ? html`<a href="${href}" rel="noreferrer noopener" target="_blank">${page.title}</a>` : page.title}</td><td>${page.space}</td><td class="num">${page.answers}</td></tr>`;
})}</tbody></table></details>` : ''}
${s.unattributedCitations ? html`<p class="small muted">${s.unattributedCitations} citation${s.unattributedCitations === 1 ? '' : 's'} of pages you may not open (or not looked up) are not shown.</p>` : ''}
</section>
<section class="card" aria-labelledby="spaces-h">
<h2 id="spaces-h">Most cited spaces</h2>
${barChart('Answers citing each space', s.topSpaces.map((space) => ({ label: space.space, value: space.answers })))}
<p class="small muted">Stale sources: ${s.answersOnStaleSources} of ${s.answersWithSources} sourced answers (${percent(s.staleShare)}) cite at least one page older than the policy's review period.</p>
</section>
</div>

<section class="card" aria-labelledby="approvals-h">
<h2 id="approvals-h">Approval outcomes</h2>
${stackedBarChart('Draft outcomes by kind', OUTCOMES, [...report.approvals.byKind, report.approvals.total].map((stats) => ({
  label: kindLabel(stats.kind),
  values: [stats.approved, stats.editedThenApproved, stats.rejected, stats.pending],
})))}
<table>
<thead><tr><th scope="col">Kind</th><th scope="col" class="num">Drafted</th><th scope="col" class="num">Approved</th><th scope="col" class="num">Edited, then approved</th><th scope="col" class="num">Rejected</th><th scope="col" class="num">Pending</th><th scope="col" class="num">Executed</th><th scope="col" class="num">Failed</th><th scope="col" class="num">Median to decision</th><th scope="col" class="num">Longest</th></tr></thead>
<tbody>${[...report.approvals.byKind, report.approvals.total].map(approvalRow)}</tbody>
</table>
</section>

<section class="card" aria-labelledby="gaps-h">
<h2 id="gaps-h">Repeated knowledge gaps</h2>
<p class="muted small">${report.gaps.unanswered} unanswered question${report.gaps.unanswered === 1 ? '' : 's'}, grouped by shared words (largest group first). The questions are the askers' own words.</p>
${barChart('Unanswered questions per group', report.gaps.clusters.map((cluster, index) => ({ label: `${index + 1}. ${cluster.keywords.join(', ') || cluster.questions[0].text}`, value: cluster.size })))}
${report.gaps.clusters.length ? html`<ol>${report.gaps.clusters.map(
  (cluster) => html`<li><strong>${cluster.keywords.join(', ') || 'no common words'}</strong> <span class="muted">— ${cluster.size} question${cluster.size === 1 ? '' : 's'}</span>
<ul>${cluster.questions.slice(0, 5).map((question) => html`<li>“${question.text}” <span class="small muted">${question.at.slice(0, 10)} · ${question.status.replaceAll('_', ' ')}</span></li>`)}</ul>
${cluster.questions.length > 5 ? html`<p class="small muted">and ${cluster.questions.length - 5} more</p>` : ''}</li>`,
)}</ol>` : ''}
</section>

<section class="card" aria-labelledby="audit-h">
<h2 id="audit-h">Audit trail of write actions</h2>
<form class="filters" method="get" action="/report" aria-label="Filter the audit trail">
  ${query.days !== undefined ? html`<input type="hidden" name="days" value="${query.days}">` : ''}
  <div><label for="a-actor">Who (account id)</label><input type="text" id="a-actor" name="actor" value="${query.actor ?? ''}"></div>
  <div><label for="a-action">Action</label><select id="a-action" name="action">${option('', 'Any action', query.action)}${[...new Set([...ACTIONS, ...(query.action ? [query.action] : [])])].map((a) => option(a, a, query.action))}</select></div>
  <div><label for="a-decision">Decision</label><select id="a-decision" name="decision">${option('', 'Allowed or refused', query.decision)}${option('allow', 'allowed', query.decision)}${option('deny', 'refused', query.decision)}</select></div>
  <div><label for="a-draft">Draft #</label><input type="number" id="a-draft" name="draft" min="1" value="${query.draftId ?? ''}"></div>
  <div><button type="submit">Filter</button> <a class="button" href="/report${query.days !== undefined ? `?days=${query.days}` : ''}">Clear</a></div>
</form>
<p class="small muted">${report.audit.total} row${report.audit.total === 1 ? '' : 's'}${report.audit.total > report.audit.rows.length ? `; newest ${report.audit.rows.length} shown` : ''}.</p>
${report.audit.rows.length === 0 ? html`<p class="empty">No write actions match.</p>` : html`<table class="small" id="audit-table">
<thead><tr><th scope="col">When</th><th scope="col">Who</th><th scope="col">Action</th><th scope="col">Draft</th><th scope="col">Decision</th><th scope="col">What</th><th scope="col">Payload hash</th></tr></thead>
<tbody>${report.audit.rows.map(
  (row) => html`<tr>
<td><time datetime="${row.at}">${utc(row.at)}</time></td>
<td>${row.actorName ? html`${row.actorName} <span class="muted">(${row.actor})</span>` : row.actor}</td>
<td>${row.tool === 'drafts' ? row.action : `${row.tool} · ${row.action}`}</td>
<td>${row.draftTitle !== null ? html`<a href="/drafts/${row.subject}">#${row.subject} ${row.draftTitle}</a>` : (row.subject ?? '—')}</td>
<td><span class="badge s-${row.decision}">${row.decision === 'allow' ? 'allowed' : 'refused'}</span></td>
<td>${row.reason ?? ''}${row.rejectReason ? html`<br><span class="muted">reason: ${row.rejectReason}</span>` : ''}</td>
<td class="hash">${hashChange(row.beforeHash, row.afterHash)}</td>
</tr>`,
)}</tbody></table>`}
</section>`;
}

function kindLabel(kind: ApprovalStats['kind']): string {
  return kind === 'jira' ? 'Jira issues' : kind === 'automation' ? 'Automation rules' : 'All drafts';
}

function approvalRow(stats: ApprovalStats): Html {
  const cell = (n: number) => html`<td class="num">${n}</td>`;
  return html`<tr${stats.kind === 'all' ? html` style="font-weight:600"` : ''}><th scope="row">${kindLabel(stats.kind)}</th>${cell(stats.drafted)}${cell(stats.approved)}${cell(stats.editedThenApproved)}${cell(stats.rejected)}${cell(stats.pending)}${cell(stats.executed)}${cell(stats.failed)}<td class="num">${formatDuration(stats.decisionSeconds.median)}</td><td class="num">${formatDuration(stats.decisionSeconds.max)}</td></tr>`;
}

function hashChange(before: string | null, after: string | null): string {
  const short = (hash: string | null) => (hash ? hash.slice(0, 8) : '—');
  if (!before && !after) return '';
  return before === after ? short(after) : `${short(before)} → ${short(after)}`;
}
