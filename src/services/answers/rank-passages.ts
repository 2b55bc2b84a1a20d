import MiniSearch from 'minisearch';
import { contentTerms, isStopword, tokenize, uniqueContentTerms } from '../../text/terms.js';
import { type Passage, splitSentences } from './passages.js';
import { stemmer } from 'stemmer';

export interface RankedPassage {
  passage: Passage;
  /** BM25 (with title and heading boosts) relative to the best passage, 0..1. */
  relevance: number;
  /** Share of the question's informative words the passage covers, IDF-weighted, 0..1. */
  coverage: number;
  /** The same share for the passage's best single sentence: an answer usually sits in one. */
  sentenceCoverage: number;
  score: number;
}

export interface TermWeights {
  terms: string[];
  weight(term: string): number;
  /** Weighted share of the question's terms present in `text`. */
  coverage(text: string): number;
}

/**
 * Question-term weights over the candidate passages: words that are rare among them (or
 * absent from all) say most about whether a passage answers the question; words every
 * passage has say little.
 */
export function termWeights(question: string, passages: Passage[]): TermWeights {
  const terms = uniqueContentTerms(question);
  const documents = passages.map((p) => new Set(contentTerms(`${p.title} ${p.heading} ${p.text}`)));
  const n = documents.length;
  const weights = new Map<string, number>();
  for (const term of terms) {
    const df = documents.filter((doc) => hasTerm(doc, term)).length;
    weights.set(term, Math.log(1 + (n + 1) / (df + 0.5)));
  }
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  return {
    terms,
    weight: (term) => weights.get(term) ?? 0,
    coverage(text: string) {
      if (total === 0) return 0;
      const doc = new Set(contentTerms(text));
      let covered = 0;
      for (const term of terms) if (hasTerm(doc, term)) covered += weights.get(term) ?? 0;
      return covered / total;
    },
  };
}

function hasTerm(doc: Set<string>, term: string): boolean {
  if (doc.has(term)) return true;
  // A stem that is a prefix of a document word ("onboard" / "onboarding" stemmed differently).
  if (term.length >= 5) for (const word of doc) if (word.length > term.length && word.startsWith(term)) return true;
  return false;
}

/**
 * Ranks passages against a question with BM25 (MiniSearch), boosting title and heading
 * matches, and blends in IDF-weighted coverage so a passage that mentions one common word
 * many times does not outrank one that answers the question.
 */
export function rankPassages(question: string, passages: Passage[]): { ranked: RankedPassage[]; weights: TermWeights } {
  const weights = termWeights(question, passages);
  if (passages.length === 0 || weights.terms.length === 0) return { ranked: [], weights };
  const index = new MiniSearch<Passage>({
    idField: 'key',
    fields: ['title', 'heading', 'text'],
    tokenize: (text) => tokenize(text),
    processTerm: (term) => (isStopword(term) ? null : /^\p{L}+$/u.test(term) ? stemmer(term) : term),
  });
  index.addAll(passages);
  const byKey = new Map(passages.map((p) => [p.key, p]));
  const results = index.search(question, {
    boost: { title: 2, heading: 1.5, text: 1 },
    combineWith: 'OR',
    prefix: (term) => term.length >= 5,
  });
  const best = results[0]?.score ?? 0;
  const ranked = results.map((result) => {
    const passage = byKey.get(String(result.id))!;
    const relevance = best > 0 ? result.score / best : 0;
    const coverage = weights.coverage(`${passage.title} ${passage.heading} ${passage.text}`);
    const sentenceCoverage = Math.max(0, ...splitSentences(passage.text).map((sentence) => weights.coverage(sentence)));
    return { passage, relevance, coverage, sentenceCoverage, score: 0.4 * relevance + 0.3 * coverage + 0.3 * sentenceCoverage };
  });
  ranked.sort((a, b) => b.score - a.score);
  return { ranked, weights };
}

/**
 * Picks up to `max` passages above the floors, the best passage of each page first, then a
 * second passage per page at most: answers draw on several pages when several are relevant.
 */
export function selectDiverse(ranked: RankedPassage[], max: number, floor: number): RankedPassage[] {
  const eligible = ranked.filter((r) => r.coverage >= floor && r.relevance >= 0.2);
  const chosen: RankedPassage[] = [];
  const perPage = new Map<string, number>();
  for (const round of [1, 2]) {
    for (const candidate of eligible) {
      if (chosen.length >= max) break;
      const count = perPage.get(candidate.passage.pageId) ?? 0;
      if (count >= round || chosen.includes(candidate)) continue;
      if (round === 2 && candidate.score < 0.6 * (chosen[0]?.score ?? 0)) continue;
      chosen.push(candidate);
      perPage.set(candidate.passage.pageId, count + 1);
    }
  }
  return chosen.sort((a, b) => b.score - a.score);
}
