/**
 * ConfluenceSource through the real confluence.js client against the loopback stub: no mocks of
 * confluence.js or of our modules. Retry waits go through an injected sleep that records and
 * returns at once, so the suite does not really wait.
 */
import { createV1Client, createV2Client, isForbiddenError, isNotFoundError, type ApiError } from 'confluence.js';
import { afterEach, describe, expect, it } from 'vitest';
import { createConfluenceSource, type ConfluenceSourceConfig } from '../../src/adapters/confluence/confluence-source.js';
import type { Identity, PageMeta } from '../../src/domain/types.js';
import { UpstreamError } from '../../src/errors.js';
import {
  demoConfluenceSite,
  startConfluenceStub,
  type ConfluenceStub,
  type ConfluenceStubOptions,
  type StubPage,
} from '../support/confluence-stub.js';

const MIA: Identity = { accountId: 'acc-mia-0001', displayName: 'Mia Krystof', email: 'mia@example.com', groups: [] };
const SAM: Identity = { accountId: 'acc-sam-0002', displayName: 'Sam Ortega', email: 'sam@example.com', groups: [] };
const LEE: Identity = { accountId: 'acc-lee-0003', displayName: 'Lee Chen', groups: [] };

const stubs: ConfluenceStub[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((stub) => stub.close()));
});

async function setup(
  stubOptions: Partial<ConfluenceStubOptions> = {},
  sourceOptions: Partial<ConfluenceSourceConfig> = {},
) {
  const stub = await startConfluenceStub({ ...demoConfluenceSite(), ...stubOptions });
  stubs.push(stub);
  const sleeps: number[] = [];
  const source = createConfluenceSource({
    baseUrl: stub.url,
    email: 'mia@example.com',
    apiToken: 'token-1',
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...sourceOptions,
  });
  return { stub, source, sleeps };
}

const ALL = { spaces: ['ENG', 'HR'], excludeLabels: [] as string[] };

