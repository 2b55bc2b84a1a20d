import type { Draft } from '../services/drafts/draft-service.js';
import { STATUSES, ago, statusBadge } from './format.js';
import { type Html, html } from './html.js';

export interface QueueFilter {
  /** A status, or 'all'. Pending when the page is opened without filters. */
  status: string;
  kind?: string;
  space?: string;
  drafter?: string;
  age?: string;
}

export const AGES: Record<string, { label: string; test: (ageMs: number) => boolean }> = {
  lt1d: { label: 'under a day', test: (ms) => ms < 86_400_000 },
  lt7d: { label: 'under a week', test: (ms) => ms < 7 * 86_400_000 },
  gt7d: { label: 'older than a week', test: (ms) => ms >= 7 * 86_400_000 },
  gt30d: { label: 'older than 30 days', test: (ms) => ms >= 30 * 86_400_000 },
};

export function queueFilterFrom(params: URLSearchParams): QueueFilter {
  const value = (name: string) => {
    const v = params.get(name)?.trim();
    return v ? v : undefined;
  };
  const status = value('status') ?? 'pending';
  return {
    status: status === 'all' || STATUSES.includes(status as never) ? status : 'pending',
    kind: value('kind') === 'jira' || value('kind') === 'automation' ? value('kind') : undefined,
    space: value('space'),
    drafter: value('drafter'),
    age: value('age') && value('age')! in AGES ? value('age') : undefined,
  };
}

export function applyAge(drafts: Draft[], age: string | undefined, now: Date): Draft[] {
  const rule = age ? AGES[age] : undefined;
  return rule ? drafts.filter((draft) => rule.test(now.getTime() - Date.parse(draft.createdAt))) : drafts;
}

export function queuePage(view: {
  drafts: Draft[];
  /** Matching drafts this reviewer may not see (their evidence is not readable to them). */
  hidden?: number;
  filter: QueueFilter;
  counts: Record<string, number>;
  spaces: string[];
  drafters: { id: string; name: string }[];
  now: Date;
}): Html {
  const { filter } = view;
  const option = (value: string, label: string, selected: string | undefined) =>
    html`<option value="${value}"${value === (selected ?? '') ? html` selected` : ''}>${label}</option>`;
  const countLinks = STATUSES.filter((status) => (view.counts[status] ?? 0) > 0).map(
    (status) => html`<a href="/?status=${status}">${view.counts[status]} ${status}</a>`,
  );
  return html`<h1>Review queue</h1>
<p class="muted">${countLinks.length ? joinWith(countLinks, ' · ') : 'No drafts yet.'}</p>
<section class="card" aria-labelledby="filters-h">
<h2 id="filters-h">Filter</h2>
<form class="filters" method="get" action="/">
  <div><label for="f-status">Status</label><select id="f-status" name="status">
    ${option('all', 'Any status', filter.status)}
    ${STATUSES.map((status) => option(status, status, filter.status))}
  </select></div>
  <div><label for="f-kind">Kind</label><select id="f-kind" name="kind">
    ${option('', 'Any kind', filter.kind)}${option('jira', 'Jira issue', filter.kind)}${option('automation', 'Automation rule', filter.kind)}
  </select></div>
  <div><label for="f-space">Space</label><select id="f-space" name="space">
    ${option('', 'Any space', filter.space)}${view.spaces.map((space) => option(space, space, filter.space))}
  </select></div>
  <div><label for="f-drafter">Drafter</label><select id="f-drafter" name="drafter">
    ${option('', 'Anyone', filter.drafter)}${view.drafters.map((d) => option(d.id, d.name, filter.drafter))}
  </select></div>
  <div><label for="f-age">Age</label><select id="f-age" name="age">
    ${option('', 'Any age', filter.age)}${Object.entries(AGES).map(([value, rule]) => option(value, rule.label, filter.age))}
  </select></div>
  <div><button type="submit">Apply</button> <a class="button" href="/?status=all">Reset</a></div>
</form>
</section>
<section class="card" aria-labelledby="drafts-h">
<h2 id="drafts-h">${view.drafts.length} draft${view.drafts.length === 1 ? '' : 's'}</h2>
${view.hidden ? html`<p class="small muted">${view.hidden} more draft${view.hidden === 1 ? ' rests' : 's rest'} on pages you may not read, so ${view.hidden === 1 ? 'it is' : 'they are'} not shown here.</p>` : ''}
${view.drafts.length === 0
  ? html`<p class="empty">No drafts match these filters.</p>`
  : html`<table>
<thead><tr><th scope="col">Draft</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Spaces</th><th scope="col">Drafter</th><th scope="col">Drafted</th><th scope="col" class="num">Rev.</th></tr></thead>
<tbody>
${view.drafts.map(
  (draft) => html`<tr>
<td><a href="/drafts/${draft.id}">#${draft.id} ${draft.title}</a>${draft.failureReason ? html`<div class="small bad">Execution failed: ${draft.failureReason}</div>` : ''}</td>
<td>${draft.kind === 'jira' ? 'Jira issue' : draft.kind === 'automation' ? 'Automation rule' : draft.kind}</td>
<td>${statusBadge(draft.status)}</td>
<td>${draft.spaces.join(', ') || '—'}</td>
<td>${draft.drafterName}</td>
<td>${ago(draft.createdAt, view.now)}</td>
<td class="num">${draft.revision}</td>
</tr>`,
)}
</tbody></table>`}
</section>`;
}

function joinWith(items: Html[], separator: string): Html[] {
  return items.flatMap((item, index) => (index === 0 ? [item] : [html`${separator}`, item]));
}
