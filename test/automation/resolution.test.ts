import { describe, expect, it } from 'vitest';
import { resolveRule, type RuleResolver } from '../../src/services/automation/resolution.js';
import type { SimplifiedRule } from '../../src/services/automation/rule-schema.js';
import { resolver } from './support.js';

const moveTo = (parentPage: Record<string, unknown>): SimplifiedRule => ({
  title: 't',
  trigger: { type: 'PagePublishedTrigger', config: {} },
  components: [{ type: 'MovePageAction', config: { pageDestination: { parentPage } } }],
});

describe('resolution', () => {
  it('space scope: the current space wins for a page title found in two spaces', async () => {
    const r = await resolveRule(moveTo({ pageTitle: 'Decisions' }), { resolver: resolver(), spaceKey: 'HR' });
    expect(r.unresolved).toEqual([]);
    expect(r.resolved).toEqual([{ path: 'components[0].config.pageDestination.parentPage', kind: 'page', ref: { pageTitle: 'Decisions' }, id: '102', label: 'Decisions', spaceKey: 'HR' }]);
  });

  it('global scope: an ambiguous title stays unresolved with candidates', async () => {
    const r = await resolveRule(moveTo({ pageTitle: 'decisions' }), { resolver: resolver() });
    expect(r.resolved).toEqual([]);
    expect(r.unresolved).toEqual([expect.objectContaining({ reason: 'ambiguous', candidates: [{ id: '101', label: 'Decisions (ENG)' }, { id: '102', label: 'Decisions (HR)' }] })]);
    expect(r.problems).toEqual([expect.objectContaining({ kind: 'unresolved', component: 'MovePageAction' })]);
  });

  it('space scope: falls back to other allowed spaces when the current one has no match', async () => {
    const r = await resolveRule(moveTo({ pageTitle: 'Policies' }), { resolver: resolver(), spaceKey: 'ENG' });
    expect(r.resolved[0]).toMatchObject({ id: '104', spaceKey: 'HR' });
  });

  it('a named space narrows the page, by key or by name', async () => {
    const byKey = await resolveRule(moveTo({ pageTitle: 'Decisions', spaceKey: 'HR' }), { resolver: resolver() });
    expect(byKey.resolved[0].id).toBe('102');
    const byName = await resolveRule(moveTo({ pageTitle: 'Decisions', spaceName: 'engineering' }), { resolver: resolver() });
    expect(byName.resolved[0].id).toBe('101');
    const missing = await resolveRule(moveTo({ pageTitle: 'Decisions', spaceName: 'Nowhere' }), { resolver: resolver() });
    expect(missing.unresolved[0]).toMatchObject({ reason: 'not_found' });
  });

  it('not found', async () => {
    const r = await resolveRule(moveTo({ pageTitle: 'Roadmap' }), { resolver: resolver(), spaceKey: 'ENG' });
    expect(r.unresolved).toEqual([expect.objectContaining({ reason: 'not_found', message: 'No page titled "Roadmap" was found.' })]);
  });

  it('users by name or email, groups, and spaces; smart values pass through', async () => {
    const rule: SimplifiedRule = {
      title: 't',
      trigger: { type: 'UserMentionedTrigger', config: { users: [{ smartValue: '{{rule.actor}}' }] } },
      components: [
        { type: 'SendEmailAction', config: { to: [{ email: 'JANE.DOE@example.com' }, { displayName: 'Alex Kim' }, { groupName: 'legal' }, { smartValue: '{{page.author}}' }], subject: 's', body: 'b' } },
        { type: 'PublishPageAction', config: { space: { spaceKey: 'ENG' }, title: 'x' } },
        { type: 'CopyPageAction', config: { destination: { space: { spaceName: 'Nope' } } } },
      ],
    };
    const r = await resolveRule(rule, { resolver: resolver() });
    expect(r.resolved.map((x) => [x.kind, x.id])).toEqual([
      ['user', 'u-jane'],
      ['group', 'legal'],
      ['space', 'ENG'],
    ]);
    expect(r.unresolved.map((x) => [x.kind, x.reason])).toEqual([
      ['user', 'ambiguous'],
      ['space', 'not_found'],
    ]);
  });

  it('re-checks lookups for exactness and fails closed on errors', async () => {
    const sloppy: RuleResolver = {
      async findSpaces() {
        return [{ key: 'ENG2', name: 'Engineering 2' }];
      },
      async findPages() {
        return [{ id: '9', title: 'Decisions archive', spaceKey: 'ENG' }];
      },
      async findUsers() {
        throw new Error('boom');
      },
    };
    const rule: SimplifiedRule = {
      title: 't',
      trigger: null,
      components: [
        { type: 'MovePageAction', config: { pageDestination: { parentPage: { pageTitle: 'Decisions' } } } },
        { type: 'PublishPageAction', config: { space: { spaceKey: 'ENG' }, title: 'x' } },
        { type: 'ChangePageOwnerAction', config: { newOwner: { displayName: 'Jane Doe' } } },
        { type: 'SendEmailAction', config: { to: [{ groupName: 'legal' }], subject: 's', body: 'b' } },
      ],
    };
    const r = await resolveRule(rule, { resolver: sloppy });
    expect(r.resolved).toEqual([]);
    expect(r.unresolved.map((u) => u.reason)).toEqual(['not_found', 'not_found', 'lookup_failed', 'lookup_failed']);
  });
});

describe('space keys', () => {
  it('match global keys case-insensitively (as the allowlist does)', async () => {
    const rule: SimplifiedRule = { title: 't', trigger: null, components: [{ type: 'PublishPageAction', config: { space: { spaceKey: 'eng' }, title: 'x' } }] };
    const r = await resolveRule(rule, { resolver: { ...resolver(), findSpaces: async () => [{ key: 'ENG', name: 'Engineering' }] } });
    expect(r.resolved[0]).toMatchObject({ kind: 'space', id: 'ENG' });
  });
});
