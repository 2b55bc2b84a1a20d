import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../../src/errors.js';
import { draftRule } from '../../src/services/automation/pipeline.js';
import { draft, resolver } from './support.js';

describe('draftRule', () => {
  it('validates the prompt length (1–2000)', async () => {
    await expect(draftRule({ prompt: '   ', resolver: resolver() })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(draftRule({ prompt: 'x'.repeat(2001), resolver: resolver() })).rejects.toThrow(/1–2000/);
  });

  it('uses the offline generator when none is given, and the agent path when a rule is', async () => {
    expect((await draft('When a page is published, add the label new')).generator).toBe('offline');
    expect((await draft('When a page is published, add the label new', { generator: 'offline' })).generator).toBe('offline');
    const agent = await draft('anything', { rule: { title: 't', trigger: { type: 'PagePublishedTrigger' }, components: [{ type: 'AddLabelAction', config: { labels: ['new'] } }] } });
    expect(agent.generator).toBe('agent');
  });

  it('returns the contract fields', async () => {
    const r = await draft('Every Monday at 9, email Jane Doe a reminder saying "Update the roadmap"', { spaceKey: 'ENG' });
    expect(Object.keys(r).sort()).toEqual(['errorKind', 'exportJson', 'generator', 'manualConfig', 'missingInputs', 'notes', 'preview', 'problems', 'resolved', 'rule', 'unresolved', 'usable'].sort());
    expect(r.rule).toEqual({
      title: 'Scheduled: send email',
      trigger: { type: 'ScheduledTrigger', config: { schedule: { frequency: 'WEEKLY', daysOfWeek: ['MON'], time: '09:00' } } },
      components: [{ type: 'SendEmailAction', config: { to: [{ displayName: 'Jane Doe' }], subject: 'Scheduled rule ran', body: 'Update the roadmap' } }],
    });
    expect(r.preview).toBe(['Rule: Scheduled: send email (draft, created disabled)', '1. Every Monday at 09:00', '2. Send an email to Jane Doe: "Scheduled rule ran"'].join('\n'));
  });

  it('marks unresolved fields, manual steps and missing inputs in the numbered preview', async () => {
    const r = await draft('When a page is published, restrict it, post to Slack and move it under the Roadmap page', { spaceKey: 'ENG' });
    const lines = r.preview.split('\n');
    expect(lines[1]).toBe('1. When a page is published');
    expect(lines.find((l) => l.includes('Restrict'))).toMatch(/^\d\. Restrict the page ⚠ needs manual configuration$/);
    expect(lines.find((l) => l.includes('Slack'))).toContain('(to fill in: webhookUrl)');
    expect(lines.find((l) => l.includes('Roadmap'))).toContain('(unresolved: No page titled "Roadmap" was found.)');
  });

  it('is deterministic', async () => {
    const a = await draft('Every weekday at 17:30, remind assignees of overdue tasks');
    const b = await draft('Every weekday at 17:30, remind assignees of overdue tasks');
    expect(a).toEqual(b);
  });
});
