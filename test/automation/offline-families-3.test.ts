import { describe, expect, it } from 'vitest';
import { parseSchedule } from '../../src/services/automation/schedule.js';
import { draft, kindsOf, typesOf } from './support.js';

/** Failure families from the third blind dev set, each pinned with wording of its own. */
describe('offline generator: events the grammar carries', () => {
  it('a participle naming labels inside the subject ("a doc bearing the x tag is updated") is the event plus a label condition', async () => {
    const result = await draft('When a doc bearing the finance tag is updated, add a comment saying check the totals');
    expect(result.rule?.trigger?.type).toBe('PageEditedTrigger');
    expect(typesOf(result)).toEqual(['CqlCondition', 'AddCommentAction']);
    expect(JSON.stringify(result.rule?.components[0].config)).toContain('finance');
  });

  it('"pages created in X get the y label": the event subject getting a label is the action', async () => {
    const result = await draft('Pages created in HR receive the people-team label');
    expect(result.rule?.trigger?.type).toBe('PagePublishedTrigger');
    expect(typesOf(result)).toContain('AddLabelAction');
  });

  it('ownership handed over as a duty, and "make X the owner of" are owner changes', async () => {
    const duty = await draft('When a blog post is published, its ownership should be transferred to Jane Doe');
    expect(duty.rule?.trigger?.type).toBe('BlogPublishedTrigger');
    expect(typesOf(duty)).toEqual(['ChangePageOwnerAction']);
    const make = await draft('Appoint jane.doe@example.com the owner of any page that receives the handover label');
    expect(make.rule?.trigger?.type).toBe('LabelAddedTrigger');
    expect(typesOf(make)).toEqual(['ChangePageOwnerAction']);
  });

  it('copying one named page into a new space copies that page, with no branch over pages', async () => {
    const result = await draft("When a space is set up, duplicate 'Team charter' into the new space");
    expect(result.rule?.trigger?.type).toBe('SpaceCreatedTrigger');
    expect(typesOf(result)).toEqual(['CopyPageAction']);
  });

  it('terse and form-like events: "trigger: page moved", "new space set up -> the auditors get view access"', async () => {
    const form = await draft('trigger: page moved / then: email jane.doe@example.com');
    expect(form.rule?.trigger?.type).toBe('PageMovedTrigger');
    expect(typesOf(form)).toEqual(['SendEmailAction']);
    const arrow = await draft('New space set up -> auditors get view access to it');
    expect(arrow.rule?.trigger?.type).toBe('SpaceCreatedTrigger');
    expect(typesOf(arrow)).toEqual(['GrantSpacePermissionAction']);
  });

  it('a list of days with a clock time is a weekly schedule without "every"', () => {
    expect(parseSchedule('tue and thu at 7:30am, archive old drafts')?.schedule).toMatchObject({ frequency: 'WEEKLY', daysOfWeek: ['TUE', 'THU'], time: '07:30' });
    expect(parseSchedule('monday, wednesday or saturday at 6pm send a digest')?.schedule).toMatchObject({ frequency: 'WEEKLY', daysOfWeek: ['MON', 'WED', 'SAT'], time: '18:00' });
  });
});

describe('offline generator: steps in casual, polite and colon wordings', () => {
  it('a polite passive question sets the status', async () => {
    const result = await draft('When a page is moved, can its status be changed to In review?');
    expect(typesOf(result)).toEqual(['ChangePageStatusAction']);
    expect(result.rule?.components[0].config).toEqual({ status: 'In review' });
  });

  it('casual label verbs ("pop the tag x on it") add the label', async () => {
    const result = await draft('once a page is published, pop the tag fresh on it');
    expect(typesOf(result)).toEqual(['AddLabelAction']);
    expect(result.rule?.components[0].config).toEqual({ labels: ['fresh'] });
  });

  it('"reply: \'…\'" and "comment: \'…\'" are comments with that text', async () => {
    const reply = await draft("When a blog post gets a comment, reply: 'Thanks, we will look'");
    expect(typesOf(reply)).toEqual(['AddCommentAction']);
    expect(reply.rule?.components[0].config).toEqual({ comment: 'Thanks, we will look' });
    const comment = await draft("Once a page is archived, comment: 'Archived by the weekly sweep'");
    expect(typesOf(comment)).toEqual(['AddCommentAction']);
  });
});

