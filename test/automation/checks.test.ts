import { describe, expect, it } from 'vitest';
import { checkSelection, detectSafetyConcerns, MESSAGES } from '../../src/services/automation/checks.js';
import { draft, kindsOf, typesOf } from './support.js';

describe('checks on the selection lists', () => {
  it('no_trigger: says when it should run', () => {
    const c = checkSelection({ triggers: [], components: ['ArchivePageAction'] }, 'archive it');
    expect(c.trigger).toBeNull();
    expect(c.blocked).toBe(true);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0].kind).toBe('no_trigger');
    // Names what was found and says what is missing (the tool answer adds the catalog + `rule` way out).
    expect(c.problems[0].message).toBe(`I found what to do ("Archive page") but not when. ${MESSAGES.no_trigger}`);
  });

  it('multiple_triggers: names them, blocks the request (S1: exactly one trigger)', () => {
    const c = checkSelection({ triggers: ['PagePublishedTrigger', 'PageEditedTrigger'], components: ['AddLabelAction'] }, '');
    expect(c.trigger).toBeNull();
    expect(c.blocked).toBe(true);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0].kind).toBe('multiple_triggers');
    expect(c.problems[0].message).toContain('one rule per event');
    expect(c.problems[0].message).toContain('2 events: "Page published", "Page edited"');
    expect(c.problems[0].message).toMatch(/split the request in two\), or write the one rule you mean with the `rule` argument\.$/);
  });

  it('unsupported: a specific message naming the thing, and the request is blocked', () => {
    const c = checkSelection({ triggers: ['WhiteboardCreatedTrigger'], components: ['AddLabelAction'] }, '');
    expect(c.blocked).toBe(true);
    expect(c.problems).toEqual([
      {
        kind: 'unsupported',
        component: 'WhiteboardCreatedTrigger',
        message: expect.stringMatching(/^It looks like you want a whiteboard trigger .*; that is not available/),
      },
    ]);
    // An unsupported trigger is not also reported as "no trigger".
    expect(kindsOf({ problems: c.problems } as never)).not.toContain('no_trigger');
  });

  it('unsupported: an unknown name gets a generic message', () => {
    const c = checkSelection({ triggers: ['PagePublishedTrigger'], components: ['TeleportPageAction'] }, '');
    expect(c.problems).toEqual([{ kind: 'unsupported', component: 'TeleportPageAction', message: expect.stringContaining('"TeleportPageAction"') }]);
  });

  it('excluded_component: removed with the friendly explanation', () => {
    const c = checkSelection({ triggers: ['PagePublishedTrigger'], components: ['AddLabelAction', 'SendWebRequestAction'] }, '');
    expect(c.components).toEqual(['AddLabelAction']);
    expect(c.problems).toEqual([{ kind: 'excluded_component', component: 'SendWebRequestAction', message: "Outgoing web requests can't be generated; build that step yourself in the rule editor." }]);
    expect(c.blocked).toBe(false);
  });

  it('manual-config components stay, flagged', () => {
    const c = checkSelection({ triggers: ['SpaceCreatedTrigger'], components: ['GrantSpacePermissionAction', 'RestrictPageAction', 'DeletePageAction'] }, '');
    expect(c.components).toEqual(['GrantSpacePermissionAction', 'RestrictPageAction', 'DeletePageAction']);
    expect([...c.manual.keys()]).toEqual(['GrantSpacePermissionAction', 'RestrictPageAction', 'DeletePageAction']);
    expect(c.problems).toEqual([]);
  });

  it('accepts a catalog name in the wrong list', () => {
    const c = checkSelection({ triggers: [], components: ['PagePublishedTrigger', 'ArchivePageAction'] }, '');
    expect(c.trigger).toBe('PagePublishedTrigger');
    expect(c.components).toEqual(['ArchivePageAction']);
  });
});

