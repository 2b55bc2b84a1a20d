import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectServe, runCli, startCli, waitFor } from '../support/cli.js';
import { USERS, tempDir, writeFixture } from '../support/fixture-site.js';
import { type JiraStub, startJiraStub } from '../support/jira-stub.js';
import { type TestPostgres, startPostgres } from '../support/postgres.js';

/**
 * The built CLI as replicas: every process has its own --data-dir and all share one PostgreSQL
 * database (--database-url). Approvals racing from two replicas execute once, and a replica
 * killed between "sent to Jira" and "recorded" is finished by another without a second issue.
 */
vi.setConfig({ testTimeout: 90_000, hookTimeout: 120_000 });

let server: TestPostgres;
let stub: JiraStub | undefined;
const clients: Client[] = [];
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
});
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  await stub?.close();
  stub = undefined;
});

async function setup() {
  const fixture = writeFixture();
  stub = await startJiraStub({ projects: ['KB'] });
  const env = { JIRA_URL: stub.baseUrl, JIRA_USERNAME: stub.email, JIRA_API_TOKEN: stub.apiToken };
  const url = await server.database();
  /** The flags of one more replica: same site, policy and database, a data dir of its own. */
  const replica = () => ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', tempDir('replica'), '--database-url', url];
  return { env, replica };
}

async function agentDraft(flags: string[], env: Record<string, string>): Promise<number> {
  const client = await connectServe([...flags, '--as', USERS.employee.email], env);
  clients.push(client);
  const result = (await client.callTool({ name: 'draft_jira', arguments: { summary: 'Printer guide lacks macOS steps', pageIds: ['1002'] } })) as CallToolResult;
  expect(result.isError).toBeFalsy();
  return (result.structuredContent as { draftId: number }).draftId;
}

describe('replicas on one PostgreSQL database, end to end', () => {
  it('two replicas approving at once cause one execution', async () => {
    const { env, replica } = await setup();
    const draftId = await agentDraft(replica(), env);
    const results = await Promise.all([
      runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...replica(), '--as', USERS.hr.email], env),
      runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...replica(), '--as', USERS.lead.email], env),
    ]);
    expect(results.map((r) => r.code).sort()).toEqual([0, 1]);
    expect(stub!.issues).toHaveLength(1);
    expect(stub!.requestsTo('POST', '/rest/api/3/issue')).toHaveLength(1);

    // A third replica's trust report reads the same database: one execution, audited once.
    const report = await runCli(['report', ...replica(), '--as', USERS.hr.email, '--json'], env);
    expect(report.code, report.stderr).toBe(0);
    const { approvals, audit } = JSON.parse(report.stdout) as { approvals: { total: { executed: number } }; audit: { rows: { action: string; subject: string | null }[] } };
    expect(approvals.total.executed).toBe(1);
    expect(audit.rows.filter((row) => row.action === 'execute' && row.subject === String(draftId))).toHaveLength(1);
  });

  it('a replica killed between "sent" and "recorded" is reconciled by another without a second issue', async () => {
    const { env, replica } = await setup();
    const draftId = await agentDraft(replica(), env);
    stub!.failNext(1, { delayMs: 30_000, processFirst: true }, { method: 'POST', path: '/rest/api/3/issue' });
    const approving = startCli(['drafts', 'approve', String(draftId), '--revision', '1', ...replica(), '--as', USERS.hr.email], env);
    await waitFor(() => stub!.issues.length === 1);
    approving.child.kill('SIGKILL');
    await approving.done;

    const other = replica();
    const stuck = await runCli(['drafts', 'show', String(draftId), ...other, '--as', USERS.lead.email, '--json'], {});
    expect(JSON.parse(stuck.stdout).status).toBe('executing');
    const reconciled = await runCli(['drafts', 'reconcile', ...other, '--as', USERS.lead.email], env);
    expect(reconciled.code, reconciled.stderr).toBe(0);
    const shown = JSON.parse((await runCli(['drafts', 'show', String(draftId), ...replica(), '--as', USERS.lead.email, '--json'], env)).stdout);
    expect(shown.status).toBe('executed');
    expect(shown.result.key).toBe('KB-1');
    expect(stub!.issues).toHaveLength(1);
    expect(stub!.requestsTo('POST', '/rest/api/3/issue')).toHaveLength(1);
  });
});
