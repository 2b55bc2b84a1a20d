import { describe, expect, it } from 'vitest';
import { findAnswerConflicts, findConflicts } from '../../src/services/compare/conflicts.js';
import { stemToken, tokenize } from '../../src/text/terms.js';
import { extractFacts } from '../../src/services/compare/facts.js';

describe('facts', () => {
  it.each([
    ['Access lasts 30 days.', { kind: 'quantity', unit: 'day', value: '30' }],
    ['Passwords need at least 14 characters.', { kind: 'quantity', unit: 'character', value: '14' }],
    ['Approval takes 3 working days.', { kind: 'quantity', unit: 'working day', value: '3' }],
    ['You can request up to 104 advanced sick leave hours.', { kind: 'quantity', unit: 'advanced sick leave hour', value: '104', bound: 'max', raw: '104 advanced sick leave hours' }],
    ['You will earn 56 more annual leave hours.', { kind: 'quantity', unit: 'annual leave hour', value: '56' }],
    ['You get 3 learning days a year.', { kind: 'quantity', unit: 'learning day', value: '3' }],
    ['Tickets are answered within 2 working days.', { kind: 'quantity', unit: 'working day', value: '2', bound: 'max' }],
    ['Passwords need at least 14 characters.', { kind: 'quantity', unit: 'character', value: '14', bound: 'min' }],
    ['Receipts are required over €25.', { kind: 'money', unit: 'eur', value: '25' }],
    ['Budget is $1,200 a year.', { kind: 'money', unit: 'usd', value: '1200' }],
    ['Discount of 15% applies.', { kind: 'percent', value: '15' }],
    ['Use https://it.example.test/vpn.', { kind: 'url', value: 'https://it.example.test/vpn' }],
    ['Mail help@example.test today.', { kind: 'email', value: 'help@example.test' }],
    ['We run version 3.2 now.', { kind: 'version', value: '3.2' }],
    ['Valid until 2025-06-30.', { kind: 'date', value: '2025-06-30' }],
    ['Valid until June 30, 2025.', { kind: 'date', value: '2025-06-30' }],
  ])('reads %j', (sentence, expected) => {
    expect(extractFacts(sentence)).toEqual(expect.arrayContaining([expect.objectContaining(expected)]));
  });
});

describe('conflicts', () => {
  it('finds different durations for the same subject on different pages', () => {
    const conflicts = findConflicts([
      { pageId: 'a', text: 'Contractor VPN access is valid for 30 days. IT answers within 1 working day.' },
      { pageId: 'b', text: 'Contractors receive VPN access for 90 days.' },
    ]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0].statements.map((s) => s.text)).toEqual([
      'Contractor VPN access is valid for 30 days.',
      'Contractors receive VPN access for 90 days.',
    ]);
  });

  it('finds different contact channels (URLs) for the same request', () => {
    const conflicts = findConflicts([
      { pageId: 'a', text: 'Request laptop repairs at https://it.example.test/repair for your laptop.' },
      { pageId: 'b', text: 'Laptop repairs are requested at https://help.example.test/laptop-repair.' },
    ]);
    expect(conflicts.map((c) => c.subject)).toEqual([expect.stringContaining('(url)')]);
  });

  it('stays quiet when the pages agree, talk about different things, or it is one page', () => {
    expect(findConflicts([{ pageId: 'a', text: 'Annual leave is 27 days.' }, { pageId: 'b', text: 'You get 27 days of annual leave.' }])).toEqual([]);
    expect(findConflicts([{ pageId: 'a', text: 'Laptops are replaced after 4 years.' }, { pageId: 'b', text: 'Annual leave is 27 days.' }])).toEqual([]);
    expect(findConflicts([{ pageId: 'a', text: 'Leave is 27 days. Leave is 30 days.' }])).toEqual([]);
  });

  it('limits the comparison to the focus words when given', () => {
    const texts = [
      { pageId: 'a', text: 'Contractor VPN access is valid for 30 days.' },
      { pageId: 'b', text: 'Contractors receive VPN access for 90 days.' },
    ];
    expect(findConflicts(texts, new Set(['printer']))).toEqual([]);
  });
});

