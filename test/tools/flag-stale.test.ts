import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSyntheticSite } from '../../scripts/synthetic-site.js';
import { triagePages } from '../../src/services/triage/triage-service.js';
import { FIXTURE_SITE, tempDir, writeFixture } from '../support/fixture-site.js';
import { type Harness, startHarness, textOf } from '../support/harness.js';

const NOW = new Date('2026-11-22T00:00:00Z');
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Result = {
  scanned: number;
  findings: { kind: string; severity: string; pages: { pageId: string }[]; evidence: { summary: string; statements?: { text: string }[] }; suggestedAction: { tool: string } }[];
  summary: { drafted: number[]; byKind: Record<string, number>; truncated: boolean };
};

async function demo(as?: string) {
  harness = await startHarness({ site: 'demo-site', policyFile: 'policies/default.json', dataDir: tempDir('triage'), as, now: () => NOW });
  return harness;
}

async function triage(h: Harness, args: Record<string, unknown> = {}): Promise<Result> {
  const result = await h.call('flag_stale', { limit: 500, ...args });
  expect(result.isError, textOf(result)).toBeFalsy();
  return result.structuredContent as Result;
}

const pagesOf = (r: Result, kind: string) => r.findings.filter((f) => f.kind === kind).map((f) => f.pages.map((p) => p.pageId).sort().join('+')).sort();

