import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { allTools } from '../../tools/registry.js';
import { resolveEnabledTools } from '../../src/server/enabled-tools.js';
import { TOOLSET_NAMES } from '../../tools/toolsets.js';
import { writeFixture } from '../support/fixture-site.js';
import { type Harness, startHarness, textOf } from '../support/harness.js';

/**
 * The variables people know from the most used Atlassian MCP server (CONFLUENCE_SPACES_FILTER,
 * READ_ONLY_MODE, ENABLED_TOOLS, TOOLSETS) and their flags only ever narrow the policy; flag > env > policy.
 */
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

describe('CONFLUENCE_SPACES_FILTER / --spaces-filter', () => {
  it('parses a comma-separated list, and the flag wins over the environment', () => {
    expect(resolveConfig({}, { CONFLUENCE_SPACES_FILTER: ' hr, IT ,,' }).spacesFilter).toEqual({ spaces: ['HR', 'IT'], from: 'CONFLUENCE_SPACES_FILTER' });
    expect(resolveConfig({ spacesFilter: 'IT' }, { CONFLUENCE_SPACES_FILTER: 'HR' }).spacesFilter).toEqual({ spaces: ['IT'], from: '--spaces-filter' });
    expect(resolveConfig({}, { CONFLUENCE_SPACES_FILTER: '' }).spacesFilter).toBeUndefined();
    expect(() => resolveConfig({}, { CONFLUENCE_SPACES_FILTER: 'IT" OR 1=1' })).toThrow(/CONFLUENCE_SPACES_FILTER.*not a space key/);
  });

  it('narrows what may be read; a space the policy does not allow is reported and ignored, never added', async () => {
    const fixture = writeFixture(); // policy reads IT and HR; the site also has SECRET
    const agent = await startHarness({ site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir, env: { CONFLUENCE_SPACES_FILTER: 'HR,SECRET' } });
    open.push(agent);
    expect(agent.runtime.policy.read.spaces).toEqual(['HR']);
    expect(agent.runtime.policy.draft.spaces).toEqual([]); // IT was draftable; it is no longer readable
    expect(agent.runtime.notices.join('\n')).toMatch(/CONFLUENCE_SPACES_FILTER names SECRET, which the policy's read\.spaces do not allow; ignored/);
    const vpn = await agent.call('get_page', { pageId: '1001' });
    expect(vpn.isError).toBe(true);
    expect(textOf(vpn)).toMatch(/No page/);
    const board = await agent.call('get_page', { pageId: '3000' });
    expect(board.isError).toBe(true);
  });

  it('refuses to start when the filter leaves nothing the policy allows', async () => {
    const fixture = writeFixture();
    const config = resolveConfig({ site: fixture.siteDir, policy: fixture.policyFile, dataDir: fixture.dataDir }, { CONFLUENCE_SPACES_FILTER: 'SECRET' });
    await expect(createRuntime(config)).rejects.toThrow(/CONFLUENCE_SPACES_FILTER leaves nothing to read/);
  });
});

describe('READ_ONLY_MODE / --read-only', () => {
  it('true makes the policy read-only; false never lifts a read-only policy', async () => {
    expect(resolveConfig({}, { READ_ONLY_MODE: 'true' }).readOnly).toEqual({ from: 'READ_ONLY_MODE' });
    expect(resolveConfig({ readOnly: true }, {}).readOnly).toEqual({ from: '--read-only' });
    expect(resolveConfig({}, { READ_ONLY_MODE: 'false' }).readOnly).toBeUndefined();
    expect(() => resolveConfig({}, { READ_ONLY_MODE: 'maybe' })).toThrow(/READ_ONLY_MODE must be true or false/);

    const fixture = writeFixture();
    const agent = await startHarness({ site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir, env: { READ_ONLY_MODE: 'true' } });
    open.push(agent);
    expect(agent.runtime.policy.readOnly).toBe(true);
    const { tools } = await agent.client.listTools();
    expect(tools.map((t) => t.name)).not.toContain('draft_jira');

    const strict = writeFixture({ policy: { read: { spaces: ['IT'] }, readOnly: true } });
    const stillStrict = await createRuntime(resolveConfig({ site: strict.siteDir, policy: strict.policyFile, dataDir: strict.dataDir }, { READ_ONLY_MODE: 'false' }));
    expect(stillStrict.policy.readOnly).toBe(true);
    await stillStrict.close();
  });
});

describe('ENABLED_TOOLS / --enabled-tools', () => {
  it('parses names; the flag wins; unknown names fail closed naming them', () => {
    expect(resolveConfig({}, { ENABLED_TOOLS: 'search_pages, get_page' }).enabledTools).toEqual({ tools: ['search_pages', 'get_page'], from: 'ENABLED_TOOLS' });
    expect(resolveConfig({ enabledTools: 'get_page' }, { ENABLED_TOOLS: 'search_pages' }).enabledTools).toEqual({ tools: ['get_page'], from: '--enabled-tools' });
    expect(() => resolveEnabledTools({ enabledTools: { tools: ['search_pages', 'confluence_search', 'jira_get'], from: 'ENABLED_TOOLS' } }, 'agent', false)).toThrow(
      /ENABLED_TOOLS names unknown tools: confluence_search, jira_get/,
    );
  });

  it('only narrows what the role allows: a tool of another role stays absent, and is reported', () => {
    const { tools, notices } = resolveEnabledTools({ enabledTools: { tools: ['search_pages', 'approve_draft'], from: 'ENABLED_TOOLS' } }, 'agent', false);
    expect([...tools]).toEqual(['search_pages']);
    expect(notices.join('\n')).toMatch(/approve_draft.*not available to role agent/);
    expect(resolveEnabledTools({}, 'agent', false).tools.size).toBe(allTools.filter((t) => t.access !== 'review').length);
  });
});

describe('TOOLSETS / --toolsets', () => {
  const names = (role: 'agent' | 'reviewer', env: NodeJS.ProcessEnv, readOnly = false) => [...resolveEnabledTools(resolveConfig({}, env), role, readOnly).tools].sort();

  it('every tool belongs to one known toolset, and every toolset has a tool', () => {
    for (const tool of allTools) expect(TOOLSET_NAMES, tool.name).toContain(tool.toolset);
    for (const toolset of TOOLSET_NAMES) expect(allTools.some((t) => t.toolset === toolset), toolset).toBe(true);
  });

  it('selects the role\'s tools of the named toolsets; the flag wins; case and spaces do not matter; all is everything', () => {
    expect(names('agent', { TOOLSETS: 'read' })).toEqual(['browse_pages', 'get_page', 'search_pages']);
    expect(names('agent', { TOOLSETS: ' Read, answers ' })).toEqual(['answer_with_sources', 'browse_pages', 'draft_jira', 'get_page', 'search_pages']);
    expect(names('agent', { TOOLSETS: 'automation,triage' })).toEqual(['draft_automation_rule', 'flag_stale', 'get_automation_catalog']);
    expect(names('reviewer', { TOOLSETS: 'drafts,triage' })).toEqual(['approve_draft', 'edit_draft', 'get_draft', 'list_drafts', 'reject_draft', 'trust_report']);
    expect(resolveConfig({ toolsets: 'drafts' }, { TOOLSETS: 'read' }).toolsets).toEqual({ toolsets: ['drafts'], from: '--toolsets' });
    expect(names('agent', { TOOLSETS: 'all' })).toEqual(names('agent', {}));
  });

  it('only narrows: another role\'s toolset gives nothing and is reported; read-only mode still removes draft tools', () => {
    const agentDrafts = resolveEnabledTools(resolveConfig({}, { TOOLSETS: 'drafts,read' }), 'agent', false);
    expect([...agentDrafts.tools].sort()).toEqual(['browse_pages', 'get_page', 'search_pages']);
    expect(agentDrafts.notices.join('\n')).toMatch(/TOOLSETS: drafts \(work the review queue.*\) gives role agent no tools \(tools: search_pages, get_page, browse_pages\)/);
    expect(names('agent', { TOOLSETS: 'answers' }, true)).toEqual(['answer_with_sources']);
  });

  it('with ENABLED_TOOLS, a tool must pass both; an enabled tool outside the toolsets is reported', () => {
    const both = resolveEnabledTools(resolveConfig({}, { TOOLSETS: 'read', ENABLED_TOOLS: 'get_page,answer_with_sources' }), 'agent', false);
    expect([...both.tools]).toEqual(['get_page']);
    expect(both.notices.join('\n')).toMatch(/ENABLED_TOOLS: answer_with_sources not in TOOLSETS; ignored \(tools: get_page\)/);
  });

  it('the README\'s toolset table lists exactly what each role gets', () => {
    const rows = readFileSync('README.md', 'utf8').split('\n').filter((line) => /^\| `[a-z]+` \| .* \| .* \|$/.test(line) && TOOLSET_NAMES.some((t) => line.startsWith(`| \`${t}\` |`)));
    expect(rows).toHaveLength(TOOLSET_NAMES.length);
    for (const row of rows) {
      const [toolset, agent, reviewer] = row.split('|').slice(1, 4).map((cell) => [...cell.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]));
      expect(agent.sort(), `${toolset[0]} agent`).toEqual(names('agent', { TOOLSETS: toolset[0] }));
      expect(reviewer.sort(), `${toolset[0]} reviewer`).toEqual(names('reviewer', { TOOLSETS: toolset[0] }));
    }
  });

  it('fails closed on an unknown toolset, naming it and the known ones', () => {
    expect(() => names('agent', { TOOLSETS: 'read,confluence_pages,jira' })).toThrow(
      'TOOLSETS names unknown toolsets: confluence_pages, jira (known: read, answers, triage, drafts, automation, or all)',
    );
    expect(() => names('agent', { TOOLSETS: 'pages' }, false)).toThrow(/unknown toolsets: pages/);
  });

  it('reaches tools/list through an MCP client: only the chosen toolsets are registered, the rest cannot be called', async () => {
    const agent = await startHarness({ env: { TOOLSETS: 'read,automation' } });
    open.push(agent);
    expect((await agent.client.listTools()).tools.map((t) => t.name).sort()).toEqual(['browse_pages', 'draft_automation_rule', 'get_automation_catalog', 'get_page', 'search_pages']);
    const refused = await agent.call('answer_with_sources', { question: 'What is the VPN gateway?' });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/answer_with_sources not found/i);
  });
});
