import type { Identity } from '../domain/types.js';
import { type JiraDraftPayload, idempotencyLabel, previewIssue } from '../services/drafts/jira-issue.js';
import type { AuditTrailRow } from '../services/report/trust-report.js';
import type { Draft, Revision } from '../services/drafts/draft-service.js';
import { ago, statusBadge, utc } from './format.js';
import { type Html, html, safeHref } from './html.js';
import { lineDiff, revisionText } from '../services/drafts/revision-diff.js';

export interface DraftView {
  draft: Draft;
  revisions: Revision[];
  outbox: { id: number; target: string; request: unknown; createdAt: string } | undefined;
  /** Policy review.editorsMayApprove: whether a reviewer's own edit still lets them approve. */
  editorsMayApprove?: boolean;
  /** What still blocks approval (empty when it could run as it stands); Approve is hidden otherwise. */
  blockers?: string[];
  /** This draft's audit trail, newest first, from the shared store (SQLite or PostgreSQL). */
  audit: AuditTrailRow[];
  reviewer: Identity;
  csrf: string;
  projects: string[];
  issueTypes: string[];
  /** Display names of the people in this draft's history, by account id. */
  names: Map<string, string>;
  now: Date;
}

export function draftPage(view: DraftView): Html {
  const { draft } = view;
  return html`<p class="small"><a href="/">← Back to the queue</a></p>
<h1>#${draft.id} ${draft.title}</h1>
<p>${statusBadge(draft.status)} <span class="muted">${draft.kind === 'jira' ? 'Jira issue' : 'Automation rule'} · drafted by ${draft.drafterName} ${ago(draft.createdAt, view.now)} · revision ${draft.revision}${draft.spaces.length ? ` · ${draft.spaces.join(', ')}` : ''}</span></p>
<div class="grid">
<div>
<section class="card" aria-labelledby="preview-h">
<h2 id="preview-h">${previewHeading(draft)}</h2>
${draft.kind === 'jira' ? jiraPreview(draft) : automationPreview(draft.payload)}
</section>
<section class="card" aria-labelledby="evidence-h">
<h2 id="evidence-h">Evidence pages</h2>
${evidence(draft.payload)}
</section>
<section class="card" aria-labelledby="revisions-h">
<h2 id="revisions-h">Revisions</h2>
${revisions(draft, view.revisions, view.names)}
</section>
</div>
<div>
${actions(view)}
<section class="card" aria-labelledby="exec-h">
<h2 id="exec-h">Execution</h2>
${execution(view)}
</section>
<section class="card" aria-labelledby="audit-h">
<h2 id="audit-h">Audit trail</h2>
${auditList(view.audit)}
</section>
</div>
</div>`;
}

function previewHeading(draft: Draft): string {
  const thing = draft.kind === 'jira' ? 'issue' : 'rule';
  if (draft.status === 'pending') return `The ${thing} as it will be created`;
  if (draft.status === 'rejected') return `The ${thing} as drafted (not created)`;
  return `The ${thing} as approved`;
}

function jiraPreview(draft: Draft): Html {
  const p = draft.payload as JiraDraftPayload;
  return html`<article class="issue" aria-label="Jira issue preview">
<div class="head">
  <div class="key">${p.projectKey} · ${p.issueType}</div>
  <div class="summary">${p.summary}</div>
</div>
<div class="body">
  <p class="labels"><strong>Labels:</strong> ${[...p.labels, idempotencyLabel(draft.id)].map((label) => html`<span>${label}</span>`)}</p>
  <h3>Description</h3>
  <p>${p.gap}</p>
  ${p.question ? html`<h3>Question asked</h3><p>${p.question}</p>` : ''}
  ${p.pages.length ? html`<h3>Affected pages</h3><ul>${p.pages.map((page) => html`<li>${pageLink(page, false)}</li>`)}</ul>` : ''}
  <h3>Likely owner</h3>
  <p>${p.likelyOwner ? `${p.likelyOwner.displayName ?? p.likelyOwner.accountId} (${p.likelyOwner.source} of the first affected page)` : 'Unknown: no affected page names an owner or editor.'}</p>
</div>
</article>
<details><summary>Plain-text preview</summary><pre>${previewIssue(p)}</pre></details>`;
}

/**
 * Automation drafts come from another pipeline; this reads them defensively:
 * `{ preview, unresolved, problems, manualConfig, missingInputs, exportJson }`, any of which
 * may be absent. The preview's own numbering is kept (nested steps read 2.1, 2.2), and a step
 * carrying a marker (⚠, "(unresolved: …)", "(to fill in: …)") is highlighted.
 */
