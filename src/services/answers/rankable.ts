import { stemToken, tokenize } from '../../text/terms.js';
import type { Passage } from './passages.js';
import type { QuestionAnalysis } from './question.js';

/** Passages of one page ranked in full; beyond it, those sharing most question words are kept. */
export const MAX_RANKED_PER_PAGE = 80;

const stemsCache = new WeakMap<Passage, Set<string>>();

function stemsOf(passage: Passage): Set<string> {
  let stems = stemsCache.get(passage);
  if (!stems) {
    stems = new Set(tokenize(`${passage.heading} ${passage.text}`).map(stemToken));
    stemsCache.set(passage, stems);
  }
  return stems;
}

/**
 * The passages of a page worth ranking for a question. A normal page (≤ 80 passages) is ranked
 * whole; a huge one contributes its 80 passages sharing the most (rarity-weighted) question
 * words, its first passage always among them. So the cost of an answer is bounded by the number
 * of pages read, not by how much text one page holds, and the selection work yields to the event
 * loop every `sliceMs`.
 */
export async function rankablePassages(passages: Passage[], question: QuestionAnalysis, sliceMs = 8): Promise<Passage[]> {
  if (passages.length <= MAX_RANKED_PER_PAGE) return passages;
  const scored: { passage: Passage; score: number; index: number }[] = [];
  let started = performance.now();
  for (const [index, passage] of passages.entries()) {
    const stems = stemsOf(passage);
    let score = 0;
    for (const term of question.terms) if (stems.has(term.stem)) score += term.rarity;
    scored.push({ passage, score: index === 0 ? Number.POSITIVE_INFINITY : score, index });
    if (performance.now() - started > sliceMs) {
      await new Promise((resolve) => setImmediate(resolve));
      started = performance.now();
    }
  }
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored
    .slice(0, MAX_RANKED_PER_PAGE)
    .sort((a, b) => a.index - b.index)
    .map((s) => s.passage);
}
