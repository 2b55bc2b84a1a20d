/**
 * The real CLI against Confluence and Jira Data Center (the loopback stubs in Data Center mode,
 * context paths `/confluence` and `/jira`, personal access tokens): start-up, search and reads
 * over MCP with restrictions, a bad PAT, and a draft executed exactly once in Jira DC.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { connectServe, runCli, startCli, waitFor } from '../support/cli.js';
import { type ConfluenceStub, demoConfluenceSite, startConfluenceStub } from '../support/confluence-stub.js';
import { tempDir } from '../support/fixture-site.js';
import { startForwardProxy } from '../support/http-proxy.js';
import { type JiraStub, startJiraStub } from '../support/jira-stub.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const JIRA_PAT = 'jira-pat';
let confluence: ConfluenceStub;
let jira: JiraStub;
beforeAll(async () => {
  confluence = await startConfluenceStub({
    ...demoConfluenceSite(),
    dataCenter: { contextPath: '/confluence', tokens: { 'pat-mia': 'acc-mia-0001', 'pat-sam': 'acc-sam-0002' }, anonymousAccess: true },
  });
  jira = await startJiraStub({ projects: ['KB'], dataCenter: { contextPath: '/jira', personalToken: JIRA_PAT } });
});
afterAll(async () => {
  await confluence.close();
  await jira.close();
});
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.close()));
  jira.reset();
});

function setup() {
  const policyFile = join(tempDir('policy'), 'policy.json');
  writeFileSync(
    policyFile,
    JSON.stringify({
      read: { spaces: ['ENG', 'HR'] },
      draft: { spaces: ['ENG', 'HR'] },
      jira: { projects: ['KB'], defaultProject: 'KB' },
      review: { reviewers: { users: ['sam'], groups: [] } },
    }),
  );
  return ['--policy', policyFile, '--data-dir', tempDir('data')];
}

const dc = (token = 'pat-mia') => ({
  CONFLUENCE_URL: confluence.base,
  CONFLUENCE_PERSONAL_TOKEN: token,
  JIRA_URL: jira.baseUrl,
  JIRA_PERSONAL_TOKEN: JIRA_PAT,
});

async function connect(flags: string[], env: Record<string, string>) {
  const client = await connectServe(flags, env);
  clients.push(client);
  return client;
}

describe('serve on Confluence Data Center', () => {
  it('names the flavour and the token owner in the start-up line', async () => {
    const result = await runCli(['serve', ...setup()], dc());
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain(`serving Confluence Data Center ${confluence.base} (as the owner of the personal access token) as Mia Krystof (mia)`);
  });

  it('goes through HTTPS_PROXY / HTTP_PROXY when set, and around it for NO_PROXY hosts', async () => {
    const proxy = await startForwardProxy();
    try {
      const host = new URL(confluence.base).host;
      const through = await connect(setup(), { ...dc(), HTTP_PROXY: proxy.url });
      const found = (await through.callTool({ name: 'search_pages', arguments: { query: 'deploy rollback' } })) as CallToolResult;
      expect(found.isError, JSON.stringify(found.content)).toBeFalsy();
      expect(proxy.seen.some((line) => line.includes(host))).toBe(true);

      proxy.seen.length = 0;
      const around = await connect(setup(), { ...dc(), HTTP_PROXY: proxy.url, NO_PROXY: '127.0.0.1' });
      const direct = (await around.callTool({ name: 'search_pages', arguments: { query: 'deploy rollback' } })) as CallToolResult;
      expect(direct.isError).toBeFalsy();
      expect(proxy.seen).toEqual([]);
    } finally {
      await proxy.close();
    }
  });

  it('searches and reads over MCP; a restricted page reads exactly like a missing one', async () => {
    const flags = setup();
    const mia = await connect(flags, dc());
    const found = (await mia.callTool({ name: 'search_pages', arguments: { query: 'deploy rollback' } })) as CallToolResult;
    expect(found.isError).toBeFalsy();
    expect((found.structuredContent!.results as { id: string }[]).map((r) => r.id)).toContain('2002');
    const page = (await mia.callTool({ name: 'get_page', arguments: { pageId: '2003' } })) as CallToolResult;
    expect(page.isError).toBeFalsy();
    expect(page.structuredContent!.markdown).toContain('Deploy keys rotate monthly');

    const sam = await connect(setup(), dc('pat-sam'));
    const hidden = (await sam.callTool({ name: 'get_page', arguments: { pageId: '2003' } })) as CallToolResult;
    const missing = (await sam.callTool({ name: 'get_page', arguments: { pageId: '2999' } })) as CallToolResult;
    expect(hidden.isError).toBe(true);
    expect(JSON.stringify(hidden.content).replace('2003', 'X')).toBe(JSON.stringify(missing.content).replace('2999', 'X'));
    const search = (await sam.callTool({ name: 'search_pages', arguments: { query: 'security review notes confidential' } })) as CallToolResult;
    expect(JSON.stringify(search.structuredContent)).not.toContain('Security Review');
  });

  it('browses spaces and page trees over MCP; a restricted page has no children, breadcrumb or history to show', async () => {
    type Tree = { spaces: { key: string; pages: number }[]; breadcrumb: { id: string }[]; children: { id: string }[]; versions: { number: number; by: string | null }[] };
    const browse = async (client: Client, args: Record<string, unknown>) => (await client.callTool({ name: 'browse_pages', arguments: args })) as CallToolResult;
    const mia = await connect(setup(), dc());
    const tree = (await browse(mia, { page: '2004' })).structuredContent as Tree;
    expect(tree.breadcrumb.map((p) => p.id)).toEqual(['2003']);
    const root = (await browse(mia, { page: '2001' })).structuredContent as Tree;
    expect(root.children.map((p) => p.id)).toEqual(['2002']);
    expect(root.versions.map((v) => v.number)).toEqual([7, 1]);

    const sam = await connect(setup(), dc('pat-sam'));
    const spaces = ((await browse(sam, {})).structuredContent as Tree).spaces;
    expect(spaces.find((s) => s.key === 'ENG')?.pages).toBe(2); // 2001, 2002; not the restricted 2003, 2004
    const hidden = await browse(sam, { page: '2003' });
    const missing = await browse(sam, { page: '2999' });
    expect(hidden.isError && missing.isError).toBe(true);
    expect(JSON.stringify(hidden.content).replace('2003', 'X')).toBe(JSON.stringify(missing.content).replace('2999', 'X'));
    const navigation = confluence.requests.filter((r) => r.route === 'contentSearch' || r.route === 'history');
    expect(new Set(navigation.map((r) => r.route))).toEqual(new Set(['contentSearch', 'history']));
    expect(navigation.every((r) => r.path.startsWith('/confluence/rest/api/'))).toBe(true);
  });

  it('answers with citations and flags stale pages, only from what the token owner may read', async () => {
    const sam = await connect(setup(), dc('pat-sam'));
    const answer = (await sam.callTool({ name: 'answer_with_sources', arguments: { question: 'Who do I page during an incident?' } })) as CallToolResult;
    expect(answer.isError, JSON.stringify(answer.content)).toBeFalsy();
    const citations = (answer.structuredContent!.citations as { pageId: string; url: string }[]) ?? [];
    expect(citations.length).toBeGreaterThan(0);
    expect(citations.every((c) => c.url.startsWith(`${confluence.base}/display/`))).toBe(true);
    expect(citations.map((c) => c.pageId)).not.toContain('2003');
    expect(JSON.stringify(answer.structuredContent)).not.toMatch(/Security Review|Findings Appendix/);

    const stale = (await sam.callTool({ name: 'flag_stale', arguments: { checks: ['stale'], staleAfterDays: 365, limit: 500 } })) as CallToolResult;
    expect(stale.isError, JSON.stringify(stale.content)).toBeFalsy();
    const pages = (stale.structuredContent!.findings as { pages: { pageId: string; owner: string | null }[] }[]).flatMap((f) => f.pages);
    expect(pages.find((p) => p.pageId === '3002')?.owner).toBe('lee'); // a username: Data Center has no account ids
    expect(pages.map((p) => p.pageId)).not.toContain('2003');
    expect(pages.map((p) => p.pageId)).not.toContain('2004');
  });

  it('refuses to start, in one line, when the PAT is served as anonymous', async () => {
    const result = await runCli(['serve', ...setup()], dc('not-a-real-pat'));
    expect(result.code).toBe(1);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/cannot start: Confluence Data Center at .*\/confluence rejected the credentials \(401\).*CONFLUENCE_PERSONAL_TOKEN/);
    expect(result.stderr).not.toContain('not-a-real-pat');
  });

  it('refuses --as someone other than the token owner', async () => {
    const result = await runCli(['serve', ...setup(), '--as', 'sam'], dc('pat-mia'));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/--as sam differs from the token owner mia/);
  });
});

describe('drafts executed in Jira Data Center', () => {
  async function draft(flags: string[]) {
    const mia = await connect(flags, dc());
    const result = (await mia.callTool({
      name: 'draft_jira',
      arguments: { summary: 'Runbook lacks rollback steps', pageIds: ['2001'], question: 'How do I roll back?' },
    })) as CallToolResult;
    expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
    return (result.structuredContent as { draftId: number }).draftId;
  }

  it('a reviewer with their own PAT approves at the CLI: one issue, created through REST v2 with a text description', async () => {
    const flags = setup();
    const draftId = await draft(flags);
    const approved = await runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', 'sam'], dc('pat-sam'));
    expect(approved.code, approved.stderr).toBe(0);
    expect(approved.stdout).toMatch(/Created KB-1/);
    expect(jira.issues).toHaveLength(1);
    expect(typeof jira.issues[0].description).toBe('string');
    expect(jira.issues[0].description).toContain('How do I roll back');
    expect(jira.issues[0].labels).toContain(`steward-draft-${draftId}`);
    expect(jira.requestsTo('POST', '/rest/api/2/issue')).toHaveLength(1);
    const again = await runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', 'sam'], dc('pat-sam'));
    expect(again.code).toBe(1);
    expect(jira.issues).toHaveLength(1);
  });

  it('a reviewer on the drafter’s PAT is refused: Data Center cannot check what the reviewer may read', async () => {
    const flags = setup();
    const draftId = await draft(flags);
    const refused = await runCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', 'sam'], dc('pat-mia'));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/cannot check page permissions for another user/);
    expect(jira.issues).toHaveLength(0);
  });

  it('a crash between "sent" and "recorded" is reconciled without a second issue', async () => {
    const flags = setup();
    const draftId = await draft(flags);
    jira.failNext(1, { delayMs: 30_000, processFirst: true }, { method: 'POST', path: '/rest/api/2/issue' });
    const approving = startCli(['drafts', 'approve', String(draftId), '--revision', '1', ...flags, '--as', 'sam'], dc('pat-sam'));
    await waitFor(() => jira.issues.length === 1);
    approving.child.kill('SIGKILL');
    await approving.done;
    const reconciled = await runCli(['drafts', 'reconcile', ...flags, '--as', 'sam'], dc('pat-sam'));
    expect(reconciled.code, reconciled.stderr).toBe(0);
    const shown = await runCli(['drafts', 'show', String(draftId), ...flags, '--as', 'sam', '--json'], dc('pat-sam'));
    const result = JSON.parse(shown.stdout);
    expect(result.status).toBe('executed');
    expect(result.result.key).toBe('KB-1');
    expect(jira.issues).toHaveLength(1);
    expect(jira.requestsTo('POST', '/rest/api/2/issue')).toHaveLength(1);
  });
});
