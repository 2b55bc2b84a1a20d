import { describe, expect, it } from 'vitest';
import { configOf, draft, nodeOf, typesOf } from './support.js';

/** Families from the fifth blind dev set (issue 14), each in wording of its own. */
describe('offline generator: checklists and terse requests', () => {
  it('one line per part ("Trigger: … / Condition: … / Action: …") reads as separate clauses', async () => {
    const form = await draft('Trigger: page status changes to Approved\nAction: add label approved-content');
    expect(form.rule?.trigger?.type).toBe('PageStatusChangedTrigger');
    expect(configOf(form, 'AddLabelAction')).toEqual({ labels: ['approved-content'] });
    const list = await draft('Trigger: page published\nCondition: title starts with SPEC-\nActions:\n1) add label spec\n2) email Jane Doe');
    expect(configOf(list, 'CompareCondition')).toMatchObject({ comparisonOperator: 'STARTS_WITH', valueToCompareAgainst: 'SPEC-' });
    expect(typesOf(list).sort()).toEqual(['AddLabelAction', 'CompareCondition', 'SendEmailAction']);
  });

  it('terse nouns and arrows name the event: "blog comment ->", "label x added ->", "page published or edited ->"', async () => {
    expect((await draft('blog comment -> Slack #blog-talk')).rule?.trigger?.type).toBe('BlogCommentedTrigger');
    const label = await draft('label secret added -> add the label reviewed');
    expect(label.rule?.trigger).toEqual({ type: 'LabelAddedTrigger', config: { labels: ['secret'] } });
    expect((await draft('page published or edited -> log it')).errorKind).toBe('multiple_triggers');
    expect(configOf(await draft('every 3h: log "tick"'), 'ScheduledTrigger')).toEqual({ schedule: { frequency: 'HOURLY', every: 3 } });
  });
});

describe('offline generator: values that stop where the sentence goes on', () => {
  it('a title value ends before "should", and "is not containing" is NOT_CONTAINS', async () => {
    const duty = await draft('Any page published here whose title contains RFC should be filed under Decisions', { spaceKey: 'ENG' });
    expect(configOf(duty, 'CompareCondition')).toMatchObject({ comparisonOperator: 'CONTAINS', valueToCompareAgainst: 'RFC' });
    const negated = await draft("When a page is edited and the title is not containing 'WIP', add the label settled");
    expect(configOf(negated, 'CompareCondition')).toMatchObject({ comparisonOperator: 'NOT_CONTAINS', valueToCompareAgainst: 'WIP' });
  });

  it('"the tag x or the tag y" lists both; a Teams message "saying …" after its title is the message', async () => {
    const tags = await draft('When a post gets the tag alpha or the tag beta, email Jane Doe');
    expect(configOf(tags, 'LabelAddedTrigger')).toEqual({ labels: ['alpha', 'beta'] });
    const teams = await draft("When a page is moved, send a Teams message titled 'Moved' saying 'It has a new home'");
    expect(configOf(teams, 'SendTeamsMessageAction')).toMatchObject({ title: 'Moved', message: 'It has a new home' });
  });

  it('a page "we use like a folder" is a page, and "a member of the x group" is one subject', async () => {
    const simile = await draft('When a page gets the label how-to, move it under Policies (the page we use like a folder)');
    expect(typesOf(simile)).toEqual(['MovePageAction']);
    const member = await draft('When a member of the legal group edits a page, email Jane Doe');
    expect(member.rule?.trigger?.type).toBe('PageEditedTrigger');
    expect(nodeOf(member, 'UserCondition')?.config).toEqual({ groups: [{ groupName: 'legal' }] });
  });
});

describe('offline generator: synonyms for a page, status without "to", idioms', () => {
  it('"create a new doc titled …" publishes a page; "set status Verified" sets it', async () => {
    const doc = await draft('When a page is labelled incident, create a new doc titled "Postmortem" under Policies');
    expect(typesOf(doc)).toEqual(['PublishPageAction']);
    const status = await draft('smart button "Approve" -> set status Approved');
    expect(configOf(status, 'ChangePageStatusAction')).toEqual({ status: 'Approved' });
  });

  it('"has to stay in step with …" is no move; "should stay under Policies" is', async () => {
    const idiom = await draft('Every day at 6, because the index has to stay in step with the wiki, add the label indexed to each page labelled search');
    expect(typesOf(idiom)).not.toContain('MovePageAction');
    const place = await draft('When a page is labelled policy, it should stay under Policies');
    expect(typesOf(place)).toEqual(['MovePageAction']);
  });
});

describe('offline generator: an event participle after a label', () => {
  it('"labelled urgent and archived" does not make "archived" a label', async () => {
    const r = await draft('When a page is labelled hot and moved, email Jane Doe');
    expect(configOf(r, 'LabelAddedTrigger')).toEqual({ labels: ['hot'] });
  });
});

