import { describe, expect, it } from 'vitest';
import { parseSchedule, parseTime } from '../../src/services/automation/schedule.js';
import { createStaticResolver } from '../../src/services/automation/static-resolver.js';
import { normalizePrompt } from '../../src/services/automation/text.js';
import { draft, kindsOf, SITE, typesOf } from './support.js';

/** Each prompt drafts with the given trigger type. */
async function expectTriggers(cases: Array<[prompt: string, trigger: string]>): Promise<void> {
  for (const [prompt, trigger] of cases) expect((await draft(prompt)).rule?.trigger?.type, prompt).toBe(trigger);
}

const userConditionOf = (result: Awaited<ReturnType<typeof draft>>) => result.rule?.components.find((c) => c.type === 'UserCondition')?.config;

/** Families of requests the offline generator must hold on (issue 14), each with phrasings not in any eval set. */
describe('offline generator: failure families', () => {
  it('a named person, an email or a group member as the subject of the event is a user condition', async () => {
    const byName = await draft('When Zoë Müller edits a page, add the label checked');
    expect(byName.rule?.trigger?.type).toBe('PageEditedTrigger');
    expect(userConditionOf(byName)).toEqual({ users: [{ displayName: 'Zoë Müller' }] });
    const byEmail = await draft('whenever sam.lee@example.org publishes a page, archive it');
    expect(userConditionOf(byEmail)).toEqual({ users: [{ email: 'sam.lee@example.org' }] });
    const anyone = await draft('When a teammate publishes a page, add the label fresh');
    expect(typesOf(anyone)).toEqual(['AddLabelAction']);
  });

  it('modal and need forms are actions, and their destination is no parent condition', async () => {
    const moved = await draft('Blog posts published here must be filed under Decisions', { spaceKey: 'ENG' });
    expect(typesOf(moved)).toEqual(['MovePageAction']);
    const copy = await draft('When a page is labelled keep, a copy ought to go under Policies');
    expect(typesOf(copy)).toEqual(['CopyPageAction']);
    const comment = await draft('Each time a page is edited it needs a comment about the changelog');
    expect(typesOf(comment)).toEqual(['AddCommentAction']);
    const putCopy = await draft('when a page is labelled legal put a copy under Policies');
    expect(typesOf(putCopy)).toEqual(['CopyPageAction']);
  });

  it('names keep "&" and capitalised "and" (longest span), and an email stays one token', async () => {
    const amp = await draft('When a page gets the label q, move it under Plans & Budgets');
    expect(amp.rule?.components[0].config).toMatchObject({ pageDestination: { parentPage: { pageTitle: 'Plans & Budgets' } } });
    const space = await draft('When a page is labelled x, copy it to the Research & Design space');
    expect(JSON.stringify(space.rule)).toContain('"spaceName":"Research & Design"');
    const email = await draft('When a page is labelled deal, email kim.ode@example.com');
    expect(email.rule?.components[0].config).toMatchObject({ to: [{ email: 'kim.ode@example.com' }] });
  });

  it('hyphenated words are not cut: "overdue-review" is a label, "customer-success" a group', async () => {
    const label = await draft('When a page is labelled overdue-review, add the label seen');
    expect(label.rule?.trigger?.config).toEqual({ labels: ['overdue-review'] });
    const group = await draft('When a page is labelled urgent, email the customer-success group');
    expect(group.manualConfig).toEqual([]);
    expect(group.rule?.components[0].config).toMatchObject({ to: [{ groupName: 'customer-success' }] });
  });

  it('editing page text is reported as unsupported, naming it', async () => {
    const result = await draft('when a page is published correct the typos in it');
    expect(kindsOf(result)).toContain('unsupported');
    expect(result.problems.map((p) => p.message).join(' ')).toMatch(/typos/);
  });

  it('spoken times, city time zones and dated titles', () => {
    expect(parseTime('every friday at half past four in the afternoon')).toBe('16:30');
    expect(parseTime('each day at quarter to nine')).toBe('08:45');
    expect(parseTime('mondays at seven')).toBe('07:00');
    expect(parseSchedule('each morning at 7 (lisbon time)', 'Each morning at 7 (Lisbon time)')?.schedule).toMatchObject({ frequency: 'DAILY', time: '07:00', timeZone: 'Europe/Lisbon' });
  });

  it('"with today\'s date in the title" dates the created page', async () => {
    const result = await draft("Every Tuesday, publish a page called 'Standup' with today's date in the title", { spaceKey: 'ENG' });
    expect(String((result.rule?.components[0].config as { title?: string }).title)).toContain('{{now');
  });
});

