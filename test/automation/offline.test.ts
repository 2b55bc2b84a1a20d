import { describe, expect, it } from 'vitest';
import { parseSchedule, parseTime } from '../../src/services/automation/schedule.js';
import { selectComponentsOffline, selectTriggersOffline } from '../../src/services/automation/selection.js';
import { draft, typesOf } from './support.js';

const BLOG_PROMPT = 'when a page is published, if the title contains Decision, move it under the Decisions page';

describe('offline generator: the blog example end to end', () => {
  it('drafts trigger, condition and move in space scope, resolving the page in the current space', async () => {
    const r = await draft(BLOG_PROMPT, { spaceKey: 'ENG' });
    expect(r.usable).toBe(true);
    expect(r.generator).toBe('offline');
    expect(r.rule).toEqual({
      title: 'Page published: move page',
      trigger: { type: 'PagePublishedTrigger', config: {} },
      components: [
        { type: 'CompareCondition', config: { valueToCompare: '{{page.title}}', comparisonOperator: 'CONTAINS', valueToCompareAgainst: 'Decision' } },
        { type: 'MovePageAction', config: { pageDestination: { parentPage: { pageTitle: 'Decisions' } } } },
      ],
    });
    expect(r.problems).toEqual([]);
    expect(r.unresolved).toEqual([]);
    expect(r.resolved).toEqual([expect.objectContaining({ kind: 'page', id: '101', spaceKey: 'ENG' })]);
    expect(r.preview.split('\n').slice(1)).toEqual(['1. When a page is published', '2. If {{page.title}} contains "Decision"', '3. Move the page under "Decisions"']);
    const move = r.exportJson!.rule.components[1];
    expect(move.value).toEqual({ pageDestination: { parentPage: { pageId: '101', pageTitle: 'Decisions', spaceKey: 'ENG' } } });
  });

  it('in global scope leaves the ambiguous page for the reviewer, still drafted', async () => {
    const r = await draft(BLOG_PROMPT);
    expect(r.usable).toBe(true);
    expect(r.unresolved).toEqual([
      expect.objectContaining({ path: 'components[1].config.pageDestination.parentPage', reason: 'ambiguous', candidates: [{ id: '101', label: 'Decisions (ENG)' }, { id: '102', label: 'Decisions (HR)' }] }),
    ]);
    expect(r.problems.map((p) => p.kind)).toEqual(['unresolved']);
    expect(r.preview).toContain('3. Move the page under "Decisions" (unresolved: 2 pages are titled "Decisions" (ENG, HR) — pick one: Decisions (ENG), Decisions (HR))');
  });
});

describe('offline selection', () => {
  it.each([
    ['When a page goes live, add the label new', 'PagePublishedTrigger'],
    ['Whenever someone updates a page, email the owner', 'PageEditedTrigger'],
    ['every Monday at 9 email me', 'ScheduledTrigger'],
    ['When a page is tagged "urgent", notify me', 'LabelAddedTrigger'],
    ['When someone comments on a blog post, email the author', 'BlogCommentedTrigger'],
    ['When a page is archived, log it', 'PageArchivedTrigger'],
    ['When a page is moved, log it', 'PageMovedTrigger'],
    ['When a page is deleted, log it', 'PageDeletedTrigger'],
    ['When a page is copied, log it', 'PageCopiedTrigger'],
    ['When a new space is created, publish a page in it', 'SpaceCreatedTrigger'],
    ["When I'm mentioned, email me", 'UserMentionedTrigger'],
    ['Add a button that archives the page', 'ManualTrigger'],
    ['When the incoming webhook is called, log it', 'IncomingWebhookTrigger'],
    ['When a blog post is updated, log it', 'BlogEditedTrigger'],
    ["When a page's status changes to Verified, log it", 'PageStatusChangedTrigger'],
  ])('%s → %s', (prompt, trigger) => {
    expect(selectTriggersOffline(prompt)).toEqual([trigger]);
  });

  it('returns several triggers, or none, as asked', () => {
    expect(selectTriggersOffline('When a page is created or updated, add the label reviewed').sort()).toEqual(['PageEditedTrigger', 'PagePublishedTrigger']);
    expect(selectTriggersOffline('Archive the page')).toEqual([]);
  });

  it.each([
    ['When a whiteboard is created, add a label', 'WhiteboardCreatedTrigger'],
    ['When a database row changes, email me', 'DatabaseEntryChangedTrigger'],
    ['When a Jira issue is created, publish a page', 'JiraIssueCreatedTrigger'],
    ['When a sprint starts, publish a page', 'SprintStartedTrigger'],
    ['When a Loom video is added, email me', 'LoomVideoTrigger'],
  ])('names what is outside the catalog: %s → %s', (prompt, name) => {
    expect(selectTriggersOffline(prompt)).toContain(name);
  });

  it('selects conditions, actions and branches, plus unsupported and excluded names', () => {
    expect(selectComponentsOffline(BLOG_PROMPT)).toEqual(['CompareCondition', 'MovePageAction']);
    expect(selectComponentsOffline('Every Monday archive pages older than 180 days')).toEqual(['ForEachPageBranch', 'ArchivePageAction']);
    expect(selectComponentsOffline('When a page is published, POST it to https://example.com/hook')).toEqual(['SendWebRequestAction']);
    expect(selectComponentsOffline('When a page is published, create a Jira ticket')).toEqual(['CreateJiraIssueAction']);
    expect(selectComponentsOffline('Move it into the Reports folder')).toContain('FolderAction');
  });

  it('does not read quoted text or message payloads as instructions', () => {
    expect(selectComponentsOffline('When a page is published, add a comment saying "please archive and delete this"')).toEqual(['AddCommentAction']);
  });

  it('uses a condition instead of a space check when the rule is already scoped to that space', () => {
    expect(selectComponentsOffline('When a page is published in the HR space, add the label hr')).toEqual(['CompareCondition', 'AddLabelAction']);
    expect(selectComponentsOffline('When a page is published in the HR space, add the label hr', { spaceKey: 'HR' })).toEqual(['AddLabelAction']);
  });
});

