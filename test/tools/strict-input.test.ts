import { afterEach, describe, expect, it } from 'vitest';
import { ROLES } from '../../policies/tool-access.js';
import { toolsFor } from '../../tools/registry.js';
import { type Harness, startAgentAndReviewer, startHarness, textOf } from '../support/harness.js';

/**
 * Issue 15: unknown arguments are refused, not dropped. Every input object is strict (nested
 * ones too, where the shape is fixed), tools/list says so with `additionalProperties: false`,
 * and the refusal names the unknown key and the keys the tool accepts.
 */
const open: Harness[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

async function pair() {
  const { agent, reviewer } = await startAgentAndReviewer(open);
  const { draftId } = (await agent.call('draft_jira', { summary: 'Document the VPN gateway for Linux', pageIds: ['1001'] })).structuredContent as { draftId: number };
  return { agent, reviewer, draftId };
}

/** Paths (in JSON Schema terms) whose objects are open maps on purpose. */
const OPEN_MAPS = new Set([
  // A component's config: its shape depends on the component type and is checked per type
  // (catalog schemas, strict), one bad config becoming a problem on that step.
  'draft_automation_rule.rule.trigger.config',
  'draft_automation_rule.rule.components[].config',
  'edit_draft.rule.trigger.config',
  'edit_draft.rule.components[].config',
]);

type Json = Record<string, unknown>;

/** Every object node of a JSON Schema with its path; follows $ref into definitions once. */
function objectNodes(schema: Json, path: string, root: Json, seen = new Set<string>()): { path: string; node: Json }[] {
  const out: { path: string; node: Json }[] = [];
  if (typeof schema.$ref === 'string') {
    if (seen.has(schema.$ref)) return out;
    const target = schema.$ref === '#' ? root : (schema.$ref.replace(/^#\//, '').split('/').reduce<unknown>((v, k) => (v as Json)?.[k], root) as Json);
    return objectNodes(target, path, root, new Set([...seen, schema.$ref]));
  }
  if (schema.type === 'object') out.push({ path, node: schema });
  for (const [key, value] of Object.entries((schema.properties as Record<string, Json>) ?? {})) out.push(...objectNodes(value, `${path}.${key}`, root, seen));
  if (schema.items && typeof schema.items === 'object') out.push(...objectNodes(schema.items as Json, `${path}[]`, root, seen));
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) for (const option of (schema[key] as Json[]) ?? []) out.push(...objectNodes(option, path, root, seen));
  return out;
}

describe('strict tool input', () => {
  it('tools/list marks every fixed-shape input object additionalProperties: false, for every role', async () => {
    for (const role of ROLES) {
      const harness = await startHarness({ role });
      open.push(harness);
      const { tools } = await harness.client.listTools();
      for (const tool of tools) {
        const schema = tool.inputSchema as Json;
        for (const { path, node } of objectNodes(schema, tool.name, schema)) {
          if (OPEN_MAPS.has(path)) expect(node.additionalProperties, path).not.toBe(false);
          else expect(node.additionalProperties, path).toBe(false);
        }
      }
    }
  });

  it('refuses an unknown argument on every tool, naming it and the accepted keys', async () => {
    const { agent, reviewer } = await pair();
    for (const [role, harness] of [['agent', agent], ['reviewer', reviewer]] as const) {
      for (const tool of toolsFor(role, false)) {
        const result = await harness.call(tool.name, { zzUnknown: 1 });
        expect(result.isError, tool.name).toBe(true);
        const text = textOf(result);
        expect(text, tool.name).toMatch(/unknown argument "zzUnknown"/i);
        for (const key of Object.keys(tool.input.shape)) expect(text, `${tool.name} lists ${key}`).toContain(key);
      }
    }
  });

  it('approve_draft {draftId, revision, extra} is refused and approves nothing', async () => {
    const { reviewer, draftId } = await pair();
    const result = await reviewer.call('approve_draft', { draftId, revision: 1, extra: 2 });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toMatch(/unknown argument "extra".*accepts: draftId, revision/is);
    const shown = (await reviewer.call('get_draft', { draftId })).structuredContent as { status: string };
    expect(shown.status).toBe('pending');
  });

  it('draft_automation_rule refuses rule {foo} instead of reading it as "no trigger", and unknown keys deeper in the rule', async () => {
    const { agent } = await pair();
    const foo = await agent.call('draft_automation_rule', { prompt: 'label new pages', rule: { foo: 'bar' } });
    expect(foo.isError).toBe(true);
    expect(textOf(foo)).toMatch(/unknown argument "foo".*rule.*accepts: title, trigger, components/is);
    expect(textOf(foo)).not.toMatch(/no trigger/i);

    const deepTrigger = await agent.call('draft_automation_rule', {
      prompt: 'label new pages',
      rule: { title: 'x', trigger: { type: 'PagePublishedTrigger', config: {}, when: 'now' }, components: [{ type: 'AddLabelAction', config: { labels: ['new'] } }] },
    });
    expect(deepTrigger.isError).toBe(true);
    expect(textOf(deepTrigger)).toMatch(/unknown argument "when"; the trigger accepts: type, config/i);
    expect(textOf(deepTrigger)).toContain('rule.trigger');

    const deepStep = await agent.call('draft_automation_rule', {
      prompt: 'label new pages',
      rule: { title: 'x', trigger: { type: 'PagePublishedTrigger', config: {} }, components: [{ type: 'AddLabelAction', config: { labels: ['new'] }, label: 'new' }] },
    });
    expect(deepStep.isError).toBe(true);
    expect(textOf(deepStep)).toMatch(/unknown argument "label"; a rule step accepts: type, config, components/i);
    expect(textOf(deepStep)).toContain('rule.components');

    // Configs stay open maps at the schema: their per-type shapes are checked per step.
    const ok = await agent.call('draft_automation_rule', {
      prompt: 'label new pages',
      rule: { title: 'x', trigger: { type: 'PagePublishedTrigger', config: {} }, components: [{ type: 'AddLabelAction', config: { labels: ['new'] } }] },
    });
    expect(ok.isError, textOf(ok)).toBeFalsy();
    expect((ok.structuredContent as { draftId: number | null }).draftId).not.toBeNull();
  });
});
