import { describe, expect, it } from 'vitest';
import { parseRuleLeniently } from '../../src/services/automation/rule-schema.js';
import { checkStructure } from '../../src/services/automation/structure.js';
import { draft, kindsOf } from './support.js';

const label = (l: string) => ({ type: 'AddLabelAction', config: { labels: [l] } });
const trigger = { type: 'PagePublishedTrigger', config: {} };
const scheduled = { type: 'ScheduledTrigger', config: { schedule: { frequency: 'DAILY' } } };

describe('structural rules on an agent-supplied rule', () => {
  it('accepts a valid rule and reports the agent generator', async () => {
    const r = await draft('label new pages', { rule: { title: 'Label', trigger, components: [label('new')] } });
    expect(r.generator).toBe('agent');
    expect(r.usable).toBe(true);
    expect(r.problems).toEqual([]);
  });

  it('S4: a branch inside a branch', async () => {
    const r = await draft('nested', {
      rule: {
        title: 'n',
        trigger: scheduled,
        components: [
          { type: 'ForEachPageBranch', config: { criteria: {} }, components: [{ type: 'ForEachTaskBranch', config: { criteria: {} }, components: [label('x')] }] },
        ],
      },
    });
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'invalid_structure', component: 'ForEachTaskBranch', message: expect.stringContaining("a branch can't be inside another branch") })]);
    expect(r.usable).toBe(true);
  });

  it('S5: if/else inside a branch', async () => {
    const r = await draft('ifelse in branch', {
      rule: {
        title: 'n',
        trigger: scheduled,
        components: [
          {
            type: 'ForEachPageBranch',
            config: { criteria: {} },
            components: [
              {
                type: 'IfElseCondition',
                config: { blocks: [{ matchType: 'ALL', conditions: [{ type: 'CqlCondition', config: { cql: 'label = "a"' } }], components: [label('a')] }], else: { components: [label('b')] } },
              },
            ],
          },
        ],
      },
    });
    expect(r.problems.map((p) => p.message)).toContainEqual(expect.stringContaining("if/else isn't allowed inside a branch"));
  });

  it('S2: no action, or ending with a condition', async () => {
    const none = await draft('no action', { rule: { title: 'n', trigger, components: [] } });
    expect(none.usable).toBe(false);
    expect(none.exportJson).toBeNull();
    expect(none.problems).toEqual([expect.objectContaining({ kind: 'invalid_structure', message: expect.stringContaining('no action') })]);
    const endsWithCondition = await draft('ends with condition', { rule: { title: 'n', trigger, components: [label('a'), { type: 'CqlCondition', config: { cql: 'label = "a"' } }] } });
    expect(endsWithCondition.problems.map((p) => p.message)).toContainEqual(expect.stringContaining("last step must be an action"));
  });

  it('S1: several triggers in the agent rule → multiple_triggers, nothing drafted', async () => {
    const r = await draft('two triggers', { rule: { title: 'n', trigger: [trigger, { type: 'PageEditedTrigger' }], components: [label('a')] } });
    expect(r.errorKind).toBe('multiple_triggers');
    expect(r.usable).toBe(false);
    expect(r.rule).toBeNull();
  });

  it('S1: a trigger that is not a trigger, and unknown or excluded steps', async () => {
    const notTrigger = await draft('x', { rule: { title: 'n', trigger: { type: 'ArchivePageAction' }, components: [label('a')] } });
    expect(notTrigger.errorKind).toBe('no_trigger');
    expect(notTrigger.usable).toBe(false);
    const unknown = await draft('x', { rule: { title: 'n', trigger, components: [{ type: 'TeleportAction', config: {} }, label('a')] } });
    expect(unknown.usable).toBe(false);
    expect(unknown.errorKind).toBe('unsupported');
    const excluded = await draft('x', { rule: { title: 'n', trigger, components: [{ type: 'SendWebRequestAction', config: { url: 'https://x' } }, label('a')] } });
    expect(excluded.errorKind).toBe('excluded_component');
    expect(excluded.rule?.components).toEqual([label('a')]);
  });

  it('S6: at most 65 components, counting if/else conditions', () => {
    const rule = { title: 'big', trigger, components: Array.from({ length: 66 }, (_, i) => label(`l${i}`)) };
    expect(checkStructure(rule)).toEqual([expect.objectContaining({ message: expect.stringContaining('66 components') })]);
    expect(checkStructure({ ...rule, components: rule.components.slice(0, 65) })).toEqual([]);
  });

  it('reports bad configs on the step instead of throwing, and missing values as missing inputs', async () => {
    const r = await draft('x', {
      rule: {
        title: 'n',
        trigger,
        components: [
          { type: 'AddLabelAction', config: { labels: ['Has Spaces'] } },
          { type: 'MovePageAction', config: {} },
        ],
      },
    });
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'invalid_structure', component: 'AddLabelAction', message: expect.stringContaining('labels') })]);
    expect(r.missingInputs).toEqual([expect.objectContaining({ type: 'MovePageAction', field: 'pageDestination' })]);
  });

  it('parses leniently: JSON strings, missing parts, children alias, junk', () => {
    expect(parseRuleLeniently('{"trigger":"PagePublishedTrigger","children":[{"type":"ArchivePageAction"}]}').rule).toEqual({
      title: 'Untitled rule',
      trigger: { type: 'PagePublishedTrigger', config: {} },
      components: [{ type: 'ArchivePageAction', config: {} }],
    });
    const junk = parseRuleLeniently({ title: 'x', trigger: null, components: [42, { config: {} }, { type: 'ArchivePageAction', config: 'nope' }] });
    expect(junk.rule.components).toEqual([{ type: 'ArchivePageAction', config: {} }]);
    expect(junk.problems).toHaveLength(3);
    expect(parseRuleLeniently('not json').problems[0].message).toContain('not valid JSON');
  });

  it('flags child steps on a non-branch', async () => {
    const r = await draft('x', { rule: { title: 'n', trigger, components: [{ type: 'ArchivePageAction', config: {}, components: [label('a')] }] } });
    expect(kindsOf(r)).toContain('invalid_structure');
  });
});
