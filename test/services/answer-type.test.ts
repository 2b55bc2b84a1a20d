import { describe, expect, it } from 'vitest';
import { containsAnswerType, expectedAnswerType } from '../../src/services/answers/answer-type.js';

describe('expected answer type', () => {
  it.each([
    ['How long do contractors keep VPN access?', 'duration'],
    ['What time does the travel team log off?', 'clock'],
    ['How much can I spend on a hotel?', 'money'],
    ['How much notice do I give before a day off?', 'duration'],
    ['How much lead time should a speaker allow?', 'duration'],
    ['How much paid parental leave do we get?', 'duration'],
    ['How much of the daily rate do I get?', 'money'],
    ['How quickly must a phishing click be reported?', 'duration'],
    ['how far ahed do i book', 'duration'],
    ["What's the cutoff time for travel requests?", 'clock'],
    ['When do pay rises take effect?', 'date'],
    ['How many reviewers must approve?', 'number'],
    ['Where do I install Figma from?', 'place'],
    ['Who approves my leave?', 'contact'],
    ['Above what contract value is a CPARS evaluation required?', 'money'],
    ["What's the biggest contract size the office focuses on?", 'money'],
    ['How big can a review panel be?', 'number'],
    ['Explain the deploy process', undefined],
  ])('%s → %s', (question, type) => {
    expect(expectedAnswerType(question)).toBe(type);
  });

  it.each([
    ['Access lasts 30 days.', 'duration', true],
    ['Access lasts a while.', 'duration', false],
    ['The desk closes at 16:30.', 'clock', true],
    ['Rooms cost €140 a night.', 'money', true],
    ['Raises apply from 1 April.', 'date', true],
    ['Go to the badging office at 450 Golden Gate Ave.', 'place', true],
    ['Go to the badging office.', 'place', false],
  ] as const)('%s contains a %s: %s', (sentence, type, expected) => {
    expect(containsAnswerType(sentence, type)).toBe(expected);
  });
});
