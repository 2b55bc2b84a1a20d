import { describe, expect, it } from 'vitest';
import { automationReadiness } from '../../src/services/automation/automation-drafts.js';
import { createStaticResolver } from '../../src/services/automation/static-resolver.js';
import type { Draft } from '../../src/services/drafts/draft-service.js';
import { draft, resolver, SITE } from './support.js';

/**
 * Finding 4 (issue 12): CQL inside automation rules (ForEachCqlBranch.cql, CqlCondition.cql)
 * is free text that resolution never checked, so a rule could act on spaces outside
 * draft.spaces. It is now constrained to the draftable spaces, or left for a person; bulk
 * archive and move are treated like bulk delete. Finding 10: oversized or nested rules cannot
 * be approved.
 */
const trigger = { type: 'ScheduledTrigger', config: { schedule: { frequency: 'DAILY', time: '09:00' } } };
const archiveAll = (cql: string) => ({
  title: 'archive',
  trigger,
  components: [{ type: 'ForEachCqlBranch', config: { cql }, components: [{ type: 'AddLabelAction', config: { labels: ['old'] } }] }],
});

const onlyEng = () => createStaticResolver({ ...SITE, spaces: SITE.spaces.filter((space) => space.key === 'ENG') });

function cqlOf(result: Awaited<ReturnType<typeof draft>>): string[] {
  const found: string[] = [];
  JSON.stringify(result.exportJson, (key, value: unknown) => {
    if (key === 'cql' && typeof value === 'string') found.push(value);
    return value;
  });
  return found;
}

describe('CQL in rules stays inside draft.spaces', () => {
  it('ANDs the draftable spaces onto a branch query, outside the query, with the escaping builder', async () => {
    const result = await draft('label every page in HR and ORG', { rule: archiveAll('space in (HR, ORG)'), resolver: onlyEng() });
    expect(result.exportJson).not.toBeNull();
    expect(cqlOf(result)).toEqual(['(space in (HR, ORG)) AND space IN ("ENG")']);
  });

  it('scopes a space-scoped rule to its own space, conditions included', async () => {
    const rule = {
      title: 'cond',
      trigger: { type: 'PagePublishedTrigger', config: {} },
      components: [{ type: 'CqlCondition', config: { cql: 'label = "draft"' } }, { type: 'AddLabelAction', config: { labels: ['seen'] } }],
    };
    const result = await draft('label drafts', { rule, resolver: resolver(), spaceKey: 'ENG' });
    expect(cqlOf(result)).toEqual(['(label = "draft") AND space IN ("ENG")']);
  });

  it('leaves a query that could escape the parentheses (or has ORDER BY) for a person, and says why', async () => {
    for (const cql of ['type = page) OR (space = HR', 'space = HR ORDER BY created', 'title ~ "unterminated']) {
      const result = await draft('label pages', { rule: archiveAll(cql), resolver: onlyEng() });
      expect(result.manualConfig.map((m) => m.type), cql).toContain('ForEachCqlBranch');
      expect(result.manualConfig.find((m) => m.type === 'ForEachCqlBranch')!.reason, cql).toMatch(/CQL/);
      expect(cqlOf(result).some((q) => q.includes('HR')), cql).toBe(false);
    }
  });

  it('treats bulk archive and bulk move like bulk delete: the branch and the action are left for a person', async () => {
    for (const action of [{ type: 'ArchivePageAction', config: {} }, { type: 'MovePageAction', config: { pageDestination: { parentPage: { pageTitle: 'Policies', spaceKey: 'HR' } } } }]) {
      const rule = { title: 'bulk', trigger, components: [{ type: 'ForEachCqlBranch', config: { cql: 'type = page' }, components: [action] }] };
      const result = await draft('every day archive or move all the pages', { rule, resolver: resolver() });
      const manual = result.manualConfig.map((m) => m.type);
      expect(manual, action.type).toContain(action.type);
      expect(manual, action.type).toContain('ForEachCqlBranch');
    }
  });
});

describe('rules that break the structure cannot be approved', () => {
  const asDraft = (payload: unknown) => ({ kind: 'automation', payload }) as Draft;

  it('refuses nested branches and more than 65 components even when the stored payload lists no problem', async () => {
    const ok = await draft('label pages', { rule: archiveAll('type = page'), resolver: onlyEng() });
    const base = { ...ok, manualConfig: [], missingInputs: [], unresolved: [] };
    expect(automationReadiness(asDraft(base))).toEqual([]);
    const label = { type: 'AddLabelAction', config: { labels: ['x'] } };
    const nested = { ...ok.rule!, components: [{ type: 'ForEachPageBranch', config: {}, components: [{ type: 'ForEachCqlBranch', config: { cql: 'type = page' }, components: [label] }] }] };
    expect(automationReadiness(asDraft({ ...base, rule: nested })).join(' ')).toMatch(/branch can't be inside another branch/);
    const huge = { ...ok.rule!, components: Array.from({ length: 5000 }, () => label) };
    expect(automationReadiness(asDraft({ ...base, rule: huge })).join(' ')).toMatch(/5000 components/);
  });
});