function automationPreview(payload: unknown): Html {
  const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  const unresolved = asList(p.unresolved);
  const missing = asList(p.missingInputs);
  const manual = asList(p.manualConfig);
  const problems = asList(p.problems);
  const lines = typeof p.preview === 'string' ? p.preview.split('\n').filter((line) => line.trim() !== '') : [];
  const heading = lines[0]?.startsWith('Rule:') ? lines.shift() : undefined;
  const items = (list: unknown[], title: string, mark: boolean) =>
    list.length ? html`<h3>${title}</h3><ul>${list.map((item) => html`<li>${mark ? html`<mark>${describeItem(item)}</mark>` : describeItem(item)}</li>`)}</ul>` : '';
  return html`${typeof p.prompt === 'string' ? html`<blockquote class="request"><strong>Original request:</strong> ${p.prompt}</blockquote>` : ''}
${heading ? html`<p><strong>${heading.replace(/^Rule:\s*/, '')}</strong></p>` : ''}
${lines.length
    ? html`<ol class="steps">${lines.map((line) => {
        const depth = Math.min(3, Math.floor((line.length - line.trimStart().length) / 3));
        const numbered = /^(\d+(?:\.\d+)*)[.)]?\s+(.*)$/.exec(line.trim());
        const number = numbered ? numbered[1] : '';
        const text = numbered ? numbered[2] : line.trim();
        const marker = MARKER.exec(text);
        const body = marker ? html`${text.slice(0, marker.index)}<mark>${text.slice(marker.index)}</mark>` : html`${text}`;
        return html`<li class="d${depth}${marker ? ' unresolved' : ''}"><span class="n">${number}</span> ${body}</li>`;
      })}</ol>`
    : html`<p class="empty">This draft has no preview text.</p>`}
${items(unresolved, 'Unresolved references', true)}
${items(missing, 'Values to fill in', true)}
${items(manual, 'Needs manual configuration', false)}
${items(problems, 'Problems', false)}
${p.exportJson !== undefined ? html`<details><summary>Export JSON</summary><pre>${typeof p.exportJson === 'string' ? p.exportJson : JSON.stringify(p.exportJson, null, 2)}</pre></details>` : ''}`;
}

