import { afterEach, describe, expect, it } from 'vitest';
import { type JiraStub, startJiraStub } from '../support/jira-stub.js';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { type Harness, startHarness, textOf } from '../support/harness.js';

const open: Harness[] = [];
let stub: JiraStub | undefined;
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
  await stub?.close();
  stub = undefined;
});

/** An agent and a reviewer sharing one fixture (same data dir, so the same queue). */
async function pair(options: { reviewer?: string; jira?: boolean; policy?: object } = {}) {
  const fixture = writeFixture(options.policy ? { policy: options.policy } : {});
  const env: NodeJS.ProcessEnv = {};
  if (options.jira) {
    stub = await startJiraStub({ projects: ['KB'] });
    Object.assign(env, { JIRA_URL: stub.baseUrl, JIRA_USERNAME: stub.email, JIRA_API_TOKEN: stub.apiToken });
  }
  const common = { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir, env };
  const agent = await startHarness({ ...common, as: USERS.employee.email });
  const reviewer = await startHarness({ ...common, as: options.reviewer ?? USERS.hr.email, role: 'reviewer' });
  open.push(agent, reviewer);
  return { agent, reviewer, fixture };
}

const draftArgs = { summary: 'Document the VPN gateway for Linux', question: 'How do I use the VPN on Linux?', pageIds: ['1001'] };

describe('draft_jira', () => {
  it('queues a pending draft, builds the issue itself and names the likely owner', async () => {
    const { agent } = await pair();
    const result = await agent.call('draft_jira', draftArgs);
    expect(result.isError, textOf(result)).toBeFalsy();
    const body = result.structuredContent as { draftId: number; status: string; preview: string; message: string; duplicate: boolean };
    expect(body).toMatchObject({ status: 'pending', duplicate: false });
    expect(body.message).toMatch(/Nothing was created in Jira/);
    expect(body.preview).toMatch(/Jira Task in KB: Document the VPN gateway for Linux/);
    expect(body.preview).toMatch(/Question asked: How do I use the VPN on Linux\?/);
    expect(body.preview).toMatch(/VPN setup \(IT\) \/spaces\/IT\/pages\/1001/);
    expect(body.preview).toMatch(/Likely owner: u-author \(owner\)/);
  });

  it('returns the identical pending draft instead of a duplicate', async () => {
    const { agent } = await pair();
    const first = (await agent.call('draft_jira', draftArgs)).structuredContent as { draftId: number };
    const second = (await agent.call('draft_jira', draftArgs)).structuredContent as { draftId: number; duplicate: boolean };
    expect(second).toMatchObject({ draftId: first.draftId, duplicate: true });
  });

  it('refuses pages the user cannot read exactly like missing pages, and spaces not open for drafting', async () => {
    const { agent } = await pair();
    const restricted = await agent.call('draft_jira', { ...draftArgs, pageIds: ['2002'] });
    const missing = await agent.call('draft_jira', { ...draftArgs, pageIds: ['2999'] });
    expect(textOf(restricted).replace('2002', 'X')).toBe(textOf(missing).replace('2999', 'X'));
    const notDraftable = await agent.call('draft_jira', { ...draftArgs, pageIds: ['2001'] });
    expect(notDraftable.isError).toBe(true);
    expect(textOf(notDraftable)).toMatch(/does not allow drafting.*Draft spaces: IT/);
  });

  it('keeps drafts inside the Jira allowlist', async () => {
    const { agent } = await pair();
    const result = await agent.call('draft_jira', { ...draftArgs, projectKey: 'HR' });
    expect(textOf(result)).toMatch(/not allowed by the policy. Allowed projects: KB/);
  });

  it('with a policy that names no Jira project, refuses and names the policy keys to set', async () => {
    const { agent } = await pair({ policy: { read: { spaces: ['IT', 'HR'] }, draft: { spaces: ['IT'] } } });
    const refused = await agent.call('draft_jira', draftArgs);
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/names no Jira project/);
    expect(textOf(refused)).toMatch(/jira\.projects/);
    expect(textOf(refused)).toMatch(/jira\.defaultProject/);
    const named = await agent.call('draft_jira', { ...draftArgs, projectKey: 'KB' });
    expect(named.isError).toBe(true);
    expect(textOf(named)).toMatch(/jira\.projects/);
  });

  it('with projects but no jira.defaultProject, needs projectKey and says so', async () => {
    const { agent } = await pair({ policy: { read: { spaces: ['IT', 'HR'] }, draft: { spaces: ['IT'] }, jira: { projects: ['KB', 'OPS'] } } });
    const refused = await agent.call('draft_jira', draftArgs);
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/jira\.defaultProject/);
    expect(textOf(refused)).toMatch(/KB, OPS/);
    const named = await agent.call('draft_jira', { ...draftArgs, projectKey: 'OPS' });
    expect(named.isError, textOf(named)).toBeFalsy();
  });

  it('stops a runaway agent at the hourly cap', async () => {
    const policy = {
      read: { spaces: ['IT', 'HR'] }, draft: { spaces: ['IT'] }, jira: { projects: ['KB'], defaultProject: 'KB' },
      labels: { deny: [] }, staleness: { defaultDays: 365 }, readOnly: false, limits: { pendingDraftsPerHour: 2 },
    };
    const { agent } = await pair({ policy });
    for (const n of [1, 2]) expect((await agent.call('draft_jira', { summary: `Gap number ${n}` })).isError).toBeFalsy();
    const third = await agent.call('draft_jira', { summary: 'Gap number 3' });
    expect(third.isError).toBe(true);
    expect(textOf(third)).toMatch(/Draft limit reached: 2 drafts per hour/);
  });

  it('does not exist in read-only mode', async () => {
    const policy = {
      read: { spaces: ['IT'] }, draft: { spaces: [] }, jira: { projects: ['KB'], defaultProject: 'KB' },
      labels: { deny: [] }, staleness: { defaultDays: 365 }, readOnly: true,
    };
    const { agent } = await pair({ policy });
    const { tools } = await agent.client.listTools();
    expect(tools.map((t) => t.name)).not.toContain('draft_jira');
  });
});

