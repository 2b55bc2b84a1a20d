import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CATALOG,
  catalogEntry,
  catalogSummary,
  generationSchema,
  paredDownSchemas,
  PageRef,
  Schedule,
  SpaceRef,
  UserRef,
} from '../../src/services/automation/catalog.js';

const FACT_SHEET = {
  trigger: [
    'PagePublishedTrigger',
    'BlogPublishedTrigger',
    'PageEditedTrigger',
    'BlogEditedTrigger',
    'PageCommentedTrigger',
    'BlogCommentedTrigger',
    'LabelAddedTrigger',
    'PageArchivedTrigger',
    'PageCopiedTrigger',
    'PageDeletedTrigger',
    'PageMovedTrigger',
    'PageStatusChangedTrigger',
    'SpaceCreatedTrigger',
    'UserMentionedTrigger',
    'ScheduledTrigger',
    'ManualTrigger',
    'IncomingWebhookTrigger',
    'GuardAlertTrigger',
  ],
  condition: ['CompareCondition', 'CqlCondition', 'UserCondition', 'IfElseCondition'],
  action: [
    'AddCommentAction',
    'PublishPageAction',
    'PublishBlogPostAction',
    'CopyPageAction',
    'MovePageAction',
    'ArchivePageAction',
    'DeletePageAction',
    'AddLabelAction',
    'RemoveLabelAction',
    'ChangePageOwnerAction',
    'ChangePageStatusAction',
    'RestrictPageAction',
    'GrantSpacePermissionAction',
    'SendEmailAction',
    'SendSlackMessageAction',
    'SendTeamsMessageAction',
    'SendWebRequestAction',
    'LogAction',
    'CreateVariableAction',
  ],
  branch: ['ForEachPageBranch', 'ForEachTaskBranch', 'ForEachCqlBranch', 'ForEachSmartValueBranch'],
} as const;

describe('catalog', () => {
  it('has exactly the 45 components of the fact sheet, with their kinds', () => {
    expect(CATALOG).toHaveLength(45);
    for (const [kind, types] of Object.entries(FACT_SHEET)) {
      expect(CATALOG.filter((e) => e.kind === kind).map((e) => e.type).sort()).toEqual([...types].sort());
    }
    expect(new Set(CATALOG.map((e) => e.type)).size).toBe(45);
  });

  it('counts 18 triggers, 4 conditions, 19 actions, 4 branches', () => {
    const count = (kind: string) => CATALOG.filter((e) => e.kind === kind).length;
    expect([count('trigger'), count('condition'), count('action'), count('branch')]).toEqual([18, 4, 19, 4]);
  });

  it('has governance 41 allowed, 3 manual-config-required, 1 excluded', () => {
    const by = (g: string) => CATALOG.filter((e) => e.governance === g).map((e) => e.type).sort();
    expect(by('allowed')).toHaveLength(41);
    expect(by('manual-config-required')).toEqual(['DeletePageAction', 'GrantSpacePermissionAction', 'RestrictPageAction']);
    expect(by('excluded')).toEqual(['SendWebRequestAction']);
  });

  it('gives every component a UI name and a short description for a model', () => {
    for (const e of CATALOG) {
      expect(e.uiName.length).toBeGreaterThan(3);
      expect(e.description.length).toBeGreaterThan(20);
      expect(e.description.length).toBeLessThan(300);
    }
  });

  it('summarises names and descriptions without the excluded component', () => {
    const summary = catalogSummary();
    expect(summary).toHaveLength(44);
    expect(summary.map((s) => s.type)).not.toContain('SendWebRequestAction');
    expect(summary.find((s) => s.type === 'DeletePageAction')?.manualConfig).toBe(true);
    expect(catalogSummary('trigger')).toHaveLength(18);
  });

  it('gives pared-down JSON Schemas with single-value enums for the type constant', () => {
    const schemas = paredDownSchemas(['PagePublishedTrigger', 'MovePageAction', 'GrantSpacePermissionAction', 'SendWebRequestAction', 'ForEachPageBranch', 'IfElseCondition']);
    expect(Object.keys(schemas).sort()).toEqual(['ForEachPageBranch', 'GrantSpacePermissionAction', 'IfElseCondition', 'MovePageAction', 'PagePublishedTrigger']);
    const move = schemas.MovePageAction as any;
    expect(move.properties.type).toEqual({ type: 'string', enum: ['MovePageAction'] });
    expect(JSON.stringify(move)).toContain('pageTitle');
    // Manual-config components are generated with an empty config.
    const grant = schemas.GrantSpacePermissionAction as any;
    expect(grant.properties.config).toMatchObject({ type: 'object', additionalProperties: false });
    expect(grant.properties.config.properties ?? {}).toEqual({});
  });

  it('builds a generation schema that admits only the chosen components and no nested branches', () => {
    const schema = generationSchema(['PagePublishedTrigger', 'CompareCondition', 'MovePageAction', 'ForEachPageBranch', 'ArchivePageAction']);
    const ok = {
      title: 't',
      trigger: { type: 'PagePublishedTrigger' },
      components: [
        { type: 'CompareCondition', config: { valueToCompare: '{{page.title}}', comparisonOperator: 'CONTAINS', valueToCompareAgainst: 'Decision' } },
        { type: 'MovePageAction', config: { pageDestination: { parentPage: { pageTitle: 'Decisions' } } } },
      ],
    };
    expect(schema.safeParse(ok).success).toBe(true);
    expect(schema.safeParse({ ...ok, components: [{ type: 'AddLabelAction', config: { labels: ['x'] } }] }).success).toBe(false);
    const nested = {
      ...ok,
      components: [
        { type: 'ForEachPageBranch', config: { criteria: {} }, components: [{ type: 'ForEachPageBranch', config: { criteria: {} }, components: [{ type: 'ArchivePageAction', config: {} }] }] },
      ],
    };
    expect(schema.safeParse(nested).success).toBe(false);
  });

  it('exposes the resolvable objects and the schedule shape', () => {
    expect(PageRef.safeParse({ pageTitle: 'Decisions', spaceKey: 'ENG' }).success).toBe(true);
    expect(PageRef.safeParse({ pageTitle: 'Decisions', spaceKey: 'ENG', spaceName: 'Engineering' }).success).toBe(false);
    expect(PageRef.safeParse({ pageId: '1' }).success).toBe(false);
    expect(SpaceRef.safeParse({ spaceName: 'Engineering' }).success).toBe(true);
    expect(UserRef.safeParse({ email: 'jane@example.com' }).success).toBe(true);
    expect(Schedule.safeParse({ frequency: 'WEEKLY', daysOfWeek: ['MON'], time: '09:00' }).success).toBe(true);
    expect(Schedule.safeParse({ frequency: 'DAILY', daysOfWeek: ['MON'] }).success).toBe(false);
    expect(Schedule.safeParse({ frequency: 'CRON' }).success).toBe(false);
    expect(Schedule.safeParse({ frequency: 'DAILY', time: '25:00' }).success).toBe(false);
  });

  it('every config schema converts to JSON Schema', () => {
    for (const e of CATALOG) expect(() => z.toJSONSchema(e.config, { unrepresentable: 'any' })).not.toThrow();
    expect(catalogEntry('Nope')).toBeUndefined();
  });
});