/** Where a preview line starts saying that something still needs a person. */
const MARKER = /⚠|\(unresolved:|\(to fill in:|\?\?\?/;

function asList(value: unknown): unknown[] {
  return Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
}

const ITEM_NAME_KEYS = ['field', 'path', 'name', 'type', 'kind', 'component'];
const ITEM_TEXT_KEYS = ['message', 'reason', 'description'];

function describeItem(item: unknown): string {
  if (typeof item === 'string') return item;
  if (!item || typeof item !== 'object') return String(item);
  const record = item as Record<string, unknown>;
  const name = ITEM_NAME_KEYS.map((key) => record[key]).find((v): v is string => typeof v === 'string');
  const text = ITEM_TEXT_KEYS.map((key) => record[key]).find((v): v is string => typeof v === 'string');
  const candidates = Array.isArray(record.candidates)
    ? record.candidates.map((c) => (c && typeof c === 'object' && typeof (c as { label?: unknown }).label === 'string' ? (c as { label: string }).label : '')).filter(Boolean)
    : [];
  const head = name && text ? `${name}: ${text}` : name || text || JSON.stringify(item);
  return candidates.length ? `${head} (candidates: ${candidates.join(', ')})` : head;
}

function pageLink(page: { id?: unknown; title?: unknown; space?: unknown; url?: unknown }, showPlainUrl = true): Html {
  const title = typeof page.title === 'string' ? page.title : `page ${String(page.id ?? '?')}`;
  const space = typeof page.space === 'string' ? html` <span class="muted">(${page.space})</span>` : '';
  const href = safeHref(page.url);
  if (href) return html`<a href="${href}" rel="noreferrer noopener" target="_blank">${title}</a>${space}`;
  return html`${title}${space}${showPlainUrl && typeof page.url === 'string' ? html` <span class="hash">${page.url}</span>` : ''}`;
}

function evidence(payload: unknown): Html {
  const p = (payload && typeof payload === 'object' ? payload : {}) as Record<string, unknown>;
  const pages = [...asList(p.pages), ...asList(p.evidence)].filter((page): page is Record<string, unknown> => !!page && typeof page === 'object');
  if (pages.length === 0) return html`<p class="empty">The draft cites no pages.</p>`;
  return html`<ul class="plain">${pages.map((page) => html`<li>${pageLink(page)}${typeof page.id === 'string' ? html` <span class="hash">id ${page.id}</span>` : ''}</li>`)}</ul>`;
}

function revisions(draft: Draft, list: Revision[], names: Map<string, string>): Html {
  if (list.length === 0) return html`<p class="empty">No revisions recorded.</p>`;
  const newestFirst = [...list].reverse();
  return html`<ul class="plain">${newestFirst.map((revision) => {
    const previous = list.find((r) => r.revision === revision.revision - 1);
    return html`<li>
<strong>Revision ${revision.revision}</strong> <span class="muted small">by ${names.get(revision.author) ?? revision.author}, <time datetime="${revision.createdAt}">${utc(revision.createdAt)}</time>${revision.note ? ` — ${revision.note}` : ''}</span>
${previous ? diffBlock(draft.kind, previous, revision) : ''}
</li>`;
  })}</ul>`;
}

function diffBlock(kind: string, before: Revision, after: Revision): Html {
  const lines = lineDiff(revisionText(kind, before.payload), revisionText(kind, after.payload));
  const sign = { add: '+ ', del: '− ', ctx: '  ', gap: '' } as const;
  const label = { add: 'added', del: 'removed', ctx: 'unchanged', gap: '' } as const;
  if (!lines.some((line) => line.kind === 'add' || line.kind === 'del')) return html`<p class="small muted">No change to the content.</p>`;
  return html`<div class="diff" role="group" aria-label="Changes from revision ${before.revision} to ${after.revision}">${lines.map(
    (line) => html`<div class="${line.kind}"${line.kind === 'add' || line.kind === 'del' ? html` title="${label[line.kind]}"` : ''}>${sign[line.kind]}${line.text}</div>`,
  )}</div>`;
}

function actions(view: DraftView): Html | '' {
  const { draft, csrf } = view;
  const hidden = html`<input type="hidden" name="_csrf" value="${csrf}"><input type="hidden" name="revision" value="${draft.revision}">`;
  const own = draft.drafter === view.reviewer.accountId;
  const edited = view.revisions.some((r, i) => i > 0 && r.author === view.reviewer.accountId && r.payloadHash !== view.revisions[i - 1].payloadHash);
  if (draft.status === 'pending') {
    const blockers = view.blockers ?? [];
    const approve = blockers.length
      ? html`<p class="small bad">Cannot be approved yet: ${blockers.join('; ')}. Edit it first.</p>`
      : html`<form method="post" action="/drafts/${draft.id}/approve">${hidden}
${own ? html`<p class="small bad">You drafted this; another reviewer must approve it (four-eyes rule).</p>` : ''}
${!own && edited && !view.editorsMayApprove ? html`<p class="small bad">You changed this draft; another reviewer must approve it (four-eyes rule).</p>` : ''}
<button type="submit" class="approve">${draft.kind === 'jira' ? 'Approve and create the issue' : 'Approve and export the rule (disabled)'}</button>
<p class="small muted">Approves revision ${draft.revision}, the one shown here, and runs exactly once, right away${draft.kind === 'jira' ? ': creates the Jira issue, or writes the exact request to the outbox when Jira is not configured.' : ': writes the rule, disabled, to the outbox for import in the rule builder. No rule is created in Confluence.'}</p>
</form>`;
    return html`<section class="card actions" aria-labelledby="decide-h">
<h2 id="decide-h">Decide</h2>
${approve}
<form method="post" action="/drafts/${draft.id}/reject">${hidden}
<div class="field"><label for="reason">Reason for rejecting</label>
<textarea id="reason" name="reason" required minlength="3" maxlength="1000" aria-describedby="reason-help"></textarea>
<div id="reason-help" class="small muted">Kept with the draft and in the audit trail.</div></div>
<button type="submit" class="reject">Reject</button>
</form>
</section>
${draft.kind === 'jira' ? editForm(view, hidden) : ruleEditForm(view, hidden)}`;
  }
  if (draft.status === 'failed') {
    return html`<section class="card actions" aria-labelledby="decide-h">
<h2 id="decide-h">Retry</h2>
<p>The last attempt failed: <span class="bad">${draft.failureReason ?? 'no reason recorded'}</span></p>
<form method="post" action="/drafts/${draft.id}/approve">${hidden}
<button type="submit" class="approve">Retry execution</button>
<p class="small muted">Looks for an issue created by an earlier attempt before sending again, so nothing is created twice.</p>
</form>
</section>`;
  }
  return '';
}

function ruleEditForm(view: DraftView, hidden: Html): Html {
  const payload = (view.draft.payload && typeof view.draft.payload === 'object' ? view.draft.payload : {}) as { rule?: unknown };
  return html`<section class="card" aria-labelledby="edit-h">
<h2 id="edit-h">Edit the rule before deciding</h2>
<form method="post" action="/drafts/${view.draft.id}/edit">${hidden}
<div class="field"><label for="e-rule">Simplified rule JSON <span class="muted small">(goes through the same checks as a new rule)</span></label><textarea id="e-rule" name="rule" required rows="14" maxlength="60000">${JSON.stringify(payload.rule ?? {}, null, 2)}</textarea></div>
<div class="field"><label for="e-note">Note for the revision</label><input type="text" id="e-note" name="note" maxlength="500"></div>
<button type="submit">Save as a new revision</button>
</form>
</section>`;
}

function editForm(view: DraftView, hidden: Html): Html {
  const p = view.draft.payload as JiraDraftPayload;
  const select = (id: string, name: string, options: string[], current: string) =>
    html`<select id="${id}" name="${name}">${[...new Set([current, ...options])].map((o) => html`<option value="${o}"${o === current ? html` selected` : ''}>${o}</option>`)}</select>`;
  return html`<section class="card" aria-labelledby="edit-h">
<h2 id="edit-h">Edit before deciding</h2>
<form method="post" action="/drafts/${view.draft.id}/edit">${hidden}
<div class="field"><label for="e-summary">Summary</label><input type="text" id="e-summary" name="summary" value="${p.summary}" required maxlength="255"></div>
<div class="field"><label for="e-gap">Description</label><textarea id="e-gap" name="gap" required maxlength="5000">${p.gap}</textarea></div>
<div class="field"><label for="e-labels">Labels <span class="muted small">(comma-separated)</span></label><input type="text" id="e-labels" name="labels" value="${p.labels.join(', ')}"></div>
<div class="field"><label for="e-project">Project</label>${select('e-project', 'projectKey', view.projects, p.projectKey)}</div>
<div class="field"><label for="e-type">Issue type</label>${select('e-type', 'issueType', view.issueTypes, p.issueType)}</div>
<div class="field"><label for="e-note">Note for the revision</label><input type="text" id="e-note" name="note" maxlength="500"></div>
<button type="submit">Save as a new revision</button>
</form>
</section>`;
}

function execution(view: DraftView): Html {
  const { draft } = view;
  const result = draft.result as { key?: unknown; url?: unknown; outboxId?: unknown } | null;
  const facts: Html[] = [html`<dt>Status</dt><dd>${statusBadge(draft.status)}</dd>`];
  if (draft.decidedBy) facts.push(html`<dt>${draft.status === 'rejected' ? 'Rejected by' : 'Approved by'}</dt><dd>${view.names.get(draft.decidedBy) ?? draft.decidedBy}${draft.decidedAt ? html`, <time datetime="${draft.decidedAt}">${utc(draft.decidedAt)}</time>` : ''}</dd>`);
  if (draft.rejectReason) facts.push(html`<dt>Reason</dt><dd>${draft.rejectReason}</dd>`);
  if (draft.target) facts.push(html`<dt>Target</dt><dd>${draft.target}</dd>`);
  if (draft.attempts) facts.push(html`<dt>Attempts</dt><dd>${draft.attempts}</dd>`);
  if (result && typeof result.key === 'string') {
    const href = safeHref(result.url);
    facts.push(html`<dt>Issue</dt><dd>${href ? html`<a href="${href}" rel="noreferrer noopener" target="_blank">${result.key}</a>` : result.key}</dd>`);
  }
  if (view.outbox) facts.push(html`<dt>Outbox</dt><dd>entry ${view.outbox.id} — no issue was created; the exact request is kept</dd>`);
  if (draft.failureReason) facts.push(html`<dt>Failure</dt><dd class="bad">${draft.failureReason}</dd>`);
  return html`<dl class="facts">${facts}</dl>
${view.outbox ? html`<details><summary>Outbox request</summary><pre>${JSON.stringify(view.outbox.request, null, 2)}</pre></details>` : ''}
${draft.status === 'pending' ? html`<p class="small muted">Nothing runs until a reviewer other than the drafter approves.</p>` : ''}`;
}

function auditList(rows: AuditTrailRow[]): Html {
  if (rows.length === 0) return html`<p class="empty">No audit rows for this draft.</p>`;
  return html`<ul class="plain audit">${rows.map(
    (row) => html`<li data-action="${row.action}">
<span class="badge s-${row.decision}">${row.action}</span> ${row.reason ?? ''}${row.rejectReason ? html`<br><span class="small">reason: ${row.rejectReason}</span>` : ''}
<div class="small muted">${row.actorName ?? row.actor} · <time datetime="${row.at}">${utc(row.at)}</time></div>
</li>`,
  )}</ul>`;
}