describe('offline generator: labels named before their noun', () => {
  it('is a label filter, and the event behind the relative clause is still found', async () => {
    const one = await draft('When a page that has the reviewed label is edited, move it under Policies');
    expect(one.rule?.trigger?.type).toBe('PageEditedTrigger');
    expect(typesOf(one)).toEqual(['CqlCondition', 'MovePageAction']);
    expect(JSON.stringify(one.rule)).toContain('reviewed');
    const two = await draft('When a page is updated and it has both the draft and legal labels, archive it');
    expect(typesOf(two)).toEqual(['CqlCondition', 'ArchivePageAction']);
    expect(JSON.stringify(two.rule?.components[0].config)).toMatch(/draft.*legal/);
  });
});

describe('partial intent', () => {
  it('drafts what the catalog can express and names the step it left out', async () => {
    const ai = await draft('When a page is commented on, email the owner and summarise the discussion with AI');
    expect(ai.usable).toBe(true);
    expect(ai.errorKind).toBeNull();
    expect(typesOf(ai)).toEqual(['SendEmailAction']);
    expect(ai.problems.find((p) => p.kind === 'not_included')?.message).toMatch(/summar/i);
    const sms = await draft('When a page is labelled outage, send an SMS to the on-call engineer and post to the #ops slack channel');
    expect(typesOf(sms)).toEqual(['SendSlackMessageAction']);
    expect(sms.problems.find((p) => p.kind === 'not_included')?.message).toMatch(/SMS/);
  });

  it('alone, or as the target of the rest, the step keeps the request unsupported', async () => {
    const alone = await draft('When a page is published, export it to PDF');
    expect(alone.usable).toBe(false);
    expect(alone.errorKind).toBe('unsupported');
    const folder = await draft('Move pages into the Reports folder when they are published');
    expect(folder.errorKind).toBe('unsupported');
  });
});

