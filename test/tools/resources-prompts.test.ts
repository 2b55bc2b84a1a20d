import { afterEach, describe, expect, it } from 'vitest';
import { RECENT_RESOURCES } from '../../tools/page-resource.js';
import { USERS } from '../support/fixture-site.js';
import { type Harness, startHarness } from '../support/harness.js';

let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

/** What the employee may read in the fixture site; 1003 (denied label), 2002-2004 (restricted) and 3000 (space outside the policy) are hidden. */
const VISIBLE = ['1000', '1001', '1002', '2000', '2001'];
const HIDDEN = ['1003', '2002', '2003', '2004', '3000'];
const PAGE_TEMPLATE = 'confluence://page/{id}';
const TITLE_TEMPLATE = 'confluence://space/{spaceKey}/page/{title}';

async function employee(options: Parameters<typeof startHarness>[0] = {}) {
  harness = await startHarness({ as: USERS.employee.email, ...options });
  return harness;
}

/** The JSON-RPC error a request fails with (code and message), for comparing refusals. */
async function failure(request: Promise<unknown>): Promise<{ code: number; message: string }> {
  try {
    await request;
  } catch (error) {
    const { code, message } = error as { code: number; message: string };
    return { code, message };
  }
  throw new Error('the request succeeded');
}

describe('page resources through a real MCP client', () => {
  it('lists the recent pages this user may read, and only those', async () => {
    const { client } = await employee();
    const { resources } = await client.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(VISIBLE.map((id) => `confluence://page/${id}`));
    expect(resources.length).toBeLessThanOrEqual(RECENT_RESOURCES);
    const vpn = resources.find((r) => r.uri === 'confluence://page/1001')!;
    expect(vpn).toMatchObject({ name: 'VPN setup', mimeType: 'text/markdown' });
    expect(vpn.description).toMatch(/^IT · updated /);
    expect(JSON.stringify(resources)).not.toMatch(/Vault|Salary|Band review|Lead only|Board/);
  });

  it('offers both templates', async () => {
    const { client } = await employee();
    const { resourceTemplates } = await client.listResourceTemplates();
    expect(resourceTemplates.map((t) => t.uriTemplate).sort()).toEqual([PAGE_TEMPLATE, TITLE_TEMPLATE].sort());
  });

  it('reads a page as Markdown by id and by exact title', async () => {
    const { client } = await employee();
    const byId = await client.readResource({ uri: 'confluence://page/1002' });
    expect(byId.contents).toEqual([{ uri: 'confluence://page/1002', mimeType: 'text/markdown', text: expect.stringContaining('Printers live on floor 2') }]);
    const byTitle = await client.readResource({ uri: `confluence://space/IT/page/${encodeURIComponent('printer guide')}` });
    expect((byTitle.contents[0] as { text: string }).text).toContain('Printers live on floor 2');
  });

  it('answers a hidden page exactly like a missing one, by id and by title', async () => {
    const { client } = await employee();
    const missing = await failure(client.readResource({ uri: 'confluence://page/999999' }));
    expect(missing.code).toBe(-32002);
    for (const id of HIDDEN) {
      const hidden = await failure(client.readResource({ uri: `confluence://page/${id}` }));
      expect(hidden).toEqual({ code: missing.code, message: missing.message.replace('999999', id) });
    }
    const missingTitle = await failure(client.readResource({ uri: 'confluence://space/HR/page/No%20such%20page' }));
    const hiddenTitle = await failure(client.readResource({ uri: 'confluence://space/HR/page/Salary%20bands' }));
    const outsideSpace = await failure(client.readResource({ uri: 'confluence://space/SECRET/page/Board%20minutes' }));
    for (const refusal of [hiddenTitle, outsideSpace]) expect(refusal.code).toBe(missingTitle.code);
    expect(hiddenTitle.message).toBe(missingTitle.message.replace('No%20such%20page', 'Salary%20bands'));
    expect(JSON.stringify([hiddenTitle, outsideSpace])).not.toMatch(/restrict|permission|denied|allow/i);
  });

  it('completes ids, space keys and titles only with what this user may read', async () => {
    const { client } = await employee();
    const complete = async (uri: string, name: string, value: string, context?: Record<string, string>) =>
      (await client.complete({ ref: { type: 'ref/resource', uri }, argument: { name, value }, ...(context ? { context: { arguments: context } } : {}) })).completion.values;
    expect((await complete(PAGE_TEMPLATE, 'id', '100')).sort()).toEqual(['1000', '1001', '1002']);
    expect((await complete(PAGE_TEMPLATE, 'id', '200')).sort()).toEqual(['2000', '2001']);
    expect(await complete(TITLE_TEMPLATE, 'spaceKey', '')).toEqual(['HR', 'IT']);
    expect(await complete(TITLE_TEMPLATE, 'spaceKey', 'se')).toEqual([]);
    // "Salary bands" and "Band review notes" are restricted; "Board minutes" is outside the policy.
    expect(await complete(TITLE_TEMPLATE, 'title', 'b')).toEqual([]);
    expect((await complete(TITLE_TEMPLATE, 'title', 'home')).sort()).toEqual(['IT home', 'People home']);
    expect(await complete(TITLE_TEMPLATE, 'title', '', { spaceKey: 'HR' })).toEqual(expect.arrayContaining(['People home', 'Annual leave']));
    expect(await complete(TITLE_TEMPLATE, 'title', '', { spaceKey: 'HR' })).toHaveLength(2);
    expect(await complete(TITLE_TEMPLATE, 'title', '', { spaceKey: 'SECRET' })).toEqual([]);
  });

  it('exist only where get_page does', async () => {
    const { client } = await employee({ env: { TOOLSETS: 'triage' } });
    expect(client.getServerCapabilities()?.resources).toBeUndefined();
    await expect(client.listResources()).rejects.toThrow(/Method not found/);
  });
});

