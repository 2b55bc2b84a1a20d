import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConsoleHandle, startConsole } from '../../src/console/server.js';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { startHarness, textOf } from '../support/harness.js';
import { type TestPostgres, startPostgres } from '../support/postgres.js';

// A real PostgreSQL and several runtimes on a busy machine: generous limits.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 120_000 });

let server: TestPostgres;
beforeAll(async () => {
  server = await startPostgres();
});
afterAll(async () => {
  await server?.stop();
}, 60_000);

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

async function get(handle: ConsoleHandle, path: string) {
  const response = await fetch(`${handle.url}${path}`, { redirect: 'manual' });
  return { response, body: await response.text() };
}

async function decide(handle: ConsoleHandle, id: number, action: 'approve' | 'reject', extra: Record<string, string> = {}) {
  const page = (await get(handle, `/drafts/${id}`)).body;
  const fields = { _csrf: /name="_csrf" value="([^"]+)"/.exec(page)![1], revision: /name="revision" value="(\d+)"/.exec(page)![1], ...extra };
  const response = await fetch(`${handle.url}/drafts/${id}/${action}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: handle.url },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  expect(response.status).toBe(303);
}

describe('review console on PostgreSQL (--database-url)', () => {
  it("shows a draft's audit trail and the trust report from the shared database, whichever replica made the rows", async () => {
    const env = { STEWARD_DATABASE_URL: await server.database() };
    // Two replicas: each its own data dir (the per-process cache), one database between them.
    const replica = () => {
      const fixture = writeFixture();
      return { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir, env };
    };
    const agent = await startHarness({ ...replica(), as: USERS.employee.email });
    open.push(agent);
    const draft = async (summary: string) => {
      const result = await agent.call('draft_jira', { summary, pageIds: ['1001'], question: 'How do I use the VPN on Linux?' });
      expect(result.isError, textOf(result)).toBeFalsy();
      return (result.structuredContent as { draftId: number }).draftId;
    };
    const toApprove = await draft('VPN page lacks Linux steps');
    const toReject = await draft('VPN page lacks the client download link');
    await agent.call('answer_with_sources', { question: 'How do I install the VPN client?' });

    const consoleOn = async () => {
      const reviewer = await startHarness({ ...replica(), as: USERS.hr.email, role: 'reviewer' });
      open.push(reviewer);
      expect(reviewer.runtime.shared.kind).toBe('postgres');
      const handle = await startConsole({ runtime: reviewer.runtime, reviewer: reviewer.runtime.identity, port: 0 });
      open.push(handle);
      return handle;
    };
    const first = await consoleOn();
    const second = await consoleOn();
    await decide(first, toApprove, 'approve');
    await decide(first, toReject, 'reject', { reason: 'Covered by KB-12' });

    // The other replica's console shows the rows the first one wrote.
    const approved = (await get(second, `/drafts/${toApprove}`)).body;
    expect(approved).not.toContain('kept in PostgreSQL');
    for (const action of ['create', 'approve', 'execute', 'succeed']) expect(approved).toContain(`data-action="${action}"`);
    expect(approved).toMatch(/<li data-action="approve">[\s\S]*?Harper HR/);
    const rejected = (await get(second, `/drafts/${toReject}`)).body;
    expect(rejected).toMatch(/<li data-action="reject">[\s\S]*?reason: Covered by KB-12/);

    const report = await get(second, '/report');
    expect(report.response.status).toBe(200);
    expect(report.body).toContain('<h1>Trust report</h1>');
    expect(report.body).toMatch(/<svg class="chart"[^>]*aria-label="Answers citing each page\. VPN setup \(IT\): 1"/);
    expect(report.body).toMatch(new RegExp(`<a href="/drafts/${toReject}">#${toReject} VPN page lacks the client download link</a>`));
    expect(report.body).toContain('reason: Covered by KB-12');
    expect((await get(second, '/report?actor=acc-employee&action=create')).body).toContain('2 rows.');
  });
});
