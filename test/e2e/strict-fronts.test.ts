import { existsSync } from 'node:fs';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { startConsole } from '../../src/console/server.js';
import { CLI, runCli } from '../support/cli.js';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { startHarness, textOf } from '../support/harness.js';

// Starts a real CLI process and a console server: generous limits for a busy machine.
vi.setConfig({ testTimeout: 60_000, hookTimeout: 60_000 });

/**
 * Issue 15: one strict schema for every front-end. The same unknown key in an edited rule is
 * refused with the same words by edit_draft (MCP), the console's edit form and `drafts edit
 * --rule`, and no revision is saved by any of them.
 */
const open: { close(): Promise<void> }[] = [];
afterEach(async () => {
  for (const item of open.splice(0).reverse()) await item.close();
});
beforeAll(() => {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm test does it first)`);
});

const REFUSAL = 'unknown argument "foo"; rule accepts: title, trigger, components';

describe('strict rule input on every front-end', () => {
  it('edit_draft, the console and the CLI refuse rule {foo} with the same message and save nothing', async () => {
    const fixture = writeFixture();
    const flags = ['--site', fixture.siteDir, '--policy', fixture.policyFile, '--data-dir', fixture.dataDir];
    const common = { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir };
    const agent = await startHarness({ ...common, as: USERS.employee.email });
    const reviewer = await startHarness({ ...common, as: USERS.hr.email, role: 'reviewer' });
    open.push(agent, reviewer);
    const drafted = await agent.call('draft_automation_rule', {
      prompt: 'label new pages',
      spaceKey: 'IT',
      rule: { title: 'Label new pages', trigger: { type: 'PagePublishedTrigger', config: {} }, components: [{ type: 'AddLabelAction', config: { labels: ['new'] } }] },
    });
    expect(drafted.isError, textOf(drafted)).toBeFalsy();
    const draftId = (drafted.structuredContent as { draftId: number }).draftId;
    const bad = { foo: 'bar' };

    const viaMcp = await reviewer.call('edit_draft', { draftId, rule: bad });
    expect(viaMcp.isError).toBe(true);
    expect(textOf(viaMcp)).toContain(REFUSAL);

    const handle = await startConsole({ runtime: reviewer.runtime, reviewer: reviewer.runtime.identity, port: 0 });
    open.push(handle);
    const page = await (await fetch(`${handle.url}/drafts/${draftId}`)).text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page)![1];
    const revision = /name="revision" value="(\d+)"/.exec(page)![1];
    const posted = await fetch(`${handle.url}/drafts/${draftId}/edit`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Origin: handle.url },
      body: new URLSearchParams({ _csrf: csrf, revision, rule: JSON.stringify(bad) }).toString(),
      redirect: 'manual',
    });
    expect(posted.status).toBe(303);
    const flashed = await (await fetch(`${handle.url}${posted.headers.get('location')}`)).text();
    expect(flashed).toContain(REFUSAL.replace(/"/g, '&quot;'));

    const viaCli = await runCli(['drafts', 'edit', String(draftId), '--rule', JSON.stringify(bad), ...flags, '--as', USERS.hr.email]);
    expect(viaCli.code).toBe(1);
    expect(viaCli.stderr).toContain(REFUSAL);

    expect((await reviewer.services.drafts.get(draftId)).revision).toBe(1);
  });
});