describe('each problem kind through the pipeline', () => {
  it('no_trigger: no draft (a triggerless draft cannot be approved into a working rule)', async () => {
    const r = await draft('Archive the page and add the label archived');
    expect(r.usable).toBe(false);
    expect(r.rule).toBeNull();
    expect(r.exportJson).toBeNull();
    expect(r.errorKind).toBe('no_trigger');
    expect(r.preview).toMatch(/Nothing drafted\.\n- I found what to do \("Archive page", "Add label"\) but not when/);
  });

  it('no_trigger and nothing to do: no draft', async () => {
    const r = await draft('Make our documentation better');
    expect(r.usable).toBe(false);
    expect(r.rule).toBeNull();
    expect(r.exportJson).toBeNull();
    expect(kindsOf(r)).toEqual(['no_trigger']);
  });

  it('multiple_triggers: no draft, the message names both events', async () => {
    const r = await draft('When a page is created or updated, add the label reviewed');
    expect(r.usable).toBe(false);
    expect(r.errorKind).toBe('multiple_triggers');
    expect(r.rule).toBeNull();
    expect(r.problems[0].message).toMatch(/2 events: (?=.*"Page published")(?=.*"Page edited")/);
  });

  it('unsupported: no draft, with a message naming the whiteboard', async () => {
    const r = await draft('When a whiteboard is created, add a comment to the Design page');
    expect(r.usable).toBe(false);
    expect(r.rule).toBeNull();
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'unsupported', component: 'WhiteboardCreatedTrigger', message: expect.stringContaining('it looks like you want a whiteboard trigger'.replace(/^i/, 'I')) })]);
  });

  it.each([
    ['When a row is added to the project database, notify me', 'DatabaseEntryChangedTrigger'],
    ['When a Jira issue moves to Done, create a release notes page', 'JiraIssueTransitionedTrigger'],
    ['At the start of each sprint, create a planning page', 'SprintStartedTrigger'],
  ])('unsupported: %s', async (prompt, name) => {
    const r = await draft(prompt);
    expect(r.errorKind).toBe('unsupported');
    expect(r.problems.map((p) => p.component)).toContain(name);
  });

  it('excluded web request: the only action → no draft, never generated', async () => {
    const r = await draft('When a page is published, send a web request to https://hooks.example.com/pages');
    expect(r.usable).toBe(false);
    expect(r.errorKind).toBe('excluded_component');
    expect(r.rule).toBeNull();
  });

  it('excluded web request beside other steps: removed with an explanation, the rest drafted', async () => {
    const r = await draft('When a page is published, add the label new and POST the page to our external API');
    expect(r.usable).toBe(true);
    expect(typesOf(r)).toEqual(['AddLabelAction']);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'excluded_component', component: 'SendWebRequestAction' })]);
    expect(JSON.stringify(r.exportJson)).not.toContain('SendWebRequestAction');
  });
});

describe('manual-config components', () => {
  it.each([
    ['When a new space is created, grant the legal group edit permission on it', 'GrantSpacePermissionAction'],
    ['When a page is labelled confidential, restrict it to the legal group', 'RestrictPageAction'],
    ['When a page is published, delete it if the title starts with "test"', 'DeletePageAction'],
  ])('%s → %s with config {}', async (prompt, type) => {
    const r = await draft(prompt);
    expect(r.usable).toBe(true);
    const node = r.rule!.components.find((c) => c.type === type);
    expect(node).toEqual({ type, config: {} });
    expect(r.manualConfig).toEqual([expect.objectContaining({ type, reason: expect.stringContaining('Needs manual configuration') })]);
    expect(r.preview).toMatch(/⚠ needs manual configuration/);
  });

  it('empties a manual-config component even when an agent filled it', async () => {
    const r = await draft('grant permissions when a space is created', {
      rule: {
        title: 'x',
        trigger: { type: 'SpaceCreatedTrigger' },
        components: [{ type: 'GrantSpacePermissionAction', config: { groups: [{ groupName: 'confluence-users' }], permissions: ['admin'] } }],
      },
    });
    expect(r.rule?.components).toEqual([{ type: 'GrantSpacePermissionAction', config: {} }]);
    expect(r.notes).toEqual([expect.objectContaining({ kind: 'normalized' })]);
  });
});