describe('reviewing drafts', () => {
  it('gives the agent no review tools: absent from the list and refused like unknown tools', async () => {
    const { agent } = await pair();
    const { tools } = await agent.client.listTools();
    expect(tools.map((t) => t.name)).not.toEqual(expect.arrayContaining(['approve_draft']));
    const approve = await agent.call('approve_draft', { draftId: 1 }).catch((e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
    const unknown = await agent.call('no_such_tool', { draftId: 1 }).catch((e: Error) => ({ isError: true, content: [{ type: 'text', text: e.message }] }));
    expect(approve.isError).toBe(true);
    expect(textOf(approve as never).replace('approve_draft', 'X')).toBe(textOf(unknown as never).replace('no_such_tool', 'X'));
  });

  it('approves into the outbox when Jira is not configured, saying so plainly', async () => {
    const { agent, reviewer } = await pair();
    const { draftId } = (await agent.call('draft_jira', draftArgs)).structuredContent as { draftId: number };
    const approved = await reviewer.call('approve_draft', { draftId, revision: 1 });
    expect(approved.isError, textOf(approved)).toBeFalsy();
    expect(approved.structuredContent).toMatchObject({ status: 'executed', target: 'outbox', decidedBy: USERS.hr.accountId });
    expect(textOf(approved)).toMatch(/No Jira issue was created/);
    const shown = (await reviewer.call('get_draft', { draftId })).structuredContent as { outbox: { request: { body: { fields: Record<string, unknown> } } } };
    expect(shown.outbox.request.body.fields).toMatchObject({ project: { key: 'KB' }, issuetype: { name: 'Task' }, labels: [`steward-draft-${draftId}`] });
  });

  it('enforces four eyes: nobody approves their own draft', async () => {
    const { agent, reviewer } = await pair({ reviewer: USERS.employee.email });
    const { draftId } = (await agent.call('draft_jira', draftArgs)).structuredContent as { draftId: number };
    const result = await reviewer.call('approve_draft', { draftId, revision: 1 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/four-eyes/);
    expect(((await reviewer.call('get_draft', { draftId })).structuredContent as { status: string }).status).toBe('pending');
  });

  it('edits create revisions; rejection needs a reason and is final', async () => {
    const { agent, reviewer } = await pair();
    const { draftId } = (await agent.call('draft_jira', draftArgs)).structuredContent as { draftId: number };
    const edited = await reviewer.call('edit_draft', { draftId, summary: 'Linux VPN instructions are missing', note: 'clearer' });
    expect(edited.structuredContent).toMatchObject({ revision: 2, title: 'Linux VPN instructions are missing', status: 'pending' });
    expect((await reviewer.call('reject_draft', { draftId, reason: '' })).isError).toBe(true);
    const rejected = await reviewer.call('reject_draft', { draftId, reason: 'Already covered by KB-12' });
    expect(rejected.structuredContent).toMatchObject({ status: 'rejected', rejectReason: 'Already covered by KB-12' });
    const again = await reviewer.call('approve_draft', { draftId, revision: 2 });
    expect(textOf(again)).toMatch(/is rejected; it can only be approved when pending/);
    const listed = (await reviewer.call('list_drafts', { status: 'rejected' })).structuredContent as { count: number };
    expect(listed.count).toBe(1);
    const rows = await reviewer.runtime.audit.list({ tool: 'drafts' });
    expect(rows.map((r) => `${r.action}:${r.decision}`)).toEqual(['approve:deny', 'reject:allow', 'edit:allow', 'create:allow']);
    const editRow = rows.find((r) => r.action === 'edit')!;
    expect(editRow.beforeHash).not.toBe(editRow.afterHash);
  });

  it('creates exactly one Jira issue through jira.js, with the ADF description and labels', async () => {
    const { agent, reviewer } = await pair({ jira: true });
    const { draftId } = (await agent.call('draft_jira', { ...draftArgs, labels: ['kb-gap'] })).structuredContent as { draftId: number };
    const approved = await reviewer.call('approve_draft', { draftId, revision: 1 });
    expect(approved.structuredContent).toMatchObject({ status: 'executed', target: 'jira' });
    expect(textOf(approved)).toMatch(/Created KB-1/);
    expect(stub!.issues).toHaveLength(1);
    const issue = stub!.issues[0];
    expect(issue).toMatchObject({ projectKey: 'KB', issueType: 'Task', summary: 'Document the VPN gateway for Linux' });
    expect(issue.labels.sort()).toEqual(['kb-gap', `steward-draft-${draftId}`]);
    expect(JSON.stringify(issue.description)).toMatch(/How do I use the VPN on Linux\?.*VPN setup \(IT\)/);
  });

  it('leaves a failed draft retryable and retries without a duplicate', async () => {
    const { agent, reviewer } = await pair({ jira: true });
    const { draftId } = (await agent.call('draft_jira', draftArgs)).structuredContent as { draftId: number };
    stub!.failNext(1, { status: 400, body: { errorMessages: ['Field customfield_1 is required'], errors: {} } }, { method: 'POST', path: '/rest/api/3/issue' });
    const failed = await reviewer.call('approve_draft', { draftId, revision: 1 });
    expect(failed.structuredContent).toMatchObject({ status: 'failed' });
    expect((failed.structuredContent as { failureReason: string }).failureReason).toMatch(/customfield_1 is required/);
    const retried = await reviewer.call('approve_draft', { draftId, revision: 1 });
    expect(retried.structuredContent).toMatchObject({ status: 'executed', attempts: 2 });
    expect(stub!.issues).toHaveLength(1);
  });
});
