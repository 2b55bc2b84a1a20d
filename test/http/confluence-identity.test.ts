import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type ConfluenceStub, demoConfluenceSite, startConfluenceStub } from '../support/confluence-stub.js';
import { INITIALIZE, type TestServer, bearer, call, connect, post, startTestServer, text } from './support.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it (vitest's defaults are 5 s per test and 10 s per hook).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/**
 * The two per-user identity modes against the loopback Confluence stub (which enforces page
 * restrictions for whoever the basic-auth credentials name, like Cloud):
 * (a) the user's own Atlassian token per request, (b) a service account plus the end user,
 * checked page by page with the permission-check endpoint.
 */
const MIA = 'acc-mia-0001'; // Confluence administrator; the only reader of 2003 and its child 2004
const SAM = 'acc-sam-0002';
const LEE = 'acc-lee-0003';
const API_TOKEN = 'stub-api-token';

const POLICY = {
  read: { spaces: ['ENG', 'HR'] },
  draft: { spaces: ['ENG'] },
  jira: { projects: ['KB'], defaultProject: 'KB' },
  labels: { deny: ['archived'] },
  staleness: { defaultDays: 3650 },
  readOnly: false,
};

let stub: ConfluenceStub | undefined;
const servers: TestServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await stub?.close();
  stub = undefined;
});

async function serve(serviceAccount = 'mia@example.com') {
  stub = await startConfluenceStub({ ...demoConfluenceSite(), apiToken: API_TOKEN });
  const server = await startTestServer({
    policy: POLICY,
    env: { CONFLUENCE_URL: stub.url, CONFLUENCE_USERNAME: serviceAccount, CONFLUENCE_API_TOKEN: API_TOKEN },
    tokens: { mia: { user: MIA, role: 'agent' }, sam: { user: SAM, role: 'agent' }, lee: { user: LEE, role: 'agent' } },
  });
  servers.push(server);
  return { stub, server };
}

async function client(server: TestServer, headers: Record<string, string>) {
  const connected = await connect(server.server.url, headers);
  clients.push(connected);
  return connected;
}

function atlassian(email: string, token = API_TOKEN): Record<string, string> {
  return { 'X-Atlassian-Email': email, 'X-Atlassian-Api-Token': token };
}

describe('Confluence mode (b): service account plus the authenticated end user', () => {
  it('checks every page for the end user; a restricted page is just not found, and its content is never fetched', async () => {
    const { stub, server } = await serve();
    const sam = await client(server, bearer(server.tokens.sam));
    const mia = await client(server, bearer(server.tokens.mia));
    stub.clearRequests();

    const hidden = await call(sam, 'get_page', { pageId: '2003' });
    const missing = await call(sam, 'get_page', { pageId: '9999' });
    expect(hidden.isError).toBe(true);
    expect(text(hidden).replace('2003', 'X')).toBe(text(missing).replace('9999', 'X'));
    const checks = stub.requests.filter((r) => r.route === 'permissionCheck');
    expect(checks.map((r) => [r.path.split('/')[5], (r.body as { subject: { identifier: string } }).subject.identifier])).toEqual([
      ['2003', SAM],
      ['9999', SAM],
    ]);
    // The service account never read the restricted page on Sam's behalf.
    expect(stub.requests.filter((r) => r.route === 'v2.page')).toHaveLength(0);

    const samSearch = JSON.stringify((await call(sam, 'search_pages', { query: 'deploy' })).structuredContent);
    expect(samSearch).toContain('Deployment Runbook');
    expect(samSearch).not.toContain('Security Review Notes');
    expect(samSearch).not.toContain('Findings Appendix');
    expect(samSearch).not.toContain('Nightingale'); // SECRET is outside the policy

    // The service account's owner acts as herself: Confluence already filtered, no extra checks.
    stub.clearRequests();
    const shown = await call(mia, 'get_page', { pageId: '2003' });
    expect(shown.isError, text(shown)).toBeFalsy();
    expect(shown.structuredContent!.markdown).toContain('Deploy keys rotate monthly');
    expect(stub.count('permissionCheck')).toBe(0);
  });

  it('fails closed when the permission check errors: no content, a plain error', async () => {
    const { stub, server } = await serve();
    const sam = await client(server, bearer(server.tokens.sam));
    stub.failNext(1, { route: /permission\/check$/, status: 400 });
    const failed = await call(sam, 'get_page', { pageId: '2001' });
    expect(failed.isError).toBe(true);
    expect(text(failed)).not.toContain('deploy');
    expect(stub.requests.filter((r) => r.route === 'v2.page')).toHaveLength(0);
  });

  it('refuses every page when the service account may not check permissions (not an administrator)', async () => {
    const { stub, server } = await serve('sam@example.com');
    const lee = await client(server, bearer(server.tokens.lee));
    const result = await call(lee, 'get_page', { pageId: '3001' });
    expect(result.isError).toBe(true);
    expect(text(result)).toMatch(/administrator/);
    expect(text(result)).not.toContain('Sixteen weeks');
    const search = await call(lee, 'search_pages', { query: 'leave' });
    expect(search.isError).toBe(true);
    expect(JSON.stringify(search)).not.toContain('Parental Leave');
    expect(stub.requests.filter((r) => r.route === 'v2.page')).toHaveLength(0);
  });
});

