import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { FIXTURE_POLICY, USERS } from '../support/fixture-site.js';
import { INITIALIZE, type TestServer, bearer, call, connect, post, rawRequest, startTestServer, text } from './support.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it (vitest's defaults are 5 s per test and 10 s per hook).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const servers: TestServer[] = [];
const clients: Client[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close().catch(() => {})));
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const TEAM = {
  employee: { user: USERS.employee.email, role: 'agent' as const },
  hr: { user: USERS.hr.accountId, role: 'agent' as const },
  reviewer: { user: USERS.hr.displayName, role: 'reviewer' as const },
};

async function team(options: Parameters<typeof startTestServer>[0] = {}) {
  const server = await startTestServer({ tokens: TEAM, ...options });
  servers.push(server);
  return server;
}

async function client(server: TestServer, token: string, extra: Record<string, string> = {}) {
  const connected = await connect(server.server.url, { ...bearer(token), ...extra });
  clients.push(connected);
  return connected;
}

describe('serve --http: identity per session', () => {
  it('two concurrent sessions act as their own users: only HR sees the restricted page', async () => {
    const server = await team();
    const [employee, hr] = await Promise.all([client(server, server.tokens.employee), client(server, server.tokens.hr)]);

    const [hidden, shown, missing] = await Promise.all([
      call(employee, 'get_page', { pageId: '2002' }),
      call(hr, 'get_page', { pageId: '2002' }),
      call(employee, 'get_page', { pageId: '2999' }),
    ]);
    expect(hidden.isError).toBe(true);
    expect(text(hidden).replace('2002', 'X')).toBe(text(missing).replace('2999', 'X'));
    expect(shown.isError, text(shown)).toBeFalsy();
    expect(shown.structuredContent!.markdown).toContain('Band L4 pays between 92000 and 118000');

    // Interleaved, many times over: neither session ever takes the other's identity.
    const rounds = await Promise.all(
      Array.from({ length: 10 }, (_, i) => call(i % 2 === 0 ? employee : hr, 'search_pages', { query: 'band L4 pays' })),
    );
    rounds.forEach((result, i) => {
      const found = JSON.stringify(result.structuredContent);
      if (i % 2 === 0) expect(found).not.toContain('Salary bands');
      else expect(found).toContain('Salary bands');
    });
    expect(server.server.sessionCount()).toBe(2);
  });

  it('audits each call under the session user, not a shared identity', async () => {
    const server = await team();
    const employee = await client(server, server.tokens.employee);
    const hr = await client(server, server.tokens.hr);
    await call(employee, 'get_page', { pageId: '2002' });
    await call(hr, 'get_page', { pageId: '2002' });
    const rows = server.runtime.db
      .prepare(`SELECT actor, decision FROM audit WHERE subject = '2002' ORDER BY id`)
      .all() as { actor: string; decision: string }[];
    expect(rows).toEqual([
      { actor: USERS.employee.accountId, decision: 'deny' },
      { actor: USERS.hr.accountId, decision: 'allow' },
    ]);
  });
});