describe('schedules', () => {
  it.each([
    ['every Monday at 9', { frequency: 'WEEKLY', daysOfWeek: ['MON'], time: '09:00' }],
    ['every Monday at 9am', { frequency: 'WEEKLY', daysOfWeek: ['MON'], time: '09:00' }],
    ['each Friday at 5pm', { frequency: 'WEEKLY', daysOfWeek: ['FRI'], time: '17:00' }],
    ['every weekday at 17:30', { frequency: 'WEEKLY', daysOfWeek: ['MON', 'TUE', 'WED', 'THU', 'FRI'], time: '17:30' }],
    ['every Monday and Thursday', { frequency: 'WEEKLY', daysOfWeek: ['MON', 'THU'] }],
    ['each week', { frequency: 'WEEKLY' }],
    ['every 2 weeks on Tuesday', { frequency: 'WEEKLY', every: 2, daysOfWeek: ['TUE'] }],
    ['daily', { frequency: 'DAILY' }],
    ['every day at noon', { frequency: 'DAILY', time: '12:00' }],
    ['every 3 days', { frequency: 'DAILY', every: 3 }],
    ['hourly', { frequency: 'HOURLY' }],
    ['on the first of the month', { frequency: 'MONTHLY', dayOfMonth: 1 }],
    ['on the 15th of every month at 8:30', { frequency: 'MONTHLY', dayOfMonth: 15, time: '08:30' }],
    ['on the last day of each month', { frequency: 'MONTHLY', dayOfMonth: 'LAST' }],
    ['every 6 months', { frequency: 'MONTHLY', every: 6 }],
    ['quarterly', { frequency: 'CRON', cron: '0 0 9 1 1/3 ? *' }],
    ['yearly at 10am', { frequency: 'CRON', cron: '0 0 10 1 1 ? *' }],
    ['on the first Monday of the month', { frequency: 'CRON', cron: '0 0 9 ? * 2#1 *' }],
    ['on the last Friday of the month', { frequency: 'CRON', cron: '0 0 9 ? * 6L *' }],
    ['every Monday at 9 Europe/Berlin', { frequency: 'WEEKLY', daysOfWeek: ['MON'], time: '09:00', timeZone: 'Europe/Berlin' }],
  ])('%s', (text, expected) => {
    expect(parseSchedule(text.toLowerCase(), text)?.schedule).toEqual(expected);
  });

  it.each(['every time a page is published', 'each page older than 90 days', 'when the weekly report page is published'])('is not a schedule: %s', (text) => {
    expect(parseSchedule(text.toLowerCase(), text)).toBeNull();
  });

  it.each([
    ['at 9', '09:00'],
    ['at 9:15 pm', '21:15'],
    ['12am', '00:00'],
    ['at 17:30', '17:30'],
    ['midnight', '00:00'],
  ])('time %s → %s', (text, time) => {
    expect(parseTime(text)).toBe(time);
  });

  it('archiving every page of a space in bulk is still left to the reviewer (issue 12)', async () => {
    const r = await draft('Every Monday at 9, archive all pages in the HR space');
    expect(r.manualConfig.map((m) => m.type).sort()).toEqual(['ArchivePageAction', 'ForEachPageBranch']);
    expect(r.manualConfig[0].reason).toMatch(/archives pages in bulk/);
  });

  it('writes the schedule into the ScheduledTrigger config', async () => {
    const r = await draft('Every Monday at 9, archive pages in the HR space that have not been updated in 6 months');
    expect(r.rule?.trigger).toEqual({ type: 'ScheduledTrigger', config: { schedule: { frequency: 'WEEKLY', daysOfWeek: ['MON'], time: '09:00' } } });
    // Archiving pages the request narrows (by age here) is an ordinary clean-up, not left to the reviewer.
    expect(r.rule?.components).toEqual([
      {
        type: 'ForEachPageBranch',
        config: { criteria: { spaces: [{ spaceKey: 'HR' }], lastUpdatedMoreThanDaysAgo: 180 } },
        components: [{ type: 'ArchivePageAction', config: {} }],
      },
    ]);
    expect(r.manualConfig).toEqual([]);
    expect(r.preview).toContain('1. Every Monday at 09:00');
    expect(r.preview).toContain('2.1 Archive the page');
  });
});