describe('Confluence mode (a): the user’s own Atlassian token per request', () => {
  it('talks to Confluence with the user’s credentials, so Confluence enforces their permissions', async () => {
    const { stub, server } = await serve();
    const sam = await client(server, { ...bearer(server.tokens.sam), ...atlassian('sam@example.com') });
    stub.clearRequests();
    const hidden = await call(sam, 'get_page', { pageId: '2003' });
    expect(hidden.isError).toBe(true);
    const shown = await call(sam, 'get_page', { pageId: '2001' });
    expect(shown.isError, text(shown)).toBeFalsy();
    expect(stub.count('permissionCheck')).toBe(0);
    const callers = new Set(stub.requests.map((r) => r.caller));
    expect([...callers]).toEqual([SAM]);
  });

  it('refuses an Atlassian token of another account, or one Confluence rejects', async () => {
    const { server } = await serve();
    const other = await post(server.server.url, INITIALIZE, { ...bearer(server.tokens.sam), ...atlassian('lee@example.com') });
    expect(other.status).toBe(403);
    expect(await other.text()).toMatch(/belongs to a different account/);
    const wrong = await post(server.server.url, INITIALIZE, { ...bearer(server.tokens.sam), ...atlassian('sam@example.com', 'nope') });
    expect(wrong.status).toBe(403);
    expect(await wrong.text()).toMatch(/did not accept the credentials/);
    const half = await post(server.server.url, INITIALIZE, { ...bearer(server.tokens.sam), 'X-Atlassian-Email': 'sam@example.com' });
    expect(half.status).toBe(400);
  });

  it('binds a session to the credentials it was opened with', async () => {
    const { server } = await serve();
    const init = await post(server.server.url, INITIALIZE, { ...bearer(server.tokens.sam), ...atlassian('sam@example.com') });
    expect(init.status).toBe(200);
    await init.text();
    const headers = { 'mcp-session-id': init.headers.get('mcp-session-id')!, 'mcp-protocol-version': '2025-06-18' };
    const ping = { jsonrpc: '2.0', id: 2, method: 'ping' };
    const without = await post(server.server.url, ping, { ...bearer(server.tokens.sam), ...headers });
    expect(without.status).toBe(403);
    expect(await without.text()).toMatch(/different X-Atlassian-\* credentials/);
    const same = await post(server.server.url, ping, { ...bearer(server.tokens.sam), ...headers, ...atlassian('sam@example.com') });
    expect(same.status).toBe(200);
  });
});
