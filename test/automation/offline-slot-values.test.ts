import { describe, expect, it } from 'vitest';
import { configOf, draft } from './support.js';

/** Slot values the request states (issue 14, third blind dev set), each in wording of its own. */
describe('offline generator: stated slot values', () => {
  it('finds the person an email goes to wherever the request names them', async () => {
    const first = await draft('Email Jane Doe whenever a page is labelled contract-review.');
    expect(configOf(first, 'SendEmailAction')?.to).toEqual([{ displayName: 'Jane Doe' }]);
    const letKnow = await draft('When a page is published, move it under Policies and let Jane Doe know by email.');
    expect(configOf(letKnow, 'SendEmailAction')?.to).toEqual([{ displayName: 'Jane Doe' }]);
    const inform = await draft('When a page is archived, inform Jane Doe by email');
    expect(configOf(inform, 'SendEmailAction')?.to).toEqual([{ displayName: 'Jane Doe' }]);
  });

  it('"labelled either x or y" lists both labels, not the word "either"', async () => {
    const either = await draft('When a page is labelled either blocked or on-hold, email Jane Doe');
    expect(configOf(either, 'LabelAddedTrigger')?.labels).toEqual(['blocked', 'on-hold']);
  });

  it('"@mentions" is the verb, not a user called "mentions"', async () => {
    const mention = await draft('Whenever somebody @mentions Jane Doe, add the label for-jane');
    expect(configOf(mention, 'UserMentionedTrigger')?.users).toEqual([{ displayName: 'Jane Doe' }]);
  });

  it('a capitalised page name holding "Customer" or "Partner" does not make an email go off-site', async () => {
    const internal = await draft('When a page is published, move it under Customer Notes and email the legal group');
    expect(configOf(internal, 'SendEmailAction')?.to).toEqual([{ groupName: 'legal' }]);
    expect(internal.manualConfig.map((m) => m.type)).not.toContain('SendEmailAction');
    const outside = await draft('When a page is published, email it to our customers');
    expect(outside.manualConfig.map((m) => m.type)).toContain('SendEmailAction');
  });

  it('a Teams title stated with "titled" is the title, and not the message as well', async () => {
    const teams = await draft("When a page is published, post a Teams message titled 'Fresh docs'");
    expect(configOf(teams, 'SendTeamsMessageAction')).toMatchObject({ title: 'Fresh docs' });
    expect(configOf(teams, 'SendTeamsMessageAction')?.message).not.toBe('Fresh docs');
  });

  it('"call the copy \'X\' followed by the page title" prefixes the page title', async () => {
    const prefixed = await draft("When a page gets the label reuse, copy it under Policies and name the copy 'Reuse - ' followed by the page title");
    expect(configOf(prefixed, 'CopyPageAction')).toMatchObject({ title: 'Reuse - {{page.title}}', destination: { parentPage: { pageTitle: 'Policies' } } });
    const plain = await draft("When a page gets the label reuse, copy it under Policies titled 'Reuse kit'");
    expect(configOf(plain, 'CopyPageAction')).toMatchObject({ title: 'Reuse kit', destination: { parentPage: { pageTitle: 'Policies' } } });
  });

  it('a message that posts or forwards the comment carries the comment', async () => {
    const slack = await draft('When someone comments on a page, forward the comment to #docs-feedback in Slack');
    expect(String(configOf(slack, 'SendSlackMessageAction')?.message)).toContain('{{comment.body}}');
  });

  it('a copy step that names a page copies that page (its source), wherever it goes', async () => {
    const seeded = await draft('When a space is created, clone Meeting notes into it');
    expect(configOf(seeded, 'CopyPageAction')).toMatchObject({ sourcePage: { pageTitle: 'Meeting notes' } });
    expect(seeded.rule?.components.map((c) => c.type)).toEqual(['CopyPageAction']);
    const self = await draft('When a page is labelled keep, copy it under Policies');
    expect(configOf(self, 'CopyPageAction')).not.toHaveProperty('sourcePage');
  });

  it("a label step's labels are the ones after its verb, not the branch's filter before it", async () => {
    const swept = await draft('Every Monday at 7, look at every page labelled draft created over 60 days ago and add the label draft-overdue to it');
    expect(configOf(swept, 'ForEachPageBranch')).toMatchObject({ criteria: { labels: ['draft'] } });
    expect(configOf(swept, 'AddLabelAction')).toEqual({ labels: ['draft-overdue'] });
    const before = await draft('The reviewed label: take it off any page that gets edited');
    expect(configOf(before, 'RemoveLabelAction')).toEqual({ labels: ['reviewed'] });
  });

  it('"write a <word> message to the log" logs that word', async () => {
    const log = await draft('Every day at 6am, write a canary entry to the audit log');
    expect(configOf(log, 'LogAction')).toEqual({ message: 'canary' });
  });
});
