import { afterEach, describe, expect, it } from 'vitest';
import type { Identity } from '../../src/domain/types.js';
import { resolveConfig } from '../../src/config.js';
import { type Runtime, createRuntime } from '../../src/runtime.js';
import { DraftService } from '../../src/services/drafts/draft-service.js';
import { buildTrustReport } from '../../src/services/report/trust-report.js';
import { gateLookups } from '../../src/services/report/lookups.js';
import { FIXTURE_POLICY, USERS, writeFixture } from '../support/fixture-site.js';

/**
 * The draft service wired directly, without any front-end: every decision is refused or
 * allowed by the gate it is given (role, identity, policy), so no front-end can forget a check.
 */
const open: Runtime[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runtime) => runtime.close()));
});

async function runtimeFor(policy: object, dataDir?: string) {
  const fixture = writeFixture({ policy });
  const runtime = await createRuntime(resolveConfig({ site: fixture.siteDir, policy: fixture.policyFile, dataDir: dataDir ?? fixture.dataDir }, {}));
  open.push(runtime);
  const person = async (ref: string): Promise<Identity> => (await runtime.source.findUser(ref))!;
  return { runtime, fixture, person };
}

const REVIEWED = { ...FIXTURE_POLICY, draft: { spaces: ['IT', 'HR'] }, review: { reviewers: { users: ['acc-lead'], groups: ['hr'] } } };

async function wired(policy: object = REVIEWED, dataDir?: string) {
  const { runtime, fixture, person } = await runtimeFor(policy, dataDir);
  // A service built by hand, exactly as a new front-end might: only the gate protects it.
  const drafts = new DraftService(runtime.shared.drafts(), undefined, () => new Date());
  const agent = runtime.gateFor(await person(USERS.employee.accountId), 'agent');
  const gates = {
    agent,
    hrAgent: runtime.gateFor(await person(USERS.hr.accountId), 'agent'),
    hr: runtime.gateFor(await person(USERS.hr.accountId), 'reviewer'),
    lead: runtime.gateFor(await person(USERS.lead.accountId), 'reviewer'),
    employeeReviewer: runtime.gateFor(await person(USERS.employee.accountId), 'reviewer'),
  };
  const draft = async (pageIds = ['1001'], gate = agent, summary = 'VPN page lacks Linux steps') => (await drafts.draftJira(gate, { summary, pageIds })).draft;
  return { runtime, fixture, drafts, gates, draft };
}

describe('DraftService refuses what the gate may not do', () => {
  it('a gate of role agent cannot approve, reject, edit or list drafts through the service', async () => {
    const { drafts, gates, draft } = await wired();
    const d = await draft();
    const other = gates.hrAgent;
    await expect(drafts.approve(other, d.id, d.revision)).rejects.toThrow(/only reviewers/i);
    await expect(drafts.reject(other, d.id, 'not needed')).rejects.toThrow(/only reviewers/i);
    await expect(drafts.edit(other, d.id, { summary: 'Changed by an agent' })).rejects.toThrow(/only reviewers/i);
    await expect(drafts.list(other, {})).rejects.toThrow(/only reviewers/i);
    expect((await drafts.get(d.id)).status).toBe('pending');
  });

  it('a reviewer gate cannot draft', async () => {
    const { drafts, gates } = await wired();
    await expect(drafts.draftJira(gates.hr, { summary: 'Reviewers decide, they do not draft' })).rejects.toThrow(/not available|agent/i);
  });

  it('only reviewers the policy names (users or groups) may decide; others are refused by name of the rule', async () => {
    const { drafts, gates, draft, runtime } = await wired();
    const d = await draft();
    // The employee is a site user in reviewer role, but neither listed nor in a listed group.
    const outsider = runtime.gateFor((await runtime.source.findUser(USERS.employee.accountId))!, 'reviewer');
    const other = await draft(['1002'], gates.hrAgent);
    await expect(drafts.approve(outsider, other.id, 1)).rejects.toThrow(/not a reviewer named by the policy \(review\.reviewers\)/);
    await expect(drafts.reject(outsider, other.id, 'nope')).rejects.toThrow(/review\.reviewers/);
    // By group (hr) and by user (acc-lead).
    expect((await drafts.approve(gates.hr, d.id, 1)).draft.status).toBe('executed');
    expect((await drafts.reject(gates.lead, other.id, 'covered elsewhere')).status).toBe('rejected');
  });

  it('without review.reviewers in the policy nobody may approve (fails closed)', async () => {
    const { review: _review, ...unreviewed } = FIXTURE_POLICY;
    const { drafts, gates, draft } = await wired(unreviewed);
    const d = await draft();
    await expect(drafts.approve(gates.hr, d.id, 1)).rejects.toThrow(/names no reviewers/);
    expect((await drafts.get(d.id)).status).toBe('pending');
  });

  it('readOnly: true stops approvals and executions, not only drafting', async () => {
    const first = await wired();
    const d = await first.draft();
    const readOnly = await wired({ ...REVIEWED, readOnly: true }, first.fixture.dataDir);
    await expect(readOnly.drafts.approve(readOnly.gates.hr, d.id, 1)).rejects.toThrow(/read-only/);
    expect((await readOnly.drafts.get(d.id)).status).toBe('pending');
  });

  it('four eyes compares canonical identities: email in capitals, display name and account id are one person', async () => {
    const { drafts, gates, runtime } = await wired({ ...REVIEWED, review: { reviewers: { groups: ['staff'] } } });
    const store = runtime.shared.drafts();
    for (const drafter of ['ERIN@EXAMPLE.TEST', 'erin employee', 'ACC-EMPLOYEE', USERS.employee.accountId]) {
      const d = await store.create({ kind: 'jira', drafter, drafterName: drafter, role: 'agent', spaces: ['IT'], title: `by ${drafter}`, payload: samplePayload(drafter) });
      await expect(drafts.approve(gates.employeeReviewer, d.id, 1), drafter).rejects.toThrow(/four-eyes/);
    }
  });

  it('an approval names the revision the reviewer saw; an edit in between refuses and shows what changed', async () => {
    const { drafts, gates, draft } = await wired();
    const d = await draft();
    await drafts.edit(gates.lead, d.id, { summary: 'Linux VPN steps are missing entirely' });
    const refused = drafts.approve(gates.hr, d.id, 1);
    await expect(refused).rejects.toThrow(/revision 1.*now revision 2/s);
    await expect(drafts.approve(gates.hr, d.id, 1)).rejects.toThrow(/\+ Jira Task in KB: Linux VPN steps are missing entirely/);
    expect((await drafts.get(d.id)).status).toBe('pending');
    expect((await drafts.approve(gates.hr, d.id, 2)).draft.status).toBe('executed');
  });
});

