import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewDraft } from '../../src/store/draft-store.js';
import type { AuditTrailRow, ReportStore } from '../../src/store/report-queries.js';
import { BACKEND_NAMES, type OpenedStore, type StoreBackend, startBackend } from '../support/store-backends.js';

/**
 * The report's queries as a store contract, on SQLite and a real PostgreSQL: the same history
 * written through the store on each, the same rows back, including the cases where the two SQL
 * dialects differ (tie order of page ids, subjects that are not draft ids, the `draft_` prefix).
 */
const clock = { now: new Date('2026-06-01T08:00:00Z') };
const later = (minutes: number) => (clock.now = new Date(clock.now.getTime() + minutes * 60_000));
const SCOPE = { readActions: ['read', 'search', 'list', 'find-title'], draftTools: ['edit_draft', 'approve_draft', 'reject_draft'] };
const draft = (over: Partial<NewDraft> = {}): NewDraft => ({
  kind: 'jira', drafter: 'acc-carol', drafterName: 'Carol', role: 'agent', spaces: ['IT'], title: 'VPN gap', payload: { summary: 'VPN' }, ...over,
});

/** One history: questions, drafts through their transitions, and the gate's own rows. */
async function seed(store: OpenedStore): Promise<{ edited: number; rejected: number; automation: number }> {
  clock.now = new Date('2026-06-01T08:00:00Z');
  const ask = (question: string, status: string, cited: string[], staleCited = 0) =>
    store.questions.record({ actor: 'acc-erin', question, status, citedPageIds: cited, staleCited, spaces: ['IT'], generator: 'extractive', latencyMs: 12 });
  await ask('How do I install the VPN?', 'answered', ['9', '10'], 1);
  await ask('Where is the printer?', 'conflicting_sources', ['10', '100']);
  await ask('What is the budget?', 'no_permitted_content', []);
  later(60 * 24 * 10);
  await ask('VPN on Linux?', 'insufficient_evidence', []);
  await ask('Which printer floor?', 'answered', ['9']);

  const edited = (await store.drafts.create(draft())).id;
  const rejected = (await store.drafts.create(draft({ title: 'Printer gap', payload: { summary: 'Printer' } }))).id;
  const automation = (await store.drafts.create(draft({ kind: 'automation', drafter: 'acc-dan', drafterName: 'Dan', spaces: [], title: 'Rule', payload: { rule: 1 } }))).id;
  later(30);
  await store.drafts.edit(edited, 'acc-rev', 'reviewer', { summary: 'VPN on Linux' }, 'VPN on Linux', 'clearer');
  await store.drafts.approve(edited, 'acc-rev', 'reviewer', 2);
  later(30);
  await store.drafts.reject(rejected, 'acc-rev', 'reviewer', 'Duplicate of KB-12');
  const gate = (tool: string, action: string, decision: 'allow' | 'deny', subject?: string, reason?: string) =>
    store.audit.record({ actor: 'acc-erin', role: 'agent', tool, action, decision, subject, reason });
  gate('approve_draft', 'approve', 'deny', String(rejected), 'four-eyes');
  gate('draft_jira', 'draft-target', 'deny', String(edited), 'page not readable'); // a page id, not a draft
  gate('draft_jira', 'read', 'allow', '1001'); // a read while drafting: not a write action
  gate('draftxjira', 'create', 'allow', String(edited)); // `_` is not a wildcard here
  gate('edit_draft', 'edit', 'deny', `${automation}-old`); // leading digits name the draft, as SQLite's CAST reads them
  await store.audit.flush();
  return { edited, rejected, automation };
}

async function everything(reports: ReportStore, ids: { edited: number; rejected: number; automation: number }) {
  const lower = '2026-06-05T00:00:00.000Z';
  return {
    statusCounts: Object.fromEntries(await reports.questionStatusCounts('')),
    statusCountsLater: Object.fromEntries(await reports.questionStatusCounts(lower)),
    sourced: await reports.sourcedAnswerCounts('', ['answered', 'conflicting_sources']),
    cited: await reports.citedPageCounts(''),
    citedLater: await reports.citedPageCounts(lower),
    recent: await reports.recentQuestions('', ['insufficient_evidence', 'no_permitted_content'], 10),
    outcomes: await reports.draftOutcomeRows(''),
    records: await reports.draftRecords([ids.automation, ids.edited, 999_999]),
    trail: await reports.auditTrailRows('', { limit: 100 }, SCOPE),
    denied: await reports.auditTrailRows('', { decision: 'deny', limit: 100 }, SCOPE),
    oneDraft: await reports.auditTrailRows('', { draftId: ids.edited, limit: 100 }, SCOPE),
    byActor: await reports.auditTrailRows('', { actor: 'acc-rev', action: 'approve', limit: 1 }, SCOPE),
  };
}

