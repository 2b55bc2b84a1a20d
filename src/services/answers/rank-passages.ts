import { stemToken, tokenize } from '../../text/terms.js';
import { containsAnswerType } from './answer-type.js';
import { dot } from './embedder.js';
import { type Passage, splitSentences } from './passages.js';
import { type QuestionAnalysis, type QuestionTerm, ownRarity } from './question.js';
import type { SoftMatcher } from './soft-match.js';

export interface RankedPassage {
  passage: Passage;
  /** Position of the passage's page among the search's candidates (0 = first). */
  pageRank: number;
  score: number;
  /**
   * Absolute evidence: the share of the question's rarity-weighted words the passage (with
   * its page title and heading) contains, literally or as a close synonym. Weights come from
   * English at large, not from the candidates, so 0.6 means the same for every question.
   */
  evidence: number;
  /** The sentence the passage's answer rests on (index into splitSentences(passage.text)). */
  bestSentence: number;
  features: Record<string, number>;
}

export interface RankInput {
  passage: Passage;
  pageRank: number;
  /** Unit vector of the passage, when an embedder is available. */
  vector?: Float32Array;
}

export interface RankOptions {
  question: QuestionAnalysis;
  /** The question's unit vector (same embedder as the passages'). */
  questionVector?: Float32Array;
  soft?: SoftMatcher;
  weights?: Partial<typeof DEFAULT_WEIGHTS>;
}

/** Blend of the ranking signals; tuned on the development questions (eval/*.dev*.jsonl) only. */
export const DEFAULT_WEIGHTS = {
  /**
   * Largest on purpose: on a blind set run before any tuning touched it (eval/*.dev4.jsonl),
   * BM25 at 0.4 instead of 0.3 put a gold page first for 8 points more of its handbook
   * questions, at half a point on the sets the other weights were tuned on.
   */
  bm25: 0.4,
  coverage: 0.25,
  sentence: 0.2,
  page: 0.15,
  answerType: 0.15,
  semantic: 0.15,
  /** Credit for a question word found only in the page title or the section heading. */
  titleCredit: 0.7,
};

interface Matchable {
  stems: Set<string>;
  words: string[];
  /** Stems of 6 letters or more, listed on first need: only they can extend a question stem (termCredit). */
  long?: string[];
}

/** A passage's matching forms, computed once per passage object (passages live in the page cache). */
interface PreparedPassage {
  body: Matchable;
  context: Matchable;
  sentences: string[];
  sentenceForms: Matchable[];
  all: Set<string>;
  counts: Record<'title' | 'heading' | 'text', { tf: Map<string, number>; length: number }>;
}
const prepared = new WeakMap<Passage, PreparedPassage>();

function prepare(passage: Passage): PreparedPassage {
  let entry = prepared.get(passage);
  if (!entry) {
    // The text's tokens and stems serve both its matching forms and its BM25 counts.
    const textTokens = tokenize(passage.text);
    const textStems = textTokens.map(stemToken);
    const body = matchable(passage.text, textTokens, textStems);
    const context = matchable(`${passage.title} ${passage.heading}`);
    const sentences = splitSentences(passage.text);
    entry = {
      body,
      context,
      sentences,
      sentenceForms: sentences.map((sentence) => matchable(sentence)),
      all: new Set([...body.stems, ...context.stems]),
      counts: { title: termCounts(passage.title), heading: termCounts(passage.heading), text: termCounts(passage.text, textTokens, textStems) },
    };
    prepared.set(passage, entry);
  }
  return entry;
}

function matchable(text: string, tokens = tokenize(text), tokenStems = tokens.map(stemToken)): Matchable {
  const stems = new Set(tokenStems);
  // Joined neighbours too (unstemmed), so "wifi" finds "Wi-Fi" and "signin" finds "sign-in".
  for (let i = 0; i + 1 < tokens.length; i++) stems.add(tokens[i] + tokens[i + 1]);
  return { stems, words: [...new Set(tokens)] };
}

