import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_SITE, USERS, tempDir } from '../support/fixture-site.js';
import { type Harness, startAgentAndReviewer, startHarness, textOf } from '../support/harness.js';

/**
 * Issue 15: what tools say is true. flag_stale suggests calls to tools that exist (and says
 * what a person must do where no tool acts), draft_jira's default description claims nothing
 * that did not happen, and a local site's page URLs never carry a path of the server's disk.
 */
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

const NOW = new Date('2026-11-22T00:00:00Z');

interface Suggestion {
  tool: string;
  arguments: { summary: string; description: string; pageIds: string[]; labels: string[] };
  personAction: string;
}

async function demo(): Promise<Harness> {
  // The demo policy, with room for one draft per finding in the hour.
  const root = tempDir('tool-text');
  const policyFile = join(root, 'policy.json');
  const policy = JSON.parse(readFileSync('policies/default.json', 'utf8'));
  writeFileSync(policyFile, JSON.stringify({ ...policy, limits: { ...policy.limits, pendingDraftsPerHour: 200 } }));
  const harness = await startHarness({ site: 'demo-site', policyFile, dataDir: join(root, 'data'), now: () => NOW });
  open.push(harness);
  return harness;
}

describe('flag_stale suggestions', () => {
  it('name a tool this session has, and each suggested call succeeds as given', async () => {
    const agent = await demo();
    const tools = new Set((await agent.client.listTools()).tools.map((t) => t.name));
    const result = await agent.call('flag_stale', { limit: 500 });
    expect(result.isError, textOf(result)).toBeFalsy();
    const findings = (result.structuredContent as { findings: { kind: string; suggestedAction: Suggestion }[] }).findings;
    expect(new Set(findings.map((f) => f.kind))).toEqual(new Set(['stale', 'duplicate', 'incomplete', 'conflicting']));
    for (const { suggestedAction: s } of findings) {
      expect(tools, s.tool).toContain(s.tool);
      expect(s.personAction, s.arguments.summary).toMatch(/Confluence/);
      const called = await agent.call(s.tool, s.arguments);
      expect(called.isError, `${s.arguments.summary}: ${textOf(called)}`).toBeFalsy();
    }
    expect(JSON.stringify(findings)).not.toMatch(/review_for_archive|add_label|merge_review/);
  });

  it('drafted titles read like issue titles, and draft=true drafts exactly the suggested calls', async () => {
    const agent = await demo();
    const result = await agent.call('flag_stale', { limit: 500, draft: true });
    const { findings, summary } = result.structuredContent as { findings: { suggestedAction: Suggestion }[]; summary: { drafted: number[] } };
    expect(summary.drafted).toHaveLength(findings.length);
    const titles = (await agent.services.drafts.store.list({})).map((d) => d.title);
    expect(titles.sort()).toEqual([...new Set(findings.map((f) => f.suggestedAction.arguments.summary))].sort());
    for (const title of titles) {
      expect(title).toMatch(/^[A-Z][a-z]+ /);
      expect(title).not.toMatch(/_|^[a-z ]+: /);
    }
  });
});

describe('draft_jira without a description', () => {
  it('says no description was given, not that an answer was attempted', async () => {
    const agent = await startHarness({ as: USERS.employee.email });
    open.push(agent);
    const bare = (await agent.call('draft_jira', { summary: 'Document the printer queue limits' })).structuredContent as { preview: string };
    expect(bare.preview).toContain('No description was given when this was drafted: the summary says what is missing.');
    const withContext = (await agent.call('draft_jira', { summary: 'Document the VPN gateway for Linux', pageIds: ['1001'], question: 'Is there a Linux VPN client?' }))
      .structuredContent as { preview: string };
    expect(withContext.preview).toMatch(/No description was given .*; see the question asked and the affected page below\./);
    for (const preview of [bare.preview, withContext.preview]) expect(preview).not.toMatch(/grounded answer|could not (give|answer)/i);
    const described = (await agent.call('draft_jira', { summary: 'Explain printer release jobs', description: 'The guide skips badge release.' })).structuredContent as { preview: string };
    expect(described.preview).toContain('The guide skips badge release.');
    expect(described.preview).not.toContain('No description was given');
  });
});

