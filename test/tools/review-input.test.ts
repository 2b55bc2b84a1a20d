import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startAgentAndReviewer, textOf } from '../support/harness.js';

/**
 * Findings 8, 9 and 10 (issue 12): every reviewer string is bounded at the schema, refusals
 * never echo unbounded input, internal errors become clear ones, and labels the executor
 * reserves cannot be drafted.
 */
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function pair() {
  const { agent, reviewer } = await startAgentAndReviewer(open);
  const { draftId } = (await agent.call('draft_jira', { summary: 'Document the VPN gateway for Linux', pageIds: ['1001'] })).structuredContent as { draftId: number };
  return { agent, reviewer, draftId };
}

const MIB = 'x'.repeat(1024 * 1024);

describe('bounded reviewer input', () => {
  it('refuses a 1 MiB projectKey or issueType at the schema, without echoing it into the reply or the audit trail', async () => {
    const { reviewer, draftId } = await pair();
    for (const field of ['projectKey', 'issueType']) {
      const result = await reviewer.call('edit_draft', { draftId, [field]: MIB });
      expect(result.isError, field).toBe(true);
      expect(textOf(result).length, field).toBeLessThan(2_000);
    }
    const rows = await reviewer.runtime.audit.list({ limit: 1000 });
    expect(Math.max(...rows.map((row) => (row.subject ?? '').length + (row.reason ?? '').length))).toBeLessThan(2_000);
    const report = await reviewer.call('trust_report', {});
    expect(JSON.stringify(report.structuredContent).length).toBeLessThan(100_000);
  });

  it('answers list_drafts with a 1 MiB space clearly, and an exact space filter works', async () => {
    const { reviewer, draftId } = await pair();
    const huge = await reviewer.call('list_drafts', { space: MIB });
    expect(huge.isError).toBe(true);
    expect(textOf(huge)).not.toMatch(/unexpectedly/);
    expect(textOf(huge).length).toBeLessThan(2_000);
    const it = (await reviewer.call('list_drafts', { space: 'IT' })).structuredContent as { drafts: { id: number }[] };
    expect(it.drafts.map((d) => d.id)).toEqual([draftId]);
    const none = (await reviewer.call('list_drafts', { space: '%' })).structuredContent as { count: number };
    expect(none.count).toBe(0);
  });

  it('refuses the idempotency-key label at drafting and at editing', async () => {
    const { agent, reviewer, draftId } = await pair();
    const drafted = await agent.call('draft_jira', { summary: 'Printer guide lacks macOS steps', labels: ['steward-draft-1'] });
    expect(drafted.isError).toBe(true);
    expect(textOf(drafted)).toMatch(/reserved for the idempotency key/);
    const edited = await reviewer.call('edit_draft', { draftId, labels: ['kb', 'Steward-Draft-99'] });
    expect(edited.isError).toBe(true);
    expect(textOf(edited)).toMatch(/reserved for the idempotency key/);
  });

  it('approve_draft names the revision; a stale one refuses and shows what changed', async () => {
    const { reviewer, draftId } = await pair();
    const missing = await reviewer.call('approve_draft', { draftId });
    expect(missing.isError).toBe(true);
    await reviewer.call('edit_draft', { draftId, summary: 'Linux VPN steps are missing' });
    const stale = await reviewer.call('approve_draft', { draftId, revision: 1 });
    expect(stale.isError).toBe(true);
    expect(textOf(stale)).toMatch(/now revision 2[\s\S]*\+ Jira Task in KB: Linux VPN steps are missing/);
  });

  it('bounds the agent drafting input the same way', async () => {
    const { agent } = await pair();
    for (const args of [{ projectKey: MIB }, { issueType: MIB }]) {
      const result = await agent.call('draft_jira', { summary: 'Printer guide lacks macOS steps', ...args });
      expect(result.isError).toBe(true);
      expect(textOf(result).length).toBeLessThan(2_000);
    }
    const rule = await agent.call('draft_automation_rule', { prompt: 'label pages', rule: { title: 'x', trigger: { type: 'PagePublishedTrigger', config: {} }, components: [{ type: 'AddLabelAction', config: { labels: [MIB] } }] } });
    expect(rule.isError).toBe(true);
    expect(textOf(rule).length).toBeLessThan(2_000);
  });
});