async function collect(iterable: AsyncIterable<PageMeta>): Promise<PageMeta[]> {
  const out: PageMeta[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

describe('search', () => {
  it('maps results to PageSummary and strips highlight markers and entities', async () => {
    // A site (or proxy) that ignores `excerpt` and always answers with escaped highlights.
    const { stub, source } = await setup({ excerptOverride: 'highlight' });
    stub.site.pages[1].storage = '<p>Page the on-call engineer &amp; say "incident" loudly.</p>';
    const results = await source.search({ text: 'incident', ...ALL, limit: 10 }, MIA).then((r) => r.pages);

    const incident = results.find((r) => r.id === '2002');
    expect(incident).toMatchObject({
      id: '2002',
      title: 'Incident Response',
      spaceKey: 'ENG',
      url: `${stub.base}/spaces/ENG/pages/2002/Incident+Response`,
      parentId: '2001',
      labels: ['ops'],
      version: 3,
      created: '2024-02-01T09:00:00.000Z',
      updated: '2024-04-20T08:30:00.000Z',
      createdBy: 'acc-sam-0002',
      lastUpdatedBy: 'acc-sam-0002',
    });
    expect(incident?.readRestrictions).toBeUndefined();
    expect(incident?.excerpt).toContain('engineer & say "incident" loudly');
    for (const result of results) {
      expect(result.excerpt).not.toMatch(/@@@|&quot;|&amp;/);
      expect(result.title).not.toMatch(/@@@/);
    }

    const sent = stub.requests.find((r) => r.route === 'search');
    expect(sent?.query.get('excerpt')).toBe('indexed_unescaped');
    expect(sent?.query.getAll('expand').join(',')).toContain('content.metadata.labels');
  });

  it('sends the agent text escaped inside one string and the space clause outside it', async () => {
    const { stub, source } = await setup();
    const text = 'deploy") OR space = "SECRET" OR title ~ "x\\';
    const results = await source.search({ text, spaces: ['ENG'], excludeLabels: ['security'], limit: 10 }, MIA).then((r) => r.pages);

    const cql = stub.cqlSent()[0];
    expect(cql).toBe(
      '(siteSearch ~ "deploy\\") OR space = \\"SECRET\\" OR title ~ \\"x\\\\") AND type = page AND space IN ("ENG") AND label NOT IN ("security")',
    );
    expect(stub.requests[0].status).toBe(200); // the stub's CQL parser accepted it as one query
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((r) => r.spaceKey === 'ENG')).toBe(true);
    expect(results.map((r) => r.id)).not.toContain('4001');
    expect(results.map((r) => r.id)).not.toContain('2003');
  });

  it('returns nothing for a restricted page when the token owner may not read it', async () => {
    const asSam = await setup({}, { email: 'sam@example.com' });
    expect(await asSam.source.search({ text: 'confidential findings appendix', ...ALL, limit: 10 }, SAM).then((r) => r.pages)).toEqual([]);

    const asMia = await setup();
    const ids = (await asMia.source.search({ text: 'confidential findings appendix', ...ALL, limit: 10 }, MIA).then((r) => r.pages)).map((r) => r.id);
    expect(ids).toEqual(expect.arrayContaining(['2003', '2004']));
  });

  it('honours limit, labels and updatedSince', async () => {
    const { source } = await setup();
    const limited = await source.search({ text: 'deploy', ...ALL, limit: 2 }, MIA).then((r) => r.pages);
    expect(limited).toHaveLength(2);
    const labelled = await source.search({ text: 'deploy', ...ALL, labels: ['runbook'], limit: 10 }, MIA).then((r) => r.pages);
    expect(labelled.map((r) => r.id)).toEqual(['2001']);
    const recent = await source.search({ text: 'deploy', ...ALL, updatedSince: '2024-05-01T12:00:00Z', limit: 10 }, MIA).then((r) => r.pages);
    expect(recent.map((r) => r.id).sort()).toEqual(['2001', '2003']);
  });
});

describe('getPage', () => {
  it('converts storage to Markdown and maps the v2 page', async () => {
    const { stub, source } = await setup();
    const page = await source.getPage('2001', MIA);
    expect(page).toMatchObject({
      id: '2001',
      title: 'Deployment Runbook',
      spaceKey: 'ENG',
      url: `${stub.base}/spaces/ENG/pages/2001/Deployment+Runbook`,
      parentId: null,
      labels: ['runbook', 'ops'],
      version: 7,
      created: '2024-01-10T09:00:00.000Z',
      updated: '2024-05-02T10:00:00.000Z',
      owner: 'acc-mia-0001',
      createdBy: 'acc-mia-0001',
      lastUpdatedBy: 'acc-sam-0002',
    });
    expect(page?.readRestrictions).toBeUndefined();
    expect(page?.body).toMatch(/^# Deploying/);
    expect(page?.body).toContain('**deploy**');
    expect(page?.body).not.toMatch(/<\/?(p|h1|strong|ac:|ri:)/);
    // The title-only link was resolved through a title lookup in the page's space.
    expect(page?.body).toContain('confluence-page:2002');
    expect(stub.cqlSent()).toContain('title = "Incident Response" AND type = page AND space IN ("ENG")');
  });

  it('resolves title links only in the allowed spaces: no lookup elsewhere, and such links stay plain text', async () => {
    const { stub, source } = await setup();
    stub.site.pages[0].storage =
      '<p>See <ac:link><ri:page ri:content-title="Incident Response" /><ac:plain-text-link-body><![CDATA[incident response]]></ac:plain-text-link-body></ac:link>, ' +
      '<ac:link><ri:page ri:space-key="SECRET" ri:content-title="Project Nightingale" /><ac:plain-text-link-body><![CDATA[the plan]]></ac:plain-text-link-body></ac:link> and ' +
      '<ac:link><ri:page ri:space-key="hr" ri:content-title="Parental Leave" /><ac:plain-text-link-body><![CDATA[leave]]></ac:plain-text-link-body></ac:link>.</p>';
    // SECRET's page is known to the source already (seen through search): the cache must not resolve it either.
    await source.search({ text: 'deploy plan', spaces: ['SECRET'], excludeLabels: [], limit: 10 }, MIA).then((r) => r.pages);
    stub.clearRequests();

    const page = await source.getPage('2001', MIA, { spaces: ['ENG', 'HR'] });
    expect(page?.body).toContain('confluence-page:2002');
    expect(page?.body).toContain('confluence-page:3001'); // space keys compare like the policy's (upper case)
    expect(page?.body).not.toContain('confluence-page:4001');
    expect(page?.body).toContain('the plan');
    const cql = stub.cqlSent();
    expect(cql).toContain('title = "Parental Leave" AND type = page AND space IN ("HR")');
    expect(cql.filter((q) => q.includes('SECRET'))).toEqual([]);

    stub.clearRequests();
    const narrow = await source.getPage('2001', MIA, { spaces: ['ENG'] });
    expect(narrow?.body).toContain('confluence-page:2002');
    expect(narrow?.body).not.toMatch(/confluence-page:(3001|4001)/);
    expect(stub.cqlSent().filter((q) => /SECRET|"HR"|"hr"/.test(q))).toEqual([]);
  });

  it('treats a restricted page exactly like a missing one', async () => {
    const { stub, source } = await setup({}, { email: 'sam@example.com' });
    expect(await source.getPage('2003', SAM)).toBeUndefined(); // restricted
    expect(await source.getPage('2004', SAM)).toBeUndefined(); // inherits the restriction
    expect(await source.getPage('999999', SAM)).toBeUndefined(); // missing
    const statuses = stub.requests.filter((r) => r.route === 'v2.page').map((r) => r.status);
    expect(statuses).toEqual([404, 404, 404]);
  });

  it('never sends a non-numeric id to Confluence', async () => {
    const { stub, source } = await setup();
    for (const id of ['../spaces', '2001/labels', '', 'abc', '2001?x=1']) {
      expect(await source.getPage(id, MIA)).toBeUndefined();
    }
    expect(stub.count()).toBe(0);
  });
});

describe('listPages', () => {
  function manyPages(count: number): StubPage[] {
    return Array.from({ length: count }, (_, i) => ({
      id: String(50_000 + i),
      title: `Generated ${i}`,
      spaceKey: i % 2 === 0 ? 'ENG' : 'HR',
      parentId: null,
      storage: `<p>Generated page ${i}</p>`,
      labels: i % 10 === 0 ? ['archived'] : [],
      createdAt: '2023-01-01T00:00:00.000Z',
      updatedAt: new Date(Date.UTC(2024, 0, 1) + i * 3_600_000).toISOString(),
      version: 1,
      authorId: 'acc-mia-0001',
      // Every seventh page is hidden from Sam.
      readableBy: i % 7 === 3 ? ['acc-mia-0001'] : undefined,
    }));
  }

  it('follows _links.next across several result pages, newest first', async () => {
    const site = demoConfluenceSite();
    site.pages = manyPages(120);
    const { stub, source } = await setup({ ...site }, { pageSize: 25 });
    const pages = await collect(source.listPages({ spaces: ['ENG', 'HR'], excludeLabels: ['archived'] }, MIA));

    expect(pages).toHaveLength(108); // 120 minus the 12 labelled "archived"
    expect(new Set(pages.map((p) => p.id)).size).toBe(108);
    const times = pages.map((p) => Date.parse(p.updated));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
    const searches = stub.requests.filter((r) => r.route === 'search');
    expect(searches).toHaveLength(5);
    expect(searches[0].query.get('cursor')).toBeNull();
    expect(searches.slice(1).every((r) => r.query.get('cursor') !== null)).toBe(true);
    expect(searches.every((r) => r.query.get('cql') === searches[0].query.get('cql'))).toBe(true);
  });

  it('keeps walking when permission post-filtering makes pages short', async () => {
    const site = demoConfluenceSite();
    site.pages = manyPages(60);
    const { stub, source } = await setup({ ...site, postFilterSearch: true }, { email: 'sam@example.com', pageSize: 10 });
    const pages = await collect(source.listPages({ spaces: ['ENG', 'HR'], excludeLabels: [] }, SAM));
    const hidden = manyPages(60).filter((p) => p.readableBy !== undefined).length;
    expect(pages).toHaveLength(60 - hidden);
    expect(stub.count('search')).toBe(6);
  });

  it('applies exact date bounds on top of the day-granular CQL', async () => {
    const site = demoConfluenceSite();
    site.pages = manyPages(48); // hourly from 2024-01-01T00:00Z
    const { stub, source } = await setup({ ...site });
    const pages = await collect(
      source.listPages(
        { spaces: ['ENG', 'HR'], excludeLabels: [], updatedSince: '2024-01-01T05:00:00Z', updatedBefore: '2024-01-01T10:00:00Z' },
        MIA,
      ),
    );
    expect(pages.map((p) => p.updated)).toEqual([
      '2024-01-01T09:00:00.000Z',
      '2024-01-01T08:00:00.000Z',
      '2024-01-01T07:00:00.000Z',
      '2024-01-01T06:00:00.000Z',
      '2024-01-01T05:00:00.000Z',
    ]);
    expect(stub.cqlSent()[0]).toBe(
      'type = page AND space IN ("ENG","HR") AND lastmodified >= "2023-12-31" AND lastmodified < "2024-01-03" ORDER BY lastmodified DESC',
    );
  });
});

describe('titles, spaces, users', () => {
  it('findPagesByTitle matches exactly, case-insensitively, within the spaces', async () => {
    const { stub, source } = await setup();
    expect((await source.findPagesByTitle('incident RESPONSE', ['ENG'], MIA)).map((p) => p.id)).toEqual(['2002']);
    expect(await source.findPagesByTitle('Incident', ['ENG'], MIA)).toEqual([]);
    expect(await source.findPagesByTitle('Incident Response', ['HR'], MIA)).toEqual([]);
    expect(stub.cqlSent()[0]).toBe('title = "incident RESPONSE" AND type = page AND space IN ("ENG")');
  });

  it('listSpaces reads v2 spaces', async () => {
    const { source } = await setup();
    expect(await source.listSpaces()).toEqual([
      { key: 'ENG', name: 'Engineering', description: 'How we build and run things.' },
      { key: 'HR', name: 'People', description: 'Policies and benefits.' },
      { key: 'SECRET', name: 'Secret Projects', description: undefined },
    ]);
  });

  it('findUsers returns every exact match, so a shared display name is ambiguous rather than missing', async () => {
    const base = demoConfluenceSite();
    const twin = { ...base.users.find((u) => u.accountId === 'acc-sam-0002')!, accountId: 'acc-sam-0099', email: 'sam.o@example.com' };
    const { source } = await setup({ users: [...base.users, twin] });
    expect((await source.findUsers('Sam Ortega')).map((u) => u.accountId).sort()).toEqual(['acc-sam-0002', 'acc-sam-0099']);
    expect(await source.findUser('Sam Ortega')).toBeUndefined();
    expect((await source.findUsers('acc-sam-0099')).map((u) => u.accountId)).toEqual(['acc-sam-0099']);
    expect(await source.findUsers('nobody-at-all')).toEqual([]);
  });

  it('findGroups asks the group picker and keeps only the exact name (case-insensitive), across pages', async () => {
    const groups = [
      { name: 'sales', id: '5b1a2c3d-0000-4000-8000-000000000001' },
      { name: 'sales-and-partnerships', id: '5b1a2c3d-0000-4000-8000-000000000002' },
      { name: 'Legal', id: '5b1a2c3d-0000-4000-8000-000000000003' },
      ...Array.from({ length: 250 }, (_, i) => ({ name: `ops-${i}`, id: `5b1a2c3d-0000-4000-8000-1${String(i).padStart(11, '0')}` })),
      { name: 'ops', id: '5b1a2c3d-0000-4000-8000-000000000004' },
    ];
    const { source, stub } = await setup({ groups });
    expect(await source.findGroups('SALES')).toEqual([{ name: 'sales', id: '5b1a2c3d-0000-4000-8000-000000000001' }]);
    expect(await source.findGroups('sales-and-partnerships')).toEqual([{ name: 'sales-and-partnerships', id: '5b1a2c3d-0000-4000-8000-000000000002' }]);
    expect(await source.findGroups('legal ')).toEqual([{ name: 'Legal', id: '5b1a2c3d-0000-4000-8000-000000000003' }]);
    // The exact name comes after the first page of 200 partial matches for "ops".
    expect(await source.findGroups('ops')).toEqual([{ name: 'ops', id: '5b1a2c3d-0000-4000-8000-000000000004' }]);
    expect(await source.findGroups('partners')).toEqual([]);
    expect(await source.findGroups('  ')).toEqual([]);
    expect(stub.requests.some((r) => r.route === 'groupPicker' && r.query.get('query') === 'SALES')).toBe(true);
  });

  it('findUser by accountId, display name and visible email', async () => {
    const { source } = await setup();
    expect(await source.findUser('acc-sam-0002')).toEqual({
      accountId: 'acc-sam-0002',
      displayName: 'Sam Ortega',
      email: 'sam@example.com',
      groups: [],
    });
    expect((await source.findUser('mia krystof'))?.accountId).toBe('acc-mia-0001');
    expect((await source.findUser('Sam@Example.com'))?.accountId).toBe('acc-sam-0002');
    expect(await source.findUser('lee@example.com')).toBeUndefined(); // Lee hides the email
    expect(await source.findUser('nobody-at-all')).toBeUndefined();
    expect(await source.findUser('  ')).toBeUndefined();
  });

  it('asks once per account id for ten minutes; a failed lookup is asked again', async () => {
    const { source, stub } = await setup();
    stub.failNext(4, { status: 503, route: '/wiki/rest/api/user' });
    await expect(source.findUser('acc-sam-0002')).rejects.toThrow(/503/);
    expect((await source.findUser('acc-sam-0002'))?.displayName).toBe('Sam Ortega');
    const asked = stub.count('user');
    expect((await source.findUser('acc-sam-0002'))?.displayName).toBe('Sam Ortega');
    expect(await source.findUser('acc-gone-0404')).toBeUndefined();
    const afterMissing = stub.count('user');
    expect(await source.findUser('acc-gone-0404')).toBeUndefined();
    expect(stub.count('user')).toBe(afterMissing);
    expect(afterMissing).toBe(asked + 1);
  });

  it('describe names the site, never the token', async () => {
    const { stub, source } = await setup();
    expect(source.describe()).toContain(stub.url);
    expect(source.describe()).not.toContain('token-1');
  });
});

describe('acting for someone other than the token owner', () => {
  it('checks each page with the permission endpoint and drops what the user may not read', async () => {
    const { stub, source } = await setup(); // Mia's token: a Confluence administrator
    const ids = (await source.search({ text: 'deploy', ...ALL, limit: 10 }, SAM).then((r) => r.pages)).map((r) => r.id);
    expect(ids).not.toContain('2003');
    expect(ids).toEqual(expect.arrayContaining(['2001', '2002']));
    expect(await source.getPage('2003', SAM)).toBeUndefined();
    expect((await source.getPage('2002', SAM))?.id).toBe('2002');
    const checks = stub.requests.filter((r) => r.route === 'permissionCheck');
    expect(checks.length).toBeGreaterThan(0);
    expect(checks.every((r) => (r.body as { subject: { identifier: string } }).subject.identifier === SAM.accountId)).toBe(true);
  });

  it('skips the checks for the token owner, known by account id or by the configured email', async () => {
    const { stub, source } = await setup();
    await source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA).then((r) => r.pages);
    await source.search({ text: 'deploy', ...ALL, limit: 10 }, { accountId: 'mia@example.com', displayName: 'mia', groups: [] }).then((r) => r.pages);
    expect(stub.count('permissionCheck')).toBe(0);
  });

  /** 40 pages about "roadmap": the 30 that say it most are hidden from Sam, the 10 that mention it once are not. */
  function hiddenOnTop(): StubPage[] {
    return Array.from({ length: 40 }, (_, i) => ({
      id: String(60_000 + i),
      title: i < 30 ? `Roadmap ${i}` : `Planning note ${i}`,
      spaceKey: 'ENG',
      parentId: null,
      storage: i < 30 ? '<p>Roadmap roadmap roadmap: the secret roadmap.</p>' : '<p>Our plans, with a link to the roadmap.</p>',
      labels: [],
      createdAt: '2023-01-01T00:00:00.000Z',
      updatedAt: '2024-01-01T00:00:00.000Z',
      version: 1,
      authorId: 'acc-mia-0001',
      readableBy: i < 30 ? ['acc-mia-0001'] : undefined,
    }));
  }

  it.each([false, true])('fills the limit from further results when the best matches are hidden (Cloud post-filtering: %s)', async (postFilterSearch) => {
    const site = demoConfluenceSite();
    site.pages = hiddenOnTop();
    const { stub, source } = await setup({ ...site, postFilterSearch });
    const search = async (limit: number) => (await source.search({ text: 'roadmap', spaces: ['ENG'], excludeLabels: [], limit }, SAM).then((r) => r.pages)).map((r) => r.id);
    const visible = hiddenOnTop().filter((p) => p.readableBy === undefined).map((p) => p.id);
    for (const limit of [1, 3, 10, 50]) {
      const ids = await search(limit);
      // min(limit, visible total), whatever ranks above them: the count says nothing about hidden pages.
      expect(ids, `limit ${limit}`).toHaveLength(Math.min(limit, visible.length));
      expect(visible).toEqual(expect.arrayContaining(ids));
    }
    // The owner still sees the hidden pages first, in one request and without checks.
    const before = stub.count('permissionCheck');
    expect((await source.search({ text: 'roadmap', spaces: ['ENG'], excludeLabels: [], limit: 3 }, MIA).then((r) => r.pages)).map((r) => r.id)).toEqual(['60000', '60001', '60002']);
    expect(stub.count('permissionCheck')).toBe(before);
  });

  it('stays within its bounds when almost everything is hidden, returning what it found', async () => {
    const site = demoConfluenceSite();
    // 400 hidden matches rank above the one visible page.
    site.pages = Array.from({ length: 401 }, (_, i) => ({
      ...hiddenOnTop()[i === 400 ? 35 : 0],
      id: String(70_000 + i),
      title: i === 400 ? 'Planning note' : `Roadmap ${i}`,
    }));
    const { stub, source } = await setup({ ...site });
    const results = await source.search({ text: 'roadmap', spaces: ['ENG'], excludeLabels: [], limit: 3 }, SAM).then((r) => r.pages);
    expect(results).toEqual([]);
    expect(stub.count('search')).toBeLessThanOrEqual(5);
    expect(stub.count('permissionCheck')).toBeLessThanOrEqual(200);
  });

  it('fails closed when the token may not check other users', async () => {
    const { source } = await setup({}, { email: 'sam@example.com' });
    await expect(source.search({ text: 'deploy', ...ALL, limit: 10 }, LEE).then((r) => r.pages)).rejects.toThrow(/administrator/);
    await expect(source.getPage('2001', LEE)).rejects.toBeInstanceOf(UpstreamError);
  });
});

describe('faults, retries and timeouts', () => {
  it('waits out a 429 Retry-After, then succeeds', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(1, { status: 429, retryAfter: '1' });
    const results = await source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA).then((r) => r.pages);
    expect(results.length).toBeGreaterThan(0);
    expect(sleeps).toEqual([1000]);
    expect(stub.count('search')).toBe(2);
  });

  it('honours an HTTP-date Retry-After', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(1, { status: 429, retryAfter: new Date(Date.now() + 4_000).toUTCString() });
    await source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA).then((r) => r.pages);
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(1_000);
    expect(sleeps[0]).toBeLessThanOrEqual(4_000);
  });

  it('does not hammer a server that asks for a wait beyond the cap', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(5, { status: 429, retryAfter: '120' });
    const error = await source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA).then((r) => r.pages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as UpstreamError).message).toBe('Confluence rate limit: retry after 120 s.');
    expect((error as UpstreamError).retryAfterSeconds).toBe(120);
    expect(sleeps).toEqual([]);
    expect(stub.count('search')).toBe(1);
  });

  it('retries a 500 with backoff, then succeeds', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(1, { status: 500, route: '/wiki/api/v2/pages/' });
    const page = await source.getPage('2002', MIA);
    expect(page?.title).toBe('Incident Response');
    expect(sleeps).toEqual([500]);
    expect(stub.count('v2.page')).toBe(2);
  });

  it('gives up on a persistent 503 with an UpstreamError', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(10, { status: 503, retryAfter: '2' });
    const error = await source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA).then((r) => r.pages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/^Confluence returned 503 after 4 attempts/);
    expect(stub.count('search')).toBe(4);
    expect(sleeps).toEqual([500, 1000, 2000]);
  });

  it('does not retry 401 and says it is about credentials', async () => {
    const { stub, source } = await setup({ apiToken: 'the-real-token' });
    const error = await source.listSpaces().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/credentials \(401\)/);
    expect(stub.count()).toBe(1);
  });

  it('turns malformed JSON into an UpstreamError without echoing the body', async () => {
    const { stub, source } = await setup();
    stub.failNext(1, { malformedJson: true });
    const error = await source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA).then((r) => r.pages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toMatch(/could not be read/);
    expect((error as Error).message).not.toContain('results');
    expect(stub.count('search')).toBe(1);
  });

  it('turns an HTML page into an UpstreamError, and an HTML 502 is retried', async () => {
    const { stub, source } = await setup();
    stub.failNext(1, { htmlBody: '<html><body>Login</body></html>' });
    await expect(source.listSpaces()).rejects.toThrow(/could not be read/);
    stub.failNext(1, { status: 502, htmlBody: '<html>Bad gateway</html>' });
    expect(await source.listSpaces()).toHaveLength(3);
  });

  it('treats a reply cut short of its Content-Length as an incomplete reply: retried, then a clear UpstreamError', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(1, { shortBody: 40, route: /^\/wiki\/api\/v2\/pages\/\d+$/ });
    expect((await source.getPage('2001', MIA))?.id).toBe('2001');
    expect(stub.count('v2.page')).toBe(2);
    expect(sleeps).toEqual([500]);

    stub.clearRequests();
    stub.failNext(10, { shortBody: 40, route: '/wiki/rest/api/search' });
    const error = await source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA).then((r) => r.pages).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toBe('Confluence sent an incomplete or empty reply (4 attempts); try again later.');
    expect(stub.count('search')).toBe(4);
  });

  it('treats an empty 200 body as an incomplete reply: retried, then a clear UpstreamError', async () => {
    const { stub, source, sleeps } = await setup();
    stub.failNext(1, { status: 200, body: '', route: '/wiki/rest/api/search' });
    expect((await source.search({ text: 'deploy', ...ALL, limit: 10 }, MIA).then((r) => r.pages)).length).toBeGreaterThan(0);
    expect(stub.count('search')).toBe(2);
    expect(sleeps).toEqual([500]);

    stub.failNext(10, { status: 200, body: '', route: /^\/wiki\/api\/v2\/pages\/\d+$/ });
    const error = await source.getPage('2001', MIA).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toBe('Confluence sent an incomplete or empty reply (4 attempts); try again later.');
    expect(stub.count('v2.page')).toBe(4);
  });

  it('retries a dropped connection', async () => {
    const { stub, source } = await setup();
    stub.failNext(1, { dropConnection: true, route: /^\/wiki\/api\/v2\/pages\/\d+$/ });
    expect((await source.getPage('2001', MIA))?.id).toBe('2001');
    expect(stub.requests.filter((r) => r.route === 'v2.page')).toHaveLength(2);
  });

  it('gives up on a server that does not answer in time', async () => {
    const { stub, source } = await setup({}, { timeoutMs: 300, retry: { attempts: 2 } });
    stub.failNext(10, { delayMs: 3_000 });
    const error = await source.getPage('2001', MIA).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpstreamError);
    expect((error as Error).message).toBe(
      'Confluence did not answer within 300 ms (2 attempts); it may be overloaded or unreachable, try again later.',
    );
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    const { stub, source } = await setup({ latencyMs: 30 }, { concurrency: 2 });
    await Promise.all(['2001', '2002', '3001', '3002', '2001', '2002'].map((id) => source.getPage(id, MIA)));
    expect(stub.peakInFlight).toBeLessThanOrEqual(2);
    expect(stub.peakInFlight).toBeGreaterThan(0);
  });
});

