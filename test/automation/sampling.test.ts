import { describe, expect, it } from 'vitest';
import { createSamplingGenerator, type CompleteFn } from '../../src/services/automation/sampling-generator.js';
import { draft, typesOf } from './support.js';

type Step = 'triggers' | 'components' | 'rule';

/** A scripted model: replies are taken in order per step; every call is recorded. */
function scripted(replies: Record<Step, string[]>) {
  const calls: Array<{ step: Step; system: string; prompt: string }> = [];
  const complete: CompleteFn = async (system, prompt) => {
    const step: Step = system.startsWith('You pick the trigger') ? 'triggers' : system.startsWith('You pick the conditions') ? 'components' : 'rule';
    calls.push({ step, system, prompt });
    const reply = replies[step].shift();
    if (reply === undefined) throw new Error(`unscripted ${step} call`);
    return reply;
  };
  return { complete, calls };
}

const PROMPT = 'when a page is published, if the title contains Decision, move it under the Decisions page';
const GOOD_RULE = JSON.stringify({
  title: 'File decision pages',
  trigger: { type: 'PagePublishedTrigger' },
  components: [
    { type: 'CompareCondition', config: { valueToCompare: '{{page.title}}', comparisonOperator: 'CONTAINS', valueToCompareAgainst: 'Decision' } },
    { type: 'MovePageAction', config: { pageDestination: { parentPage: { pageTitle: 'Decisions' } } } },
  ],
});