describe('serve --http: authentication and roles', () => {
  it('answers 401 with an empty body without a token, with a wrong token, or with a malformed header', async () => {
    const server = await team();
    for (const headers of [{}, bearer('not-a-token'), { Authorization: `Basic ${Buffer.from(`x:${server.tokens.employee}`).toString('base64')}` }, bearer(`${server.tokens.employee}x`)]) {
      const reply = await post(server.server.url, INITIALIZE, headers);
      expect(reply.status).toBe(401);
      expect(await reply.text()).toBe('');
      expect(reply.headers.get('www-authenticate')).toBe('Bearer');
    }
    await expect(connect(server.server.url, bearer('wrong'))).rejects.toMatchObject({ code: 401 });
  });

  it('TOOLSETS narrows every session by its own role: agent and reviewer tokens each get their tools of those toolsets', async () => {
    const server = await team({ env: { TOOLSETS: 'read,drafts' } });
    const agent = await client(server, server.tokens.employee);
    const reviewer = await client(server, server.tokens.reviewer);
    expect((await agent.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['browse_pages', 'get_page', 'search_pages']);
    expect((await reviewer.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['approve_draft', 'browse_pages', 'edit_draft', 'get_draft', 'get_page', 'list_drafts', 'reject_draft', 'search_pages']);
    expect((await call(agent, 'draft_jira', { summary: 'Document the VPN gateway for Linux' })).isError).toBe(true);
  });

  it('an agent token never sees or calls reviewer tools; a reviewer token does', async () => {
    const server = await team();
    const agent = await client(server, server.tokens.employee);
    const reviewer = await client(server, server.tokens.reviewer);

    const agentTools = (await agent.listTools()).tools.map((tool) => tool.name);
    expect(agentTools).toContain('draft_jira');
    expect(agentTools).not.toContain('approve_draft');
    expect(agentTools).not.toContain('list_drafts');
    const reviewerTools = (await reviewer.listTools()).tools.map((tool) => tool.name);
    expect(reviewerTools).toEqual(expect.arrayContaining(['approve_draft', 'list_drafts', 'reject_draft']));
    expect(reviewerTools).not.toContain('draft_jira');

    const drafted = await call(agent, 'draft_jira', { summary: 'Document the VPN gateway for Linux', question: 'VPN on Linux?', pageIds: ['1001'] });
    expect(drafted.isError, text(drafted)).toBeFalsy();
    const draftId = (drafted.structuredContent as { draftId: number }).draftId;

    const refused = await call(agent, 'approve_draft', { draftId });
    expect(refused.isError).toBe(true);
    expect(text(refused)).toMatch(/approve_draft/);

    const approved = await call(reviewer, 'approve_draft', { draftId, revision: 1 });
    expect(approved.isError, text(approved)).toBeFalsy();
    expect(approved.structuredContent).toMatchObject({ id: draftId, status: 'executed', decidedBy: USERS.hr.accountId });
  });

  it('refuses a session id presented with another token exactly like an unknown one', async () => {
    const server = await team();
    const init = await post(server.server.url, INITIALIZE, bearer(server.tokens.employee));
    expect(init.status).toBe(200);
    const sessionId = init.headers.get('mcp-session-id')!;
    expect(sessionId).toMatch(/^[0-9a-f-]{36}$/);
    await init.text();
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'get_page', arguments: { pageId: '2002' } } };
    const headers = { 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' };

    const stolen = await post(server.server.url, list, { ...bearer(server.tokens.hr), ...headers });
    const unknown = await post(server.server.url, list, { ...bearer(server.tokens.hr), ...headers, 'mcp-session-id': '00000000-0000-4000-8000-000000000000' });
    expect(stolen.status).toBe(404);
    expect(unknown.status).toBe(404);
    expect(await stolen.text()).toBe(await unknown.text());

    // GET (notification stream) and DELETE (end session) are refused the same way.
    for (const method of ['GET', 'DELETE']) {
      const reply = await fetch(server.server.url, { method, headers: { ...bearer(server.tokens.hr), ...headers, accept: 'text/event-stream' } });
      expect(reply.status).toBe(404);
      await reply.text();
    }
    // The owner still has it.
    const own = await post(server.server.url, { jsonrpc: '2.0', method: 'notifications/initialized' }, { ...bearer(server.tokens.employee), ...headers });
    expect(own.status).toBe(202);
  });

  it('runs unauthenticated as the --as user when there is no tokens file (loopback)', async () => {
    const server = await startTestServer({ as: USERS.hr.email });
    servers.push(server);
    const hr = await connect(server.server.url);
    clients.push(hr);
    const shown = await call(hr, 'get_page', { pageId: '2002' });
    expect(shown.isError, text(shown)).toBeFalsy();
  });
});

describe('serve --http: transport guards', () => {
  it('refuses a Host or Origin outside the allowlist with 403 (DNS rebinding)', async () => {
    const server = await team();
    const port = server.server.port;
    const body = JSON.stringify(INITIALIZE);
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...bearer(server.tokens.employee) };
    const evilHost = await rawRequest(server.server.url, { method: 'POST', headers: { ...headers, host: `evil.example.com:${port}` }, body });
    expect(evilHost.status).toBe(403);
    expect(evilHost.body).toMatch(/Host not allowed/);
    const evilOrigin = await rawRequest(server.server.url, { method: 'POST', headers: { ...headers, origin: 'http://evil.example.com' }, body });
    expect(evilOrigin.status).toBe(403);
    expect(evilOrigin.body).toMatch(/Origin not allowed/);
    const local = await rawRequest(server.server.url, { method: 'POST', headers: { ...headers, host: `localhost:${port}`, origin: `http://localhost:${port}` }, body });
    expect(local.status).toBe(200);
  });

  it('answers 413 to a body over the limit, before parsing it', async () => {
    const server = await team({ http: { maxBodyBytes: 64 * 1024 } });
    const big = JSON.stringify({ ...INITIALIZE, params: { ...INITIALIZE.params, padding: 'x'.repeat(100 * 1024) } });
    const reply = await post(server.server.url, big, bearer(server.tokens.employee));
    expect(reply.status).toBe(413);
    expect(await reply.text()).toMatch(/too large: the limit is 65536 bytes/);
  });

  it('serves /healthz without authentication and without details', async () => {
    const server = await team();
    const reply = await fetch(server.server.url.replace('/mcp', '/healthz'));
    expect(reply.status).toBe(200);
    expect(await reply.json()).toEqual({ status: 'ok' });
    const elsewhere = await fetch(server.server.url.replace('/mcp', '/admin'));
    expect(elsewhere.status).toBe(404);
    expect(await elsewhere.text()).toBe('');
  });

  it('refuses Atlassian credential headers on a local site', async () => {
    const server = await team();
    const reply = await post(server.server.url, INITIALIZE, { ...bearer(server.tokens.employee), 'x-atlassian-email': 'erin@example.test', 'x-atlassian-api-token': 't' });
    expect(reply.status).toBe(400);
    expect(await reply.text()).toMatch(/only when the server uses Confluence Cloud/);
  });
});

