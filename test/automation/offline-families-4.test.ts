import { describe, expect, it } from 'vitest';
import { draft, nodeOf, typesOf } from './support.js';

/** Families from the fourth blind dev set (issue 14), each in wording of its own. */
describe('offline generator: recipients, refusals and pages named like places', () => {
  it('a hyphenated lower-case name after a messaging verb is a group; "send X an email" addresses X', async () => {
    const group = await draft('When a page is labelled breach, notify legal-team and log it');
    expect(nodeOf(group, 'SendEmailAction')?.config.to).toEqual([{ groupName: 'legal-team' }]);
    const person = await draft('Every Friday at 16:00, send Jane Doe an email about the week');
    expect(nodeOf(person, 'SendEmailAction')?.config.to).toEqual([{ displayName: 'Jane Doe' }]);
    const member = await draft('When someone from legal-team edits a page, add the label legal-touched');
    expect(nodeOf(member, 'UserCondition')?.config).toEqual({ groups: [{ groupName: 'legal-team' }] });
  });

  it('a step the request rules out is not drafted, and a restated step is one step', async () => {
    const logOnly = await draft("When a page is moved, don't email anyone, just log it");
    expect(typesOf(logOnly)).toEqual(['LogAction']);
    const noChannels = await draft('When a page is deleted, log it. No emails or Teams, only the log.');
    expect(typesOf(noChannels)).toEqual(['LogAction']);
    const notSlack = await draft("When a page is published, email Jane Doe but don't post to Slack");
    expect(typesOf(notSlack)).toEqual(['SendEmailAction']);
  });

  it('"move it under Archive" moves under a page called Archive; "move it to the archive" archives', async () => {
    const page = await draft('When a page is labelled old, move it under Archive');
    expect(nodeOf(page, 'MovePageAction')?.config).toEqual({ pageDestination: { parentPage: { pageTitle: 'Archive' } } });
    const archive = await draft('When a page is labelled old, move it to the archive');
    expect(typesOf(archive)).toEqual(['ArchivePageAction']);
  });
});

describe('offline generator: events named inside the object, wishes and shorthand', () => {
  it('a participle or "new" before the noun names the event: "every copied page", "any new page whose title …"', async () => {
    const copied = await draft('please set the status of each copied page to Needs review');
    expect(copied.rule?.trigger?.type).toBe('PageCopiedTrigger');
    expect(nodeOf(copied, 'ChangePageStatusAction')?.config).toEqual({ status: 'Needs review' });
    expect(typesOf(copied)).toEqual(['ChangePageStatusAction']);
    const fresh = await draft('move every new page whose title begins with ADR under Decisions', { spaceKey: 'ENG' });
    expect(fresh.rule?.trigger?.type).toBe('PagePublishedTrigger');
    expect(typesOf(fresh).sort()).toEqual(['CompareCondition', 'MovePageAction']);
  });

  it('a wish or a duty to "get a comment" is the step, not a comment event', async () => {
    const wish = await draft("It'd be great if each new blog post got a comment asking for a summary", { spaceKey: 'ENG' });
    expect(wish.rule?.trigger?.type).toBe('BlogPublishedTrigger');
    expect(typesOf(wish)).toEqual(['AddCommentAction']);
    const duty = await draft('Every newly published page should get a comment reminding the author to add an owner');
    expect(duty.rule?.trigger?.type).toBe('PagePublishedTrigger');
    expect(typesOf(duty)).toEqual(['AddCommentAction']);
    const event = await draft('If a page recieves a comment, email Jane Doe');
    expect(event.rule?.trigger?.type).toBe('PageCommentedTrigger');
  });

  it('"w/" is "with"', async () => {
    const tagged = await draft('when a page is moved tag it w/ relocated');
    expect(nodeOf(tagged, 'AddLabelAction')?.config).toEqual({ labels: ['relocated'] });
  });
});

describe('offline generator: what steps carry and what cannot be drafted', () => {
  it('a comment or log entry "with" or "of" a named thing carries it as a smart value', async () => {
    const comment = await draft("When a page is moved, comment on it with the new parent page's title");
    expect(nodeOf(comment, 'AddCommentAction')?.config).toEqual({ comment: '{{page.parent.title}}' });
    const log = await draft('When a page gets a comment, log the comment');
    expect(String(nodeOf(log, 'LogAction')?.config.message)).toContain('{{comment.body}}');
  });

  it('a status named before the word "status" is the status', async () => {
    const status = await draft('When a page is published, put it in Needs review status');
    expect(nodeOf(status, 'ChangePageStatusAction')?.config).toEqual({ status: 'Needs review' });
  });

  it('a request verb sent to an endpoint is a web request, and a step using its reply drafts nothing', async () => {
    const reply = await draft('Every day at 8, send a POST to our billing endpoint and post the response in #ops on Slack');
    expect(reply.errorKind).toBe('excluded_component');
    expect(reply.rule).toBeNull();
    const rest = await draft('When a page is published, send a PUT to our search index and add the label indexed');
    expect(rest.errorKind).toBe('excluded_component');
    expect(typesOf(rest)).toEqual(['AddLabelAction']);
  });

  it('faxing is paper, like printing: the rest drafts and the reviewer is told', async () => {
    const fax = await draft('When a page gets the label contract, add the label filed and fax it to the notary');
    expect(typesOf(fax)).toEqual(['AddLabelAction']);
    expect(fax.problems.map((p) => p.message).join(' ')).toMatch(/fax/i);
  });

  it("a button's steps in third person continue after 'and'", async () => {
    const button = await draft('Add a smart button called Done: pressing it archives the page and adds the label finished');
    expect(typesOf(button).sort()).toEqual(['AddLabelAction', 'ArchivePageAction']);
  });
});