describe('slot values the request states', () => {
  it('"include the comment" puts the comment in the email', async () => {
    const result = await draft('When someone comments on a page, email the owner and include the comment');
    expect(String((result.rule?.components[0].config as { body?: string }).body)).toContain('{{comment.body}}');
    const plain = await draft('When someone comments on a page, email the owner');
    expect(String((plain.rule?.components[0].config as { body?: string }).body)).not.toContain('{{comment.body}}');
  });

  it('an imperative whose object holds the trigger: the object may be a long noun phrase', async () => {
    const r = await draft('move newly created pages whose title contains retro beneath Meeting notes', { spaceKey: 'ENG' });
    expect(r.rule?.trigger?.type).toBe('PagePublishedTrigger');
    expect(typesOf(r).sort()).toEqual(['CompareCondition', 'MovePageAction']);
    expect(JSON.stringify(r.rule)).not.toContain('page.parent.title');
  });

  it('the event word as the subject, and a status event without "as"', async () => {
    const copied = await draft('As soon as a duplicate is created, add the label check-copy');
    expect(copied.rule?.trigger?.type).toBe('PageCopiedTrigger');
    const status = await draft('When a page is set Approved, email its author');
    expect(status.rule?.trigger?.type).toBe('PageStatusChangedTrigger');
    expect(typesOf(status)).toEqual(['SendEmailAction']);
  });

  it('steps named inside a message are its content, and a message to the log is the log', async () => {
    const comment = await draft('When a page is published, leave a comment asking the author to add labels and archive drafts');
    expect(typesOf(comment)).toEqual(['AddCommentAction']);
    const log = await draft('Every day at noon, record a status message in the audit log');
    expect(typesOf(log)).toEqual(['LogAction']);
  });

  it('a group in the subject is no page, and a capitalised name word is no verb', async () => {
    const group = await draft('When someone in the legal group edits a page, add the label legal-edit');
    expect(typesOf(group).sort()).toEqual(['AddLabelAction', 'UserCondition']);
    const named = await draft('When a page is labelled old, move it to the Archive space');
    expect(kindsOf(named)).not.toContain('unsupported');
  });

  it('slots the request states: "due within the next N days", "Sunday nights at 11pm"', async () => {
    const tasks = await draft('every morning at 8 remind assignees of open tasks due within the next 5 days');
    expect(JSON.stringify(tasks.rule)).toContain('"dueWithinDays":5');
    expect(parseSchedule('friday evenings at 6pm, post a summary', 'Friday evenings at 6pm, post a summary')?.schedule).toEqual({ frequency: 'WEEKLY', daysOfWeek: ['FRI'], time: '18:00' });
  });

  it('a capitalised space name without the word "space" is the longest run, "and"/"&" included', async () => {
    const site = { ...SITE, spaces: [...SITE.spaces, { key: 'RD', name: 'Research and Development' }] };
    const r = await draft('Every Tuesday, archive pages in Research and Development not edited for 90 days', { resolver: createStaticResolver(site) });
    expect(r.rule?.components[0].config).toMatchObject({ criteria: { spaces: [{ spaceName: 'Research and Development' }], lastUpdatedMoreThanDaysAgo: 90 } });
    expect(r.resolved.map((x) => x.id)).toContain('RD');
    const slack = await draft('When a page is published, post in Slack to #docs');
    expect(JSON.stringify(slack.rule)).not.toContain('spaceName');
  });

  it('slot values the request states: the copy named after the page title, a status without "as"', async () => {
    const copy = await draft('When a page is labelled keep, copy it to the Archive space and call it after the original title with the current date');
    expect(copy.rule?.components[0].config).toMatchObject({ title: '{{page.title}} {{now.format("yyyy-MM-dd")}}' });
    const status = await draft('When a page is marked In progress, add the label wip');
    expect(status.rule?.trigger?.config).toEqual({ toStatus: 'In progress' });
  });

  it('the verb looks at its object: "put it to <status>" sets a status; "the new parent page" is no new page', async () => {
    const status = await draft('When a page is edited, put it to In review');
    expect(typesOf(status)).toEqual(['ChangePageStatusAction']);
    const parent = await draft('When a page is moved, email the author with the new parent page\'s title');
    expect(parent.rule?.trigger?.type).toBe('PageMovedTrigger');
  });

  it('no invented filters: a participle after "title is"; a label relative clause before a coordinated event', async () => {
    const participle = await draft('When any page is edited whose title is changed, add the label retitled');
    expect(typesOf(participle)).toEqual(['AddLabelAction']);
    const coordinated = await draft('When a page has the hot label and is updated, email Jane Doe');
    expect(coordinated.rule?.trigger?.type).toBe('PageEditedTrigger');
  });

  it('intent a message cannot carry is a problem the reviewer sees, never dropped', async () => {
    const r = await draft('Every Wednesday, email the space owner a summary of pages not edited in 60 days');
    expect(r.usable).toBe(true);
    expect(r.problems).toContainEqual(expect.objectContaining({ kind: 'not_included', message: expect.stringContaining('a summary of pages not edited in 60 days') }));
  });

  it('open subjects and objects: any noun phrase comments, whatever someone publishes is a page', async () => {
    const manager = await draft('Whenever our team lead comments on a page, email me');
    expect(manager.rule?.trigger?.type).toBe('PageCommentedTrigger');
    const runbook = await draft('When somebody publishes a playbook, add the label playbook');
    expect(runbook.rule?.trigger?.type).toBe('PagePublishedTrigger');
    const newcomer = await draft('When a new starter edits a page, add a comment');
    expect(newcomer.rule?.trigger?.type).toBe('PageEditedTrigger');
  });

  it('duties are actions: "should be notified", "has to be labelled x", "Created pages must …"', async () => {
    const notify = await draft('Whenever a page is edited, its author should be alerted');
    expect(typesOf(notify)).toEqual(['SendEmailAction']);
    const label = await draft('When a page is moved, it needs to be tagged relocated');
    expect(label.rule?.components[0]).toMatchObject({ type: 'AddLabelAction', config: { labels: ['relocated'] } });
    const subject = await draft('Created pages must be labelled fresh-page');
    expect(subject.rule?.trigger?.type).toBe('PagePublishedTrigger');
  });

  it('stated slots are filled: an unquoted email subject; "not viewed" is reported, not silently read as "not updated"', async () => {
    const subject = await draft('When a page is archived, email the author with the subject Page retired');
    expect(subject.rule?.components[0].config).toMatchObject({ subject: 'Page retired' });
    const views = await draft('Every Sunday at 4, archive pages that have not been looked at in 2 years');
    expect(views.problems).toContainEqual(expect.objectContaining({ kind: 'not_included', message: expect.stringContaining('not by views') }));
  });

  it('coordination: one subject with two event verbs is two triggers; "send <someone> a <message>" is a message', async () => {
    const two = await draft('When anyone moves or copies a page, add the label relocated');
    expect(two.errorKind).toBe('multiple_triggers');
    expect(two.problems[0].message).toMatch(/"Page moved"/);
    const digest = await draft('Send the editors a monthly summary of new pages');
    expect(digest.rule?.trigger?.type).toBe('ScheduledTrigger');
    expect(typesOf(digest)).toEqual(['SendEmailAction']);
    expect(kindsOf(digest)).toContain('not_included');
  });

  it('no invented title filters: "a button called X" names the button; a compared value stops at a verb of being', async () => {
    const button = await draft("Add a button named 'Send to legal' that emails the legal group");
    expect(typesOf(button)).toEqual(['SendEmailAction']);
    const called = await draft('When a page called Budget is updated, add the label budget-changed');
    expect(called.rule?.components[0]).toMatchObject({ type: 'CompareCondition', config: { valueToCompareAgainst: 'Budget' } });
  });
});