describe('serve --http: limits per identity', () => {
  it('answers 429 with Retry-After once an identity spends its tool calls per minute; others are unaffected', async () => {
    const server = await team({ policy: { ...FIXTURE_POLICY, limits: { requestsPerMinute: 3 } } });
    const employee = await client(server, server.tokens.employee);
    const hr = await client(server, server.tokens.hr);
    for (let i = 0; i < 3; i++) expect((await call(employee, 'search_pages', { query: 'vpn' })).isError).toBeFalsy();
    const error = await call(employee, 'search_pages', { query: 'vpn' }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as { code?: number }).code).toBe(429);
    expect((error as Error).message).toMatch(/at most 3 tool calls per minute for Erin Employee\. Retry in \d+ s/);
    // Listing tools is not a tool call; another user has their own budget.
    expect((await employee.listTools()).tools.length).toBeGreaterThan(0);
    expect((await call(hr, 'search_pages', { query: 'vpn' })).isError).toBeFalsy();

    const sessionId = (employee.transport as { sessionId?: string }).sessionId!;
    const raw = await post(
      server.server.url,
      { jsonrpc: '2.0', id: 9, method: 'tools/call', params: { name: 'search_pages', arguments: { query: 'vpn' } } },
      { ...bearer(server.tokens.employee), 'mcp-session-id': sessionId, 'mcp-protocol-version': '2025-06-18' },
    );
    expect(raw.status).toBe(429);
    expect(Number(raw.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await raw.json()).toMatchObject({ jsonrpc: '2.0', id: 9, error: { code: -32000 } });
  });

  it('caps pending drafts per hour per user with a clear error', async () => {
    const server = await team({ policy: { ...FIXTURE_POLICY, limits: { pendingDraftsPerHour: 1 } } });
    const employee = await client(server, server.tokens.employee);
    const first = await call(employee, 'draft_jira', { summary: 'Document the VPN gateway for Linux', question: 'VPN on Linux?', pageIds: ['1001'] });
    expect(first.isError, text(first)).toBeFalsy();
    const second = await call(employee, 'draft_jira', { summary: 'Printer release on floor 3', question: 'Printers on 3?', pageIds: ['1002'] });
    expect(second.isError).toBe(true);
    expect(text(second)).toMatch(/Draft limit reached: 1 drafts per hour per user/);
  });
});

describe('serve --http: sessions', () => {
  const question = { question: 'How many days of annual leave does everyone get?' };
  const sampling = (prompts: string[]) => (client: Client) =>
    client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      prompts.push((request.params.messages[0].content as { text: string }).text);
      return { role: 'assistant', model: 'scripted', content: { type: 'text', text: 'Everyone gets 27 days of annual leave [1].' } };
    });

  it('are stateful by default, so a tool can sample the client’s model', async () => {
    const server = await team();
    const prompts: string[] = [];
    const employee = await connect(server.server.url, bearer(server.tokens.employee), sampling(prompts));
    clients.push(employee);
    const result = await call(employee, 'answer_with_sources', question);
    expect(result.isError, text(result)).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ generator: 'sampling', answer: 'Everyone gets 27 days of annual leave [1].' });
    expect(prompts).toHaveLength(1);
  });

  it('a token keeps at most its limit of sessions: opening one more closes its least recently used', async () => {
    const server = await team({ http: { maxSessionsPerPrincipal: 2 } });
    const first = await client(server, server.tokens.employee);
    const second = await client(server, server.tokens.employee);
    await call(second, 'search_pages', { query: 'vpn' });
    const hr = await client(server, server.tokens.hr);
    const third = await client(server, server.tokens.employee);
    await expect(call(first, 'search_pages', { query: 'vpn' })).rejects.toMatchObject({ code: 404 });
    for (const open of [second, third, hr]) expect((await call(open, 'search_pages', { query: 'vpn' })).isError).toBeFalsy();
    expect(server.server.sessionCount()).toBe(3);
  });

  it('closes sessions idle with nothing open (an open notification stream keeps a session alive)', async () => {
    const server = await team({ http: { sessionIdleMs: 100 } });
    const live = await client(server, server.tokens.hr); // the SDK client keeps a GET stream open
    const init = await post(server.server.url, INITIALIZE, bearer(server.tokens.employee));
    await init.text();
    const sessionId = init.headers.get('mcp-session-id')!;
    expect(server.server.sessionCount()).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 1_300));
    expect(server.server.sessionCount()).toBe(1);
    const ping = await post(server.server.url, { jsonrpc: '2.0', id: 2, method: 'ping' }, {
      ...bearer(server.tokens.employee),
      'mcp-session-id': sessionId,
      'mcp-protocol-version': '2025-06-18',
    });
    expect(ping.status).toBe(404);
    expect((await call(live, 'search_pages', { query: 'vpn' })).isError).toBeFalsy();
  });
});

