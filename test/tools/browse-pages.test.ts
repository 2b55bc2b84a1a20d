/**
 * Navigation (issue 15) through a real MCP client, on every source from one corpus: the local
 * site folder, and the same site served by the loopback Confluence stub as Cloud (to the real
 * confluence.js client) and as Data Center (a context path, personal access tokens). The same assertions run on each: restricted pages and pages with a
 * denied label are missing everywhere — in space counts, children, breadcrumbs, title and URL
 * lookups, and search windows — and read exactly like pages that do not exist.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { tinyCodeOf } from '../../src/domain/page-reference.js';
import type { Role } from '../../policies/tool-access.js';
import { startConfluenceStub } from '../support/confluence-stub.js';
import { FIXTURE_SITE, USERS, writeFixture } from '../support/fixture-site.js';
import { connectConfig, textOf } from '../support/harness.js';
import { siteFolderOnStub, stubEmail } from '../support/site-on-stub.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** The fixture plus a page under the label-denied 1003 (labels, unlike restrictions, are not inherited) with a history. */
const SITE = {
  ...FIXTURE_SITE,
  pages: [
    ...FIXTURE_SITE.pages,
    {
      id: '1004',
      title: 'Vault rota',
      space: 'IT',
      parentId: '1003',
      version: 3,
      created: '2025-01-02T09:00:00Z',
      updated: '2025-03-04T10:00:00Z',
      createdBy: USERS.lead.accountId,
      lastUpdatedBy: USERS.hr.accountId,
      body: 'Who opens the vault on which day.',
    },
  ],
};

type Call = (name: string, args: Record<string, unknown>) => Promise<CallToolResult>;
type User = (typeof USERS)[keyof typeof USERS];

async function connect(config: ReturnType<typeof resolveConfig>, role: Role): Promise<Call> {
  const harness = await connectConfig(config, role);
  cleanups.push(() => harness.close());
  return harness.call;
}

const SOURCES: Record<string, (user: User, role?: Role) => Promise<Call>> = {
  local: async (user, role = 'agent') => {
    const fixture = writeFixture({ site: SITE });
    return connect(resolveConfig({ site: fixture.siteDir, policy: fixture.policyFile, dataDir: fixture.dataDir, as: user.email, role }, {}), role);
  },
  cloud: async (user, role = 'agent') => {
    const fixture = writeFixture({ site: SITE });
    const stub = await startConfluenceStub(siteFolderOnStub(fixture.siteDir));
    cleanups.push(() => stub.close());
    // The token is the user's own: Confluence enforces their restrictions, the gate the policy.
    const env = { CONFLUENCE_URL: stub.url, CONFLUENCE_USERNAME: stubEmail(user), CONFLUENCE_API_TOKEN: 'token' };
    return connect(resolveConfig({ policy: fixture.policyFile, dataDir: fixture.dataDir, role }, env), role);
  },
  datacenter: async (user, role = 'agent') => {
    const fixture = writeFixture({ site: SITE });
    const site = siteFolderOnStub(fixture.siteDir);
    // Every user has a token of their own; Data Center enforces its owner's restrictions.
    const tokens = Object.fromEntries(site.users.map((u) => [`pat-${u.accountId}`, u.accountId]));
    const stub = await startConfluenceStub({ ...site, dataCenter: { contextPath: '/confluence', tokens } });
    cleanups.push(() => stub.close());
    const env = { CONFLUENCE_URL: stub.base, CONFLUENCE_PERSONAL_TOKEN: `pat-${user.accountId}` };
    return connect(resolveConfig({ policy: fixture.policyFile, dataDir: fixture.dataDir, role }, env), role);
  },
};

/** How each source names a person: Data Center by username (the stub's: the email's local part). */
const personOf = (source: string, user: User) => (source === 'datacenter' ? stubEmail(user).split('@')[0] : user.accountId);

const structured = (result: CallToolResult) => {
  expect(result.isError, textOf(result)).toBeFalsy();
  return result.structuredContent as {
    spaces: { key: string; name: string; pages: number }[];
    page: { id: string; title: string; labels: string[] } | null;
    breadcrumb: { id: string; title: string }[];
    children: { id: string; title: string }[];
    versions: { number: number; when: string; by: string | null; byName: string | null; message: string }[];
  };
};
/** Matches 1001 and 1002, and the label-denied 1003 best of all. */
const QUERY = 'printers vpn badge';
const ids = (list: { id: string }[]) => list.map((p) => p.id);

