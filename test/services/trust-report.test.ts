import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { gateLookups } from '../../src/services/report/lookups.js';
import { formatTrustReport } from '../../src/services/report/report-text.js';
import { type TrustReport, buildTrustReport } from '../../src/services/report/trust-report.js';
import { FIXTURE_SITE, USERS, writeFixture } from '../support/fixture-site.js';
import { type Harness, startHarness, textOf } from '../support/harness.js';
import { type TestPostgres, startPostgres } from '../support/postgres.js';
import { BACKEND_NAMES } from '../support/store-backends.js';

// Starting PostgreSQL and seeding through four MCP sessions takes a while on a busy machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

/**
 * A real data dir seeded through the real services: an employee asks questions and drafts
 * through the MCP tools, reviewers decide through the MCP tools, and the report reads it back.
 * The same history is seeded on SQLite and on a real PostgreSQL (STEWARD_DATABASE_URL), every
 * test runs on both, and the last one checks that both backends give the same report.
 */
const START = new Date('2026-11-22T09:00:00Z');
const clock = { now: START };
const advance = (hours: number) => (clock.now = new Date(clock.now.getTime() + hours * 3_600_000));

/** The reports each backend gave, for the comparison at the end. */
const reportsByBackend = new Map<string, TrustReport[]>();