type Results = Awaited<ReturnType<typeof everything>>;
const resultsByBackend = new Map<string, Results>();

describe.each(BACKEND_NAMES)('report queries on %s', (name) => {
  let backend: StoreBackend;
  let results: Results;
  let ids: { edited: number; rejected: number; automation: number };
  beforeAll(async () => {
    backend = await startBackend(name);
    const store = await backend.open(() => clock.now);
    try {
      ids = await seed(store);
      results = await everything(store.reports, ids);
      resultsByBackend.set(name, results);
    } finally {
      await store.close();
    }
  }, 120_000);
  afterAll(async () => {
    await backend?.stop();
  }, 60_000);

  it('counts questions by status and sourced answers, within the period', () => {
    expect(results.statusCounts).toEqual({ answered: 2, conflicting_sources: 1, no_permitted_content: 1, insufficient_evidence: 1 });
    expect(results.statusCountsLater).toEqual({ answered: 1, insufficient_evidence: 1 });
    expect(results.sourced).toEqual({ withSources: 3, stale: 1 });
  });

  it('ranks cited pages by answers, ties by id bytewise', () => {
    expect(results.cited).toEqual([
      { pageId: '10', answers: 2 },
      { pageId: '9', answers: 2 },
      { pageId: '100', answers: 1 },
    ]);
    expect(results.citedLater).toEqual([{ pageId: '9', answers: 1 }]);
    expect(results.recent.map((q) => [q.text, q.status])).toEqual([
      ['VPN on Linux?', 'insufficient_evidence'],
      ['What is the budget?', 'no_permitted_content'],
    ]);
  });

  it('returns draft outcomes and the records the visibility rule needs', () => {
    expect(results.outcomes).toEqual([
      { kind: 'jira', status: 'approved', revision: 2, created_at: '2026-06-11T08:00:00.000Z', decided_at: '2026-06-11T08:30:00.000Z' },
      { kind: 'jira', status: 'rejected', revision: 1, created_at: '2026-06-11T08:00:00.000Z', decided_at: '2026-06-11T09:00:00.000Z' },
      { kind: 'automation', status: 'pending', revision: 1, created_at: '2026-06-11T08:00:00.000Z', decided_at: null },
    ]);
    expect(results.records).toEqual([
      { id: ids.edited, kind: 'jira', payload: { summary: 'VPN on Linux' }, spaces: ['IT'] },
      { id: ids.automation, kind: 'automation', payload: { rule: 1 }, spaces: [] },
    ]);
  });

  it('keeps write actions in the trail, joined to their draft only when the subject is one', () => {
    const rows = results.trail.rows.map((r) => `${r.tool} ${r.action} ${r.subject} ${r.decision} ${r.draftTitle ?? '-'}`);
    expect(rows).toEqual([
      `edit_draft edit ${ids.automation}-old deny Rule`,
      `draft_jira draft-target ${ids.edited} deny -`,
      `approve_draft approve ${ids.rejected} deny Printer gap`,
      `drafts reject ${ids.rejected} allow Printer gap`,
      `drafts approve ${ids.edited} allow VPN on Linux`,
      `drafts edit ${ids.edited} allow VPN on Linux`,
      `drafts create ${ids.automation} allow Rule`,
      `drafts create ${ids.rejected} allow Printer gap`,
      `drafts create ${ids.edited} allow VPN on Linux`,
    ]);
    expect(results.trail.total).toBe(9);
    const reject = results.trail.rows.find((r) => r.tool === 'drafts' && r.action === 'reject');
    expect(reject).toMatchObject({ rejectReason: 'Duplicate of KB-12', actor: 'acc-rev', actorName: null });
    expect(results.trail.rows.find((r) => r.actor === 'acc-carol')?.actorName).toBe('Carol');
    expect(results.denied.total).toBe(3);
    expect(results.oneDraft.rows.map((r) => r.action)).toEqual(['approve', 'edit', 'create']);
    expect(results.byActor).toMatchObject({ total: 1, rows: [{ action: 'approve', subject: String(ids.edited) }] });
  });
});

describe('report queries on SQLite and PostgreSQL', () => {
  it('return the same rows for the same history', () => {
    const [sqlite, postgres] = BACKEND_NAMES.map((name) => resultsByBackend.get(name));
    expect(sqlite).toBeDefined();
    // The gate's own rows are stamped with the wall clock; draft transitions with the store's clock.
    const comparable = (results: Results | undefined) =>
      JSON.parse(JSON.stringify(results, (key, value: unknown) => (key === 'rows' && Array.isArray(value) ? value.map((row: AuditTrailRow) => (row.tool === 'drafts' ? row : { ...row, at: 'wall clock' })) : value)));
    expect(comparable(postgres)).toEqual(comparable(sqlite));
  });
});