describe('an edit is reviewed by someone else too', () => {
  it('a reviewer who changed the draft cannot approve it; another reviewer can', async () => {
    const { drafts, gates, draft } = await wired();
    const d = await draft();
    await drafts.edit(gates.lead, d.id, { summary: 'Linux VPN steps are missing entirely' });
    await expect(drafts.approve(gates.lead, d.id, 2)).rejects.toThrow(/You changed this draft \(revision 2\); another reviewer must approve it/);
    expect((await drafts.approve(gates.hr, d.id, 2)).draft.status).toBe('executed');
  });

  it('the policy can let reviewers approve drafts they edited (review.editorsMayApprove)', async () => {
    const { drafts, gates, draft } = await wired({ ...REVIEWED, review: { ...REVIEWED.review, editorsMayApprove: true } });
    const d = await draft();
    await drafts.edit(gates.lead, d.id, { summary: 'Linux VPN steps are missing entirely' });
    expect((await drafts.approve(gates.lead, d.id, 2)).draft.status).toBe('executed');
  });
});

describe('a reviewer sees and decides only drafts whose evidence they can read', () => {
  it('hides a draft citing a restricted page from list, show and decisions, counts it, and keeps its title out of the audit trail', async () => {
    const { drafts, gates, draft, runtime } = await wired();
    const visible = await draft(['1001']);
    const restricted = await draft(['2002'], gates.hrAgent, 'Review for archive: Salary bands');
    // Lee (not in hr) sees one draft and a count of one hidden.
    const listed = await drafts.list(gates.lead, {});
    expect(listed.drafts.map((d) => d.id)).toEqual([visible.id]);
    expect(listed.hidden).toBe(1);
    expect(JSON.stringify(listed)).not.toContain('Salary');
    const missing = await drafts.show(gates.lead, 99999).catch((error: Error) => error.message);
    const hidden = await drafts.show(gates.lead, restricted.id).catch((error: Error) => error.message);
    expect(String(hidden).replace(String(restricted.id), 'N')).toBe(String(missing).replace('99999', 'N'));
    await expect(drafts.approve(gates.lead, restricted.id, 1)).rejects.toThrow(/No draft/);
    await expect(drafts.reject(gates.lead, restricted.id, 'no')).rejects.toThrow(/No draft/);
    // HR may read the page, so HR sees it.
    expect((await drafts.list(gates.hr, {})).drafts.map((d) => d.id)).toContain(restricted.id);
    expect((await drafts.show(gates.hr, restricted.id)).draft.title).toMatch(/Salary bands/);

    const report = await buildTrustReport(runtime.shared.reports, { audit: { limit: 500 } }, gateLookups(gates.lead, 'trust_report'));
    const rows = report.audit.rows.filter((row) => row.subject === String(restricted.id));
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.every((row) => row.draftTitle === null)).toBe(true);
    const hrReport = await buildTrustReport(runtime.shared.reports, { audit: { limit: 500 } }, gateLookups(gates.hr, 'trust_report'));
    expect(hrReport.audit.rows.some((row) => row.subject === String(restricted.id) && row.draftTitle !== null)).toBe(true);
  });

  it('keeps the id of a page the reader cannot open out of the audit trail, and never mistakes a page id for a draft id', async () => {
    // Draft spaces IT only: HR's agent tries to draft against its restricted HR page.
    const { drafts, gates, runtime } = await wired({ ...REVIEWED, draft: { spaces: ['IT'] } });
    await expect(drafts.draftJira(gates.hrAgent, { summary: 'Review for archive: Salary bands', pageIds: ['2002'] })).rejects.toThrow(/does not allow drafting/);
    const forLead = await buildTrustReport(runtime.shared.reports, { audit: { limit: 500 } }, gateLookups(gates.lead, 'trust_report'));
    const target = forLead.audit.rows.find((row) => row.action === 'draft-target')!;
    expect(target).toBeDefined();
    expect(target.subject).toBeNull();
    expect(target.draftTitle).toBeNull();
    const forHr = await buildTrustReport(runtime.shared.reports, { audit: { limit: 500 } }, gateLookups(gates.hr, 'trust_report'));
    expect(forHr.audit.rows.find((row) => row.action === 'draft-target')!.subject).toBe('2002');
  });
});

function samplePayload(tag: string) {
  return { projectKey: 'KB', issueType: 'Task', summary: `Gap ${tag}`, gap: 'Missing docs.', question: null, labels: [], pages: [], likelyOwner: null };
}
