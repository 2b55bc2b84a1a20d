import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { type ConfluenceStub, demoConfluenceSite, startConfluenceStub } from '../support/confluence-stub.js';
import { INITIALIZE, type TestServer, bearer, call, connect, post, startTestServer, text } from './support.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/**
 * Remote mode on Confluence Data Center: only the owner of the server's PAT is served. Data
 * Center has no "may user X read page Y" endpoint, so the service-account mode is refused
 * rather than guessed, and Cloud's per-user Atlassian headers do not apply.
 */
const POLICY = { read: { spaces: ['ENG', 'HR'] }, draft: { spaces: ['ENG'] }, jira: { projects: ['KB'], defaultProject: 'KB' } };

let stub: ConfluenceStub | undefined;
const servers: TestServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
  await Promise.all(servers.splice(0).map((server) => server.close()));
  await stub?.close();
  stub = undefined;
});

async function serve() {
  stub = await startConfluenceStub({ ...demoConfluenceSite(), dataCenter: { contextPath: '/wiki' /* a Data Center context path may itself be /wiki */, tokens: { 'pat-mia': 'acc-mia-0001' } } });
  const server = await startTestServer({
    policy: POLICY,
    env: { CONFLUENCE_URL: stub.base, CONFLUENCE_PERSONAL_TOKEN: 'pat-mia' },
    tokens: { mia: { user: 'mia', role: 'agent' }, sam: { user: 'sam', role: 'agent' } },
  });
  servers.push(server);
  return { stub, server };
}

describe('remote mode on Confluence Data Center', () => {
  it('serves the token owner and refuses another tokens-file user with 403 before any read', async () => {
    const { stub, server } = await serve();
    const mia = await connect(server.server.url, bearer(server.tokens.mia));
    clients.push(mia);
    const page = await call(mia, 'get_page', { pageId: '2003' });
    expect(page.isError, text(page)).toBeFalsy();

    const before = stub.count('content') + stub.count('search');
    const sam = await post(server.server.url, INITIALIZE, bearer(server.tokens.sam));
    expect(sam.status).toBe(403);
    expect(await sam.text()).toMatch(/reads only as mia.*acting for another user is not available/);
    expect(stub.count('content') + stub.count('search')).toBe(before);
  });

  it('refuses the Cloud per-user headers with 400', async () => {
    const { server } = await serve();
    const reply = await post(server.server.url, INITIALIZE, { ...bearer(server.tokens.mia), 'X-Atlassian-Email': 'mia@example.com', 'X-Atlassian-Api-Token': 't' });
    expect(reply.status).toBe(400);
    expect(await reply.text()).toMatch(/apply only to Confluence Cloud/);
  });
});