describe('offline generator: filters read as conditions and branch criteria', () => {
  it('"whose titles start with" on new pages is a STARTS_WITH title condition', async () => {
    const result = await draft("Newly created pages whose titles start with 'ADR-' should be moved under Decisions", { spaceKey: 'ENG' });
    expect(typesOf(result)).toEqual(['CompareCondition', 'MovePageAction']);
    expect(result.rule?.components[0].config).toEqual({ valueToCompare: '{{page.title}}', comparisonOperator: 'STARTS_WITH', valueToCompareAgainst: 'ADR-' });
  });

  it('"whatever page it is on" names no page title', async () => {
    const result = await draft("a smart button 'Tidy' that archives whichever page it is clicked on");
    expect(typesOf(result)).toEqual(['ArchivePageAction']);
  });

  it('a scheduled sweep reads "nobody has edited in N days" as the age, and keeps the step\'s label out of the criteria', async () => {
    const aged = await draft('every Monday, archive the pages labelled wip that no one has edited in sixty days');
    const branch = aged.rule?.components.find((c) => c.type === 'ForEachPageBranch');
    expect(branch?.config).toEqual({ criteria: { lastUpdatedMoreThanDaysAgo: 60, labels: ['wip'] } });
    const labelled = await draft('Each Friday go through the pages labelled review that were created more than 30 days ago and add the label overdue to each');
    expect(labelled.rule?.components.find((c) => c.type === 'ForEachPageBranch')?.config).toEqual({ criteria: { createdMoreThanDaysAgo: 30, labels: ['review'] } });
  });

  it('"with X in its title that hasn\'t been …": the title word is X, not the rest of the sentence', async () => {
    const result = await draft("Every Thursday, for each page with 'draft' in its title that hasn't been edited in 20 days, add a comment asking for an update");
    expect(result.rule?.components.find((c) => c.type === 'ForEachPageBranch')?.config).toEqual({ criteria: { lastUpdatedMoreThanDaysAgo: 20, titleContains: 'draft' } });
  });
});

describe('offline generator: steps outside the catalog', () => {
  it('a PATCH request is an excluded web request', async () => {
    const result = await draft('Every evening at 6pm send a PATCH request to our billing API with the changed pages');
    expect(result.rule).toBeNull();
    expect(kindsOf(result)).toContain('excluded_component');
  });

  it('a web request to a spelled-out URL outranks the other steps; one to a service named in words does not', async () => {
    const url = await draft('When a page is labelled hot, add the label seen and send a web request to https://hooks.example.org/hot');
    expect(url.rule).toBeNull();
    expect(kindsOf(url)).toContain('excluded_component');
    const words = await draft('When a page is labelled hot, add the label seen and POST the page to our external API');
    expect(typesOf(words)).toEqual(['AddLabelAction']);
  });

  it('social networks and outside chat apps are left out and named; the rest is drafted', async () => {
    const tweet = await draft('When a page is published, tweet the link and add the label shared');
    expect(typesOf(tweet)).toEqual(['AddLabelAction']);
    expect(kindsOf(tweet)).toEqual(['not_included']);
    const telegram = await draft('When a page is labelled news, email jane.doe@example.com and post it to the team Telegram group');
    expect(typesOf(telegram)).toEqual(['SendEmailAction']);
    expect(telegram.problems.map((p) => p.message).join(' ')).toMatch(/Telegram/);
    expect(kindsOf(telegram)).not.toContain('excluded_component');
  });
});
