/**
 * The Data Center source against the loopback stub in Data Center mode (context path
 * `/confluence`, start/limit paging, usernames, PATs): real HTTP, no mocks of our modules.
 * Retry waits go through an injected sleep that records and returns at once.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createDataCenterSource, type DataCenterSourceConfig } from '../../src/adapters/confluence/dc-source.js';
import type { Identity, PageMeta } from '../../src/domain/types.js';
import { StewardError, UpstreamError } from '../../src/errors.js';
import { demoConfluenceSite, startConfluenceStub, type ConfluenceStub, type ConfluenceStubOptions, type StubPage } from '../support/confluence-stub.js';

const CONTEXT = '/confluence';
const TOKENS = { 'pat-mia': 'acc-mia-0001', 'pat-sam': 'acc-sam-0002' };
const MIA: Identity = { accountId: 'mia', displayName: 'Mia Krystof', groups: [] };
const SAM: Identity = { accountId: 'sam', displayName: 'Sam Ortega', groups: [] };
const ALL = { spaces: ['ENG', 'HR'], excludeLabels: [] as string[] };

const stubs: ConfluenceStub[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

async function setup(options: { stub?: Partial<ConfluenceStubOptions>; source?: Partial<DataCenterSourceConfig>; anonymousAccess?: boolean } = {}) {
  const stub = await startConfluenceStub({
    ...demoConfluenceSite(),
    dataCenter: { contextPath: CONTEXT, tokens: TOKENS, anonymousAccess: options.anonymousAccess },
    ...options.stub,
  });
  stubs.push(stub);
  const sleeps: number[] = [];
  const source = createDataCenterSource({
    baseUrl: stub.base,
    auth: { type: 'bearer', token: 'pat-mia' },
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...options.source,
  });
  return { stub, source, sleeps };
}

async function collect(iterable: AsyncIterable<PageMeta>): Promise<PageMeta[]> {
  const out: PageMeta[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('Data Center paths, shapes and paging', () => {
  it('searches under the context path, never /wiki, and maps Data Center shapes', async () => {
    const { stub, source } = await setup();
    const { pages: results } = await source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA);
    expect(results.map((r) => r.id)).toContain('2001');
    const runbook = results.find((r) => r.id === '2001')!;
    expect(runbook.url).toBe(`${stub.base}/display/ENG/Deployment+Runbook`);
    expect(runbook.lastUpdatedBy).toBe('sam'); // a username: Data Center has no accountId
    expect(runbook.updated).toBe('2024-05-02T10:00:00.000Z'); // sent as 12:00 +02:00
    expect(runbook.excerpt).not.toMatch(/@@@hl@@@/);
    expect(stub.requests.every((r) => r.path.startsWith(`${CONTEXT}/rest/api/`))).toBe(true);
    expect(source.describe()).toBe(`Confluence Data Center ${stub.base} (as the owner of the personal access token)`);
    expect(source.describe()).not.toContain('pat-mia');
  });

  it('keeps agent text inside one quoted CQL string', async () => {
    const { stub, source } = await setup();
    const { pages: results } = await source.search({ text: 'deploy" OR space = "SECRET', ...ALL, limit: 10 }, MIA);
    expect(results.every((r) => r.spaceKey !== 'SECRET')).toBe(true);
    const cql = stub.cqlSent().at(-1)!;
    expect(cql).toContain('(siteSearch ~ "deploy\\" OR space = \\"SECRET")');
    expect(cql).toContain('space IN ("ENG","HR")');
  });

  it('follows next links relative to the base (context path kept) with start/limit', async () => {
    const { stub, source } = await setup({ source: { pageSize: 2 } });
    const pages = await collect(source.listPages(ALL, MIA));
    expect(pages.map((p) => p.id).sort()).toEqual(['2001', '2002', '2003', '2004', '3001', '3002']);
    const searches = stub.requests.filter((r) => r.route === 'search');
    expect(searches.length).toBe(3);
    expect(searches.map((r) => r.query.get('start'))).toEqual(['0', '2', '4']);
    expect(searches.every((r) => r.query.get('cursor') === null)).toBe(true);
  });

  it('pages on size and next when Data Center caps the limit below what was asked', async () => {
    const { stub, source } = await setup({ stub: { maxSearchLimit: 2 }, source: { pageSize: 50 } });
    const pages = await collect(source.listPages(ALL, MIA));
    expect(pages).toHaveLength(6);
    expect(stub.requests.filter((r) => r.route === 'search').map((r) => r.query.get('start'))).toEqual(['0', '2', '4']);
  });

  it('getPage reads /rest/api/content/{id} with the page expansions', async () => {
    const { stub, source } = await setup();
    const page = await source.getPage('2002', MIA);
    expect(page).toMatchObject({ id: '2002', title: 'Incident Response', spaceKey: 'ENG', parentId: '2001', labels: ['ops'], version: 3, createdBy: 'sam' });
    expect(page!.body).toContain('Page the on-call engineer');
    const request = stub.requests.find((r) => r.route === 'content')!;
    expect(request.path).toBe(`${CONTEXT}/rest/api/content/2002`);
    expect(request.query.get('expand')).toBe('body.storage,version,space,ancestors,metadata.labels,history');
  });

  it('resolves title-only links by a title lookup, only into the spaces the caller may read', async () => {
    const { stub, source } = await setup();
    const page = await source.getPage('2001', MIA, { spaces: ['ENG', 'HR'] });
    expect(page?.body).toContain('confluence-page:2002'); // "Incident Response", linked by title
    const narrow = await source.getPage('2001', MIA, { spaces: ['HR'] });
    expect(narrow?.body).not.toContain('confluence-page:2002');
    const titleQueries = stub.cqlSent().filter((cql) => cql.startsWith('title = '));
    expect(titleQueries).toEqual(['title = "Incident Response" AND type = page AND space IN ("ENG")']);
  });

  it('lists spaces (de-duplicated) and finds users by username or key', async () => {
    const { source } = await setup();
    expect((await source.listSpaces()).map((s) => s.key).sort()).toEqual(['ENG', 'HR', 'SECRET']);
    expect(await source.findUser('sam')).toEqual({ accountId: 'sam', displayName: 'Sam Ortega', groups: [] });
    expect(await source.findUser('acc-lee-0003')).toEqual({ accountId: 'lee', displayName: 'Lee Chen', groups: [] });
    expect(await source.findUser('nobody')).toBeUndefined();
    expect(await source.findUser('Mia Krystof')).toMatchObject({ accountId: 'mia' }); // the token owner, by name
    expect(await source.findUsers('sam')).toEqual([{ accountId: 'sam', displayName: 'Sam Ortega', groups: [] }]);
    expect(await source.findUsers('nobody')).toEqual([]);
  });

  it('asks once per username for ten minutes', async () => {
    const { source, stub } = await setup();
    expect((await source.findUser('sam'))?.displayName).toBe('Sam Ortega');
    const asked = stub.count('user');
    expect(asked).toBeGreaterThan(0);
    expect((await source.findUser('sam'))?.displayName).toBe('Sam Ortega');
    expect(stub.count('user')).toBe(asked);
  });

  it('finds groups by exact name under the context path (no ids on Data Center), none for an unknown name', async () => {
    const { source, stub } = await setup({ stub: { groups: [{ name: 'hr-team', id: 'unused' }] } });
    expect(await source.findGroups('HR-Team')).toEqual([{ name: 'hr-team' }]);
    expect(await source.findGroups('nobody-group')).toEqual([]);
    expect(await source.findGroups('  ')).toEqual([]);
    expect(stub.requests.some((r) => r.path === `${CONTEXT}/rest/api/group/HR-Team`)).toBe(true);
  });

  it('accepts username and password (basic auth) too', async () => {
    const { source } = await setup({ source: { auth: { type: 'basic', username: 'sam', password: 'secret' } } });
    expect(await source.currentUser()).toMatchObject({ accountId: 'sam' });
    expect(source.describe()).toContain('(as sam)');
  });
});

describe('restrictions: restricted looks exactly like missing', () => {
  it('a page Sam may not read is absent from search and 404s like a page that does not exist', async () => {
    const { source } = await setup({ source: { auth: { type: 'bearer', token: 'pat-sam' } } });
    const { pages: results } = await source.search({ text: 'deploy', ...ALL, limit: 10 }, SAM);
    expect(results.map((r) => r.id)).not.toContain('2003');
    expect(results.map((r) => r.id)).not.toContain('2004'); // inherited
    expect(await source.getPage('2003', SAM)).toBeUndefined();
    expect(await source.getPage('2004', SAM)).toBeUndefined();
    expect(await source.getPage('999999', SAM)).toBeUndefined();
    expect(await source.getPage('../user/current', SAM)).toBeUndefined();
    const titles = await source.findPagesByTitle('Security Review Notes', ['ENG'], SAM);
    expect(titles).toEqual([]);
  });
});

describe('identity fails closed', () => {
  it('a PAT served as anonymous (anonymous access on) is an error, and no page is read', async () => {
    const { stub, source } = await setup({ anonymousAccess: true, source: { auth: { type: 'bearer', token: 'wrong' } } });
    const error = await source.currentUser().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/anonymous user.*CONFLUENCE_PERSONAL_TOKEN/);
    await expect(source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA)).rejects.toThrow(/anonymous/);
    await expect(source.getPage('3001', MIA)).rejects.toThrow(/anonymous/);
    expect(stub.count('search')).toBe(0);
    expect(stub.count('content')).toBe(0);
  });

  it('a PAT revoked while the server runs, then served as anonymous with a failed-login mark, fails closed', async () => {
    const tokens: Record<string, string> = { ...TOKENS };
    const stub = await startConfluenceStub({ ...demoConfluenceSite(), dataCenter: { contextPath: CONTEXT, tokens, anonymousAccess: true, markFailedLogins: true } });
    stubs.push(stub);
    const source = createDataCenterSource({ baseUrl: stub.base, auth: { type: 'bearer', token: 'pat-mia' }, sleep: async () => {} });
    expect((await source.search({ text: 'parental leave', ...ALL, limit: 5 }, MIA)).pages.map((r) => r.id)).toContain('3001');
    delete tokens['pat-mia'];
    const error = await source.search({ text: 'parental leave', ...ALL, limit: 5 }, MIA).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/rejected the credentials \(401\)/);
    await expect(source.getPage('3001', MIA)).rejects.toThrow(/401/);
  });

  it('a wrong PAT without anonymous access is a 401 naming the variable, not retried', async () => {
    const { stub, source, sleeps } = await setup({ source: { auth: { type: 'bearer', token: 'wrong' } } });
    const error = await source.currentUser().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/rejected the credentials \(401\): check CONFLUENCE_PERSONAL_TOKEN/);
    expect((error as Error).message).not.toContain('wrong');
    expect(sleeps).toEqual([]);
    expect(stub.count('currentUser')).toBe(1);
  });

  it('refuses to act for anyone but the token owner (no permission check exists on Data Center)', async () => {
    const { stub, source } = await setup();
    const error = await source.search({ text: 'deploy', ...ALL, limit: 10 }, SAM).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StewardError);
    expect((error as Error).message).toMatch(/cannot check page permissions for another user/);
    await expect(source.getPage('2001', SAM)).rejects.toThrow(/reads only as mia/);
    expect(stub.count('search')).toBe(0);
    expect(await source.search({ text: 'deploy', ...ALL, limit: 10 }, { accountId: '', displayName: 'anonymous', groups: [] })).toEqual({ pages: [] });
  });

  it('a wrong context path is named as such', async () => {
    const { stub } = await setup();
    const source = createDataCenterSource({ baseUrl: stub.url, auth: { type: 'bearer', token: 'pat-mia' }, retry: { attempts: 1 } });
    const error = await source.currentUser().catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/404.*context path/);
  });
});

describe('faults: 429 and 503 with Retry-After, 5xx, slow, malformed', () => {
  it('waits out a 429 Retry-After', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(1, { status: 429, retryAfter: '2', route: `${CONTEXT}/rest/api/search` });
    expect((await source.search({ text: 'deploy', ...ALL, limit: 5 }, MIA)).pages.length).toBeGreaterThan(0);
    expect(sleeps).toEqual([2000]);
  });

  it('reads Retry-After on a 503 itself (confluence.js would drop it)', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(1, { status: 503, retryAfter: '3', route: `${CONTEXT}/rest/api/content/` });
    expect((await source.getPage('2001', MIA))?.title).toBe('Deployment Runbook');
    expect(sleeps).toEqual([3000]);
  });

  it('does not wait out a 503 Retry-After beyond the cap, and says how long', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(5, { status: 503, retryAfter: '600', route: `${CONTEXT}/rest/api/content/` });
    const error = await source.getPage('2001', MIA).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toMatch(/returned 503 .*after 600 s/);
    expect((error as UpstreamError).retryAfterSeconds).toBe(600);
    expect(sleeps).toEqual([]);
  });

  it('retries a 500 with backoff and gives up on a persistent 502', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(1, { status: 500, route: `${CONTEXT}/rest/api/content/` });
    expect((await source.getPage('2002', MIA))?.id).toBe('2002');
    expect(sleeps).toEqual([500]);
    stub.failNext(10, { status: 502, route: `${CONTEXT}/rest/api/content/` });
    await expect(source.getPage('2002', MIA)).rejects.toThrow(/returned 502 after 4 attempts/);
  });

  it('turns malformed JSON and HTML (an SSO page) into UpstreamErrors without echoing them', async () => {
    const { stub, source } = await setup({ source: { retry: { attempts: 1 } } });
    await source.currentUser();
    stub.failNext(1, { malformedJson: true, route: `${CONTEXT}/rest/api/search` });
    const malformed = await source.search({ text: 'deploy', ...ALL, limit: 5 }, MIA).catch((e: unknown) => e);
    expect(malformed).toBeInstanceOf(UpstreamError);
    expect((malformed as Error).message).toMatch(/could not be read/);
    stub.failNext(1, { htmlBody: '<html><body>Log in with SSO secret-marker</body></html>', route: `${CONTEXT}/rest/api/search` });
    const html = await source.search({ text: 'deploy', ...ALL, limit: 5 }, MIA).catch((e: unknown) => e);
    expect(html).toBeInstanceOf(UpstreamError);
    expect((html as Error).message).not.toContain('secret-marker');
  });

  it('gives up on a server that does not answer in time', async () => {
    const { stub, source } = await setup({ source: { timeoutMs: 200, retry: { attempts: 2, baseDelayMs: 1 } } });
    stub.failNext(2, { delayMs: 2_000, route: `${CONTEXT}/rest/api/user/current` });
    await expect(source.currentUser()).rejects.toThrow(/did not answer within 200 ms \(2 attempts\)/);
  });

  it('drops rows Data Center repeats across pages', async () => {
    const extra: StubPage[] = Array.from({ length: 3 }, (_, i) => ({
      id: String(5000 + i),
      title: `Extra ${i}`,
      spaceKey: 'HR',
      storage: '<p>x</p>',
      createdAt: '2024-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
      authorId: 'acc-lee-0003',
    }));
    const site = demoConfluenceSite();
    const { source } = await setup({ stub: { ...site, pages: [...site.pages, ...extra] }, source: { pageSize: 3 } });
    const ids = (await collect(source.listPages(ALL, MIA))).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toHaveLength(9);
  });
});

describe('stub conformance: what confluence.js does against Data Center', () => {
  it('its v1 client adds /wiki, which Data Center answers with an HTML 404 (hence our own paths)', async () => {
    const { createV1Client, isNotFoundError } = await import('confluence.js');
    const { stub } = await setup();
    const v1 = createV1Client({ host: stub.base, auth: { type: 'bearer', token: 'pat-mia' } });
    const error = await v1.users.getCurrentUser().catch((e: unknown) => e);
    expect(isNotFoundError(error)).toBe(true);
    expect(stub.requests.at(-1)!.path).toBe(`${CONTEXT}/wiki/rest/api/user/current`);
  });
});

describe('Data Center navigation and search windows', () => {
  const TREE = { spaces: ['ENG', 'HR'], excludeLabels: [] as string[] };
  const asSam = { source: { auth: { type: 'bearer' as const, token: 'pat-sam' } } };

  it('continues a search from `next` (a start offset) until the last window, which has none', async () => {
    const { stub, source } = await setup();
    const all = await source.search({ text: 'deploy incident security', ...ALL, limit: 50 }, MIA);
    expect(all.next).toBeUndefined();
    expect(all.pages.length).toBeGreaterThan(1);
    const seen: string[] = [];
    let start: number | undefined;
    for (let i = 0; i < 10; i++) {
      const window = await source.search({ text: 'deploy incident security', ...ALL, limit: 1, ...(start === undefined ? {} : { start }) }, MIA);
      seen.push(...window.pages.map((p) => p.id));
      if (window.next === undefined) break;
      start = window.next;
    }
    expect(seen).toEqual(all.pages.map((p) => p.id));
    const starts = stub.requests.filter((r) => r.route === 'search').map((r) => r.query.get('start'));
    expect(starts).toContain('1');
  });

  it('lists children by CQL on /rest/api/content/search under the context path; a restricted parent has none', async () => {
    const mia = await setup();
    expect((await mia.source.getChildren('2001', TREE, MIA)).map((p) => p.id)).toEqual(['2002']);
    expect((await mia.source.getChildren('2003', TREE, MIA)).map((p) => p.id)).toEqual(['2004']);
    const search = mia.stub.requests.find((r) => r.route === 'contentSearch');
    expect(search?.path).toBe(`${CONTEXT}/rest/api/content/search`);
    expect(search?.query.get('cql')).toMatch(/^parent = "?2001"? AND type = page/);
    expect(mia.stub.requests.every((r) => r.path.startsWith(`${CONTEXT}/rest/api/`))).toBe(true);

    const sam = await setup(asSam);
    expect(await sam.source.getChildren('2003', TREE, SAM)).toEqual([]);
    expect(await sam.source.getChildren('999999', TREE, SAM)).toEqual([]);
  });

  it('gives breadcrumbs from ?expand=ancestors, root first; for a restricted page none, like a missing one', async () => {
    const mia = await setup();
    const crumbs = await mia.source.getAncestors('2004', TREE, MIA);
    expect(crumbs.map((p) => [p.id, p.title])).toEqual([['2003', 'Security Review Notes']]);
    expect(mia.stub.requests.some((r) => r.route === 'content' && r.path === `${CONTEXT}/rest/api/content/2004` && r.query.get('expand') === 'ancestors')).toBe(true);
    // Outside the request's spaces: left out.
    expect(await mia.source.getAncestors('2004', { spaces: ['HR'], excludeLabels: [] }, MIA)).toEqual([]);

    const sam = await setup(asSam);
    expect(await sam.source.getAncestors('2004', TREE, SAM)).toEqual([]);
    expect(await sam.source.getAncestors('999999', TREE, SAM)).toEqual([]);
  });

  it('reads history from /rest/api/content/{id}/history, newest first, by username; restricted is undefined like missing', async () => {
    const mia = await setup();
    const versions = await mia.source.getHistory('2001', 10, MIA);
    expect(versions?.map((v) => v.number)).toEqual([7, 1]);
    expect(versions?.every((v) => v.when.endsWith('Z') && typeof v.by === 'string' && !v.by.startsWith('acc-'))).toBe(true);
    expect(await mia.source.getHistory('2001', 1, MIA)).toHaveLength(1);
    const request = mia.stub.requests.find((r) => r.route === 'history');
    expect(request?.path).toBe(`${CONTEXT}/rest/api/content/2001/history`);

    const sam = await setup(asSam);
    expect(await sam.source.getHistory('2003', 10, SAM)).toBeUndefined();
    expect(await sam.source.getHistory('999999', 10, SAM)).toBeUndefined();
    expect(await sam.source.getHistory('../space', 10, SAM)).toBeUndefined();
  });
});