/** Stems of a question's words, as answer_with_sources hands them over (question.focus). */
const stems = (question: string) => new Set(tokenize(question).map(stemToken));

describe('conflicts in an answer', () => {
  // The demo site's pair: the IT page's section and the onboarding page's section.
  const it30 = 'Contractor VPN access is valid for 30 days from the date it is granted. It can be renewed for further 30-day periods for as long as the contract runs.';
  const onboardIntro = 'This page is for Northwind employees who bring in an external contractor (freelancer or agency staff), and for the contractors themselves.';
  const onboard90 = 'Contractors receive VPN access for 90 days. The security team sets up access and replies with instructions, usually within 2 working days.';

  it.each([
    'How long do contractors keep VPN access?',
    "when does a contractor's remote access expire?",
    'contractor VPN validity period',
    'For how many days is VPN access granted to external contractors?',
    'How long can freelancers stay on the remote network?',
    'When does the tunnel stop working for agency staff?',
  ])('finds the 30-vs-90-day clash between cited passages for %j', (question) => {
    const conflicts = findAnswerConflicts(
      [
        { pageId: '101008', text: it30, cited: true, bestSentence: 0 },
        { pageId: '104005', text: onboard90, cited: true, bestSentence: 0 },
      ],
      stems(question),
    );
    expect(conflicts.map((c) => c.statements.map((s) => s.text))).toEqual([[expect.stringContaining('30 days'), expect.stringContaining('90 days')]]);
  });

  it('finds a read page contradicting the sentence the answer rests on, when that page was cited for another passage or not at all', () => {
    for (const alsoCited of [[{ pageId: '104005', text: onboardIntro, cited: true, bestSentence: 0 }], []]) {
      const conflicts = findAnswerConflicts(
        [
          { pageId: '101008', text: it30, cited: true, bestSentence: 0 },
          ...alsoCited,
          { pageId: '104005', text: onboard90, cited: false },
        ],
        stems('How long do freelancers keep remote access?'),
      );
      expect(conflicts).toHaveLength(1);
      expect(conflicts[0].statements).toEqual([
        { pageId: '101008', text: 'Contractor VPN access is valid for 30 days from the date it is granted.' },
        { pageId: '104005', text: 'Contractors receive VPN access for 90 days.' },
      ]);
    }
  });

  it('finds the clash elsewhere on a cited page when the cited passage is about the same subject', () => {
    // "When does external staff network access lapse?" cites the renewals section, not the 30-day one.
    const renewals = 'IT emails the hiring manager 5 days before expiry. If no renewal is requested, access simply lapses — nothing else is needed from the contractor.';
    const conflicts = findAnswerConflicts(
      [
        { pageId: '101008', text: 'External contractors do not get VPN access automatically.', cited: true, bestSentence: 0 },
        { pageId: '101008', text: renewals, cited: true, bestSentence: 1 },
        { pageId: '101008', text: it30, cited: false },
        { pageId: '104005', text: onboard90, cited: false },
      ],
      stems('When does external staff network access lapse?'),
    );
    expect(conflicts.map((c) => c.statements.map((s) => s.pageId))).toEqual([['101008', '104005']]);
    expect(conflicts[0].statements[1].text).toBe('Contractors receive VPN access for 90 days.');
  });

  it('keeps false conflicts out: same values, other subjects, one page, and clashes among passages the answer did not cite', () => {
    const q = stems('How long is contractor VPN access valid?');
    // The same value on both pages.
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'Contractor VPN access is valid for 30 days.', cited: true, bestSentence: 0 },
      { pageId: 'b', text: 'Contractors receive VPN access for 30 days.', cited: false },
    ], q)).toEqual([]);
    // Different subjects that share a word or two.
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'Contractor VPN access is valid for 30 days.', cited: true, bestSentence: 0 },
      { pageId: 'b', text: 'Guest Wi-Fi access is valid for 7 days.', cited: false },
      { pageId: 'c', text: 'Laptops are replaced after 4 years.', cited: true, bestSentence: 0 },
    ], q)).toEqual([]);
    // One page saying two things is not two sources disagreeing.
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'Contractor VPN access is valid for 30 days.', cited: true, bestSentence: 0 },
      { pageId: 'a', text: 'Contractors receive VPN access for 90 days.', cited: false },
    ], q)).toEqual([]);
    // Elsewhere on a cited page, a clash about something else than the answer.
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'Contractor VPN access is valid for 30 days.', cited: true, bestSentence: 0 },
      { pageId: 'a', text: 'The floor 2 printer toner is ordered in packs of 4 cartridges for the contractor office.', cited: false },
      { pageId: 'b', text: 'Floor 2 printer toner comes in packs of 6 cartridges for the contractor office.', cited: false },
    ], q)).toEqual([]);
    // Two uncited passages that disagree are flag_stale's business, not this answer's.
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'Annual leave is 27 days.', cited: true, bestSentence: 0 },
      { pageId: 'b', text: 'Contractor VPN access is valid for 30 days.', cited: false },
      { pageId: 'c', text: 'Contractors receive VPN access for 90 days.', cited: false },
    ], q)).toEqual([]);
  });

  it('does not set a limit against an amount within it, nor two worked examples about different subjects', () => {
    const q = stems('What is the maximum advanced sick leave I can request?');
    // A cap and an example under it agree.
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'You can request up to 240 hours of advanced sick leave.', cited: true, bestSentence: 0 },
      { pageId: 'b', text: 'On Friday morning, you become sick and submit a sick leave request for 6 hours out of your 8 hour workday.', cited: false },
    ], q)).toEqual([]);
    // The same sentence about sick leave on one page and annual leave on another.
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'Therefore, you can request up to 104 advanced sick leave hours.', cited: true, bestSentence: 0 },
      { pageId: 'b', text: 'Therefore, you can request up to 56 advanced annual leave hours.', cited: true, bestSentence: 0 },
    ], q)).toEqual([]);
    expect(findConflicts([
      { pageId: 'a', text: 'Employee VPN access is valid for 365 days.' },
      { pageId: 'b', text: 'Contractor VPN access is valid for 30 days.' },
    ])).toEqual([]);
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'You earn 4 annual leave hours per pay period and there are 14 pay periods left.', cited: true, bestSentence: 0 },
      { pageId: 'b', text: 'You will earn 104 more sick leave hours (26 pay periods x 4 hours per pay period).', cited: false },
    ], stems('How much annual leave do I earn each pay period?'))).toEqual([]);
    // But a limit that another page's amount exceeds, or two different limits, do clash.
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'Submit claims and attach receipts within 30 days of the expense date.', cited: true, bestSentence: 0 },
      { pageId: 'b', text: 'You have 60 days from the expense date to submit claims with receipts.', cited: true, bestSentence: 0 },
    ], stems('How long do I have to submit expense claims?'))).toHaveLength(1);
    expect(findAnswerConflicts([
      { pageId: 'a', text: 'You can request up to 240 hours of advanced sick leave.', cited: true, bestSentence: 0 },
      { pageId: 'b', text: 'You can request at most 120 hours of advanced sick leave.', cited: true, bestSentence: 0 },
    ], q)).toHaveLength(1);
  });

  it('costs little on a huge page read for the question', () => {
    const huge = Array.from({ length: 40_000 }, (_, i) => `Contractor VPN access step ${i} takes ${i % 50} minutes.`).join(' ');
    const started = performance.now();
    findAnswerConflicts([
      { pageId: 'a', text: 'Contractor VPN access is valid for 30 days.', cited: true, bestSentence: 0 },
      { pageId: 'a', text: huge, cited: false },
      { pageId: 'b', text: huge, cited: false },
    ], stems('How long is contractor VPN access valid?'));
    expect(performance.now() - started).toBeLessThan(2_000);
  });

  it('ignores clashes in cited passages that neither the question nor the answer is about', () => {
    const conflicts = findAnswerConflicts(
      [
        { pageId: 'a', text: 'Annual leave is 27 days for everyone. Printer toner for the floor 2 printer is ordered in packs of 4 cartridges.', cited: true, bestSentence: 0 },
        { pageId: 'b', text: 'You get 27 days of annual leave. Floor 2 printer toner comes in packs of 6 cartridges.', cited: true, bestSentence: 0 },
      ],
      stems('How many days of annual leave do I get?'),
    );
    expect(conflicts).toEqual([]);
  });
});