describe('offline generator: keyboard slips in the words it keys on', () => {
  it('a dropped or swapped letter in an event or step word is repaired, real words and slot values are not', async () => {
    expect(normalizePrompt('Whenever a page is eidted, email the ownr')).toBe('Whenever a page is edited, email the owner');
    expect(normalizePrompt('move it and mail me, on-call has been paged')).toBe('move it and mail me, on-call has been paged');
    // Names one letter from a keyword stay names.
    expect(normalizePrompt('when Emil Paes publishes a page, email him')).toBe('when Emil Paes publishes a page, email him');
    expect(normalizePrompt("when a page is publishd, add the label 'statsu' and comment \"coments welcome\"")).toBe("when a page is published, add the label 'statsu' and comment \"coments welcome\"");
    const slipped = await draft('once someone coments on a page, set its satus to Verified and add the label revew-me');
    expect(slipped.rule?.trigger?.type).toBe('PageCommentedTrigger');
    expect(typesOf(slipped)).toEqual(['ChangePageStatusAction', 'AddLabelAction']);
    expect(JSON.stringify(slipped.rule)).toContain('revew-me');
  });
});

describe('offline generator: the event as a relative clause on the subject or object', () => {
  it('"pages that get x … must …" and "… any page that gets y" are events, and a topical label is the one removed', async () => {
    const duty = await draft('Docs that get tagged hr-only must be filed under Policies');
    expect(duty.rule?.trigger).toMatchObject({ type: 'LabelAddedTrigger', config: { labels: ['hr-only'] } });
    expect(typesOf(duty)).toEqual(['MovePageAction']);
    const topic = await draft('The wip tag: take it off every page that gets moved.');
    expect(topic.rule?.trigger?.type).toBe('PageMovedTrigger');
    expect(topic.rule?.components).toEqual([{ type: 'RemoveLabelAction', config: { labels: ['wip'] } }]);
  });

  it('someone changing the status is the status event, and "the x label has to come off" removes x', async () => {
    const result = await draft('As soon as an editor switches the status to Ready, the wip label has to come off');
    expect(result.rule?.trigger?.type).toBe('PageStatusChangedTrigger');
    expect(result.rule?.components).toEqual([{ type: 'RemoveLabelAction', config: { labels: ['wip'] } }]);
    const tagWith = await draft('When someone comments, tag the page with waiting-on-us');
    expect(tagWith.rule?.components).toEqual([{ type: 'AddLabelAction', config: { labels: ['waiting-on-us'] } }]);
  });
});

describe('offline generator: duties stated without an imperative', () => {
  it('placement in the present, "needs the label", "status should be", and "the top level of a space"', async () => {
    const goes = await draft('any new pages in this space belong under Decisions thanks', { spaceKey: 'ENG' });
    expect(goes.rule?.trigger?.type).toBe('PagePublishedTrigger');
    expect(goes.rule?.components[0].config).toEqual({ pageDestination: { parentPage: { pageTitle: 'Decisions' } } });
    const needs = await draft('When a page is archived it needs the label retired-2026');
    expect(needs.rule?.components).toEqual([{ type: 'AddLabelAction', config: { labels: ['retired-2026'] } }]);
    const status = await draft('When a blog post is published, its status must become Under review');
    expect(status.rule?.components).toEqual([{ type: 'ChangePageStatusAction', config: { status: 'Under review' } }]);
    const root = await draft('When a page is labelled handover it should be moved to the top level of the Human Resources space');
    expect(root.rule?.components[0].config).toMatchObject({ pageDestination: { space: { spaceName: 'Human Resources' } } });
  });
});