describe('stub conformance (raw confluence.js clients, no wrapper)', () => {
  async function raw(email = 'sam@example.com') {
    const stub = await startConfluenceStub(demoConfluenceSite());
    stubs.push(stub);
    const config = { host: stub.url, auth: { type: 'basic' as const, email, apiToken: 'x' } };
    return { stub, v1: createV1Client(config), v2: createV2Client(config) };
  }

  it('default search highlights and escapes; bad CQL is a 400 with the v1 envelope', async () => {
    const { v1 } = await raw();
    const response = await v1.search.searchByCQL({ cql: 'siteSearch ~ "incident" AND type = page' });
    expect(response.results[0].title).toBe('@@@hl@@@Incident@@@endhl@@@ Response');
    expect(response._links.base).toMatch(/\/wiki$/);
    const error = (await v1.search.searchByCQL({ cql: 'foo = bar' }).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(400);
    expect((error.body as { message: string }).message).toMatch(/Could not parse cql : foo = bar/);
  });

  it('v2 pages: bulk with cursor pagination, single page 404 for restricted', async () => {
    const { v2 } = await raw();
    const first = await v2.page.getPages({ spaceId: [1001], limit: 1 });
    expect(first.results).toHaveLength(1);
    expect(first._links?.next).toMatch(/^\/wiki\/api\/v2\/pages\?.*cursor=/);
    const ids: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await v2.page.getPages({ spaceId: [1001], limit: 1, ...(cursor ? { cursor } : {}) });
      ids.push(...(page.results ?? []).map((p) => p.id ?? ''));
      cursor = page._links?.next ? (new URL(page._links.next, 'http://x').searchParams.get('cursor') ?? undefined) : undefined;
    } while (cursor);
    expect(ids).toEqual(['2001', '2002']); // 2003/2004 are hidden from Sam
    const error = await v2.page.getPageById({ id: 2003 }).catch((e: unknown) => e);
    expect(isNotFoundError(error)).toBe(true);
    expect((error as ApiError).body).toEqual({ errors: [{ status: 404, code: 'NOT_FOUND', title: 'Not Found', detail: null }] });
  });

  it('users, spaces and permission checks', async () => {
    const { v1, v2 } = await raw();
    expect((await v1.users.getCurrentUser()).accountId).toBe('acc-sam-0002');
    expect((await v1.users.getUser({ accountId: 'acc-lee-0003' })).email).toBe('');
    expect((await v1.search.searchUser({ cql: 'user.fullname ~ "mia"' })).results[0].user?.accountId).toBe('acc-mia-0001');
    expect((await v2.space.getSpaces({ keys: ['HR'] })).results?.map((s) => s.id)).toEqual(['1002']);
    const self = await v1.contentPermissions.checkContentPermission({
      id: '2003',
      subject: { type: 'user', identifier: 'acc-sam-0002' },
      operation: 'read',
    });
    expect(self.hasPermission).toBe(false);
    const other = await v1.contentPermissions
      .checkContentPermission({ id: '2001', subject: { type: 'user', identifier: 'acc-mia-0001' }, operation: 'read' })
      .catch((e: unknown) => e);
    expect(isForbiddenError(other)).toBe(true);
  });

  it('v1 content GET answers 404 with the v1 envelope for a restricted page', async () => {
    const { stub } = await raw();
    const auth = `Basic ${Buffer.from('sam@example.com:x').toString('base64')}`;
    const hidden = await fetch(`${stub.base}/rest/api/content/2003`, { headers: { authorization: auth } });
    expect(hidden.status).toBe(404);
    expect(await hidden.json()).toMatchObject({ statusCode: 404, data: { successful: false } });
    const visible = await fetch(`${stub.base}/rest/api/content/2001?expand=body.storage,space`, { headers: { authorization: auth } });
    expect(await visible.json()).toMatchObject({ id: '2001', space: { key: 'ENG' }, body: { storage: { representation: 'storage' } } });
  });
});

