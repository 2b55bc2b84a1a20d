import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { connectServe, runCli, startCli, waitFor } from '../support/cli.js';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { type JiraStub, startJiraStub } from '../support/jira-stub.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it (vitest's defaults are 5 s per test and 10 s per hook).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

let stub: JiraStub | undefined;
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub?.close();
  stub = undefined;
});

async function setup() {
  const fixture = writeFixture();
  stub = await startJiraStub({ projects: ['KB'] });
  const env = { JIRA_URL: stub.baseUrl, JIRA_USERNAME: stub.email, JIRA_API_TOKEN: stub.apiToken };
  const flags = ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir];
  return { fixture, env, flags };
}

/** An agent session over stdio with the real server process. */
async function connectAgent(flags: string[], env: Record<string, string>) {
  const client = await connectServe([...flags, '--as', USERS.employee.email], env);
  clients.push(client);
  return client;
}

/** An agent drafts over stdio through the real server process. */
async function agentDraft(flags: string[], env: Record<string, string>) {
  const client = await connectAgent(flags, env);
  const result = (await client.callTool({
    name: 'draft_jira',
    arguments: { summary: 'Printer guide lacks macOS steps', pageIds: ['1002'], question: 'How do I print from a Mac?' },
  })) as CallToolResult;
  expect(result.isError).toBeFalsy();
  return { client, draftId: (result.structuredContent as { draftId: number }).draftId };
}