for (const [name, start] of Object.entries(SOURCES)) {
  describe(`browse_pages on the ${name} source`, () => {
    it('lists readable spaces with counts of readable pages only', async () => {
      const call = await start(USERS.employee);
      const { spaces } = structured(await call('browse_pages', {}));
      // IT: 1000-1002 (1003 confidential, 1004 readable). HR: 2000, 2001 (2002-2004 restricted). SECRET: not in the policy.
      expect(Object.fromEntries(spaces.map(({ key, pages }) => [key, pages]))).toEqual({ IT: 4, HR: 2 });
      const hr = await start(USERS.hr);
      expect(structured(await hr('browse_pages', {})).spaces.find((s) => s.key === 'HR')?.pages).toBe(4);
    });

    it('shows children and breadcrumbs without restricted or denied pages', async () => {
      const call = await start(USERS.employee);
      const home = structured(await call('browse_pages', { page: '1000' }));
      expect(home.page?.title).toBe('IT home');
      expect(home.breadcrumb).toEqual([]);
      expect(home.children.map((c) => c.title)).toEqual(['Printer guide', 'VPN setup']);
      expect(ids(structured(await call('browse_pages', { page: '2000' })).children)).toEqual(['2001']);
      // 1004's parent carries a denied label: the breadcrumb skips it, and names nothing of it.
      const rota = structured(await call('browse_pages', { page: '1004' }));
      expect(ids(rota.breadcrumb)).toEqual(['1000']);
      expect(JSON.stringify(rota)).not.toMatch(/Vault codes|1003/);

      const hr = await start(USERS.hr);
      expect(ids(structured(await hr('browse_pages', { page: '2000' })).children)).toEqual(['2001', '2002']);
      expect(ids(structured(await hr('browse_pages', { page: '2003' })).breadcrumb)).toEqual(['2000', '2002']);
    });

    it('get_page names a parent only when the reader may see it', async () => {
      const call = await start(USERS.employee);
      const parentOf = async (pageId: string) => ((await call('get_page', { pageId })).structuredContent as { parentId: string | null }).parentId;
      expect(await parentOf('1001')).toBe('1000');
      expect(await parentOf('1004')).toBeNull(); // under the label-denied 1003
      expect(await parentOf('1000')).toBeNull();
    });

    it('answers a restricted or denied page exactly like a missing one', async () => {
      const call = await start(USERS.employee);
      const missing = await call('browse_pages', { page: '999999' });
      expect(missing.isError).toBe(true);
      for (const hidden of ['2002', '2003', '1003']) {
        const result = await call('browse_pages', { page: hidden });
        expect(result.isError).toBe(true);
        expect(textOf(result).replace(hidden, 'ID')).toBe(textOf(missing).replace('999999', 'ID'));
      }
      const noTitle = await call('browse_pages', { title: 'No such page' });
      const hiddenTitle = await call('browse_pages', { title: 'Salary bands' });
      expect(noTitle.isError && hiddenTitle.isError).toBe(true);
      expect(textOf(hiddenTitle).replace('Salary bands', 'T')).toBe(textOf(noTitle).replace('No such page', 'T'));
    });

    it('finds a page by exact title (case-insensitive) and by each pasted URL form', async () => {
      const call = await start(USERS.employee);
      expect(structured(await call('browse_pages', { title: 'vpn SETUP', space: 'IT' })).page?.id).toBe('1001');
      expect(structured(await call('browse_pages', { title: 'Annual leave' })).page?.id).toBe('2001');
      for (const page of [
        'https://example.atlassian.net/wiki/spaces/IT/pages/1001/VPN+setup',
        'https://example.atlassian.net/wiki/pages/viewpage.action?pageId=1001',
        `https://example.atlassian.net/wiki/x/${tinyCodeOf('1001')}`,
      ]) {
        expect(structured(await call('browse_pages', { page })).page?.id, page).toBe('1001');
      }
      const tinyHidden = await call('browse_pages', { page: `https://example.atlassian.net/wiki/x/${tinyCodeOf('2002')}` });
      expect(tinyHidden.isError).toBe(true);
      const nonsense = await call('browse_pages', { page: 'https://example.atlassian.net/wiki/display/IT' });
      expect(nonsense.isError).toBe(true);
      expect(textOf(nonsense)).toMatch(/neither a page id nor a Confluence page URL/);
    });

    it('shows labels and versions with who and when', async () => {
      const call = await start(USERS.employee);
      expect(structured(await call('browse_pages', { page: '1001' })).page?.labels).toEqual(['vpn']);
      const { versions } = structured(await call('browse_pages', { page: '1004' }));
      expect(versions).toEqual([
        { number: 3, when: '2025-03-04T10:00:00.000Z', by: personOf(name, USERS.hr), byName: USERS.hr.displayName, message: '' },
        { number: 1, when: '2025-01-02T09:00:00.000Z', by: personOf(name, USERS.lead), byName: USERS.lead.displayName, message: '' },
      ].map((v) => ({ ...v, when: name === 'local' ? v.when.replace('.000Z', 'Z') : v.when })));
    });

    it('pages search results with a cursor that never shows hidden pages and only continues its own search', async () => {
      const call = await start(USERS.employee);
      const all = (await call('search_pages', { query: QUERY, limit: 50 })).structuredContent as { results: { id: string }[]; nextCursor: string | null };
      expect(all.nextCursor).toBeNull();
      expect(all.results.length).toBeGreaterThan(1);
      const seen: string[] = [];
      let cursor: string | undefined;
      for (let i = 0; i < 10; i++) {
        const result = await call('search_pages', { query: QUERY, limit: 1, ...(cursor ? { cursor } : {}) });
        const window = result.structuredContent as { results: { id: string }[]; nextCursor: string | null };
        seen.push(...ids(window.results));
        if (window.nextCursor === null) break;
        cursor = window.nextCursor;
      }
      expect(seen.sort()).toEqual(ids(all.results).sort());
      expect(seen).not.toContain('1003'); // matches every word, but carries a denied label

      const first = (await call('search_pages', { query: QUERY, limit: 1 })).structuredContent as { nextCursor: string };
      const other = await call('search_pages', { query: 'printer', limit: 1, cursor: first.nextCursor });
      expect(other.isError).toBe(true);
      expect(textOf(other)).toMatch(/does not continue this search/);
    });
  });
}