describe('offline configs', () => {
  it('fills quoted values, lower-cased labels, users and Slack channels', async () => {
    const r = await draft('When a page is labelled "Needs Review", make Jane Doe the owner and post "Please review {{page.title}}" to #docs on Slack');
    expect(r.rule?.trigger).toEqual({ type: 'LabelAddedTrigger', config: { labels: ['needs-review'] } });
    expect(r.rule?.components).toEqual([
      { type: 'ChangePageOwnerAction', config: { newOwner: { displayName: 'Jane Doe' } } },
      { type: 'SendSlackMessageAction', config: { webhookUrl: '', channel: '#docs', message: 'Please review {{page.title}}' } },
    ]);
    expect(r.missingInputs).toEqual([expect.objectContaining({ type: 'SendSlackMessageAction', field: 'webhookUrl' })]);
  });

  it('uses smart values for the new space and for roles', async () => {
    const r = await draft('When a new space is created, publish a "Welcome" page in it and email the space creator');
    expect(r.rule?.components).toEqual([
      { type: 'PublishPageAction', config: { space: { smartValue: '{{space.key}}' }, title: 'Welcome' } },
      { type: 'SendEmailAction', config: expect.objectContaining({ to: [{ smartValue: '{{space.creator}}' }] }) },
    ]);
  });

  it('orders conditions before the actions they gate and puts per-page actions inside the branch', async () => {
    const r = await draft('Every Friday, add the label stale to pages in ENG not edited for 90 days and email their owners, then log a summary');
    expect(typesOf(r)).toEqual(['ForEachPageBranch', 'AddLabelAction', 'SendEmailAction', 'LogAction']);
    expect(r.rule?.components.map((c) => c.type)).toEqual(['ForEachPageBranch', 'LogAction']);
    expect(r.rule?.components[0].components?.map((c) => c.type)).toEqual(['AddLabelAction', 'SendEmailAction']);
  });

  it('builds if/else blocks with the else path', async () => {
    const r = await draft('When a page is published, if its title contains "RFC" add the label rfc, otherwise add the label doc');
    expect(r.rule?.components).toEqual([
      {
        type: 'IfElseCondition',
        config: {
          blocks: [
            {
              matchType: 'ALL',
              conditions: [{ type: 'CompareCondition', config: { valueToCompare: '{{page.title}}', comparisonOperator: 'CONTAINS', valueToCompareAgainst: 'RFC' } }],
              components: [{ type: 'AddLabelAction', config: { labels: ['rfc'] } }],
            },
          ],
          else: { components: [{ type: 'AddLabelAction', config: { labels: ['doc'] } }] },
        },
      },
    ]);
  });

  it('reads "in the X space" as a key when it looks like one, else as a name', async () => {
    const key = await draft('Every day, copy pages labelled template to the ENG space');
    expect(JSON.stringify(key.rule)).toContain('{"spaceKey":"ENG"}');
    const name = await draft('Every day, copy pages labelled template to the Engineering space');
    expect(JSON.stringify(name.rule)).toContain('{"spaceName":"Engineering"}');
    expect(name.resolved.some((r) => r.kind === 'space' && r.id === 'ENG')).toBe(true);
  });
});
