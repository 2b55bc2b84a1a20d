import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { tempDir } from '../support/fixture-site.js';
import { type Harness, startHarness, textOf } from '../support/harness.js';

const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

type RuleAnswer = {
  draftId: number | null;
  status: string | null;
  rule: { title: string; trigger: { type: string } | null; components: { type: string; config: Record<string, unknown> }[] } | null;
  problems: { kind: string; message: string }[];
  manualConfig: string[];
  unresolved: { path: string; reason: string }[];
  generator: string;
  preview: string;
  message: string;
};

async function pair(options: { sampling?: (system: string, prompt: string) => string } = {}) {
  const dataDir = tempDir('automation');
  const common = { site: 'demo-site', policyFile: 'policies/default.json', dataDir };
  const agent = await startHarness({ ...common, clientCapabilities: options.sampling ? { sampling: {} } : {} });
  const reviewer = await startHarness({ ...common, as: 'Hana Sato', role: 'reviewer' });
  open.push(agent, reviewer);
  if (options.sampling) {
    const reply = options.sampling;
    agent.client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
      role: 'assistant',
      model: 'scripted',
      content: { type: 'text', text: reply(request.params.systemPrompt ?? '', (request.params.messages[0].content as { text: string }).text) },
    }));
  }
  return { agent, reviewer };
}

async function draft(h: Harness, args: Record<string, unknown>): Promise<RuleAnswer> {
  const result = await h.call('draft_automation_rule', args);
  expect(result.isError, textOf(result)).toBeFalsy();
  return result.structuredContent as RuleAnswer;
}

