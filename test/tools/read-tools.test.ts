import { afterEach, describe, expect, it } from 'vitest';
import { type Harness, startHarness, textOf } from '../support/harness.js';
import { USERS } from '../support/fixture-site.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function search(h: Harness, args: Record<string, unknown>) {
  const result = await h.call('search_pages', args);
  return { result, ids: ((result.structuredContent?.results as { id: string }[]) ?? []).map((r) => r.id) };
}

describe('search_pages', () => {
  it('finds pages by their words, with plain-text excerpts and links', async () => {
    harness = await startHarness();
    const { result } = await search(harness, { query: 'how do I install the VPN client' });
    expect(result.isError).toBeFalsy();
    const first = (result.structuredContent!.results as Record<string, unknown>[])[0];
    expect(first).toMatchObject({ id: '1001', title: 'VPN setup', space: 'IT', labels: ['vpn'] });
    expect(first.url).toBe('/spaces/IT/pages/1001');
    expect(first.excerpt).not.toMatch(/@@@|<b>|\*\*/);
  });

  it('never returns a restricted page, a denied label or a space outside the policy', async () => {
    harness = await startHarness({ as: USERS.employee.email });
    const { ids } = await search(harness, { query: 'leave band vault printers board acquisition', limit: 50 });
    expect(ids).toContain('2001');
    expect(ids).not.toContain('2002'); // restricted to hr
    expect(ids).not.toContain('2003'); // inherits that restriction
    expect(ids).not.toContain('2004'); // restricted to one user
    expect(ids).not.toContain('1003'); // label denied by policy
    expect(ids).not.toContain('3000'); // space not in read allowlist
  });

  it('shows restricted pages to the people they are restricted to', async () => {
    harness = await startHarness({ as: 'Harper HR' });
    const { ids } = await search(harness, { query: 'band L4', limit: 50 });
    expect(ids).toEqual(expect.arrayContaining(['2002', '2003']));
    expect(ids).not.toContain('2004');
  });

  it('refuses a space outside the allowlist with what is allowed, and nothing else', async () => {
    harness = await startHarness();
    const { result } = await search(harness, { query: 'board', spaces: ['SECRET'] });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/not allowed .* Allowed spaces: IT, HR/);
    expect(textOf(result)).not.toMatch(/acquisition|Contoso/);
  });

  it('narrows by space, label and date', async () => {
    harness = await startHarness();
    expect((await search(harness, { query: 'leave printers vpn', spaces: ['hr'] })).ids).toEqual(['2001']);
    expect((await search(harness, { query: 'leave printers vpn', labels: ['VPN'] })).ids).toEqual(['1001']);
    expect((await search(harness, { query: 'leave printers vpn', updatedSince: '2030-01-01' })).ids).toEqual([]);
  });

  it('treats query syntax as words', async () => {
    harness = await startHarness();
    for (const query of ['"', 'NEAR(vpn', 'title:vpn OR *', ') AND space = SECRET', '\u0000\u202e']) {
      const { result } = await search(harness, { query });
      expect(result.isError, query).toBeFalsy();
    }
    expect((await search(harness, { query: 'title:vpn' })).ids).toContain('1001');
  });

  it('rejects bad arguments with the field that is wrong', async () => {
    harness = await startHarness();
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ query: '' }, /query/],
      [{ query: 'x'.repeat(501) }, /query/],
      [{ query: 'vpn', limit: 0 }, /limit/],
      [{ query: 'vpn', updatedSince: 'yesterday' }, /ISO date/],
    ];
    for (const [args, message] of cases) {
      const result = await harness.call('search_pages', args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(textOf(result)).toMatch(message);
    }
  });
});

describe('get_page', () => {
  it('returns Markdown with metadata and the list of sections', async () => {
    harness = await startHarness();
    const result = await harness.call('get_page', { pageId: '1001' });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ id: '1001', title: 'VPN setup', space: 'IT', version: 1, truncated: false });
    expect(result.structuredContent!.markdown).toContain('## macOS');
    expect((result.structuredContent!.sections as { heading: string }[]).map((s) => s.heading)).toEqual(['VPN setup', 'Windows', 'macOS']);
  });

  it('returns one section on request and explains the choices when it does not exist', async () => {
    harness = await startHarness();
    const section = await harness.call('get_page', { pageId: '1001', section: 'windows' });
    expect(section.structuredContent!.markdown).toMatch(/^## Windows\n\nRun the installer/);
    expect(section.structuredContent!.markdown).not.toContain('macOS');
    const missing = await harness.call('get_page', { pageId: '1001', section: 'Linux' });
    expect(missing.isError).toBe(true);
    expect(textOf(missing)).toContain('"Windows"');
  });

  it('cuts long pages at section boundaries and names the next section', async () => {
    harness = await startHarness();
    const result = await harness.call('get_page', { pageId: '1001', maxChars: 500 });
    const body = result.structuredContent!;
    expect(body.markdown).toMatch(/## Windows/);
    expect(body.truncated).toBe(false);
  });

  it('reports a restricted page exactly like a missing one', async () => {
    harness = await startHarness({ as: USERS.employee.accountId });
    const texts: string[] = [];
    for (const pageId of ['2002', '2003', '1003', '3000', '999999']) {
      const result = await harness.call('get_page', { pageId });
      expect(result.isError, pageId).toBe(true);
      texts.push(textOf(result).replace(pageId, 'ID'));
    }
    expect(new Set(texts).size).toBe(1);
    expect(texts[0]).not.toMatch(/Salary|restricted|permission/i);
  });

  it('lets the owner of a user restriction read the page', async () => {
    harness = await startHarness({ as: 'acc-lead' });
    const result = await harness.call('get_page', { pageId: '2004' });
    expect(result.structuredContent!.markdown).toContain('carry-over limit rises to 9 days');
  });

  it('audits every allow and deny decision', async () => {
    harness = await startHarness();
    await harness.call('get_page', { pageId: '1001' });
    await harness.call('get_page', { pageId: '2002' });
    await harness.call('search_pages', { query: 'x', spaces: ['SECRET'] });
    const rows = await harness.runtime.audit.list();
    expect(rows.map((r) => [r.tool, r.action, r.decision, r.subject])).toEqual(
      expect.arrayContaining([
        ['get_page', 'read', 'allow', '1001'],
        ['get_page', 'read', 'deny', '2002'],
        ['search_pages', 'search', 'deny', null],
      ]),
    );
    expect(rows.every((r) => r.actor === 'acc-employee')).toBe(true);
  });
});