describe('sampling generator', () => {
  it('selects in two small calls, generates in one with only the selected schemas', async () => {
    const model = scripted({
      triggers: ['{"triggers": ["PagePublishedTrigger"]}'],
      components: ['Sure! ```json\n{"components": ["CompareCondition", "MovePageAction"]}\n```'],
      rule: [GOOD_RULE],
    });
    const r = await draft(PROMPT, { spaceKey: 'ENG', generator: createSamplingGenerator({ complete: model.complete }) });
    expect(r.generator).toBe('sampling');
    expect(r.usable).toBe(true);
    expect(r.rule?.title).toBe('File decision pages');
    expect(typesOf(r)).toEqual(['CompareCondition', 'MovePageAction']);
    expect(r.resolved[0]).toMatchObject({ id: '101' });
    expect(model.calls.map((c) => c.step).sort()).toEqual(['components', 'rule', 'triggers']);
    const [trig, comp, gen] = ['triggers', 'components', 'rule'].map((s) => model.calls.find((c) => c.step === s)!);
    // Selection prompts carry names and descriptions only; the excluded component is offered as "not available".
    expect(trig.system).toContain('PagePublishedTrigger:');
    expect(trig.system).not.toContain('MovePageAction');
    expect(comp.system).toContain('- SendWebRequestAction: sending an HTTP');
    expect(comp.system.length).toBeLessThan(6000);
    // Generation sees the schemas of the selected components only.
    expect(gen.system).toContain('"MovePageAction"');
    expect(gen.system).not.toContain('ArchivePageAction');
    expect(gen.prompt).toContain('Rule scope: the space ENG');
    expect(r.notes).toEqual([]);
  });

  it('retries once when the model names a component that does not exist, never showing it as a user error', async () => {
    const model = scripted({
      triggers: ['{"triggers": ["PagePublishedTrigger"]}'],
      components: ['{"components": ["CompareCondition", "MovePageUnderAction"]}', '{"components": ["CompareCondition", "MovePageAction"]}'],
      rule: [GOOD_RULE],
    });
    const generator = createSamplingGenerator({ complete: model.complete });
    const r = await draft(PROMPT, { generator });
    expect(typesOf(r)).toEqual(['CompareCondition', 'MovePageAction']);
    expect(model.calls.filter((c) => c.step === 'components')[1].prompt).toContain('These names do not exist: MovePageUnderAction');
    expect(r.problems.map((p) => p.kind)).toEqual(['unresolved']);
    expect(r.notes).toEqual([expect.objectContaining({ kind: 'invalid_component' })]);
  });

  it('drops an invented name that survives the retry', async () => {
    const model = scripted({
      triggers: ['{"triggers": ["PagePublishedTrigger"]}'],
      components: ['{"components": ["MovePageAction", "Teleport"]}', '{"components": ["MovePageAction", "Teleport"]}'],
      rule: ['{"title":"t","trigger":{"type":"PagePublishedTrigger"},"components":[{"type":"MovePageAction","config":{"pageDestination":{"parentPage":{"pageTitle":"Decisions"}}}}]}'],
    });
    const r = await draft(PROMPT, { spaceKey: 'ENG', generator: createSamplingGenerator({ complete: model.complete }) });
    expect(typesOf(r)).toEqual(['MovePageAction']);
    expect(r.problems).toEqual([]);
    expect(r.notes.map((n) => n.message).join(' ')).toContain('Dropped names not in the catalog: Teleport');
  });

  it('drops a component the generation step adds that was not selected', async () => {
    const model = scripted({
      triggers: ['{"triggers": ["PagePublishedTrigger"]}'],
      components: ['{"components": ["MovePageAction"]}'],
      rule: [
        '{"title":"t","trigger":{"type":"PagePublishedTrigger"},"components":[{"type":"ArchivePageAction","config":{}},{"type":"MovePageAction","config":{"pageDestination":{"parentPage":{"pageTitle":"Decisions"}}}}]}',
        '{"title":"t","trigger":{"type":"PagePublishedTrigger"},"components":[{"type":"ArchivePageAction","config":{}},{"type":"MovePageAction","config":{"pageDestination":{"parentPage":{"pageTitle":"Decisions"}}}}]}',
      ],
    });
    const r = await draft(PROMPT, { spaceKey: 'ENG', generator: createSamplingGenerator({ complete: model.complete }) });
    expect(typesOf(r)).toEqual(['MovePageAction']);
    expect(r.notes.map((n) => n.kind)).toContain('invalid_component');
    expect(r.problems).toEqual([]);
  });

  it('retries once on a non-JSON reply', async () => {
    const model = scripted({
      triggers: ['The trigger is PagePublishedTrigger.', '{"triggers": ["PagePublishedTrigger"]}'],
      components: ['{"components": ["CompareCondition", "MovePageAction",]}'],
      rule: ['I cannot do that', GOOD_RULE],
    });
    const r = await draft(PROMPT, { spaceKey: 'ENG', generator: createSamplingGenerator({ complete: model.complete }) });
    expect(r.generator).toBe('sampling');
    expect(typesOf(r)).toEqual(['CompareCondition', 'MovePageAction']);
    expect(r.notes.filter((n) => n.kind === 'invalid_reply')).toHaveLength(2);
  });

  it('falls back to the offline generator after two non-JSON replies', async () => {
    const model = scripted({ triggers: ['no idea', 'still no idea'], components: ['{"components": []}'], rule: [] });
    const r = await draft(PROMPT, { spaceKey: 'ENG', generator: createSamplingGenerator({ complete: model.complete }) });
    expect(r.generator).toBe('offline');
    expect(r.usable).toBe(true);
    expect(typesOf(r)).toEqual(['CompareCondition', 'MovePageAction']);
    expect(r.notes.at(-1)).toMatchObject({ kind: 'fallback' });
  });

  it('passes unsupported and excluded names through the same checks', async () => {
    const wb = scripted({ triggers: ['{"triggers": ["WhiteboardCreatedTrigger"]}'], components: ['{"components": ["AddLabelAction"]}'], rule: [] });
    const r1 = await draft('when a whiteboard is created, label it', { generator: createSamplingGenerator({ complete: wb.complete }) });
    expect(r1).toMatchObject({ generator: 'sampling', usable: false, errorKind: 'unsupported' });
    const web = scripted({ triggers: ['{"triggers": ["PagePublishedTrigger"]}'], components: ['{"components": ["SendWebRequestAction"]}'], rule: [] });
    const r2 = await draft('when a page is published, POST it to our API', { generator: createSamplingGenerator({ complete: web.complete }) });
    expect(r2).toMatchObject({ generator: 'sampling', usable: false, errorKind: 'excluded_component' });
    expect(web.calls.some((c) => c.step === 'rule')).toBe(false);
  });

  it('keeps the checked trigger authoritative and empties manual-config steps the model filled', async () => {
    const model = scripted({
      triggers: ['{"triggers": ["SpaceCreatedTrigger"]}'],
      components: ['{"components": ["GrantSpacePermissionAction"]}'],
      rule: ['{"title":"t","trigger":{"type":"PageEditedTrigger"},"components":[{"type":"GrantSpacePermissionAction","config":{"groups":[{"groupName":"everyone"}]}}]}', '{"title":"t","trigger":{"type":"PageEditedTrigger"},"components":[{"type":"GrantSpacePermissionAction","config":{"groups":[{"groupName":"everyone"}]}}]}'],
    });
    const r = await draft('when a space is created, grant the legal group access', { generator: createSamplingGenerator({ complete: model.complete }) });
    expect(r.rule?.trigger).toEqual({ type: 'SpaceCreatedTrigger', config: {} });
    expect(r.rule?.components).toEqual([{ type: 'GrantSpacePermissionAction', config: {} }]);
    expect(r.manualConfig.map((m) => m.type)).toEqual(['GrantSpacePermissionAction']);
  });
});

describe('sampling generator failures', () => {
  it('falls back to offline when the client rejects the sampling call', async () => {
    const r = await draft(PROMPT, {
      spaceKey: 'ENG',
      generator: createSamplingGenerator({
        complete: async () => {
          throw new Error('client does not support sampling');
        },
      }),
    });
    expect(r.generator).toBe('offline');
    expect(r.usable).toBe(true);
    expect(r.notes.at(-1)?.message).toContain('client does not support sampling');
  });
});
