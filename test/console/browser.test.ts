import { mkdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type ConsoleHandle, startConsole } from '../../src/console/server.js';
import { launchChromium } from '../support/chromium.js';
import { USERS, writeFixture } from '../support/fixture-site.js';
import { type Harness, startHarness, textOf } from '../support/harness.js';

// Starts real processes and servers: explicit, generous limits so that a busy machine slows this
// file down instead of failing it (vitest's defaults are 5 s per test and 10 s per hook).
vi.setConfig({ testTimeout: 120_000, hookTimeout: 120_000 });

/**
 * The console in a real browser, driven by playwright-core: STEWARD_CHROMIUM, else a system
 * /usr/bin/chromium, else the headless Chromium of the @sparticuz/chromium devDependency (see
 * test/support/chromium.ts). It always runs: a browser that cannot start is a failure, never a skip.
 */
const SCREENSHOT = join(process.cwd(), 'test-output', 'console.png');

let agent: Harness;
let reviewer: Harness;
let handle: ConsoleHandle;
let browser: Browser;
const ids = { approve: 0, reject: 0 };

beforeAll(async () => {
  const fixture = writeFixture();
  const common = { site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir };
  agent = await startHarness({ ...common, as: USERS.employee.email });
  const draft = async (summary: string, pageIds: string[], question: string) => {
    const result = await agent.call('draft_jira', { summary, pageIds, question });
    expect(result.isError, textOf(result)).toBeFalsy();
    return (result.structuredContent as { draftId: number }).draftId;
  };
  ids.approve = await draft('VPN setup page lacks Linux steps', ['1001'], 'How do I connect to the VPN from Linux?');
  ids.reject = await draft('Printer guide lacks macOS steps', ['1002'], 'How do I print from a Mac?');

  // Some history for the report, and a reviewer's edit so the page has a revision diff to show.
  for (const question of ['How do I install the VPN client?', 'Which floor are the printers on?', 'What is the quarterly budget forecast?', 'Where is the quarterly budget forecast spreadsheet?']) {
    await agent.call('answer_with_sources', { question });
  }
  reviewer = await startHarness({ ...common, as: USERS.hr.email, role: 'reviewer' });
  const edited = await reviewer.call('edit_draft', { draftId: ids.approve, summary: 'VPN setup page: add Linux steps', labels: ['vpn', 'linux'], note: 'clearer summary' });
  expect(edited.isError, textOf(edited)).toBeFalsy();
  handle = await startConsole({ runtime: reviewer.runtime, reviewer: reviewer.runtime.identity, port: 0 });
  ({ browser } = await launchChromium());
});

afterAll(async () => {
  await browser?.close();
  await handle?.close();
  await reviewer?.close();
  await agent?.close();
});

describe('review console in chromium', () => {
  it('approves one draft with the keyboard, rejects another with a reason, and shows state and audit rows', async () => {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 } });
    const page = await context.newPage();
    const foreign: string[] = [];
    const problems: string[] = [];
    page.on('request', (request) => {
      if (!request.url().startsWith(handle.url)) foreign.push(request.url());
    });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });

    await page.goto(`${handle.url}/`);
    await expect(page.title()).resolves.toBe('Review queue · confluence-steward review');
    await expect(page.locator('main table tbody tr').count()).resolves.toBe(2);

    // Approve with the keyboard only: focus the draft's link, Enter; focus Approve, Enter.
    const link = page.getByRole('link', { name: `#${ids.approve} VPN setup page: add Linux steps` });
    await link.focus();
    await Promise.all([page.waitForURL(`${handle.url}/drafts/${ids.approve}`), page.keyboard.press('Enter')]);
    await expect(page.locator('.issue .summary').textContent()).resolves.toBe('VPN setup page: add Linux steps');
    await expect(page.locator('.diff .del').first().textContent()).resolves.toBe('− Jira Task in KB: VPN setup page lacks Linux steps');
    await expect(page.locator('#exec-h + dl .badge').textContent()).resolves.toBe('pending');
    const auditBefore = await page.locator('section[aria-labelledby="audit-h"] li').count();
    await page.getByRole('button', { name: 'Approve and create the issue' }).focus();
    await Promise.all([page.waitForURL(/\?flash=/), page.keyboard.press('Enter')]);
    await expect(page.getByRole('status').textContent()).resolves.toMatch(/^Approved\. Jira is not configured: the exact request was written to the outbox/);
    await expect(page.locator('#exec-h + dl .badge').textContent()).resolves.toBe('executed');
    const auditActions = await page.locator('section[aria-labelledby="audit-h"] li').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-action')));
    expect(auditActions.length).toBeGreaterThan(auditBefore);
    expect(auditActions).toEqual(expect.arrayContaining(['approve', 'execute', 'succeed']));
    await expect(page.locator('section[aria-labelledby="audit-h"] li[data-action="approve"]').textContent()).resolves.toContain('Harper HR');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    // Reject the other one with a reason, by mouse.
    await page.getByRole('link', { name: 'Queue', exact: true }).click();
    await page.getByRole('link', { name: `#${ids.reject} Printer guide lacks macOS steps` }).click();
    await page.getByLabel('Reason for rejecting').fill('Covered by the new printing page (KB-12)');
    await Promise.all([page.waitForURL(/\?flash=/), page.getByRole('button', { name: 'Reject' }).click()]);
    await expect(page.getByRole('status').textContent()).resolves.toBe(`Rejected draft #${ids.reject}. The reason is kept with the draft.`);
    await expect(page.locator('#exec-h + dl .badge').textContent()).resolves.toBe('rejected');
    await expect(page.locator('#exec-h + dl').textContent()).resolves.toContain('Covered by the new printing page (KB-12)');
    await expect(page.locator('section[aria-labelledby="audit-h"] li[data-action="reject"]').textContent()).resolves.toContain('pending → rejected');

    // The trust report's audit trail has both decisions, by whom.
    await page.getByRole('link', { name: 'Trust report', exact: true }).click();
    const rows = await page.locator('#audit-table tbody tr').allTextContents();
    expect(rows.some((row) => row.includes('Harper HR') && row.includes('approve') && row.includes(`#${ids.approve}`))).toBe(true);
    expect(rows.some((row) => row.includes('Harper HR') && row.includes('reject') && row.includes('Covered by the new printing page'))).toBe(true);
    await page.screenshot({ path: join(process.cwd(), 'test-output', 'console-report.png'), fullPage: true });

    expect((await reviewer.services.drafts.get(ids.approve)).status).toBe('executed');
    expect((await reviewer.services.drafts.get(ids.reject)).status).toBe('rejected');
    expect(foreign, 'the console loads nothing from elsewhere').toEqual([]);
    expect(problems, 'no console errors (CSP violations, failed loads)').toEqual([]);
    expect(statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
    await context.close();
  });
});

mkdirSync(join(process.cwd(), 'test-output'), { recursive: true });
