import { CreateMessageRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { afterEach, describe, expect, it } from 'vitest';
import { FIXTURE_SITE, tempDir, writeFixture } from '../support/fixture-site.js';
import { type Harness, startHarness } from '../support/harness.js';

/** The shipped demo site has deliberate cases (conflict, stale, restricted, injection); today is fixed. */
const NOW = new Date('2026-11-22T00:00:00Z');
let harness: Harness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

type Answer = {
  status: string;
  answer: string | null;
  citations: { n: number; pageId: string; stale: boolean; passage: string }[];
  nearestPages: { pageId: string; title: string; url: string }[];
  conflicts: { subject: string; statements: { pageId: string; text: string }[] }[];
  warnings: string[];
  followUp: { tool: string; arguments: { pageIds: string[]; question: string; summary: string }; likelyOwner: string | null } | null;
  generator: string;
};

async function demo(options: { as?: string; sampling?: (prompt: string) => string } = {}) {
  harness = await startHarness({
    site: 'demo-site',
    policyFile: 'policies/default.json',
    dataDir: tempDir('answers'),
    as: options.as,
    now: () => NOW,
    clientCapabilities: options.sampling ? { sampling: {} } : {},
  });
  if (options.sampling) {
    const reply = options.sampling;
    harness.client.setRequestHandler(CreateMessageRequestSchema, async (request) => {
      const text = (request.params.messages[0].content as { text: string }).text;
      return { role: 'assistant', model: 'scripted', content: { type: 'text', text: reply(text) } };
    });
  }
  return harness;
}

async function ask(h: Harness, question: string, extra: Record<string, unknown> = {}): Promise<Answer> {
  const result = await h.call('answer_with_sources', { question, ...extra });
  expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
  return result.structuredContent as Answer;
}

function citedMarkers(answer: string): number[] {
  return [...answer.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1]));
}

