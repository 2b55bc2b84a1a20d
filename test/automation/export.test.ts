import { describe, expect, it } from 'vitest';
import { assertDisabled, exportReadiness, toExportJson, type ExportEnvelope } from '../../src/services/automation/export-mapper.js';
import type { SimplifiedRule } from '../../src/services/automation/rule-schema.js';
import { draft } from './support.js';

const rule: SimplifiedRule = {
  title: 'File decisions',
  trigger: { type: 'PagePublishedTrigger', config: {} },
  components: [
    { type: 'CompareCondition', config: { valueToCompare: '{{page.title}}', comparisonOperator: 'CONTAINS', valueToCompareAgainst: 'Decision' } },
    {
      type: 'IfElseCondition',
      config: {
        blocks: [{ matchType: 'ANY', conditions: [{ type: 'CqlCondition', config: { cql: 'label = "a"' } }], components: [{ type: 'ArchivePageAction', config: {} }] }],
        else: { components: [{ type: 'MovePageAction', config: { pageDestination: { parentPage: { pageTitle: 'Decisions' } } } }] },
      },
    },
    { type: 'ForEachPageBranch', config: { criteria: { labels: ['x'] } }, components: [{ type: 'AddLabelAction', config: { labels: ['y'] } }] },
  ],
};

describe('export mapping', () => {
  it('produces the rule export shape, DISABLED, wrapped with connections', () => {
    const out = toExportJson(rule, { resolved: [], unresolved: [], spaceKey: 'ENG', cloudId: 'c-1', spaceId: '42' });
    expect(Object.keys(out)).toEqual(['rule', 'connections']);
    expect(out.connections).toEqual([]);
    expect(out.rule).toMatchObject({
      name: 'File decisions',
      state: 'DISABLED',
      trigger: { component: 'TRIGGER', schemaVersion: 1, type: 'PagePublishedTrigger', value: {} },
      ruleScopeARIs: ['ari:cloud:confluence:c-1:space/42'],
      labels: [],
    });
    const [compare, ifElse, branch] = out.rule.components;
    expect(compare).toMatchObject({ id: '1', component: 'CONDITION', parentId: null, conditionParentId: null, schemaVersion: 1, type: 'CompareCondition', children: [], conditions: [] });
    expect(ifElse).toMatchObject({ component: 'CONDITION', type: 'IfElseCondition', value: null });
    const [ifBlock, elseBlock] = ifElse.children;
    expect(ifBlock).toMatchObject({ component: 'CONDITION_BLOCK', parentId: ifElse.id, value: { conditionMatchType: 'ANY' } });
    expect(ifBlock.conditions[0]).toMatchObject({ component: 'CONDITION', type: 'CqlCondition', conditionParentId: ifBlock.id });
    expect(ifBlock.children[0]).toMatchObject({ component: 'ACTION', type: 'ArchivePageAction', parentId: ifBlock.id });
    expect(elseBlock).toMatchObject({ component: 'CONDITION_BLOCK', conditions: [], value: { conditionMatchType: 'ALL', else: true } });
    expect(elseBlock.children[0].value).toEqual({ pageDestination: { parentPage: { pageTitle: 'Decisions', unresolved: 'not_found' } } });
    expect(branch).toMatchObject({ component: 'BRANCH', type: 'ForEachPageBranch', value: { criteria: { labels: ['x'] } } });
    expect(branch.children[0]).toMatchObject({ component: 'ACTION', parentId: branch.id });
    // Ids are unique.
    const ids: string[] = [];
    const walk = (nodes: ExportEnvelope['rule']['components']) => nodes.forEach((n) => (ids.push(n.id), walk(n.children), walk(n.conditions)));
    walk(out.rule.components);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('global scope uses the site ARI; placeholders when ids are unknown', () => {
    expect(toExportJson(rule, { resolved: [], unresolved: [] }).rule.ruleScopeARIs).toEqual(['ari:cloud:confluence::site/{cloudId}']);
  });

  it('writes resolved ids into values', async () => {
    const r = await draft('When a page is published, move it under the Decisions page and make Jane Doe the owner', { spaceKey: 'ENG' });
    const [move, owner] = r.exportJson!.rule.components;
    expect(move.value).toEqual({ pageDestination: { parentPage: { pageId: '101', pageTitle: 'Decisions', spaceKey: 'ENG' } } });
    expect(owner.value).toEqual({ newOwner: { accountId: 'u-jane', displayName: 'Jane Doe' } });
  });

  it('refuses anything but DISABLED', () => {
    const out = toExportJson(rule, { resolved: [], unresolved: [] });
    expect(() => assertDisabled(out)).not.toThrow();
    expect(() => assertDisabled({ ...out, rule: { ...out.rule, state: 'ENABLED' as never } })).toThrow(/not DISABLED/);
  });

  it('lists what blocks execution until a reviewer finishes the draft', async () => {
    const r = await draft('When a space is created, grant the legal group access and post to Slack');
    const readiness = exportReadiness(r.rule!, r);
    expect(readiness.ready).toBe(false);
    expect(readiness.blockers.join('\n')).toMatch(/GrantSpacePermissionAction .* needs manual configuration/);
    expect(readiness.blockers.join('\n')).toMatch(/Missing webhookUrl/);
    const ok = await draft('When a page is published, add the label new');
    expect(exportReadiness(ok.rule!, ok)).toEqual({ ready: true, blockers: [] });
  });
});
