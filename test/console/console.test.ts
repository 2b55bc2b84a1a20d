import { request } from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { type ConsoleHandle, startConsole } from '../../src/console/server.js';
import { sha256Hex } from '../../src/console/auth.js';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { startHarness, textOf } from '../support/harness.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it (vitest's defaults are 5 s per test and 10 s per hook).
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});

const HOSTILE = `<script>alert("x")</script> & 'quotes' <img src=x onerror=alert(1)>`;

/** An agent (the employee) drafts; reviewers open consoles on the same data dir. */
async function setup() {
  const fixture = writeFixture();
  const common = { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir };
  const agent = await startHarness({ ...common, as: USERS.employee.email });
  open.push(agent);
  const draft = async (summary: string, pageIds = ['1001']) => {
    const result = await agent.call('draft_jira', { summary, pageIds, question: 'How do I use the VPN on Linux?' });
    expect(result.isError, textOf(result)).toBeFalsy();
    return (result.structuredContent as { draftId: number }).draftId;
  };
  const consoleFor = async (as: string, options: Partial<Parameters<typeof startConsole>[0]> = {}) => {
    const reviewer = await startHarness({ ...common, as, role: 'reviewer' });
    open.push(reviewer);
    const handle = await startConsole({ runtime: reviewer.runtime, reviewer: reviewer.runtime.identity, port: 0, ...options });
    open.push(handle);
    return { handle, reviewer };
  };
  return { agent, draft, consoleFor, common };
}