describe('offline generator: people as the subject, whatever their name starts with', () => {
  it('a surname that starts like a stop word ("Ortega", "Hasan", "Isaksen") is still a name', async () => {
    for (const name of ['Lia Ortega', 'Omar Hasan', 'Rosa Isaksen', 'Ben Hadley']) {
      const result = await draft(`When ${name} edits a page, add the label seen`);
      expect(result.rule?.trigger?.type).toBe('PageEditedTrigger');
      expect(userConditionOf(result)).toEqual({ users: [{ displayName: name }] });
    }
  });

  it('"whatever X writes" and "every page X edits" name the event and its subject; a page set under a schedule does not', async () => {
    const whatever = await draft('Whatever Ivo Orlov writes should be tagged ivo');
    expect(whatever.rule?.trigger?.type).toBe('PagePublishedTrigger');
    expect(typesOf(whatever)).toEqual(['UserCondition', 'AddLabelAction']);
    const every = await draft('Every page Jane Doe edits must be moved under Policies');
    expect(every.rule?.trigger?.type).toBe('PageEditedTrigger');
    const scheduled = await draft('Every Monday, archive pages in the ENG space updated more than 90 days ago');
    expect(scheduled.rule?.trigger?.type).toBe('ScheduledTrigger');
  });
});

describe('offline generator: more spoken schedules and unquoted slot text', () => {
  it('"half seven", a date each year, and "every three hours"', () => {
    expect(parseTime('every friday at half seven')).toBe('07:30');
    expect(parseTime('wait half an hour')).toBeUndefined();
    expect(parseSchedule('each 15th of march at 10:00, email me')?.schedule).toEqual({ frequency: 'CRON', cron: '0 0 10 15 3 ? *' });
    expect(parseSchedule('every july 4th, post to slack')?.schedule).toMatchObject({ frequency: 'CRON', cron: '0 0 9 4 7 ? *' });
    expect(parseSchedule('every three hours, log it')?.schedule).toEqual({ frequency: 'HOURLY', every: 3 });
  });

  it('an unquoted log entry and a title that holds "in" are kept whole', async () => {
    const log = await draft('Every day at 6am, write still alive to the audit log');
    expect(log.rule?.components[0].config).toEqual({ message: 'still alive' });
    const titled = await draft('Every Monday, publish a page called Notes in brief in the ENG space', { spaceKey: 'ENG' });
    expect((titled.rule?.components[0].config as { title?: string }).title).toContain('Notes in brief');
    const inIt = await draft('When a space is created, publish a page called Welcome in it');
    expect((inIt.rule?.components[0].config as { title?: string }).title).toBe('Welcome');
  });
});

describe('offline generator: webhooks in and out', () => {
  it('calling a named API is excluded; an incoming webhook URL on a Slack step is no trigger; a system calling the rule is', async () => {
    const api = await draft('Each morning at 7, call our billing API to resync the ledgers');
    expect(kindsOf(api)).toContain('excluded_component');
    const slack = await draft('When a page is edited, post to Slack via our incoming webhook URL');
    expect(slack.rule?.trigger?.type).toBe('PageEditedTrigger');
    expect(typesOf(slack)).toEqual(['SendSlackMessageAction']);
    const incoming = await draft('Whenever the alerting service calls this rule, add a page under Decisions', { spaceKey: 'ENG' });
    expect(incoming.rule?.trigger?.type).toBe('IncomingWebhookTrigger');
  });
});