describe('draft_automation_rule', () => {
  it('drafts the blog example offline, flags the unresolved page, and cannot be approved until it is fixed', async () => {
    const { agent, reviewer } = await pair();
    const answer = await draft(agent, {
      prompt: 'When a page is published, if the title contains Decision, move it under the Decisions page',
      spaceKey: 'IT',
    });
    expect(answer.generator).toBe('offline');
    expect(answer.rule!.trigger!.type).toBe('PagePublishedTrigger');
    expect(answer.rule!.components.map((c) => c.type)).toEqual(['CompareCondition', 'MovePageAction']);
    expect(answer.unresolved.map((u) => u.reason)).toEqual(['not_found']);
    expect(answer.draftId).not.toBeNull();
    expect(answer.preview).toMatch(/1\. When a page is published/);

    const refused = await reviewer.call('approve_draft', { draftId: answer.draftId, revision: 1 });
    expect(refused.isError).toBe(true);
    expect(textOf(refused)).toMatch(/not ready to run: resolve/);

    const fixed = { ...answer.rule!, components: [answer.rule!.components[0], { type: 'MovePageAction', config: { pageDestination: { parentPage: { pageTitle: 'VPN setup', spaceKey: 'IT' } } } }] };
    const edited = await reviewer.call('edit_draft', { draftId: answer.draftId, rule: fixed, note: 'point at an existing page' });
    expect(edited.isError, textOf(edited)).toBeFalsy();
    expect(edited.structuredContent).toMatchObject({ revision: 2, status: 'pending' });

    // Hana changed the rule, so someone else approves it (four eyes on content).
    const ownEdit = await reviewer.call('approve_draft', { draftId: answer.draftId, revision: 2 });
    expect(textOf(ownEdit)).toMatch(/You changed this draft \(revision 2\); another reviewer must approve it/);
    const second = await startHarness({ site: 'demo-site', policyFile: 'policies/default.json', dataDir: reviewer.runtime.config.dataDir, as: 'Grace Mbeki', role: 'reviewer' });
    open.push(second);
    const approved = await second.call('approve_draft', { draftId: answer.draftId, revision: 2 });
    expect(approved.structuredContent).toMatchObject({ status: 'executed', target: 'outbox' });
    expect(textOf(approved)).toMatch(/No rule was created in Confluence/);
    const shown = (await reviewer.call('get_draft', { draftId: answer.draftId })).structuredContent as { outbox: { request: { rule: { rule: { state: string; trigger: { component: string } } } } } };
    expect(shown.outbox.request.rule.rule.state).toBe('DISABLED');
    expect(shown.outbox.request.rule.rule.trigger.component).toBe('TRIGGER');
  });

  it('reports no trigger, unsupported and excluded requests in friendly words', async () => {
    const { agent } = await pair();
    const noTrigger = await draft(agent, { prompt: 'Add the label reviewed to the page' });
    expect(noTrigger.problems.map((p) => p.kind)).toContain('no_trigger');
    // S1: no trigger, or several, is no draft; the answer names what was found and the way out, once.
    expect(noTrigger.draftId).toBeNull();
    expect(noTrigger.message).toMatch(/^No draft was created: I found what to do \("Add label"\) but not when\. Say when it should run.* You can write the rule yourself: call get_automation_catalog .*`rule`, e\.g\. \{.*\}\.$/);
    expect(noTrigger.message.match(/get_automation_catalog/g)).toHaveLength(1);
    const twoEvents = await draft(agent, { prompt: 'When a page is published or moved, add the label seen' });
    expect(twoEvents.draftId).toBeNull();
    expect(twoEvents.message).toMatch(/2 events: .*"Page moved".*one rule per event/);
    const whiteboard = await draft(agent, { prompt: 'When a whiteboard is created, add a comment' });
    expect(whiteboard.problems.map((p) => p.kind)).toContain('unsupported');
    expect(whiteboard.draftId).toBeNull();
    // The way out it names works: the catalog, then `rule` — its example drafts as it stands.
    expect(whiteboard.message).toMatch(/get_automation_catalog .*`rule`/);
    const example = JSON.parse(/e\.g\. (\{.*\})\.$/.exec(whiteboard.message)![1]);
    const written = await draft(agent, { prompt: 'Tag published pages', spaceKey: 'IT', rule: example });
    expect(written.generator).toBe('agent');
    expect(written.draftId).not.toBeNull();
    expect(written.problems).toEqual([]);
    const web = await draft(agent, { prompt: 'When a page is published, send a web request to https://example.com/hook' });
    expect(web.problems.map((p) => p.kind)).toContain('excluded_component');
    expect(JSON.stringify(web.rule ?? {})).not.toMatch(/SendWebRequestAction/);
  });

  it('keeps permission grants for a person to configure', async () => {
    const { agent } = await pair();
    const answer = await draft(agent, { prompt: 'When a space is created, grant space permissions to the managers group' });
    expect(answer.manualConfig).toContain('GrantSpacePermissionAction');
  });

  it('keeps the scope inside the draft allowlist', async () => {
    const { agent } = await pair();
    const result = await agent.call('draft_automation_rule', { prompt: 'When a page is published, add label new', spaceKey: 'ENG' });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/not allowed for drafting/);
  });

  it('accepts a rule written by the agent, with the same checks', async () => {
    const { agent } = await pair();
    const catalog = await agent.call('get_automation_catalog', { types: ['LabelAddedTrigger', 'AddCommentAction'] });
    expect(Object.keys((catalog.structuredContent as { schemas: object }).schemas)).toEqual(['LabelAddedTrigger', 'AddCommentAction']);
    // Only the components asked for, not the whole catalog again.
    expect((catalog.structuredContent as { components: { type: string }[] }).components.map((c) => c.type).sort()).toEqual(['AddCommentAction', 'LabelAddedTrigger']);
    const answer = await draft(agent, {
      prompt: 'comment when labelled needs-review',
      spaceKey: 'IT',
      rule: { title: 'Ask for review', trigger: { type: 'LabelAddedTrigger', config: { labels: ['needs-review'] } }, components: [{ type: 'AddCommentAction', config: { comment: 'A reviewer will look at this.' } }] },
    });
    expect(answer.generator).toBe('agent');
    expect(answer.draftId).not.toBeNull();
    const nested = await draft(agent, {
      prompt: 'bad',
      rule: { title: 'x', trigger: { type: 'PagePublishedTrigger' }, components: [{ type: 'ForEachPageBranch', config: { criteria: {} }, components: [{ type: 'ForEachPageBranch', config: { criteria: {} }, components: [] }] }] },
    });
    expect(nested.problems.map((p) => p.kind)).toContain('invalid_structure');
  });

  it('get_automation_catalog answers a misspelt type with the types it likely meant, and still gives the known ones (issue 15)', async () => {
    const { agent } = await pair();
    const result = await agent.call('get_automation_catalog', { types: ['page_published', 'AddCommentAction', 'add label', 'zzz'] });
    expect(result.isError, textOf(result)).toBeFalsy();
    const { schemas, unknownTypes } = result.structuredContent as { schemas: object; unknownTypes: { type: string; didYouMean: string[] }[] };
    expect(Object.keys(schemas)).toEqual(['AddCommentAction']);
    expect(unknownTypes.map((u) => u.type)).toEqual(['page_published', 'add label', 'zzz']);
    expect(unknownTypes[0].didYouMean[0]).toBe('PagePublishedTrigger');
    expect(unknownTypes[1].didYouMean[0]).toBe('AddLabelAction');
    expect(unknownTypes[2].didYouMean).toEqual([]);
    const exact = await agent.call('get_automation_catalog', { types: ['PagePublishedTrigger'] });
    expect((exact.structuredContent as { unknownTypes: unknown[] }).unknownTypes).toEqual([]);
  });

  it('uses the client model through sampling when it can', async () => {
    const { agent } = await pair({
      // A scripted model: two selection calls, then one generation call with the pared-down schema.
      sampling: (system) =>
        system.startsWith('You pick the trigger')
          ? '{"triggers": ["PageEditedTrigger"]}'
          : system.startsWith('You pick the conditions')
            ? '{"components": ["AddLabelAction"]}'
            : JSON.stringify({ title: 'Tag edits', trigger: { type: 'PageEditedTrigger', config: {} }, components: [{ type: 'AddLabelAction', config: { labels: ['edited'] } }] }),
    });
    const answer = await draft(agent, { prompt: 'When a page is edited, add the label edited', spaceKey: 'IT' });
    expect(answer.rule?.trigger?.type).toBe('PageEditedTrigger');
    expect(answer.generator).toBe('sampling');
    expect(answer.rule?.components.map((c) => c.type)).toEqual(['AddLabelAction']);
  });
});