/** How well one question term is present in a text: 1 literally, less for a synonym or a near spelling. */
function termCredit(term: QuestionTerm, text: Matchable, soft: SoftMatcher | undefined): number {
  if (text.stems.has(term.stem)) return 1;
  // A stem that prefixes a word ("onboard" / "onboarding" stemmed differently).
  if (term.stem.length >= 5) {
    text.long ??= [...text.stems].filter((s) => s.length >= 6);
    for (const s of text.long) if (s.length > term.stem.length && s.startsWith(term.stem)) return 1;
  }
  return soft ? soft.credit(term, text.words) : 0;
}

/**
 * Ranks passages of the candidate pages for a question: BM25 over the passages (title and
 * heading boosted), weighted coverage of the question's words by the passage and by its best
 * sentence, the page's own search rank (so the passage stage cannot lose what the page stage
 * found), the expected answer type and, when available, meaning (embedding similarity).
 */
export function rankPassages(inputs: RankInput[], options: RankOptions): RankedPassage[] {
  const q = options.question;
  const w = { ...DEFAULT_WEIGHTS, ...options.weights };
  if (inputs.length === 0 || q.terms.length === 0) return [];

  // Words common to most candidate pages say little about which of them answers.
  const pages = new Map<string, Set<string>>();
  for (const { passage } of inputs) {
    const stems = pages.get(passage.pageId) ?? new Set<string>();
    for (const s of prepare(passage).all) stems.add(s);
    pages.set(passage.pageId, stems);
  }
  const n = pages.size;
  const maxIdf = Math.log(1 + (n + 1) / 0.5);
  const weightOf = new Map<string, number>();
  for (const term of q.terms) {
    let df = 0;
    for (const stems of pages.values()) if (stems.has(term.stem)) df++;
    const idf = Math.log(1 + (n + 1) / (df + 0.5)) / maxIdf;
    weightOf.set(term.stem, term.rarity * (0.4 + 0.6 * idf));
  }
  // The agent's searchTerms are alternatives: found, they add evidence; absent, they cost none.
  const questionWeight = q.terms.filter((t) => !t.fromAgent).reduce((sum, t) => sum + weightOf.get(t.stem)!, 0);
  const questionRarity = ownRarity(q);

  const bm25 = bm25Scores(inputs.map((i) => i.passage), q);
  const bestBm25 = Math.max(0, ...bm25.values());

  const ranked = inputs.map(({ passage, pageRank, vector }) => {
    const { body, context, sentences, sentenceForms } = prepare(passage);
    let covered = 0;
    let evidence = 0;
    let totalWeight = questionWeight;
    let totalRarity = questionRarity;
    const credits = new Map<string, number>();
    for (const term of q.terms) {
      const credit = Math.max(termCredit(term, body, options.soft), w.titleCredit * termCredit(term, context, options.soft));
      credits.set(term.stem, credit);
      if (term.fromAgent && credit === 0) continue;
      if (term.fromAgent) {
        totalWeight += weightOf.get(term.stem)!;
        totalRarity += term.rarity;
      }
      covered += weightOf.get(term.stem)! * credit;
      evidence += term.rarity * credit;
    }
    let bestSentence = 0;
    let bestSentenceScore = -1;
    sentences.forEach((sentence, index) => {
      const words = sentenceForms[index];
      let score = 0;
      let total = questionWeight;
      for (const term of q.terms) {
        const inPassage = credits.get(term.stem)!;
        // A word the passage lacks in every form is absent from each of its sentences too.
        // (Literal presence is checked before soft credit inside termCredit either way.)
        const own = inPassage === 0 ? 0 : termCredit(term, words, options.soft);
        const credit = Math.max(own, 0.5 * (inPassage > 0 && context.stems.has(term.stem) ? 1 : 0));
        if (term.fromAgent && credit === 0) continue;
        if (term.fromAgent) total += weightOf.get(term.stem)!;
        score += weightOf.get(term.stem)! * credit;
      }
      score = total > 0 ? score / total : 0;
      if (q.answerType && score > 0 && containsAnswerType(sentence, q.answerType)) score += 0.25;
      // Earlier sentences a little, so ties go to the one that introduces the topic.
      score -= index * 0.002;
      if (score > bestSentenceScore) {
        bestSentenceScore = score;
        bestSentence = index;
      }
    });
    const features = {
      bm25: bestBm25 > 0 ? (bm25.get(passage.key) ?? 0) / bestBm25 : 0,
      coverage: totalWeight > 0 ? covered / totalWeight : 0,
      sentence: Math.max(0, bestSentenceScore),
      page: 1 / (1 + pageRank / 2),
      answerType: q.answerType && sentences.some((s) => containsAnswerType(s, q.answerType!)) ? 1 : 0,
      semantic: vector && options.questionVector ? Math.max(0, dot(vector, options.questionVector)) : 0,
    };
    const agentTerms = q.terms.filter((t) => t.fromAgent && credits.get(t.stem)! > 0).length;
    const score =
      w.bm25 * features.bm25 +
      w.coverage * features.coverage +
      w.sentence * features.sentence +
      w.page * features.page +
      w.answerType * features.answerType +
      w.semantic * features.semantic;
    return {
      passage,
      pageRank,
      score,
      evidence: totalRarity > 0 ? evidence / totalRarity : 0,
      bestSentence,
      features: { ...features, agentTerms },
    };
  });
  ranked.sort((a, b) => b.score - a.score || a.pageRank - b.pageRank);
  return ranked;
}

