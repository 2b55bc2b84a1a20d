import { describe, expect, it } from 'vitest';
import type { Passage } from '../../src/services/answers/passages.js';
import { pairEvidence } from '../../src/services/answers/proximity.js';
import { analyzeQuestion } from '../../src/services/answers/question.js';

const passage = (text: string, heading = ''): Passage => ({ key: 'p#0', pageId: 'p', title: 'Benefits', spaceKey: 'HR', heading, text });

describe('pairs said together (a confidence signal)', () => {
  const question = analyzeQuestion('How many days of volunteering leave do we get?');

  it('counts a pair only where its words stand within three words of each other', () => {
    const together = passage('Everyone gets two days of paid volunteering leave a year.');
    const apart = passage('Annual leave is 30 days. Volunteering with a charity is encouraged and we match donations.');
    expect(pairEvidence(question, [together])).toBe(1);
    expect(pairEvidence(question, [apart])).toBeLessThan(0.7);
    expect(pairEvidence(question, [apart])).toBeGreaterThan(0);
  });

  it('takes the best passage, reads word forms, and gives 0 for a question of one word', () => {
    const apart = passage('Volunteering is encouraged. See the leave policy.');
    const forms = passage('Each volunteer day counts as leave; two such days a year.');
    expect(pairEvidence(question, [apart, forms])).toBeGreaterThan(pairEvidence(question, [apart]));
    expect(pairEvidence(analyzeQuestion('Sabbatical?'), [forms])).toBe(0);
    expect(pairEvidence(question, [])).toBe(0);
  });
});