describe('answer_with_sources', () => {
  it('answers from the page that says it, with markers that point at citations', async () => {
    const h = await demo();
    const result = await ask(h, 'How many days of annual leave do full-time employees get?');
    expect(result.status).toBe('answered');
    expect(result.answer).toContain('27 days');
    expect(result.citations.map((c) => c.pageId)).toContain('102002');
    for (const n of citedMarkers(result.answer!)) expect(result.citations.some((c) => c.n === n)).toBe(true);
    expect(result.followUp).toBeNull();
    expect(JSON.stringify(result).length).toBeLessThan(7000); // passages, not pages: ~1,200 tokens
  });

  it('reports sources that disagree, quoting both, with a follow-up for their owners', async () => {
    const h = await demo();
    const result = await ask(h, 'How long do contractors keep VPN access?');
    expect(result.status).toBe('conflicting_sources');
    const conflict = result.conflicts[0];
    expect(conflict.statements.map((s) => s.pageId).sort()).toEqual(['101008', '104005']);
    expect(conflict.statements.map((s) => s.text).join(' ')).toMatch(/30 days[\s\S]*90 days|90 days[\s\S]*30 days/);
    expect(result.answer).toMatch(/disagree/);
    expect(result.followUp?.arguments.pageIds).toEqual(expect.arrayContaining(['101008', '104005']));
  });

  it.each([
    'How long can an external freelancer stay connected to the VPN?',
    'When does external staff network access lapse?',
    'When must a hiring manager renew an external\'s VPN?',
    'how many days of VPN do externals get',
    'vpn duration external',
    "when does a contractor's remote access expire?",
    'contractor VPN validity period',
    'For how many days is VPN access granted to external contractors?',
  ])('reports the 30-vs-90-day contractor VPN conflict however it is asked: %j', async (question) => {
    const h = await demo();
    const result = await ask(h, question);
    expect(result.status).toBe('conflicting_sources');
    const vpn = result.conflicts.find((c) => c.statements.some((s) => s.pageId === '101008') && c.statements.some((s) => s.pageId === '104005'));
    expect(vpn?.statements.map((s) => s.text).join(' ')).toMatch(/30 days[\s\S]*90 days|90 days[\s\S]*30 days/);
    // Both sides are cited, so the reader can open them.
    expect(result.citations.map((c) => c.pageId)).toEqual(expect.arrayContaining(['101008', '104005']));
    for (const n of citedMarkers(result.answer!)) expect(result.citations.some((c) => c.n === n)).toBe(true);
    expect(result.followUp?.arguments.summary).toMatch(/^Conflicting documentation/);
  });

  it('flags stale sources and suggests a review', async () => {
    const h = await demo();
    const result = await ask(h, 'How do I set up the office printer on my Mac?');
    const stale = result.citations.filter((c) => c.stale);
    expect(stale.map((c) => c.pageId)).toContain('101012');
    expect(result.warnings.join(' ')).toMatch(/last updated 2023-05-10/);
    expect(result.followUp?.arguments.pageIds).toContain('101012');
  });

  it('refuses without a word about restricted content when only a restricted page answers', async () => {
    const h = await demo();
    const result = await ask(h, 'What is the salary range for band L4?');
    expect(['insufficient_evidence', 'no_permitted_content']).toContain(result.status);
    expect(result.answer).toBeNull();
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/92,000|118,000|Salary bands|102016|102017/);
  });

  it('shows the same restricted answer to a member of the group', async () => {
    const h = await demo({ as: 'Hana Sato' });
    const result = await ask(h, 'What is the salary range for band L4?');
    expect(result.status).toBe('answered');
    expect(result.citations.map((c) => c.pageId)).toContain('102016');
    expect(result.answer).toMatch(/92,000/);
  });

  it('does not guess when nothing readable answers', async () => {
    const h = await demo();
    const result = await ask(h, 'Which gym memberships does the company subsidise?');
    expect(result.status).toBe('insufficient_evidence');
    expect(result.answer).toBeNull();
    expect(result.followUp?.tool).toBe('draft_jira');
    expect(result.followUp?.arguments.question).toBe('Which gym memberships does the company subsidise?');
  });

  it('names the closest readable pages when the evidence falls short, so the agent can read them itself', async () => {
    const h = await demo();
    const refused = await ask(h, 'Can I bring my dog to the office?');
    expect(refused.status).toBe('insufficient_evidence');
    expect(refused.nearestPages.length).toBeGreaterThan(0);
    expect(refused.nearestPages.length).toBeLessThanOrEqual(3);
    expect(new Set(refused.nearestPages.map((p) => p.pageId)).size).toBe(refused.nearestPages.length);
    for (const page of refused.nearestPages) {
      expect(page.title).not.toBe('');
      expect(page.url).toContain(page.pageId);
      const read = await h.call('get_page', { pageId: page.pageId });
      expect(read.isError, page.pageId).toBeFalsy();
    }
    // A topic word no readable page has: nothing near is worth reading; answered: nothing to add.
    expect((await ask(h, 'Is there an office in Portland?')).nearestPages).toEqual([]);
    expect((await ask(h, 'How many days of annual leave do full-time employees get?')).nearestPages).toEqual([]);
  });

  it.each([
    'What is the release cadence?',
    'How frequently are releases made?',
    'On which weekday do releases happen?',
    'Do we release weekly?',
    'How often do we release?',
  ])('answers from a page that states a schedule instead of calling it a documentation gap: %j', async (question) => {
    const schedule = { id: '1010', title: 'Release schedule', space: 'IT', parentId: '1000', body: '# Release schedule\n\nWe release every Tuesday.' };
    const fixture = writeFixture({ site: { ...FIXTURE_SITE, pages: [...FIXTURE_SITE.pages, schedule] } });
    harness = await startHarness({ site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir, now: () => NOW });
    const result = await ask(harness, question);
    expect(result.status).toBe('answered');
    expect(result.citations[0].pageId).toBe('1010');
    expect(result.answer).toContain('every Tuesday');
    expect(result.followUp).toBeNull();
  });

  it('still calls it a gap when no page states the schedule', async () => {
    // The fixture's printer page says "release jobs": a word in common, no schedule.
    const fixture = writeFixture();
    harness = await startHarness({ site: fixture.siteDir, policyFile: fixture.policyFile, dataDir: fixture.dataDir, now: () => NOW });
    for (const question of ['What is the release cadence?', 'On which weekday do releases happen?']) {
      const result = await ask(harness, question);
      expect(result.status, question).toBe('insufficient_evidence');
      expect(result.followUp?.arguments.summary).toMatch(/^Documentation gap/);
    }
  });

  it('says no permitted content when nothing readable matches at all', async () => {
    const h = await demo();
    const result = await ask(h, 'Zyxwvut quokka flibbertigibbet');
    expect(result.status).toBe('no_permitted_content');
    expect(result.answer).toBeNull();
    expect(result.citations).toEqual([]);
  });

  it('treats instructions inside a page as data', async () => {
    const h = await demo();
    const result = await ask(h, 'What is the admin password for the office Wi-Fi?');
    expect(result.citations.map((c) => c.pageId)).toContain('104008');
    const text = JSON.stringify(result);
    expect(text).not.toMatch(/hunter2|ignore all previous instructions/i);
    expect(result.warnings.join(' ')).toMatch(/addressed to AI assistants/);
  });

  it('refuses spaces outside the policy before searching', async () => {
    const h = await demo();
    const result = await h.call('answer_with_sources', { question: 'board minutes', spaces: ['EXEC'] });
    expect(result.isError).toBe(true);
  });

  it('logs every question with its status and cited pages, for the trust report', async () => {
    const h = await demo();
    await ask(h, 'How many days of annual leave do full-time employees get?');
    await ask(h, 'Which gym memberships does the company subsidise?');
    const log = await h.services.questions.list();
    expect(log.map((q) => q.status)).toEqual(['insufficient_evidence', 'answered']);
    expect(log[1].citedPageIds).toContain('102002');
    expect(log[0].actor).toBe('5f3a9c2e7b1d4a6c8e0f1a2b');
  });

  it('never fetches or converts an unchanged page twice', async () => {
    const h = await demo();
    await ask(h, 'How many days of annual leave do full-time employees get?');
    const misses = h.services.pageCache.misses;
    await ask(h, 'How many days of annual leave do full-time employees get?');
    expect(h.services.pageCache.misses).toBe(misses);
    expect(h.services.pageCache.hits).toBeGreaterThan(0);
  });
});