const K1 = 1.2;
const B = 0.75;
const FIELD_BOOST = { title: 2, heading: 1.5, text: 1 } as const;

/**
 * BM25 (k1 1.2, b 0.75) of each passage for the question's terms, per field (title, heading,
 * text) with boosts, over the passages of this question's candidate pages. Computed from the
 * prepared term counts: building a search index per question cost a third of the answer time.
 */
function bm25Scores(passages: Passage[], q: QuestionAnalysis): Map<string, number> {
  const docs = passages.map((p) => ({ key: p.key, fields: prepare(p).counts }));
  const n = docs.length;
  const fields = ['title', 'heading', 'text'] as const;
  const average = Object.fromEntries(fields.map((f) => [f, docs.reduce((sum, d) => sum + d.fields[f].length, 0) / Math.max(1, n)])) as Record<(typeof fields)[number], number>;
  const scores = new Map<string, number>();
  for (const term of q.terms) {
    const df = docs.filter((d) => fields.some((f) => d.fields[f].tf.has(term.stem))).length;
    if (df === 0) continue;
    const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
    for (const d of docs) {
      let score = 0;
      for (const f of fields) {
        const tf = d.fields[f].tf.get(term.stem) ?? 0;
        if (tf === 0) continue;
        const norm = 1 - B + (B * d.fields[f].length) / Math.max(1, average[f]);
        score += FIELD_BOOST[f] * idf * ((tf * (K1 + 1)) / (tf + K1 * norm));
      }
      if (score > 0) scores.set(d.key, (scores.get(d.key) ?? 0) + score);
    }
  }
  return scores;
}

function termCounts(text: string, words = tokenize(text), stems = words.map(stemToken)): { tf: Map<string, number>; length: number } {
  const tf = new Map<string, number>();
  for (const stem of stems) tf.set(stem, (tf.get(stem) ?? 0) + 1);
  return { tf, length: words.length };
}

/**
 * Up to `max` passages: the best; then the best of another page when it is still relevant
 * (answers often need two pages, and a second page guards against one stale page); then a
 * third page close to the best, when a slot is still left after it for the best page's next
 * passage (the fact is often one passage further down the best page); then the next best of
 * any page. Nothing far below the best is added.
 */
export function selectPassages(ranked: RankedPassage[], max: number): RankedPassage[] {
  const best = ranked[0];
  if (!best) return [];
  const chosen = [best];
  const otherPage = ranked.find((r) => r.passage.pageId !== best.passage.pageId && r.score >= 0.6 * best.score);
  if (otherPage && chosen.length < max) chosen.push(otherPage);
  const thirdPage = ranked.find((r) => !chosen.some((c) => c.passage.pageId === r.passage.pageId) && r.score >= 0.75 * best.score);
  if (thirdPage && chosen.length + 1 < max) chosen.push(thirdPage);
  for (const candidate of ranked) {
    if (chosen.length >= max) break;
    if (chosen.includes(candidate) || candidate.score < 0.75 * best.score) continue;
    chosen.push(candidate);
  }
  return chosen.sort((a, b) => b.score - a.score);
}