describe('serve --http: stateless mode', () => {
  it('serves each POST with a fresh server for the token user and refuses GET', async () => {
    const server = await team({ http: { stateless: true } });
    const employee = await client(server, server.tokens.employee);
    const hr = await client(server, server.tokens.hr);
    expect((await call(employee, 'get_page', { pageId: '2002' })).isError).toBe(true);
    expect((await call(hr, 'get_page', { pageId: '2002' })).isError).toBeFalsy();
    expect(server.server.sessionCount()).toBe(0);
    const get = await fetch(server.server.url, { headers: { ...bearer(server.tokens.hr), accept: 'text/event-stream' } });
    expect(get.status).toBe(405);
    // No session, so the server never learns the client can sample: answers stay extractive.
    const prompts: string[] = [];
    const sampler = await connect(server.server.url, bearer(server.tokens.employee), (c) =>
      c.setRequestHandler(CreateMessageRequestSchema, async () => {
        prompts.push('asked');
        return { role: 'assistant', model: 'scripted', content: { type: 'text', text: 'x' } };
      }),
    );
    clients.push(sampler);
    const answer = await call(sampler, 'answer_with_sources', { question: 'How many days of annual leave does everyone get?' });
    expect(answer.structuredContent).toMatchObject({ status: 'answered' });
    expect(answer.structuredContent!.generator).not.toBe('sampling');
    expect(prompts).toEqual([]);
  });
});

describe('serve --http: graceful shutdown', () => {
  it('finishes an in-flight call, refuses new work, then closes', async () => {
    const server = await team();
    const employee = await client(server, server.tokens.employee);
    // Make page reads slow so a call is certainly in flight when shutdown starts.
    const source = server.runtime.source as { getPage: (...args: unknown[]) => Promise<unknown> };
    const original = source.getPage.bind(source);
    let started!: () => void;
    const inFlight = new Promise<void>((resolve) => (started = resolve));
    source.getPage = async (...args: unknown[]) => {
      started();
      await new Promise((resolve) => setTimeout(resolve, 400));
      return original(...args);
    };
    const pending = call(employee, 'get_page', { pageId: '1001' });
    await inFlight;
    expect(server.server.inFlight()).toBe(1);
    const stopping = server.server.shutdown();
    const health = await fetch(server.server.url.replace('/mcp', '/healthz'));
    expect(health.status).toBe(503);
    expect(await health.json()).toEqual({ status: 'stopping' });
    // New work and new sessions are refused while draining.
    await expect(call(employee, 'search_pages', { query: 'vpn' })).rejects.toMatchObject({ code: 503 });
    expect((await post(server.server.url, INITIALIZE, bearer(server.tokens.hr))).status).toBe(503);
    const result = await pending;
    expect(result.isError, text(result)).toBeFalsy();
    expect(result.structuredContent!.markdown).toContain('Install the client from the portal');
    await stopping;
    expect(server.server.sessionCount()).toBe(0);
    await expect(fetch(server.server.url.replace('/mcp', '/healthz'))).rejects.toThrow();
  });

  it('lets a call in flight receive the client’s sampling reply while draining', async () => {
    const server = await team();
    let asked!: () => void;
    const askedOnce = new Promise<void>((resolve) => (asked = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const employee = await connect(server.server.url, bearer(server.tokens.employee), (c) =>
      c.setRequestHandler(CreateMessageRequestSchema, async () => {
        asked();
        await released;
        return { role: 'assistant', model: 'scripted', content: { type: 'text', text: 'Everyone gets 27 days of annual leave [1].' } };
      }),
    );
    clients.push(employee);
    const pending = call(employee, 'answer_with_sources', { question: 'How many days of annual leave does everyone get?' });
    await askedOnce;
    const stopping = server.server.shutdown();
    release();
    const result = await pending;
    expect(result.structuredContent).toMatchObject({ generator: 'sampling' });
    await stopping;
  });
});
