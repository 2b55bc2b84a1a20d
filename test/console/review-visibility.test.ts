import { afterEach, describe, expect, it } from 'vitest';
import { type ConsoleHandle, startConsole } from '../../src/console/server.js';
import { sha256Hex } from '../../src/console/auth.js';
import { FIXTURE_POLICY, USERS, writeFixture } from '../support/fixture-site.js';
import { startHarness, textOf } from '../support/harness.js';

/**
 * The console applies the same gate as the tools (issue 12): a reviewer sees only drafts whose
 * evidence they can read (others are counted), token users must be known people, Approve is
 * hidden on drafts that cannot run, automation rules are edited as JSON and exported, not "created".
 */
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function setup() {
  const fixture = writeFixture({ policy: { ...FIXTURE_POLICY, draft: { spaces: ['IT', 'HR'] } } });
  const common = { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir };
  const hrAgent = await startHarness({ ...common, as: USERS.hr.email });
  open.push(hrAgent);
  const consoleFor = async (as: string, options: Partial<Parameters<typeof startConsole>[0]> = {}) => {
    const reviewer = await startHarness({ ...common, as, role: 'reviewer' });
    open.push(reviewer);
    const handle = await startConsole({ runtime: reviewer.runtime, reviewer: reviewer.runtime.identity, port: 0, ...options });
    open.push(handle);
    return { handle, reviewer };
  };
  return { hrAgent, consoleFor };
}

const get = async (handle: ConsoleHandle, path: string) => {
  const response = await fetch(`${handle.url}${path}`, { redirect: 'manual' });
  return { response, body: await response.text() };
};

describe('console visibility', () => {
  it('does not show a draft resting on a restricted page to a reviewer who cannot read it, in the queue, the page or the report', async () => {
    const { hrAgent, consoleFor } = await setup();
    const drafted = await hrAgent.call('draft_jira', { summary: 'Review for archive: Salary bands', pageIds: ['2002'] });
    expect(drafted.isError, textOf(drafted)).toBeFalsy();
    const id = (drafted.structuredContent as { draftId: number }).draftId;
    const { handle } = await consoleFor(USERS.lead.email);
    const queue = (await get(handle, '/')).body;
    expect(queue).not.toContain('Salary');
    expect(queue).toContain('1 more draft rests on pages you may not read');
    const hidden = await get(handle, `/drafts/${id}`);
    const missing = await get(handle, '/drafts/999999');
    expect(hidden.response.status).toBe(404);
    expect(hidden.body.replace(/No draft \d+/g, 'No draft N')).toBe(missing.body.replace(/No draft \d+/g, 'No draft N'));
    const report = (await get(handle, '/report')).body;
    expect(report).not.toContain('Salary');
    const hr = await consoleFor(USERS.hr.email);
    expect((await get(hr.handle, '/')).body).toContain('Salary bands');
  });

  it('refuses to start with a tokens file naming a reviewer the site does not know', async () => {
    const { consoleFor } = await setup();
    const tokens = [{ tokenSha256: sha256Hex('s3cret'), user: 'Nobody Atall', role: 'reviewer' as const }];
    await expect(consoleFor(USERS.hr.email, { tokens, reviewer: undefined })).rejects.toThrow(/does not know: "Nobody Atall"/);
  });

  it('refuses to start when the tokens file gives role reviewer to someone the policy does not name', async () => {
    const fixture = writeFixture({ policy: { ...FIXTURE_POLICY, review: { reviewers: { users: [USERS.hr.accountId] } } } });
    const reviewer = await startHarness({ site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir, as: USERS.hr.email, role: 'reviewer' });
    open.push(reviewer);
    const tokens = [
      { tokenSha256: sha256Hex('hr'), user: USERS.hr.email, role: 'reviewer' as const },
      { tokenSha256: sha256Hex('lee'), user: USERS.lead.email, role: 'reviewer' as const },
    ];
    await expect(startConsole({ runtime: reviewer.runtime, tokens, port: 0 })).rejects.toThrow(/tokens file and the policy disagree: Lee Lead \(acc-lead\) has role reviewer .* not in review\.reviewers/);
  });

  it('hides Approve on an automation draft that cannot run, shows the original request and offers rule editing', async () => {
    const agent = await startHarness({ site: 'demo-site', policyFile: 'policies/default.json', dataDir: writeFixture().dataDir });
    open.push(agent);
    const drafted = await agent.call('draft_automation_rule', {
      prompt: 'When a page is published, if the title contains Decision, move it under the Decisions page',
      spaceKey: 'IT',
    });
    const draftId = (drafted.structuredContent as { draftId: number }).draftId;
    const reviewer = await startHarness({ site: 'demo-site', policyFile: 'policies/default.json', dataDir: agent.runtime.config.dataDir, as: 'Hana Sato', role: 'reviewer' });
    open.push(reviewer);
    const handle = await startConsole({ runtime: reviewer.runtime, reviewer: reviewer.runtime.identity, port: 0 });
    open.push(handle);
    const page = (await get(handle, `/drafts/${draftId}`)).body;
    expect(page).toContain('Cannot be approved yet: resolve');
    expect(page).not.toContain('Approve and');
    expect(page).toContain('Original request:');
    expect(page).toContain('name="rule"');
  });

  it('answers a filter it cannot use with a short 400, not a server error', async () => {
    const { consoleFor } = await setup();
    const { handle } = await consoleFor(USERS.hr.email);
    const { response, body } = await get(handle, `/?space=${'x'.repeat(5_000)}`);
    expect(response.status).toBe(400);
    expect(body).toMatch(/space/);
    expect(body.length).toBeLessThan(3_000);
  });
});
