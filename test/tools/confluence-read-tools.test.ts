/**
 * search_pages and get_page in Cloud mode: a real runtime on the real confluence.js client
 * against the loopback stub, reached through a real MCP client. Faults, dates and links as the
 * agent sees them (the isError text), and what was sent to Confluence (the stub's request log).
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { type ConfluenceStub, demoConfluenceSite, startConfluenceStub } from '../support/confluence-stub.js';
import { tempDir } from '../support/fixture-site.js';
import { connectConfig, textOf } from '../support/harness.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Policy: read ENG and HR (not SECRET), draft ENG. The token belongs to Mia, who can read everything. */
async function startCloud(): Promise<{ stub: ConfluenceStub; call(name: string, args: Record<string, unknown>): Promise<CallToolResult> }> {
  const stub = await startConfluenceStub(demoConfluenceSite());
  cleanups.push(() => stub.close());
  const root = tempDir('cloud-read-tools');
  const policy = join(root, 'policy.json');
  writeFileSync(
    policy,
    JSON.stringify({ read: { spaces: ['ENG', 'HR'] }, draft: { spaces: ['ENG'] }, jira: { projects: ['KB'], defaultProject: 'KB' }, labels: { deny: [] }, staleness: { defaultDays: 365 }, readOnly: false }),
  );
  const env = { CONFLUENCE_URL: stub.url, CONFLUENCE_USERNAME: 'mia@example.com', CONFLUENCE_API_TOKEN: 'token' };
  const harness = await connectConfig(resolveConfig({ dataDir: join(root, 'data'), policy }, env), 'agent');
  cleanups.push(() => harness.close());
  stub.clearRequests();
  return { stub, call: harness.call };
}

describe('Confluence replies that are cut short or empty', () => {
  it('reach the agent as an actionable upstream error after retries, not as an internal failure', async () => {
    const { stub, call } = await startCloud();
    stub.failNext(10, { status: 200, body: '', route: /^\/wiki\/api\/v2\/pages\/\d+$/ });
    stub.failNext(10, { shortBody: 30, route: '/wiki/rest/api/search' });
    // In parallel, so the real backoff (0.5 + 1 + 2 s) is waited once.
    const [page, search] = await Promise.all([call('get_page', { pageId: '2001' }), call('search_pages', { query: 'deploy' })]);
    for (const result of [page, search]) {
      expect(result.isError).toBe(true);
      expect(textOf(result)).toBe('Confluence sent an incomplete or empty reply (4 attempts); try again later.');
    }
    expect(stub.count('v2.page')).toBe(4);
    expect(stub.count('search')).toBe(4);
  }, 20_000);
});

describe('search_pages dates', () => {
  it('refuses dates before 1900 or after 9999 at the schema, before any CQL is sent', async () => {
    const { stub, call } = await startCloud();
    for (const updatedSince of ['0000-01-01', '1899-12-31', '0000-01-01T00:00:00Z', '9999-12-31T23:00:00-05:00']) {
      const result = await call('search_pages', { query: 'deploy', updatedSince });
      expect(result.isError, updatedSince).toBe(true);
      expect(textOf(result)).toMatch(/updatedSince/);
      expect(textOf(result)).toMatch(/between 1900-01-01 and 9999-12-31/);
    }
    expect(stub.cqlSent()).toEqual([]);

    const ok = await call('search_pages', { query: 'deploy', updatedSince: '1900-01-01' });
    expect(ok.isError).toBeFalsy();
    expect(stub.cqlSent().at(-1)).toMatch(/lastmodified >= "1899-12-31"/);
  });
});

describe('get_page links', () => {
  it('resolves title links only into the read allowlist: no lookup in another space, and no id for it', async () => {
    const { stub, call } = await startCloud();
    stub.site.pages[0].storage =
      '<p>See <ac:link><ri:page ri:content-title="Incident Response" /><ac:plain-text-link-body><![CDATA[incident response]]></ac:plain-text-link-body></ac:link> and ' +
      '<ac:link><ri:page ri:space-key="SECRET" ri:content-title="Project Nightingale" /><ac:plain-text-link-body><![CDATA[the plan]]></ac:plain-text-link-body></ac:link>.</p>';
    const result = await call('get_page', { pageId: '2001' });
    expect(result.isError).toBeFalsy();
    const text = JSON.stringify(result);
    expect(text).toContain('confluence-page:2002');
    expect(text).toContain('the plan');
    expect(text).not.toContain('confluence-page:4001');
    expect(stub.cqlSent().filter((cql) => cql.includes('SECRET'))).toEqual([]);
    expect(stub.cqlSent()).toContain('title = "Incident Response" AND type = page AND space IN ("ENG")');
  });
});

describe('page resources on Cloud', () => {
  it('list the readable pages newest first, read one as Markdown, and answer a page outside the policy like a missing one', async () => {
    const stub = await startConfluenceStub(demoConfluenceSite());
    cleanups.push(() => stub.close());
    const root = tempDir('cloud-resources');
    const policy = join(root, 'policy.json');
    writeFileSync(policy, JSON.stringify({ read: { spaces: ['ENG', 'HR'] }, draft: { spaces: [] }, labels: { deny: [] }, staleness: { defaultDays: 365 }, readOnly: false }));
    const env = { CONFLUENCE_URL: stub.url, CONFLUENCE_USERNAME: 'mia@example.com', CONFLUENCE_API_TOKEN: 'token' };
    const harness = await connectConfig(resolveConfig({ dataDir: join(root, 'data'), policy }, env), 'agent');
    cleanups.push(() => harness.close());
    const { resources } = await harness.client.listResources();
    expect(resources.map((r) => r.uri)).toEqual(['2001', '2003', '2002', '2004', '3001', '3002'].map((id) => `confluence://page/${id}`));
    const page = await harness.client.readResource({ uri: 'confluence://page/2001' });
    expect((page.contents[0] as { text: string }).text).toContain('incident response');
    const missing = harness.client.readResource({ uri: 'confluence://page/9999' });
    await expect(missing).rejects.toThrow('Resource confluence://page/9999 not found.');
    // Project Nightingale (4001) is in SECRET, which the policy does not allow.
    await expect(harness.client.readResource({ uri: 'confluence://page/4001' })).rejects.toThrow('Resource confluence://page/4001 not found.');
    const titles = async (value: string) =>
      (await harness.client.complete({ ref: { type: 'ref/resource', uri: 'confluence://space/{spaceKey}/page/{title}' }, argument: { name: 'title', value } })).completion.values;
    expect(await titles('inc')).toEqual(['Incident Response']);
    expect(await titles('pro')).toEqual([]);
  });
});