describe('offline generator: look-alikes of a second trigger, a filter or another step', () => {
  it('a spared click is no button, a terse "x label added" is the label event, and "delete them as soon as the label goes on" deletes', async () => {
    await expectTriggers([
      ['When a page is edited, email the owner the diff so nobody needs to click around to find it', 'PageEditedTrigger'],
      ['When someone comments, email the owner so they can read it without having to click through', 'PageCommentedTrigger'],
    ]);
    const terse = await draft('hotfix label added to a page -> add a comment that QA was told');
    expect(terse.rule?.trigger).toMatchObject({ type: 'LabelAddedTrigger', config: { labels: ['hotfix'] } });
    const remove = await draft('Pages tagged scrap: delete them once the tag is on');
    expect(remove.rule?.trigger?.config).toEqual({ labels: ['scrap'] });
    expect(typesOf(remove)).toEqual(['DeletePageAction']);
  });

  it('a label trigger takes the label named elsewhere without filtering on it; a Guard alert has no space to compare', async () => {
    const copy = await draft('Move any page labelled keep under Policies once the label is added');
    expect(copy.rule?.trigger?.config).toEqual({ labels: ['keep'] });
    expect(typesOf(copy)).toEqual(['MovePageAction']);
    const guard = await draft('Alerts from Atlassian Guard should be posted to Microsoft Teams');
    expect(guard.rule?.trigger?.type).toBe('GuardAlertTrigger');
    expect(typesOf(guard)).toEqual(['SendTeamsMessageAction']);
  });
});