describe('configuration', () => {
  it('rejects unusable credentials and URLs up front, without echoing the token', () => {
    expect(() => createConfluenceSource({ baseUrl: 'https://x.atlassian.net', email: 'not-an-email', apiToken: 'secret-token' })).toThrow(
      /credentials are incomplete/,
    );
    expect(() => createConfluenceSource({ baseUrl: 'ftp://x', email: 'a@b.co', apiToken: 't' })).toThrow(/http\(s\)/);
    try {
      createConfluenceSource({ baseUrl: 'https://x.atlassian.net', email: 'bad', apiToken: 'secret-token' });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain('secret-token');
    }
  });

  it('accepts a base URL with /wiki and a trailing slash', async () => {
    const stub = await startConfluenceStub(demoConfluenceSite());
    stubs.push(stub);
    const source = createConfluenceSource({ baseUrl: `${stub.url}/wiki/`, email: 'mia@example.com', apiToken: 'x' });
    expect(await source.listSpaces()).toHaveLength(3);
  });
});

describe('navigation', () => {
  it('lists children by CQL with labels, and leaves out restricted and denied ones', async () => {
    const { stub, source } = await setup();
    expect((await source.getChildren('2001', ALL, MIA)).map((p) => p.id)).toEqual(['2002']);
    expect(stub.cqlSent().at(-1)).toBe('parent = "2001" AND type = page AND space IN ("ENG","HR") ORDER BY title');
    expect(await source.getChildren('2001', { spaces: ['ENG'], excludeLabels: ['ops'] }, MIA)).toEqual([]);
    // Acting for Sam (Mia's admin token): 2003 and its subtree are Mia's only.
    expect((await source.getChildren('2003', ALL, MIA)).map((p) => p.id)).toEqual(['2004']);
    expect(await source.getChildren('2003', ALL, SAM)).toEqual([]);
    expect((await source.getChildren('2001', ALL, SAM)).map((p) => p.id)).toEqual(['2002']);
  });

  it('builds breadcrumbs from v2 ancestors and one CQL lookup; a page the user cannot read has none', async () => {
    const { stub, source } = await setup();
    const crumbs = await source.getAncestors('2004', ALL, MIA);
    expect(crumbs.map((p) => [p.id, p.title, p.spaceKey])).toEqual([['2003', 'Security Review Notes', 'ENG']]);
    expect(stub.count('v2.pageAncestors')).toBe(1);
    expect(stub.cqlSent().at(-1)).toBe('id IN ("2003") AND type = page AND space IN ("ENG","HR")');
    expect(await source.getAncestors('2004', { spaces: ['ENG'], excludeLabels: ['security'] }, MIA)).toEqual([]);
    expect(await source.getAncestors('2004', ALL, SAM)).toEqual([]);
    expect(await source.getAncestors('9999', ALL, MIA)).toEqual([]);
    expect(await source.getAncestors('2001', ALL, MIA)).toEqual([]);
  });

  it('reads version history newest first from v2 versions; missing and restricted are undefined', async () => {
    const { stub, source } = await setup();
    stub.site.pages.find((p) => p.id === '2001')!.history = [
      { number: 1, when: '2024-01-10T09:00:00.000Z', by: 'acc-mia-0001', message: 'First draft' },
      { number: 4, when: '2024-03-01T09:00:00.000Z', by: 'acc-lee-0003', message: 'Dashboards step' },
    ];
    const history = await source.getHistory('2001', 2, MIA);
    expect(history).toEqual([
      { number: 7, when: '2024-05-02T10:00:00.000Z', by: 'acc-sam-0002', message: '' },
      { number: 4, when: '2024-03-01T09:00:00.000Z', by: 'acc-lee-0003', message: 'Dashboards step' },
    ]);
    expect(stub.requests.find((r) => r.route === 'v2.pageVersions')?.query.get('sort')).toBe('-modified-date');
    expect(await source.getHistory('2003', 5, SAM)).toBeUndefined();
    expect(await source.getHistory('9999', 5, MIA)).toBeUndefined();
  });

  it('continues a search where the last window ended, also when acting for someone else', async () => {
    const { source } = await setup({ postFilterSearch: true });
    for (const as of [MIA, SAM]) {
      const whole = (await source.search({ text: 'deploy', ...ALL, limit: 50 }, as)).pages.map((p) => p.id);
      const seen: string[] = [];
      let start: number | undefined;
      let windows = 0;
      for (let i = 0; i < 20; i++) {
        const window = await source.search({ text: 'deploy', ...ALL, limit: 1, start }, as);
        windows++;
        seen.push(...window.pages.map((p) => p.id));
        if (window.next === undefined) break;
        start = window.next;
      }
      expect(seen, as.displayName).toEqual(whole);
      // As the token owner, the last result's window already says there is no more.
      if (as === MIA) expect(windows).toBe(whole.length);
    }
    const forSam = (await source.search({ text: 'deploy', ...ALL, limit: 50 }, SAM)).pages.map((p) => p.id);
    expect(forSam).not.toContain('2003');
    expect(forSam).not.toContain('2004');
  });
});