describe('prompts through a real MCP client', () => {
  it('an agent gets all three; each names only tools it has', async () => {
    const { client } = await employee();
    const { prompts } = await client.listPrompts();
    expect(prompts.map((p) => p.name)).toEqual(['answer_from_docs', 'triage_space', 'hand_gap_to_jira']);
    for (const prompt of prompts) expect(prompt.description).toBeTruthy();
    expect(prompts.find((p) => p.name === 'triage_space')!.arguments).toEqual([expect.objectContaining({ name: 'spaceKey', required: true })]);
    const { tools } = await client.listTools();
    const names = tools.map((t) => t.name);
    for (const [name, args] of [['answer_from_docs', { question: 'How many days of leave?' }], ['triage_space', { spaceKey: 'IT' }], ['hand_gap_to_jira', { question: 'Who owns the printers?' }]] as const) {
      const result = await client.getPrompt({ name, arguments: args });
      const text = (result.messages[0].content as { text: string }).text;
      expect(text).toContain(Object.values(args)[0]);
      const mentioned = [...text.matchAll(/\b([a-z]+_[a-z_]+)\b/g)].map((m) => m[1]).filter((word) => /^(search|get|browse|answer|draft|flag|list|edit|approve|reject|trust)_/.test(word));
      expect(mentioned.length, name).toBeGreaterThan(0);
      for (const tool of mentioned) expect(names, `${name} names ${tool}`).toContain(tool);
    }
  });

  it('a reviewer is not offered prompts whose tools it lacks', async () => {
    harness = await startHarness({ as: USERS.hr.email, role: 'reviewer' });
    const { prompts } = await harness.client.listPrompts();
    // No flag_stale or draft_jira for reviewers: only the answering workflow is left.
    expect(prompts.map((p) => p.name)).toEqual(['answer_from_docs']);
    await expect(harness.client.getPrompt({ name: 'triage_space', arguments: { spaceKey: 'IT' } })).rejects.toThrow(/not found/);
  });

  it('TOOLSETS narrows the prompts with the tools', async () => {
    const { client } = await employee({ env: { TOOLSETS: 'read,answers' } });
    expect((await client.listPrompts()).prompts.map((p) => p.name)).toEqual(['answer_from_docs', 'hand_gap_to_jira']);
  });

  it('completes triage_space spaceKey with readable spaces only', async () => {
    const { client } = await employee();
    const complete = async (value: string) => (await client.complete({ ref: { type: 'ref/prompt', name: 'triage_space' }, argument: { name: 'spaceKey', value } })).completion.values;
    expect(await complete('')).toEqual(['HR', 'IT']);
    expect(await complete('i')).toEqual(['IT']);
    expect(await complete('SEC')).toEqual([]);
  });

  it('refuses a prompt without its argument with a clear error', async () => {
    const { client } = await employee();
    await expect(client.getPrompt({ name: 'triage_space', arguments: {} })).rejects.toThrow(/spaceKey/);
  });
});