describe('flag_stale on the demo site', () => {
  it('finds every designed case and nothing on the clean pages', async () => {
    const result = await triage(await demo());
    expect(pagesOf(result, 'stale')).toEqual(
      [
        '101012', '101017', '102006', '103013', '103014', '104012', '103015', // old or expired
        '103008', // links to a page that does not exist
        // links to restricted pages this user cannot open (HR salary bands, engineering-only DB access)
        '102015', '103009', '103010',
      ].sort(),
    );
    expect(pagesOf(result, 'duplicate')).toEqual(['101011+104009', '102009+104010']);
    expect(pagesOf(result, 'incomplete')).toEqual(['101013', '101014', '102014', '103015', '104011']);
    expect(pagesOf(result, 'conflicting')).toEqual(['101008+104005', '102008+104002']);
    const vpn = result.findings.find((f) => f.kind === 'conflicting' && f.pages.some((p) => p.pageId === '101008'))!;
    expect(vpn.evidence.statements!.map((s) => s.text).join(' ')).toMatch(/30 days[\s\S]*90 days|90 days[\s\S]*30 days/);
    expect(vpn.suggestedAction.tool).toBe('draft_jira');
  });

  it('explains each finding with evidence', async () => {
    const result = await triage(await demo(), { checks: ['stale', 'incomplete'] });
    const byPage = (id: string) => result.findings.find((f) => f.pages[0].pageId === id)!.evidence.summary;
    expect(byPage('102006')).toMatch(/valid until\s+2024-12-31/);
    expect(byPage('101017')).toMatch(/As of 2023/);
    expect(byPage('101013')).toMatch(/"TBD"/);
    expect(byPage('102014')).toMatch(/empty sections/);
    expect(byPage('101014')).toMatch(/no content besides its heading/);
    expect(result.findings.every((f) => f.kind === 'stale' || f.kind === 'incomplete')).toBe(true);
  });

  it('reports a page as a gap only when it says nothing, not when it states its answer briefly', async () => {
    const page = (id: string, title: string, body: string) => ({ id, title, space: 'IT', parentId: '1000', body });
    const fixture = writeFixture({
      site: {
        ...FIXTURE_SITE,
        pages: [
          ...FIXTURE_SITE.pages,
          page('1010', 'Release schedule', '# Release schedule\n\nWe release every Tuesday.'),
          page('1011', 'Standup', '## When\n\nDaily, 9:30.'),
          page('1012', 'Office hours', 'Mondays 10-12.'),
          page('1013', 'Release train', '# Release train\n\n## Schedule\n\n'),
          page('1014', 'Deploy freeze', '# Deploy freeze\n\nTBD'),
        ],
      },
    });
    harness = await startHarness({ site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir, now: () => NOW });
    const result = await triage(harness, { checks: ['incomplete'], spaces: ['IT'] });
    const summaries = Object.fromEntries(result.findings.map((f) => [f.pages[0].pageId, f.evidence.summary]));
    for (const stated of ['1010', '1011', '1012']) expect(summaries[stated], stated).toBeUndefined();
    expect(summaries['1013']).toMatch(/no content besides its heading/);
    expect(summaries['1014']).toMatch(/"TBD"/);
  });

  it('never reports on pages the user cannot read', async () => {
    const result = await triage(await demo());
    const ids = result.findings.flatMap((f) => f.pages.map((p) => p.pageId));
    for (const hidden of ['102016', '102017', '102018', '102005', '103012', '101004', '102019', '103016', '105001']) {
      expect(ids).not.toContain(hidden);
    }
  });

  it('narrows to spaces and pages, and honours the staleness override', async () => {
    const h = await demo();
    const it = await triage(h, { spaces: ['IT'], checks: ['stale'] });
    expect(it.findings.every((f) => f.pages.every((p) => p.pageId.startsWith('101')))).toBe(true);
    const one = await triage(h, { pageIds: ['101012'], staleAfterDays: 5000, checks: ['stale'] });
    expect(one.scanned).toBe(1);
    expect(one.findings).toEqual([]);
    const denied = await h.call('flag_stale', { spaces: ['EXEC'] });
    expect(denied.isError).toBe(true);
  });

  it('turns suggestions into pending drafts only when asked', async () => {
    const h = await demo();
    const dry = await triage(h, { checks: ['conflicting'] });
    expect(dry.summary.drafted).toEqual([]);
    expect(await h.services.drafts.store.list({})).toEqual([]);
    const drafted = await triage(h, { checks: ['conflicting'], draft: true });
    expect(drafted.summary.drafted).toHaveLength(2);
    const drafts = await h.services.drafts.store.list({});
    expect(drafts.map((d) => d.status)).toEqual(['pending', 'pending']);
    expect(drafts.map((d) => d.title).join(' ')).toMatch(/Reconcile conflicting pages/);
  });

  it('with a policy that names no Jira project, still reports the findings and says why nothing was drafted', async () => {
    const root = tempDir('triage-nojira');
    const policyFile = join(root, 'policy.json');
    writeFileSync(policyFile, JSON.stringify({ read: { spaces: ['IT', 'HR', 'ENG', 'ONBOARD'] }, draft: { spaces: ['IT', 'HR', 'ONBOARD'] } }));
    harness = await startHarness({ site: 'demo-site', policyFile, dataDir: join(root, 'data'), now: () => NOW });
    const result = (await triage(harness, { checks: ['conflicting'], draft: true })) as Result & { summary: { notes: string[] } };
    expect(result.findings.length).toBeGreaterThan(0);
    expect(result.summary.drafted).toEqual([]);
    expect(result.summary.notes.join(' ')).toMatch(/Stopped drafting: The policy names no Jira project.*jira\.projects/);
  });

  it('sends progress notifications when the client asks for them', async () => {
    const h = await demo();
    const seen: number[] = [];
    await h.client.callTool({ name: 'flag_stale', arguments: {} }, undefined, {
      onprogress: (progress) => seen.push(progress.progress),
    });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen[seen.length - 1]).toBe(60);
  });

  it('stops when the client cancels', async () => {
    const h = await demo();
    const controller = new AbortController();
    const call = h.client.callTool({ name: 'flag_stale', arguments: {} }, undefined, {
      signal: controller.signal,
      onprogress: () => controller.abort('user cancelled'),
    });
    await expect(call).rejects.toThrow(/cancel/i);
    // The server side stops at the next batch and drafts nothing.
    const aborted = AbortSignal.abort();
    await expect(
      triagePages(h.runtime.gateFor(h.runtime.identity, 'agent'), h.services, { checks: ['stale'], limit: 10, draft: true }, async () => {}, aborted),
    ).rejects.toThrow(/cancelled/);
    expect(await h.services.drafts.store.list({})).toEqual([]);
  });
});

describe('flag_stale at scale', () => {
  it('triages a generated site of 3,000 pages and finds its planted duplicates', async () => {
    const root = tempDir('scale');
    writeSyntheticSite(join(root, 'site'), 3000);
    harness = await startHarness({ site: join(root, 'site'), policyFile: join(process.cwd(), 'test', 'fixtures', 'synthetic-policy.json'), dataDir: join(root, 'data'), now: () => NOW });
    const result = await triage(harness, { checks: ['duplicate', 'incomplete', 'stale'] });
    // Restricted pages (and their descendants) are not scanned for this user.
    expect(result.scanned).toBeGreaterThan(2000);
    expect(result.scanned).toBeLessThan(3000);
    expect(result.summary.byKind.duplicate).toBeGreaterThan(10);
    expect(result.summary.byKind.incomplete).toBeGreaterThan(10);
  }, 120_000);
});
