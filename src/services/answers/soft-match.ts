import { stemToken } from '../../text/terms.js';
import type { QuestionTerm } from './question.js';
import type { WordVectors } from './word-vectors.js';

/** Similarity at which a page word counts as saying what the question word says. */
const SYNONYM_FLOOR = 0.62;
/** A synonym is weaker evidence than the word itself. */
const SYNONYM_CREDIT = 0.6;
const TYPO_CREDIT = 0.8;

/**
 * Partial credit for question words a text says differently: a close word-vector neighbour
 * ("counseling" / "therapy"), or, for a word the vocabulary does not know, a one-letter slip
 * ("pasword"). Similarities are memoised per question, so ranking a few hundred passages costs
 * one comparison per distinct page word.
 */
export class SoftMatcher {
  /** term stem → page word → credit. */
  private readonly memo = new Map<string, Map<string, number>>();

  constructor(private readonly vectors: WordVectors) {}

  credit(term: QuestionTerm, words: string[]): number {
    let known = this.memo.get(term.stem);
    if (!known) {
      known = new Map();
      this.memo.set(term.stem, known);
    }
    let best = 0;
    for (const word of words) {
      if (word.length < 3) continue;
      let credit = known.get(word);
      if (credit === undefined) {
        credit = this.compare(term, word);
        known.set(word, credit);
      }
      if (credit > best) {
        best = credit;
        if (best >= TYPO_CREDIT) break;
      }
    }
    return best;
  }

  private isLikelySlip(token: string, word: string): boolean {
    if (token.length < 4 || word.length < 4 || /\d/.test(token)) return false;
    if (!withinOneEdit(token, word) && !withinOneEdit(stemToken(token), stemToken(word))) return false;
    const tokenRank = this.vectors.rank(token);
    const wordRank = this.vectors.rank(word);
    if (tokenRank === undefined) return true;
    return wordRank !== undefined && tokenRank > SLIP_RARER * wordRank;
  }

  private compare(term: QuestionTerm, word: string): number {
    let best = 0;
    for (const token of term.tokens) {
      if (this.isLikelySlip(token, word)) return TYPO_CREDIT;
      if (this.vectors.rank(token) === undefined) continue;
      const similarity = this.vectors.similarity(token, word);
      if (similarity >= SYNONYM_FLOOR) best = Math.max(best, SYNONYM_CREDIT * similarity);
    }
    return best;
  }
}

/**
 * Misspelt words are often in the vocabulary themselves (web text is full of "mesage" and
 * "reqest"), so a slip is a word one edit from the page's word (or from its stem) that is
 * unknown or far rarer than it; four letters at least, so "cat" never matches "car".
 */
const SLIP_RARER = 20;

/** Damerau–Levenshtein distance ≤ 1 (one insertion, deletion, substitution or swap). */
export function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  if (a.length === b.length) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  return a.length > b.length ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}