describe('safety', () => {
  it('mass deletion is forced to manual configuration, including the branch that picks pages', async () => {
    const r = await draft('Delete all pages in the Archive space every month');
    expect(r.rule?.components).toEqual([{ type: 'ForEachPageBranch', config: {}, components: [{ type: 'DeletePageAction', config: {} }] }]);
    expect(r.manualConfig.map((m) => m.type)).toEqual(['ForEachPageBranch', 'DeletePageAction']);
    expect(r.manualConfig.every((m) => m.reason.includes('Safety: this deletes pages in bulk'))).toBe(true);
  });

  it('a delete inside a branch is bulk deletion however it is worded (agent path): a person confirms it', async () => {
    const rule = (criteria: Record<string, unknown>) => ({
      title: 'tidy',
      trigger: { type: 'ScheduledTrigger', config: { schedule: { frequency: 'DAILY' } } },
      components: [{ type: 'ForEachPageBranch', config: { criteria }, components: [{ type: 'DeletePageAction', config: {} }] }],
    });
    // Pages the request named (a label): kept for the reviewer to check; the delete stays manual.
    const narrowed = await draft('tidy up', { rule: rule({ labels: ['old'] }) });
    expect(narrowed.rule?.components[0].config).toEqual({ criteria: { labels: ['old'] } });
    expect(narrowed.manualConfig.map((m) => m.type)).toEqual(['DeletePageAction']);
    expect(narrowed.manualConfig[0].reason).toContain('deletes pages in bulk');
    expect(narrowed.usable).toBe(true);
    // No narrowing (a whole space): the branch is emptied and left to the reviewer as well.
    const whole = await draft('tidy up', { rule: rule({ spaces: [{ spaceKey: 'ENG' }] }) });
    expect(whole.rule?.components[0].config).toEqual({});
    expect(whole.manualConfig.map((m) => m.type).sort()).toEqual(['DeletePageAction', 'ForEachPageBranch']);
  });

  it('grants to everyone are forced manual with the reason recorded', async () => {
    const r = await draft('When a space is created, grant everyone edit access to it');
    expect(r.manualConfig).toEqual([expect.objectContaining({ type: 'GrantSpacePermissionAction', reason: expect.stringContaining('everyone or anonymous') })]);
  });

  it('email to outside addresses is forced manual; web requests off-site are refused', async () => {
    const mail = await draft('When a page in the HR space is published, email it to our external recruiter at recruiter@gmail.com');
    expect(mail.rule?.components.find((c) => c.type === 'SendEmailAction')?.config).toEqual({});
    expect(mail.manualConfig[0].reason).toContain('outside the site');
    const sync = await draft('Whenever a page is updated, sync it to Notion');
    expect(sync.usable).toBe(false);
    expect(sync.errorKind).toBe('excluded_component');
  });

  it('detects the three concerns, and not ordinary label removal', () => {
    expect(detectSafetyConcerns('wipe all pages in the space').map((f) => f.concern)).toEqual(['mass_deletion']);
    expect(detectSafetyConcerns('make it visible to anonymous users').map((f) => f.concern)).toEqual(['open_permissions']);
    expect(detectSafetyConcerns('email it to our customers').map((f) => f.concern)).toEqual(['offsite_content']);
    expect(detectSafetyConcerns('every week remove the stale label from all pages')).toEqual([]);
  });

  it('never creates an enabled rule', async () => {
    for (const prompt of ['When a page is published, add the label new', 'Delete all pages every day', 'Every Monday email me']) {
      const r = await draft(prompt);
      if (r.exportJson) expect(r.exportJson.rule.state).toBe('DISABLED');
      expect(JSON.stringify(r)).not.toContain('ENABLED"');
    }
  });
});
