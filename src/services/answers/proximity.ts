import { stemToken, tokenize } from '../../text/terms.js';
import { type Passage, passageTokens } from './passages.js';
import type { QuestionAnalysis } from './question.js';

/** Words apart that still count as "together" ("leave for volunteering", "volunteering leave"). */
const NEAR = 3;

/**
 * How much of the question a passage says *together*: the share of the question's neighbouring
 * word pairs (each weighted by the rarer word's rarity) that one of the passages has within
 * three words of each other, the best passage counting. A page that mentions "leave" here and
 * "volunteering" there covers the words of "volunteering leave" but not the thing; a page that
 * answers usually names it. Absolute, like every confidence signal: 0.5 means half the
 * question's weighted pairs, on any site.
 */
export function pairEvidence(question: QuestionAnalysis, passages: Passage[]): number {
  const rarity = new Map(question.terms.filter((t) => !t.fromAgent).map((t) => [t.stem, t.rarity]));
  const order = tokenize(question.question).map(stemToken).filter((stem) => rarity.has(stem));
  const pairs: [string, string, number][] = [];
  for (let i = 0; i + 1 < order.length; i++) {
    if (order[i] !== order[i + 1]) pairs.push([order[i], order[i + 1], Math.min(rarity.get(order[i])!, rarity.get(order[i + 1])!)]);
  }
  const total = pairs.reduce((sum, [, , weight]) => sum + weight, 0);
  if (total === 0) return 0;
  let best = 0;
  for (const passage of passages) {
    const positions = new Map<string, number[]>();
    passageTokens(passage).forEach((token, index) => {
      const stem = stemToken(token);
      if (rarity.has(stem)) (positions.get(stem) ?? positions.set(stem, []).get(stem)!).push(index);
    });
    let found = 0;
    for (const [a, b, weight] of pairs) {
      const at = positions.get(a);
      const bt = positions.get(b);
      if (at && bt && at.some((i) => bt.some((j) => Math.abs(i - j) <= NEAR))) found += weight;
    }
    best = Math.max(best, found / total);
  }
  return best;
}
