import { describe, expect, it } from 'vitest';
import { findConflicts } from '../../src/services/compare/conflicts.js';
import { extractFacts } from '../../src/services/compare/facts.js';

describe('facts', () => {
  it.each([
    ['Access lasts 30 days.', { kind: 'quantity', unit: 'day', value: '30' }],
    ['Passwords need at least 14 characters.', { kind: 'quantity', unit: 'character', value: '14' }],
    ['Approval takes 3 working days.', { kind: 'quantity', unit: 'working day', value: '3' }],
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