async function get(handle: ConsoleHandle, path: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${handle.url}${path}`, { headers, redirect: 'manual' });
  return { response, body: await response.text() };
}

async function post(handle: ConsoleHandle, path: string, fields: Record<string, string>, headers: Record<string, string> = {}) {
  const response = await fetch(`${handle.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  return { response, body: await response.text() };
}

/** The hidden fields of the decision forms on a draft's page, as a browser would submit them. */
async function formFields(handle: ConsoleHandle, id: number) {
  const { body } = await get(handle, `/drafts/${id}`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(body)?.[1];
  const revision = /name="revision" value="(\d+)"/.exec(body)?.[1];
  expect(csrf).toBeTruthy();
  return { _csrf: csrf!, revision: revision! };
}

async function followFlash(handle: ConsoleHandle, response: Response) {
  expect(response.status).toBe(303);
  const location = response.headers.get('location')!;
  expect(location).toMatch(/^\/drafts\/\d+\?flash=/);
  return (await get(handle, location)).body;
}

describe('review console', () => {
  it('renders the queue with strict security headers and filters', async () => {
    const { draft, consoleFor } = await setup();
    const first = await draft('VPN page lacks Linux steps');
    await draft('Printer guide lacks macOS steps', ['1002']);
    const { handle } = await consoleFor(USERS.hr.email);
    expect(handle.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const { response, body } = await get(handle, '/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(body).toContain('Review queue');
    expect(body).toContain(`#${first} VPN page lacks Linux steps`);
    expect(body).toContain('Printer guide lacks macOS steps');
    expect(body).toContain('Signed in as <strong>Harper HR (acc-hr)</strong>');
    expect(body).not.toMatch(/<script|<link|src="http/i);
    for (const id of ['f-status', 'f-kind', 'f-space', 'f-drafter', 'f-age']) expect(body).toContain(`<label for="${id}">`);

    const filtered = (await get(handle, '/?status=all&kind=automation')).body;
    expect(filtered).toContain('No drafts match these filters.');
    const young = (await get(handle, '/?status=pending&drafter=acc-employee&age=lt1d&space=IT')).body;
    expect(young).toContain('2 drafts');
    const old = (await get(handle, '/?status=pending&age=gt7d')).body;
    expect(old).toContain('0 drafts');
  });

  it('escapes hostile draft text everywhere it appears', async () => {
    const { draft, consoleFor } = await setup();
    const id = await draft(HOSTILE);
    const { handle } = await consoleFor(USERS.hr.email);
    for (const path of ['/', `/drafts/${id}`, '/report']) {
      const { body } = await get(handle, path);
      expect(body, path).not.toContain('<script');
      expect(body, path).not.toContain('<img');
      expect(body, path).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;');
    }
  });

  it('shows the preview, evidence links, execution status and the audit trail of a draft', async () => {
    const { draft, consoleFor } = await setup();
    const id = await draft('VPN page lacks Linux steps');
    const { handle } = await consoleFor(USERS.hr.email);
    const { body } = await get(handle, `/drafts/${id}`);
    expect(body).toContain('The issue as it will be created');
    expect(body).toContain('KB · Task');
    expect(body).toContain('How do I use the VPN on Linux?');
    expect(body).toContain(`steward-draft-${id}`);
    expect(body).toMatch(/Evidence pages[\s\S]*VPN setup[\s\S]*\(IT\)/);
    // A local site without baseUrl: the page's relative URL is shown, not linked into the console.
    expect(body).toContain('<span class="hash">/spaces/IT/pages/1001</span>');
    expect(body).not.toContain('href="/spaces/');
    expect(body).toMatch(/<span class="badge s-pending">pending<\/span>/);
    expect(body).toMatch(/data-action="create"/);
  });

  it('refuses a POST without the CSRF token, with a foreign Origin, or cross-site', async () => {
    const { draft, consoleFor } = await setup();
    const id = await draft('VPN page lacks Linux steps');
    const { handle, reviewer } = await consoleFor(USERS.hr.email);
    const fields = await formFields(handle, id);

    const noToken = await post(handle, `/drafts/${id}/approve`, { revision: fields.revision });
    expect(noToken.response.status).toBe(403);
    expect(noToken.body).toContain('did not come from the console');
    const wrongToken = await post(handle, `/drafts/${id}/approve`, { ...fields, _csrf: 'x'.repeat(43) });
    expect(wrongToken.response.status).toBe(403);
    const foreign = await post(handle, `/drafts/${id}/approve`, fields, { Origin: 'http://evil.example' });
    expect(foreign.response.status).toBe(403);
    expect(foreign.body).toContain('Cross-origin request refused.');
    const nullOrigin = await post(handle, `/drafts/${id}/reject`, { ...fields, reason: 'nope' }, { Origin: 'null' });
    expect(nullOrigin.response.status).toBe(403);
    const crossSite = await post(handle, `/drafts/${id}/approve`, fields, { 'Sec-Fetch-Site': 'cross-site' });
    expect(crossSite.response.status).toBe(403);
    const notAForm = await fetch(`${handle.url}/drafts/${id}/approve`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(fields) });
    expect(notAForm.status).toBe(415);

    expect((await reviewer.services.drafts.get(id)).status).toBe('pending');
  });

  it('answers only requests addressed to the local machine (DNS rebinding)', async () => {
    const { consoleFor } = await setup();
    const { handle } = await consoleFor(USERS.hr.email);
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${handle.url}/`, { headers: { Host: 'evil.example' } }, (res) => {
        res.resume();
        resolve(res.statusCode!);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
    expect((await fetch(`${handle.url.replace('127.0.0.1', 'localhost')}/`)).status).toBe(200);
  });

  it('approves and rejects through the forms, with a message, the new state and new audit rows', async () => {
    const { draft, consoleFor } = await setup();
    const toApprove = await draft('VPN page lacks Linux steps');
    const toReject = await draft('Printer guide lacks macOS steps', ['1002']);
    const { handle, reviewer } = await consoleFor(USERS.hr.email);

    const origin = { Origin: handle.url };
    const approved = await post(handle, `/drafts/${toApprove}/approve`, await formFields(handle, toApprove), origin);
    const approvedPage = await followFlash(handle, approved.response);
    expect(approvedPage).toMatch(/<div class="flash ok" role="status">Approved\. Jira is not configured: the exact request was written to the outbox/);
    expect(approvedPage).toMatch(/<span class="badge s-executed">executed<\/span>/);
    for (const action of ['create', 'approve', 'execute', 'succeed']) expect(approvedPage).toContain(`data-action="${action}"`);
    expect(approvedPage).toContain('Outbox request');
    expect(await reviewer.services.drafts.get(toApprove)).toMatchObject({ status: 'executed', decidedBy: 'acc-hr', target: 'outbox' });

    const emptyReason = await post(handle, `/drafts/${toReject}/reject`, { ...(await formFields(handle, toReject)), reason: ' ' }, origin);
    expect(await followFlash(handle, emptyReason.response)).toContain('A reason of at least 3 characters is required');
    const rejected = await post(handle, `/drafts/${toReject}/reject`, { ...(await formFields(handle, toReject)), reason: 'Covered by <b>KB-12</b>' }, origin);
    const rejectedPage = await followFlash(handle, rejected.response);
    expect(rejectedPage).toContain(`Rejected draft #${toReject}`);
    expect(rejectedPage).toMatch(/<span class="badge s-rejected">rejected<\/span>/);
    expect(rejectedPage).toContain('Covered by &lt;b&gt;KB-12&lt;/b&gt;');
    expect(rejectedPage).toContain('data-action="reject"');
    expect(await reviewer.services.drafts.get(toReject)).toMatchObject({ status: 'rejected', rejectReason: 'Covered by <b>KB-12</b>' });

    // A flash message is shown once, to the reviewer it was meant for.
    const again = await get(handle, approved.response.headers.get('location')!);
    expect(again.body).not.toContain('class="flash');

    const queue = (await get(handle, '/?status=all')).body;
    expect(queue).toMatch(/1 executed[\s\S]*1 rejected/);
  });

  it('shows the four-eyes refusal when the drafter tries to approve', async () => {
    const { draft, consoleFor } = await setup();
    const id = await draft('VPN page lacks Linux steps');
    const { handle, reviewer } = await consoleFor(USERS.employee.email);
    const page = (await get(handle, `/drafts/${id}`)).body;
    expect(page).toContain('You drafted this; another reviewer must approve it (four-eyes rule).');
    const refused = await post(handle, `/drafts/${id}/approve`, await formFields(handle, id), { Origin: handle.url });
    const body = await followFlash(handle, refused.response);
    expect(body).toMatch(/<div class="flash error" role="alert">Refused: You drafted this yourself; another reviewer must approve it \(four-eyes rule\)\.<\/div>/);
    expect((await reviewer.services.drafts.get(id)).status).toBe('pending');
  });

  it('edits a draft into a new revision with a diff, and refuses a decision on a revision the reviewer did not see', async () => {
    const { draft, consoleFor } = await setup();
    const id = await draft('VPN page lacks Linux steps');
    const { handle, reviewer } = await consoleFor(USERS.hr.email);
    const seen = await formFields(handle, id);
    const edited = await post(
      handle,
      `/drafts/${id}/edit`,
      { ...seen, summary: 'VPN page: add Linux steps', gap: 'The VPN page covers Windows and macOS only.', labels: 'vpn, Linux', projectKey: 'KB', issueType: 'Task', note: 'sharper' },
      { Origin: handle.url },
    );
    const page = await followFlash(handle, edited.response);
    expect(page).toContain('Saved as revision 2.');
    expect(page).toMatch(/<strong>Revision 2<\/strong> <span class="muted small">by Harper HR, <time[^>]*>[^<]*<\/time> — sharper/);
    expect(page).toContain('<div class="del" title="removed">− Jira Task in KB: VPN page lacks Linux steps</div>');
    expect(page).toContain('<div class="add" title="added">+ Jira Task in KB: VPN page: add Linux steps</div>');
    expect(page).toContain('<div class="add" title="added">+ Labels: linux, vpn</div>');
    expect(await reviewer.services.drafts.get(id)).toMatchObject({ revision: 2, title: 'VPN page: add Linux steps' });

    const unchanged = await post(handle, `/drafts/${id}/edit`, { ...(await formFields(handle, id)), summary: 'VPN page: add Linux steps' }, { Origin: handle.url });
    expect(await followFlash(handle, unchanged.response)).toContain('Nothing changed, so no revision was saved.');

    // The approve form from before the edit names revision 1: approving it would approve unseen text.
    const stale = await post(handle, `/drafts/${id}/approve`, seen, { Origin: handle.url });
    expect(await followFlash(handle, stale.response)).toContain('changed since you opened it (now revision 2)');
    expect((await reviewer.services.drafts.get(id)).status).toBe('pending');
  });

  it('renders automation drafts as numbered steps with unresolved fields highlighted', async () => {
    const { consoleFor } = await setup();
    const { handle, reviewer } = await consoleFor(USERS.hr.email);
    const automation = await reviewer.services.drafts.store.create({
      kind: 'automation',
      drafter: 'acc-employee',
      drafterName: 'Erin Employee',
      role: 'agent',
      spaces: ['IT'],
      title: 'Archive stale IT pages',
      payload: {
        rule: { title: 'Archive stale IT pages' },
        preview: 'Rule: Archive stale IT pages (draft, created disabled)\n1. Every Monday at 09:00\n2. For each page in space IT:\n   2.1 Move the page under "Archive" in IT (unresolved: no page titled "Archive" in IT)\n3. Send an email to group "it-leads"',
        problems: [],
        unresolved: [{ path: 'components[0].components[0].config.pageDestination.parentPage', kind: 'page', ref: { pageTitle: 'Archive' }, reason: 'not_found', message: 'no page titled "Archive" in IT' }],
        manualConfig: [],
        exportJson: { rules: [] },
      },
    });
    const page = (await get(handle, `/drafts/${automation.id}`)).body;
    expect(page).toContain('The rule as it will be created');
    expect(page).toContain('<li class="d0"><span class="n">1</span> Every Monday at 09:00</li>');
    expect(page).toMatch(/<li class="d1 unresolved"><span class="n">2\.1<\/span> Move the page under &quot;Archive&quot; in IT <mark>\(unresolved: no page titled &quot;Archive&quot; in IT\)<\/mark><\/li>/);
    expect(page).toContain('<mark>components[0].components[0].config.pageDestination.parentPage: no page titled &quot;Archive&quot; in IT</mark>');
  });

  it('shows the trust report with inline SVG charts and a filterable audit trail', async () => {
    const { agent, draft, consoleFor } = await setup();
    await agent.call('answer_with_sources', { question: 'How do I install the VPN client?' });
    await agent.call('answer_with_sources', { question: 'What is the quarterly budget forecast?' });
    const id = await draft('VPN page lacks Linux steps');
    const { handle } = await consoleFor(USERS.hr.email);
    await post(handle, `/drafts/${id}/reject`, { ...(await formFields(handle, id)), reason: 'Duplicate' }, { Origin: handle.url });

    const { body } = await get(handle, '/report');
    expect(body).toContain('<h1>Trust report</h1>');
    expect(body).toMatch(/<svg class="chart"[^>]*role="img" aria-label="Answers citing each page\. VPN setup \(IT\): 1"/);
    expect(body).toMatch(/Restricted-content misses<\/h2>\s*<p>1 question found nothing/);
    expect(body).toContain('quarterly budget forecast');
    expect(body).toMatch(/<a href="\/drafts\/\d+">#\d+ VPN page lacks Linux steps<\/a>/);
    expect(body).toContain('reason: Duplicate');

    const filtered = (await get(handle, '/report?actor=acc-employee&action=create')).body;
    expect(filtered).toContain('1 row.');
    expect((await get(handle, '/report?decision=deny')).body).toContain('No write actions match.');
  });

  it('refuses to listen beyond loopback without reviewer authentication', async () => {
    const { consoleFor } = await setup();
    await expect(consoleFor(USERS.hr.email, { host: '0.0.0.0' })).rejects.toThrow(/refusing to listen on 0\.0\.0\.0 without reviewer authentication/);
  });

  it('with a tokens file, signs reviewers in and keeps everyone else out', async () => {
    const { draft, consoleFor } = await setup();
    const id = await draft('VPN page lacks Linux steps');
    const tokens = [
      { tokenSha256: sha256Hex('reviewer-secret'), user: USERS.lead.email, role: 'reviewer' as const },
      { tokenSha256: sha256Hex('agent-secret'), user: USERS.employee.email, role: 'agent' as const },
    ];
    const { handle } = await consoleFor(USERS.hr.email, { tokens, reviewer: undefined });

    const anonymous = await get(handle, '/');
    expect(anonymous.response.status).toBe(401);
    expect(anonymous.response.headers.get('www-authenticate')).toMatch(/^Basic realm="confluence-steward review"/);
    expect((await get(handle, '/', { Authorization: 'Bearer wrong' })).response.status).toBe(401);
    expect((await get(handle, '/', { Authorization: 'Bearer agent-secret' })).response.status).toBe(403);

    const basic = `Basic ${Buffer.from('lee:reviewer-secret').toString('base64')}`;
    const signedIn = await get(handle, `/drafts/${id}`, { Authorization: basic });
    expect(signedIn.response.status).toBe(200);
    expect(signedIn.body).toContain('Signed in as <strong>Lee Lead (acc-lead)</strong>');

    const csrf = /name="_csrf" value="([^"]+)"/.exec(signedIn.body)![1];
    const approved = await post(handle, `/drafts/${id}/approve`, { _csrf: csrf, revision: '1' }, { Authorization: 'Bearer reviewer-secret', Origin: handle.url });
    expect(approved.response.status).toBe(303);
    const page = (await get(handle, approved.response.headers.get('location')!, { Authorization: basic })).body;
    expect(page).toMatch(/Approved by<\/dt><dd>Lee Lead/);
  });
});