describe('local page URLs', () => {
  it('are relative without baseUrl: no file:// and no server path in replies, drafts or the outbox', async () => {
    const { agent, reviewer } = await startAgentAndReviewer(open);
    const fixtureRoot = dirname(agent.runtime.config.policyFile);
    const replies = [
      await agent.call('search_pages', { query: 'VPN' }),
      await agent.call('get_page', { pageId: '1001' }),
      await agent.call('answer_with_sources', { question: 'What is the VPN gateway?' }),
    ];
    expect((replies[1].structuredContent as { url: string }).url).toBe('/spaces/IT/pages/1001');
    const { draftId, preview } = (await agent.call('draft_jira', { summary: 'Document the VPN gateway for Linux', pageIds: ['1001'] })).structuredContent as { draftId: number; preview: string };
    expect(preview).toContain('- VPN setup (IT) /spaces/IT/pages/1001');
    const { revision } = (await reviewer.call('get_draft', { draftId })).structuredContent as { revision: number };
    const approved = await reviewer.call('approve_draft', { draftId, revision });
    expect(approved.isError, textOf(approved)).toBeFalsy();
    const outbox = JSON.stringify(reviewer.runtime.db.prepare('SELECT request_json FROM outbox').all());
    expect(outbox).toContain('VPN setup (IT) /spaces/IT/pages/1001');
    const everything = JSON.stringify([...replies, approved, outbox, (await reviewer.call('get_draft', { draftId })).structuredContent]);
    expect(everything).not.toContain('file:');
    expect(everything).not.toContain(fixtureRoot);
  });

  it('hang under the site baseUrl when site.json gives one, linked in the Jira request', async () => {
    const { agent, reviewer } = await startAgentAndReviewer(open, { ...FIXTURE_SITE, baseUrl: 'https://northwind.atlassian.net/wiki' });
    expect(((await agent.call('get_page', { pageId: '1001' })).structuredContent as { url: string }).url).toBe('https://northwind.atlassian.net/wiki/spaces/IT/pages/1001');
    const { draftId } = (await agent.call('draft_jira', { summary: 'Document the VPN gateway for Linux', pageIds: ['1001'] })).structuredContent as { draftId: number };
    const { revision } = (await reviewer.call('get_draft', { draftId })).structuredContent as { revision: number };
    expect((await reviewer.call('approve_draft', { draftId, revision })).isError).toBeFalsy();
    const outbox = JSON.stringify(reviewer.runtime.db.prepare('SELECT request_json FROM outbox').all());
    expect(outbox).toContain('https://northwind.atlassian.net/wiki/spaces/IT/pages/1001');
  });
});

describe('server instructions', () => {
  const toolNamesIn = (text: string) => new Set(text.match(/\b[a-z]+_[a-z_]+\b/g) ?? []);

  it.each([
    ['an agent', {}],
    ['a reviewer', { role: 'reviewer' as const }],
    ['a reviewer narrowed to the review queue', { role: 'reviewer' as const, env: { TOOLSETS: 'drafts' } }],
    ['a session narrowed to reading', { env: { TOOLSETS: 'read' } }],
    ['a session narrowed to answers', { env: { TOOLSETS: 'answers' } }],
  ])('for %s name only tools the session has', async (_, options) => {
    const harness = await startHarness(options);
    open.push(harness);
    const instructions = harness.client.getInstructions() ?? '';
    const tools = new Set((await harness.client.listTools()).tools.map((t) => t.name));
    expect(instructions).toMatch(/human reviewer approves/);
    for (const name of toolNamesIn(instructions)) expect(tools, name).toContain(name);
    const resources = tools.has('get_page');
    expect(instructions.includes('confluence://page/{id}')).toBe(resources);
    expect(instructions.includes('answer_with_sources')).toBe(tools.has('answer_with_sources'));
  });
});
