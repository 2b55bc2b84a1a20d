import { afterEach, describe, expect, it, vi } from 'vitest';
import { FIXTURE_SITE, USERS, tempDir } from '../support/fixture-site.js';
import { type Harness, startAgentAndReviewer, startHarness, textOf } from '../support/harness.js';

/**
 * Issue 15: wherever a tool names a person it gives the display name beside the account id
 * (resolved through the gate; people are not restricted content), looking each person up
 * once per call. Account-id fields keep their meaning; the names are added fields.
 */
const open: Harness[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((h) => h.close()));
});

const SITE = {
  ...FIXTURE_SITE,
  pages: FIXTURE_SITE.pages.map((page) =>
    page.id === '1001'
      ? { ...page, owner: USERS.lead.accountId, lastUpdatedBy: USERS.hr.accountId }
      : page.id === '1002'
        ? { ...page, owner: USERS.lead.accountId, lastUpdatedBy: USERS.lead.accountId }
        : page.space === 'IT'
          ? { ...page, owner: 'u-departed' }
          : page,
  ),
};

function pair() {
  return startAgentAndReviewer(open, SITE);
}

/** Counts account-id lookups the gate makes during one call. */
function countLookups(harness: Harness) {
  const spy = vi.spyOn(harness.runtime.source, 'findUser');
  return () => {
    const counts = new Map<string, number>();
    for (const [ref] of spy.mock.calls) counts.set(ref, (counts.get(ref) ?? 0) + 1);
    spy.mockClear();
    return counts;
  };
}

describe('people by name', () => {
  it('get_page gives ownerName and lastUpdatedByName beside the account ids; unknown people are null', async () => {
    const { agent } = await pair();
    const page = (await agent.call('get_page', { pageId: '1001' })).structuredContent as Record<string, unknown>;
    expect(page).toMatchObject({ owner: USERS.lead.accountId, ownerName: 'Lee Lead', lastUpdatedBy: USERS.hr.accountId, lastUpdatedByName: 'Harper HR' });
    const home = (await agent.call('get_page', { pageId: '1000' })).structuredContent as Record<string, unknown>;
    expect(home).toMatchObject({ owner: 'u-departed', ownerName: null });
  });

  it('flag_stale names each page owner, looking each person up once per call', async () => {
    const { agent } = await pair();
    const lookups = countLookups(agent);
    const result = await agent.call('flag_stale', { spaces: ['IT'], checks: ['stale'], staleAfterDays: 1 });
    expect(result.isError, textOf(result)).toBeFalsy();
    const pages = (result.structuredContent as { findings: { pages: { pageId: string; owner: string | null; ownerName: string | null }[] }[] }).findings.flatMap((f) => f.pages);
    expect(pages.find((p) => p.pageId === '1001')).toMatchObject({ owner: USERS.lead.accountId, ownerName: 'Lee Lead' });
    expect(pages.find((p) => p.pageId === '1002')).toMatchObject({ owner: USERS.lead.accountId, ownerName: 'Lee Lead' });
    expect(pages.find((p) => p.pageId === '1000')).toMatchObject({ owner: 'u-departed', ownerName: null });
    const counts = lookups();
    expect(counts.get(USERS.lead.accountId)).toBe(1);
    expect(counts.get('u-departed')).toBe(1);
  });

  it('drafts name who decided and who wrote each revision; a list looks each person up once', async () => {
    const { agent, reviewer } = await pair();
    const ids: number[] = [];
    for (const summary of ['Document the VPN gateway for Linux', 'Explain printer release jobs', 'Describe the IT home page']) {
      ids.push(((await agent.call('draft_jira', { summary, pageIds: ['1001'] })).structuredContent as { draftId: number }).draftId);
    }
    for (const draftId of ids) {
      const rejected = await reviewer.call('reject_draft', { draftId, reason: 'Covered elsewhere' });
      expect(rejected.structuredContent).toMatchObject({ decidedBy: USERS.hr.accountId, decidedByName: 'Harper HR' });
    }
    const lookups = countLookups(reviewer);
    const listed = (await reviewer.call('list_drafts', {})).structuredContent as { drafts: Record<string, unknown>[] };
    expect(listed.drafts).toHaveLength(3);
    for (const draft of listed.drafts) {
      expect(draft).toMatchObject({ drafter: USERS.employee.accountId, drafterName: 'Erin Employee', decidedBy: USERS.hr.accountId, decidedByName: 'Harper HR' });
    }
    expect(lookups().get(USERS.hr.accountId)).toBe(1);

    const shown = (await reviewer.call('get_draft', { draftId: ids[0] })).structuredContent as { revisions: Record<string, unknown>[] };
    expect(shown.revisions[0]).toMatchObject({ author: USERS.employee.accountId, authorName: 'Erin Employee' });
  });

  it('answer_with_sources names the likely owner of the follow-up', async () => {
    const harness = await startHarness({ site: 'demo-site', policyFile: 'policies/default.json', dataDir: tempDir('people') });
    open.push(harness);
    const result = (await harness.call('answer_with_sources', { question: 'How long do contractors keep VPN access?' })).structuredContent as {
      followUp: { likelyOwner: string | null; likelyOwnerName: string | null } | null;
    };
    expect(result.followUp?.likelyOwner).toBeTruthy();
    const expected = (await harness.runtime.source.findUser(result.followUp!.likelyOwner!))?.displayName;
    expect(expected).toBeTruthy();
    expect(result.followUp?.likelyOwnerName).toBe(expected);
  });
});