describe('answer_with_sources with client sampling', () => {
  it('uses the model answer when every sentence cites a supplied passage', async () => {
    const prompts: string[] = [];
    const h = await demo({
      sampling: (prompt) => {
        prompts.push(prompt);
        return 'Full-time employees in Germany and the Netherlands get 27 days of paid annual leave [1].';
      },
    });
    const result = await ask(h, 'How many days of annual leave do full-time employees get?');
    expect(result.generator).toBe('sampling');
    expect(result.answer).toBe('Full-time employees in Germany and the Netherlands get 27 days of paid annual leave [1].');
    expect(prompts[0]).toMatch(/^Question: How many days/);
    expect(prompts[0]).toMatch(/\[1\] \(Annual leave/);
  });

  it('drops sentences citing passages that do not exist or claims the passages do not support', async () => {
    const h = await demo({
      sampling: () =>
        'Full-time employees get 27 days of paid annual leave [1]. Everyone also gets a free pony [2]. Leave is unlimited for managers [99].',
    });
    const result = await ask(h, 'How many days of annual leave do full-time employees get?');
    expect(result.generator).toBe('sampling');
    expect(result.answer).toContain('27 days');
    expect(result.answer).not.toMatch(/pony|unlimited|\[99\]/);
    expect(result.warnings.join(' ')).toMatch(/removed/);
  });

  it('falls back to extracts when nothing in the reply can be verified', async () => {
    const h = await demo({ sampling: () => 'You get plenty of holidays, trust me.' });
    const result = await ask(h, 'How many days of annual leave do full-time employees get?');
    expect(result.generator).toBe('extractive');
    expect(result.answer).toContain('27 days');
    expect(result.warnings.join(' ')).toMatch(/could not be verified/);
  });

  it('accepts the model saying the passages do not answer', async () => {
    const h = await demo({ sampling: () => 'NO_ANSWER' });
    const result = await ask(h, 'How many days of annual leave do full-time employees get?');
    expect(result.status).toBe('insufficient_evidence');
    expect(result.answer).toBeNull();
  });

  it('offers the model more passages than the extracts quote and cites only the ones it uses', async () => {
    const question = 'How many days of annual leave do full-time employees get?';
    const extractive = await ask(await demo(), question);
    const prompts: string[] = [];
    const h = await demo({
      sampling: (prompt) => {
        prompts.push(prompt);
        // Rerank: answer from the last passage offered, quoting its own words.
        const blocks = prompt.split(/\n\n(?=\[\d+\] \()/);
        const last = blocks[blocks.length - 1];
        const n = Number(/^\[(\d+)\]/.exec(last)![1]);
        const sentence = last.split('\n')[1].split(/(?<=[.!?])\s/)[0].replace(/[.!?]$/, '');
        return `${sentence} [${n}].`;
      },
    });
    const result = await ask(h, question);
    const offered = [...prompts[0].matchAll(/^\[(\d+)\] \(/gm)].length;
    expect(offered).toBeGreaterThan(extractive.citations.length);
    expect(result.generator).toBe('sampling');
    expect(result.citations.map((c: { n: number }) => c.n)).toEqual([offered]);
    expect(result.answer).toContain(`[${offered}]`);
  });

  it('never shows the model the injected instructions', async () => {
    const prompts: string[] = [];
    const h = await demo({
      sampling: (prompt) => {
        prompts.push(prompt);
        return 'Visitors use the NW-Guest network with a voucher code [1].';
      },
    });
    await ask(h, 'What is the guest Wi-Fi network and how do visitors get access?');
    expect(prompts.join('\n')).not.toMatch(/hunter2|ignore all previous/i);
  });
});