describe.each(BACKEND_NAMES)('trust report on %s', (backend) => {
  let server: TestPostgres | undefined;
  let agent: Harness;
  let hr: Harness;
  let lead: Harness;
  let selfReviewer: Harness;
  const drafts: Record<'plain' | 'edited' | 'rejected' | 'pending', number> = { plain: 0, edited: 0, rejected: 0, pending: 0 };

  beforeAll(async () => {
    clock.now = START;
    let env: NodeJS.ProcessEnv = {};
    if (backend === 'postgres') {
      server = await startPostgres();
      env = { STEWARD_DATABASE_URL: await server.database() };
    }
    // The printer guide was last touched years ago: answers citing it rest on a stale page.
    const site = { ...FIXTURE_SITE, pages: FIXTURE_SITE.pages.map((p) => (p.id === '1002' ? { ...p, updated: '2020-01-01T00:00:00Z' } : p)) };
    const fixture = writeFixture({ site });
    const common = { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir, now: () => clock.now, env };
    agent = await startHarness({ ...common, as: USERS.employee.email });
    hr = await startHarness({ ...common, as: USERS.hr.email, role: 'reviewer' });
    lead = await startHarness({ ...common, as: USERS.lead.email, role: 'reviewer' });
    selfReviewer = await startHarness({ ...common, as: USERS.employee.email, role: 'reviewer' });

    // HR may read the restricted salary page; the employee and the lead may not.
    const hrAsker = await startHarness({ ...common, as: USERS.hr.email });
    const expected: [Harness, string, string][] = [
      [agent, 'How do I install the VPN client?', 'answered'],
      [agent, 'Where do I release print jobs?', 'answered'],
      [agent, 'Which floor are the printers on?', 'answered'],
      [agent, 'How many days of annual leave do I get?', 'answered'],
      [agent, 'What is the quarterly budget forecast?', 'no_permitted_content'],
      [agent, 'Where is the quarterly budget forecast spreadsheet?', 'no_permitted_content'],
      [agent, 'Who approves travel expense reimbursements?', 'no_permitted_content'],
      [agent, 'How do I set up the VPN on Linux?', 'insufficient_evidence'],
      [agent, 'VPN setup for Linux laptops', 'insufficient_evidence'],
      [hrAsker, 'What does band L4 pay per year?', 'answered'],
    ];
    for (const [harness, question, status] of expected) {
      const result = await harness.call('answer_with_sources', { question });
      expect((result.structuredContent as { status: string }).status, question).toBe(status);
    }
    await hrAsker.close();

    const draft = async (summary: string, pageIds: string[]) => {
      const result = await agent.call('draft_jira', { summary, pageIds, question: summary });
      expect(result.isError, textOf(result)).toBeFalsy();
      return (result.structuredContent as { draftId: number }).draftId;
    };
    drafts.plain = await draft('VPN page lacks Linux steps', ['1001']);
    drafts.edited = await draft('Printer guide is outdated', ['1002']);
    drafts.rejected = await draft('IT home is empty', ['1000']);
    drafts.pending = await draft('Printer guide lacks macOS steps', ['1002']);

    advance(1);
    expect((await hr.call('reject_draft', { draftId: drafts.rejected, reason: 'Duplicate of KB-12' })).isError).toBeFalsy();
    advance(1);
    expect((await hr.call('approve_draft', { draftId: drafts.plain, revision: 1 })).isError).toBeFalsy();
    expect((await hr.call('edit_draft', { draftId: drafts.edited, summary: 'Printer guide: floor and badge release are outdated', note: 'clearer' })).isError).toBeFalsy();
    advance(2);
    expect((await lead.call('approve_draft', { draftId: drafts.edited, revision: 2 })).isError).toBeFalsy();
    // Four eyes: the drafter cannot approve their own draft; the refusal is audited.
    expect((await selfReviewer.call('approve_draft', { draftId: drafts.pending, revision: 1 })).isError).toBe(true);
    // PostgreSQL's gate rows are written in the background by each session: all of them are in.
    for (const harness of [agent, hr, lead, selfReviewer]) await harness.runtime.audit.flush();
    expect(hr.runtime.shared.kind).toBe(backend);
    // Kept for the comparison of both backends at the end (reading changes nothing).
    reportsByBackend.set(backend, [
      await reportFor(hr),
      await reportFor(lead),
      await reportFor(hr, { audit: { decision: 'deny' } }),
      await reportFor(lead, { audit: { draftId: drafts.edited } }),
      await reportFor(hr, { sinceDays: 1, audit: { actor: 'acc-hr' } }),
    ]);
  });

  afterAll(async () => {
    for (const harness of [agent, hr, lead, selfReviewer]) await harness?.close();
    await server?.stop();
  }, 60_000);

  async function reportFor(reviewer: Harness, options: Parameters<typeof buildTrustReport>[1] = {}): Promise<TrustReport> {
    const gate = reviewer.runtime.gateFor(reviewer.runtime.identity, 'reviewer');
    return buildTrustReport(reviewer.runtime.shared.reports, { now: clock.now, ...options }, gateLookups(gate, 'trust_report'));
  }


  describe('the report', () => {
    it('counts questions and restricted-content misses (counts only)', async () => {
      const report = await reportFor(hr);
      expect(report.questions).toEqual({ total: 10, answered: 5, conflicting: 0, insufficientEvidence: 2, noPermittedContent: 3 });
      expect(report.restrictedMisses).toEqual({ count: 3, share: 0.3 });
    });

    it('ranks cited pages and spaces and measures the share of answers on stale sources', async () => {
      const report = await reportFor(hr);
      expect(report.sources.answersWithSources).toBe(5);
      expect(report.sources.answersOnStaleSources).toBe(2);
      expect(report.sources.staleShare).toBe(0.4);
      expect(report.sources.topPages[0]).toMatchObject({ pageId: '1002', title: 'Printer guide', space: 'IT', answers: 2 });
      // The salary answer quotes the band page and its (equally restricted) review notes.
      expect(report.sources.topPages.map((p) => p.pageId).sort()).toEqual(['1001', '1002', '2001', '2002', '2003']);
      // Counted per cited page: the salary answer counts for both HR pages it quotes.
      expect([...report.sources.topSpaces].sort((a, b) => a.space.localeCompare(b.space))).toEqual([
        { space: 'HR', answers: 3 },
        { space: 'IT', answers: 3 },
      ]);
      expect(report.sources.unattributedCitations).toBe(0);
    });

    it('never names a cited page the reader may not open', async () => {
      const report = await reportFor(lead);
      expect(report.sources.topPages.map((p) => p.pageId)).not.toContain('2002');
      expect(JSON.stringify(report)).not.toContain('Salary bands');
      expect(report.sources.unattributedCitations).toBe(2);
      expect(report.sources.topSpaces).toEqual([
        { space: 'IT', answers: 3 },
        { space: 'HR', answers: 1 },
      ]);
    });

    it('reports approval outcomes and time to decision by kind', async () => {
      const { approvals } = await reportFor(hr);
      expect(approvals.byKind).toHaveLength(1);
      const jira = approvals.byKind[0];
      expect(jira).toMatchObject({ kind: 'jira', drafted: 4, pending: 1, approved: 1, editedThenApproved: 1, rejected: 1, executed: 2, failed: 0 });
      // Decided after 1 h (rejected), 2 h (approved) and 4 h (edited, then approved).
      expect(jira.decisionSeconds).toEqual({ count: 3, median: 7200, mean: 8400, max: 14400 });
      expect(approvals.total).toMatchObject({ kind: 'all', drafted: 4, approved: 1, editedThenApproved: 1, rejected: 1 });
    });

    it('clusters unanswered questions by similarity, largest first', async () => {
      const { gaps } = await reportFor(hr);
      expect(gaps.unanswered).toBe(5);
      expect(gaps.clusters.map((c) => c.size)).toEqual([2, 2, 1]);
      const texts = gaps.clusters.map((c) => c.questions.map((q) => q.text).sort());
      expect(texts).toContainEqual(['What is the quarterly budget forecast?', 'Where is the quarterly budget forecast spreadsheet?']);
      expect(texts).toContainEqual(['How do I set up the VPN on Linux?', 'VPN setup for Linux laptops']);
      expect(texts[2]).toEqual(['Who approves travel expense reimbursements?']);
      expect(gaps.clusters.find((c) => c.keywords.includes('budget'))?.keywords).toEqual(expect.arrayContaining(['quarterly', 'budget', 'forecast']));
    });

    it('keeps an audit trail of every write action, filterable by who, action and decision', async () => {
      const all = await reportFor(hr);
      const actions = all.audit.rows.map((r) => `${r.actor} ${r.action} ${r.subject ?? ''} ${r.decision}`);
      expect(actions).toContain(`acc-employee create ${drafts.plain} allow`);
      expect(actions).toContain(`acc-hr approve ${drafts.plain} allow`);
      expect(actions).toContain(`acc-hr reject ${drafts.rejected} allow`);
      expect(actions).toContain(`acc-hr edit ${drafts.edited} allow`);
      expect(actions).toContain(`acc-lead succeed ${drafts.edited} allow`);
      // Reads made while drafting are not write actions.
      expect(all.audit.rows.some((r) => r.action === 'read' || r.action === 'search')).toBe(false);
      expect(all.audit.rows.find((r) => r.actor === 'acc-hr')?.actorName).toBe('Harper HR');

      const refused = await reportFor(hr, { audit: { decision: 'deny' } });
      expect(refused.audit.total).toBe(1);
      expect(refused.audit.rows[0]).toMatchObject({ actor: 'acc-employee', action: 'approve', decision: 'deny' });
      expect(refused.audit.rows[0].reason).toMatch(/four-eyes/);

      const byLead = await reportFor(hr, { audit: { actor: 'acc-lead' } });
      expect(byLead.audit.rows.map((r) => r.action).reverse()).toEqual(['approve', 'execute', 'succeed']);
      const oneDraft = await reportFor(hr, { audit: { draftId: drafts.rejected } });
      expect(oneDraft.audit.rows.map((r) => r.action).reverse()).toEqual(['create', 'reject']);
    });

    it('limits everything to a period', async () => {
      const later = new Date(clock.now.getTime() + 30 * 86_400_000);
      const report = await buildTrustReport(hr.runtime.shared.reports, { now: later, sinceDays: 7 });
      expect(report.questions.total).toBe(0);
      expect(report.approvals.total.drafted).toBe(0);
      expect(report.audit.total).toBe(0);
      expect(report.since).toBe(new Date(later.getTime() - 7 * 86_400_000).toISOString());
    });

    it('reads as text', async () => {
      const text = formatTrustReport(await reportFor(hr));
      expect(text).toMatch(/3 question\(s\) found nothing the asker may read \(30%/);
      expect(text).toMatch(/2 of 5 sourced answers rest on a stale page \(40%\)/);
      expect(text).toMatch(/^\s+2\s+Printer guide \(IT\)$/m);
      expect(text).toMatch(/jira\s+4\s+1\s+1\s+1\s+1\s+2\s+0\s+2 h/);
      expect(text).toMatch(/×2 {2}.*budget/);
    });
  });
});

describe('SQLite and PostgreSQL', () => {
  it('give the same report for the same history', () => {
    const [sqlite, postgres] = BACKEND_NAMES.map((name) => reportsByBackend.get(name));
    expect(sqlite, 'both backends ran').toHaveLength(5);
    // Only when an audit row was written differs: the gate stamps it with the wall clock.
    const comparable = (reports: TrustReport[] | undefined) => reports?.map((report) => ({ ...report, audit: { ...report.audit, rows: report.audit.rows.map(({ at: _at, ...row }) => row) } }));
    expect(comparable(postgres)).toEqual(comparable(sqlite));
  });
});
