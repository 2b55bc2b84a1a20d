import type { ApprovalStats, TrustReport } from './trust-report.js';

/** The trust report as plain text for a terminal (`confluence-steward report`). */
export function formatTrustReport(report: TrustReport): string {
  const lines: string[] = [];
  const section = (title: string) => lines.push('', title, '-'.repeat(title.length));
  const q = report.questions;

  lines.push(`Trust report — ${report.since ? `since ${report.since.slice(0, 10)}` : 'all time'} (generated ${report.generatedAt.slice(0, 16).replace('T', ' ')} UTC)`);

  section('Questions');
  lines.push(
    `${q.total} asked: ${q.answered} answered, ${q.conflicting} with conflicting sources, ${q.insufficientEvidence} insufficient evidence, ${q.noPermittedContent} no permitted content`,
  );

  section('Restricted-content misses');
  lines.push(`${report.restrictedMisses.count} question(s) found nothing the asker may read (${percent(report.restrictedMisses.share)} of all questions). Counts only.`);

  section('Source quality');
  const s = report.sources;
  lines.push(`${s.answersOnStaleSources} of ${s.answersWithSources} sourced answers rest on a stale page (${percent(s.staleShare)}).`);
  if (s.topPages.length) {
    lines.push('Most cited pages:');
    for (const page of s.topPages) lines.push(`  ${String(page.answers).padStart(4)}  ${page.title ?? `page ${page.pageId}`}${page.space ? ` (${page.space})` : ''}`);
  }
  if (s.topSpaces.length) {
    lines.push('Most cited spaces:');
    for (const space of s.topSpaces) lines.push(`  ${String(space.answers).padStart(4)}  ${space.space}`);
  }
  if (s.unattributedCitations) lines.push(`${s.unattributedCitations} citation(s) of pages not shown (not visible to you, or beyond the lookup limit).`);

  section('Approval outcomes');
  const rows = [...report.approvals.byKind, report.approvals.total];
  lines.push(table(['kind', 'drafted', 'pending', 'approved', 'edited+approved', 'rejected', 'executed', 'failed', 'median decision'], rows.map(approvalRow)));

  section('Repeated knowledge gaps');
  if (report.gaps.unanswered === 0) lines.push('No unanswered questions.');
  else lines.push(`${report.gaps.unanswered} unanswered question(s)${report.gaps.clustered < report.gaps.unanswered ? `, the latest ${report.gaps.clustered} clustered` : ''}.`);
  report.gaps.clusters.forEach((cluster, index) => {
    lines.push(`  ${index + 1}. ×${cluster.size}  ${cluster.keywords.join(', ') || '(no common words)'}`);
    for (const question of cluster.questions.slice(0, 3)) lines.push(`       “${question.text}” (${question.at.slice(0, 10)}, ${question.status.replaceAll('_', ' ')})`);
    if (cluster.questions.length > 3) lines.push(`       … and ${cluster.questions.length - 3} more`);
  });

  section('Audit trail of write actions');
  const f = report.audit.filter;
  const filters = [f.actor && `actor ${f.actor}`, f.action && `action ${f.action}`, f.decision && `decision ${f.decision}`, f.draftId !== undefined && `draft ${f.draftId}`].filter(Boolean);
  lines.push(`${report.audit.total} row(s)${filters.length ? ` matching ${filters.join(', ')}` : ''}${report.audit.total > report.audit.rows.length ? `, newest ${report.audit.rows.length} shown` : ''}.`);
  if (report.audit.rows.length) {
    lines.push(
      table(
        ['when (UTC)', 'who', 'action', 'draft', 'decision', 'what'],
        report.audit.rows.map((row) => [
          row.at.slice(0, 19).replace('T', ' '),
          row.actorName ? `${row.actorName} (${row.actor})` : row.actor,
          `${row.tool === 'drafts' ? '' : `${row.tool} `}${row.action}`,
          row.subject ? `${row.subject}${row.draftTitle ? ` ${truncate(row.draftTitle, 40)}` : ''}` : '—',
          row.decision,
          [row.reason, row.rejectReason && `reason: ${row.rejectReason}`].filter(Boolean).join('; '),
        ]),
      ),
    );
  }
  return lines.join('\n');
}

function approvalRow(stats: ApprovalStats): string[] {
  return [
    stats.kind,
    String(stats.drafted),
    String(stats.pending),
    String(stats.approved),
    String(stats.editedThenApproved),
    String(stats.rejected),
    String(stats.executed),
    String(stats.failed),
    formatDuration(stats.decisionSeconds.median),
  ];
}

export function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** 42 s, 7 min, 3.5 h, 2.1 d; an em dash when there is nothing to measure. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return '—';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  if (seconds < 3600) return `${Math.round(seconds / 60)} min`;
  if (seconds < 86_400) return `${Math.round(seconds / 360) / 10} h`;
  return `${Math.round(seconds / 8640) / 10} d`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].map((l) => `  ${l}`).join('\n');
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