describe('draft → review → execute, end to end', () => {
  it('an agent drafts, cannot approve, a reviewer approves at the CLI, exactly one issue exists', async () => {
    const { env, flags } = await setup();
    const { client, draftId } = await agentDraft(flags, env);

    const selfApprove = await client.callTool({ name: 'approve_draft', arguments: { draftId, revision: 1 } }).then(
      (r) => (r as CallToolResult).isError === true,
      () => true,
    );
    expect(selfApprove).toBe(true);
    expect(stub!.issues).toHaveLength(0);

    const ownApproval = await runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', USERS.employee.email], env);
    expect(ownApproval.code).toBe(1);
    expect(ownApproval.stderr).toMatch(/four-eyes/);

    const listed = await runCli(['drafts', 'list', ...flags, '--as', USERS.hr.email, '--status', 'pending'], env);
    expect(listed.stdout).toMatch(new RegExp(`#${draftId}\\s+pending\\s+jira .*Printer guide lacks macOS steps`));

    const approved = await runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', USERS.hr.email], env);
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/Created KB-1/);
    expect(stub!.issues).toHaveLength(1);
    expect(stub!.issues[0]).toMatchObject({ projectKey: 'KB', issueType: 'Task', summary: 'Printer guide lacks macOS steps' });
    expect(stub!.issues[0].labels).toContain(`steward-draft-${draftId}`);

    const again = await runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', USERS.lead.email], env);
    expect(again.code).toBe(1);
    expect(stub!.issues).toHaveLength(1);
  });

  it('two reviewers approving at once cause one execution', async () => {
    const { env, flags } = await setup();
    const { draftId } = await agentDraft(flags, env);
    const results = await Promise.all([
      runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', USERS.hr.email], env),
      runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', USERS.lead.email], env),
    ]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(stub!.issues).toHaveLength(1);
    expect(stub!.requestsTo('POST', '/rest/api/3/issue')).toHaveLength(1);
  });

  it('a crash between "sent" and "recorded" is reconciled without a second issue', async () => {
    const { env, flags } = await setup();
    const { draftId } = await agentDraft(flags, env);
    // Jira stores the issue, then hangs before answering: the approving process dies meanwhile.
    stub!.failNext(1, { delayMs: 30_000, processFirst: true }, { method: 'POST', path: '/rest/api/3/issue' });
    const approving = startCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', USERS.hr.email], env);
    await waitFor(() => stub!.issues.length === 1);
    approving.child.kill('SIGKILL');
    await approving.done;

    // A process without Jira configured must not "finish" it into the outbox: it stays executing.
    const stuck = await runCli(['drafts', 'show', String(draftId), ...flags, '--as', USERS.lead.email, '--json'], {});
    expect(JSON.parse(stuck.stdout).status).toBe('executing');

    const reconciled = await runCli(['drafts', 'reconcile', ...flags, '--as', USERS.lead.email], env);
    expect(reconciled.code, reconciled.stderr).toBe(0);
    const shown = await runCli(['drafts', 'show', String(draftId), ...flags, '--as', USERS.lead.email, '--json'], env);
    const draft = JSON.parse(shown.stdout);
    expect(draft.status).toBe('executed');
    expect(draft.result.key).toBe('KB-1');
    expect(stub!.issues).toHaveLength(1);
    expect(stub!.requestsTo('POST', '/rest/api/3/issue')).toHaveLength(1);
  });

  it('asks for the revision the reviewer saw, and refuses unknown reviewers and bad filters clearly', async () => {
    const { env, flags } = await setup();
    const { draftId } = await agentDraft(flags, env);
    const noRevision = await runCli(['drafts', 'approve', String(draftId), ...flags, '--as', USERS.hr.email], env);
    expect(noRevision.code).toBe(2);
    expect(noRevision.stderr).toMatch(/needs --revision N/);
    const shown = await runCli(['drafts', 'show', String(draftId), ...flags, '--as', USERS.hr.email], env);
    expect(shown.stdout).toContain(`drafts approve ${draftId} --revision 1`);
    const nobody = await runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', 'Nobody Atall'], env);
    expect(nobody.code).toBe(1);
    expect(nobody.stderr).toMatch(/unknown user "Nobody Atall"/);
    const status = await runCli(['drafts', 'list', ...flags, '--as', USERS.hr.email, '--status', 'sideways'], env);
    expect(status.code).toBe(1);
    expect(status.stderr).toMatch(/refused: Invalid input — status/);
    const space = await runCli(['drafts', 'list', ...flags, '--as', USERS.hr.email, '--space', 'x'.repeat(100_000)], env);
    expect(space.stderr).toMatch(/space: Too big|space: .*255/);
    expect(space.stderr.length).toBeLessThan(2_000);
    const labels = await runCli(['drafts', 'edit', String(draftId), ...flags, '--as', USERS.hr.email, '--labels', 'has space'], env);
    expect(labels.code).toBe(1);
    expect(labels.stderr).toMatch(/labels/);
  });

  it('edits an automation draft with --rule and refuses Jira fields on it', async () => {
    const { env, flags } = await setup();
    const client = await connectAgent(flags, env);
    const drafted = (await client.callTool({ name: 'draft_automation_rule', arguments: { prompt: 'When a page is published in IT, add the label triage' } })) as CallToolResult;
    expect(drafted.isError, JSON.stringify(drafted.content)).toBeFalsy();
    const { draftId, rule } = drafted.structuredContent as { draftId: number; rule: { components: { type: string; config: Record<string, unknown> }[] } };
    const edited = { ...rule, components: rule.components.map((c) => (c.type === 'AddLabelAction' ? { ...c, config: { labels: ['triaged'] } } : c)) };
    const result = await runCli(['drafts', 'edit', String(draftId), '--rule', JSON.stringify(edited), '--note', 'label name', ...flags, '--as', USERS.hr.email], env);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/revision: 2/);
    const wrong = await runCli(['drafts', 'edit', String(draftId), '--summary', 'Not a Jira draft', ...flags, '--as', USERS.hr.email], env);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(/Automation drafts are edited with `rule`/);
  });
});

describe('a Jira that holds its connections', () => {
  it('drafts approve records the failed execution and exits, instead of waiting for Jira to let go', async () => {
    const { env, flags } = await setup();
    const { draftId } = await agentDraft(flags, env);
    // Every request to Jira is held for two minutes: the timeouts fire, the connections stay open.
    stub!.failNext(1000, { delayMs: 120_000 });
    const started = Date.now();
    const approved = await runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', USERS.hr.email], {
      ...env,
      STEWARD_JIRA_TIMEOUT_MS: '300',
    });
    expect(approved.code).not.toBe(0);
    expect(approved.stderr + approved.stdout).toMatch(/fail|time/i);
    // It returned on its own, long before Jira's held connections would have been released.
    expect(Date.now() - started).toBeLessThan(110_000);
    const listed = await runCli(['drafts', 'list', ...flags, '--as', USERS.hr.email, '--status', 'failed'], env);
    expect(listed.stdout).toMatch(new RegExp(`#${draftId}\\s+failed`));
    expect(stub!.issues).toHaveLength(0);
  }, 120_000);
});
