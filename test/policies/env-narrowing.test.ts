import { afterEach, describe, expect, it } from 'vitest';
import { resolveConfig } from '../../src/config.js';
import { createRuntime } from '../../src/runtime.js';
import { allTools } from '../../tools/registry.js';
import { resolveEnabledTools } from '../../src/server/enabled-tools.js';
import { writeFixture } from '../support/fixture-site.js';
import { type Harness, startHarness, textOf } from '../support/harness.js';

/**
 * The variables people know from the most used Atlassian MCP server (CONFLUENCE_SPACES_FILTER,
 * READ_ONLY_MODE, ENABLED_TOOLS) and their flags only ever narrow the policy; flag > env > policy.
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
    expect(() => resolveEnabledTools({ tools: ['search_pages', 'confluence_search', 'jira_get'], from: 'ENABLED_TOOLS' }, 'agent', false)).toThrow(
      /ENABLED_TOOLS names unknown tools: confluence_search, jira_get/,
    );
  });

  it('only narrows what the role allows: a tool of another role stays absent, and is reported', () => {
    const { tools, notices } = resolveEnabledTools({ tools: ['search_pages', 'approve_draft'], from: 'ENABLED_TOOLS' }, 'agent', false);
    expect([...tools]).toEqual(['search_pages']);
    expect(notices.join('\n')).toMatch(/approve_draft.*not available to role agent/);
    expect(resolveEnabledTools(undefined, 'agent', false).tools.size).toBe(allTools.filter((t) => t.access !== 'review').length);
  });
});