describe('offline generator: blog wording, polite questions, copies, coordinated verbs and half-yearly dates', () => {
  it('"publishes a new blog post" is the blog event only', async () => {
    const blog = await draft('post in #team-news on Slack whenever someone publishes a new blog post', { spaceKey: 'ENG' });
    expect(blog.rule?.trigger?.type).toBe('BlogPublishedTrigger');
  });

  it('"Could we publish … every month?" is an instruction under a schedule, not a publish event', async () => {
    const monthly = await draft('Could we publish a blog post titled "Monthly notes" on the 3rd of every month at 9:00?', { spaceKey: 'ENG' });
    expect(monthly.rule?.trigger?.type).toBe('ScheduledTrigger');
    expect(typesOf(monthly)).toEqual(['PublishBlogPostAction']);
    const event = await draft('When we publish a page, email Jane Doe');
    expect(event.rule?.trigger?.type).toBe('PagePublishedTrigger');
  });

  it('"a copy of <any long noun phrase> should go under X" is a copy', async () => {
    const copy = await draft('A copy of each page that gets the label reference should end up under Policies');
    expect(typesOf(copy)).toEqual(['CopyPageAction']);
  });

  it('"X publishes a blog post or edits one" names two events', async () => {
    const two = await draft('Whenever Jane Doe publishes a blog post or edits one, add the label jane-post');
    expect(two.errorKind).toBe('multiple_triggers');
  });

  it('twice a year on two dates with one day is one cron; without dates every six months', async () => {
    const dates = await draft('Twice a year, on 15 March and 15 September at 08:00, email Jane Doe');
    expect(dates.rule?.trigger?.config).toEqual({ schedule: { frequency: 'CRON', cron: '0 0 8 15 3,9 ? *' } });
    const plain = await draft('twice a year, email Jane Doe');
    expect(plain.rule?.trigger?.config).toEqual({ schedule: { frequency: 'CRON', cron: '0 0 9 1 1/6 ? *' } });
  });
});

describe('offline generator: wished-for steps', () => {
  it('"I\'d like a comment on it" and "I\'d like a page published in …" are the steps', async () => {
    const comment = await draft('Whenever a page is archived, I\'d like a comment on it saying "Archived on purpose"');
    expect(typesOf(comment)).toEqual(['AddCommentAction']);
    expect(nodeOf(comment, 'AddCommentAction')?.config).toEqual({ comment: 'Archived on purpose' });
    const page = await draft('We\'d like a "Welcome" page created in every new space as soon as the space is created');
    expect(page.rule?.trigger?.type).toBe('SpaceCreatedTrigger');
    expect(typesOf(page)).toEqual(['PublishPageAction']);
  });
});

describe("offline generator: the rule's own webhook", () => {
  it('"<a system> will call this rule\'s webhook" is the incoming-webhook trigger, not an outgoing request', async () => {
    const incoming = await draft("Our CI pipeline calls this rule's webhook after each deploy. When it does, add a comment \"Deployed\" to the Release notes page", { spaceKey: 'ENG' });
    expect(incoming.rule?.trigger?.type).toBe('IncomingWebhookTrigger');
    expect(incoming.errorKind).toBeNull();
    const outgoing = await draft('When a page is published, call our deploy webhook');
    expect(outgoing.errorKind).toBe('excluded_component');
  });
});

describe('offline generator: two people as one subject', () => {
  it('"If Jane Doe or Alex Kim edit a page" is one event with both as the user condition', async () => {
    const pair = await draft('If Jane Doe or Alex Kim edit a page, add the label team-edit');
    expect(pair.rule?.trigger?.type).toBe('PageEditedTrigger');
    expect(nodeOf(pair, 'UserCondition')?.config).toEqual({ users: [{ displayName: 'Jane Doe' }, { displayName: 'Alex Kim' }] });
    expect(nodeOf(pair, 'AddLabelAction')?.config).toEqual({ labels: ['team-edit'] });
  });
});

describe('offline generator: a variable and its use', () => {
  it('"keep its title in a variable called x, then log {{x}}" makes the variable from the title and logs it', async () => {
    const v = await draft('When a page is moved, keep its title in a variable called movedTitle and then log {{movedTitle}}');
    expect(typesOf(v)).toEqual(['CreateVariableAction', 'LogAction']);
    expect(nodeOf(v, 'CreateVariableAction')?.config).toEqual({ name: 'movedTitle', value: '{{page.title}}' });
    expect(nodeOf(v, 'LogAction')?.config).toEqual({ message: '{{movedTitle}}' });
  });
});

