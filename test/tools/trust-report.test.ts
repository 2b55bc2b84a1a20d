import { afterEach, describe, expect, it } from 'vitest';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { type Harness, startHarness, textOf } from '../support/harness.js';

const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function setup() {
  const fixture = writeFixture();
  const common = { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir };
  const agent = await startHarness({ ...common, as: USERS.employee.email });
  const reviewer = await startHarness({ ...common, as: USERS.lead.email, role: 'reviewer' });
  open.push(agent, reviewer);
  return { agent, reviewer };
}

type Report = {
  questions: { total: number; answered: number; noPermittedContent: number };
  restrictedMisses: { count: number };
  sources: { topPages: { pageId: string; title: string | null; answers: number }[] };
  approvals: { total: { drafted: number; rejected: number } };
  gaps: { clusters: { size: number; questions: { text: string }[] }[] };
  audit: { total: number; rows: { actor: string; action: string; decision: string; subject: string | null }[] };
};

describe('trust_report', () => {
  it('exists for reviewers only', async () => {
    const { agent, reviewer } = await setup();
    expect((await agent.client.listTools()).tools.map((t) => t.name)).not.toContain('trust_report');
    const refused = await agent.client.callTool({ name: 'trust_report', arguments: {} }).then(
      (r) => r.isError === true,
      () => true,
    );
    expect(refused).toBe(true);
    const tool = (await reviewer.client.listTools()).tools.find((t) => t.name === 'trust_report');
    expect(tool?.annotations).toMatchObject({ readOnlyHint: true, destructiveHint: false });
    expect(tool?.outputSchema).toBeDefined();
  });

  it('returns the report as structured output and readable text, with audit filters', async () => {
    const { agent, reviewer } = await setup();
    await agent.call('answer_with_sources', { question: 'How do I install the VPN client?' });
    await agent.call('answer_with_sources', { question: 'What is the quarterly budget forecast?' });
    const drafted = await agent.call('draft_jira', { summary: 'VPN page lacks Linux steps', pageIds: ['1001'] });
    const draftId = (drafted.structuredContent as { draftId: number }).draftId;
    await reviewer.call('reject_draft', { draftId, reason: 'Covered by KB-3' });

    const result = await reviewer.call('trust_report', {});
    expect(result.isError, textOf(result)).toBeFalsy();
    const report = result.structuredContent as Report;
    expect(report.questions).toMatchObject({ total: 2, answered: 1, noPermittedContent: 1 });
    expect(report.restrictedMisses.count).toBe(1);
    expect(report.sources.topPages).toEqual([expect.objectContaining({ pageId: '1001', title: 'VPN setup', answers: 1 })]);
    expect(report.approvals.total).toMatchObject({ drafted: 1, rejected: 1 });
    expect(report.gaps.clusters[0].questions[0].text).toBe('What is the quarterly budget forecast?');
    expect(report.audit.rows.map((r) => r.action)).toEqual(['reject', 'create']);
    expect(textOf(result)).toMatch(/^Trust report — all time/);
    expect(textOf(result)).toMatch(/Covered by KB-3/);

    const filtered = (await reviewer.call('trust_report', { auditActor: 'acc-lead', auditAction: 'reject' })).structuredContent as Report;
    expect(filtered.audit.total).toBe(1);
    expect(filtered.audit.rows[0]).toMatchObject({ actor: 'acc-lead', action: 'reject', decision: 'allow', subject: String(draftId) });

    const recent = (await reviewer.call('trust_report', { days: 1 })).structuredContent as Report;
    expect(recent.questions.total).toBe(2);
  });
});