describe('offline generator: message and button slots stated in words', () => {
  it('cc, a receiver named before "should get an email", the actual comment, a stated Teams title and the new parent', async () => {
    const cc = await draft('When a page is archived, email jane.doe@example.com with the title in the subject and cc Alex Kim');
    expect(cc.rule?.components[0].config).toMatchObject({ to: [{ email: 'jane.doe@example.com' }], cc: [{ displayName: 'Alex Kim' }] });
    expect(String((cc.rule?.components[0].config as { body: string }).body)).not.toMatch(/\bcc\b/);
    const before = await draft('When a page is copied, Jane Doe should get an email');
    expect(before.rule?.components[0].config).toMatchObject({ to: [{ displayName: 'Jane Doe' }] });
    const comment = await draft('When someone comments, email the owner and quote the exact comment in the email');
    expect(String((comment.rule?.components[0].config as { body: string }).body)).toContain('{{comment.body}}');
    const teams = await draft('When a page is moved, send a note to Microsoft Teams with the title Relocated, and include the parent page title');
    expect(teams.rule?.components[0].config).toMatchObject({ title: 'Relocated' });
    expect(String((teams.rule?.components[0].config as { message: string }).message)).toContain('{{page.parent.title}}');
  });

  it('a capitalised name before "button" is its label, and a dated page from a template is named after it', async () => {
    const result = await draft('Add a Log incident button. Clicking it should publish a page from the Incident template with the current date in the title', { spaceKey: 'ENG' });
    expect(result.rule?.trigger?.config).toEqual({ buttonLabel: 'Log incident' });
    expect(String((result.rule?.components[0].config as { title: string }).title)).toMatch(/^Incident \{\{now/);
  });
});

describe('offline generator: conditions stated as adjectives and names', () => {
  it('a hyphenated adjective on the page is a label filter, ordinary compounds are not; a hyphenated receiver is a group', async () => {
    const label = await draft('When an export-controlled page is edited, legal-review must be notified by email');
    expect(typesOf(label)).toEqual(['CqlCondition', 'SendEmailAction']);
    expect(JSON.stringify(label.rule?.components[0].config)).toContain('export-controlled');
    expect(label.rule?.components[1].config).toMatchObject({ to: [{ groupName: 'legal-review' }] });
    const plain = await draft('When a top-level page is edited, add the label seen');
    expect(typesOf(plain)).toEqual(['AddLabelAction']);
  });

  it('a capitalised step word after "parent is" is the parent\'s title', async () => {
    const result = await draft('When a page is moved and its new parent is Archive, email the owner');
    expect(result.rule?.components.find((c) => c.type === 'CompareCondition')?.config).toMatchObject({ valueToCompare: '{{page.parent.title}}', valueToCompareAgainst: 'Archive' });
  });
});

describe('offline generator: topical labels and names with inner capitals', () => {
  it('"the x tag: remove it from any page …" removes the label and never deletes the page', async () => {
    const result = await draft('The on-hold tag: remove it from any page that gets edited');
    expect(result.rule?.trigger?.type).toBe('PageEditedTrigger');
    expect(result.rule?.components).toEqual([{ type: 'RemoveLabelAction', config: { labels: ['on-hold'] } }]);
    expect(result.manualConfig).toEqual([]);
  });

  it("O'Neil, McAllister and Jean-Luc are names, as subject and as recipient", async () => {
    const result = await draft("When Sean McAllister edits a page, email Róisín O'Neil and Jean-Luc Roy");
    expect(userConditionOf(result)).toEqual({ users: [{ displayName: 'Sean McAllister' }] });
    expect(result.rule?.components.find((c) => c.type === 'SendEmailAction')?.config).toMatchObject({ to: [{ displayName: "Róisín O'Neil" }, { displayName: 'Jean-Luc Roy' }] });
  });
});

describe('offline generator: two events in one relative clause', () => {
  it('"anything that gets published or edited" and "everything X writes or moves" ask for two triggers', async () => {
    const passive = await draft('Anything that gets moved or copied should be labelled check-links');
    expect(kindsOf(passive)).toContain('multiple_triggers');
    const active = await draft('Every page Jane Doe creates or comments on must be tagged jd');
    expect(kindsOf(active)).toContain('multiple_triggers');
  });
});

describe('offline generator: more steps stated loosely', () => {
  it('PDF conversion is named as left out, a second duty after "and be" is a step, a bare "log x" is logged', async () => {
    const pdf = await draft('When a page is labelled handout, convert it to PDF and add the label printed');
    expect(typesOf(pdf)).toEqual(['AddLabelAction']);
    expect(pdf.problems.map((p) => p.message).join(' ')).toMatch(/pdf/i);
    const second = await draft('When a page is archived, it should get the label gone and be filed under Decisions');
    expect(typesOf(second)).toEqual(['AddLabelAction', 'MovePageAction']);
    expect(second.rule?.components[0].config).toEqual({ labels: ['gone'] });
    const log = await draft('Every Sunday at 9pm, log weekly sweep');
    expect(log.rule?.components[0].config).toEqual({ message: 'weekly sweep' });
  });

  it('CET is a time zone', () => {
    expect(parseSchedule('every day at 7:45 cet', 'Every day at 7:45 CET')?.schedule).toMatchObject({ time: '07:45', timeZone: 'CET' });
  });
});

describe('offline generator: a named person doing a label or comment act', () => {
  it('"X adds a comment", "X labels a page" and "X adds the label y" carry X as the user condition, and "labels" is no label', async () => {
    const cases: Array<[string, { type: string; config: Record<string, unknown> }, string]> = [
      ['Whenever Zara Al-Hassan adds a comment, notify the page author', { type: 'PageCommentedTrigger', config: {} }, 'Zara Al-Hassan'],
      ['When Ines Ortiz labels a page, email me', { type: 'LabelAddedTrigger', config: {} }, 'Ines Ortiz'],
      ['When Omar Hasan adds the label urgent, email me', { type: 'LabelAddedTrigger', config: { labels: ['urgent'] } }, 'Omar Hasan'],
    ];
    for (const [prompt, trigger, person] of cases) {
      const result = await draft(prompt);
      expect(result.rule?.trigger).toEqual(trigger);
      expect(userConditionOf(result)).toEqual({ users: [{ displayName: person }] });
    }
  });
});

describe('offline generator: label states after the event', () => {
  it('"if it is tagged x" after another event is a filter, and "it isn\'t labelled x" filters x out', async () => {
    const state = await draft('When a page is moved, if it is tagged keep add a comment, otherwise archive it');
    expect(state.rule?.trigger?.type).toBe('PageMovedTrigger');
    expect(JSON.stringify(state.rule)).toContain('label = \\"keep\\"');
    const negated = await draft('When a page is edited and it is not tagged locked, add the label touched');
    expect(JSON.stringify(negated.rule?.components[0].config)).toContain('label != \\"locked\\"');
  });
});

describe('offline generator: an unnamed thing as the subject of the event', () => {
  it('"something is published" and "anything is edited" are page events', async () => {
    await expectTriggers([
      ['Each time something is published here, add the label fresh', 'PagePublishedTrigger'],
      ['If anything gets edited, email me', 'PageEditedTrigger'],
    ]);
  });
});

describe('offline generator: more recurrences in words', () => {
  it('"every second Tuesday", "every three days" and "each month on the last Friday"', () => {
    expect(parseSchedule('every second tuesday at 4pm, email me')?.schedule).toEqual({ frequency: 'WEEKLY', every: 2, daysOfWeek: ['TUE'], time: '16:00' });
    expect(parseSchedule('every three days, email me')?.schedule).toEqual({ frequency: 'DAILY', every: 3 });
    expect(parseSchedule('each month on the last friday, email me')?.schedule).toMatchObject({ frequency: 'CRON' });
  });
});
