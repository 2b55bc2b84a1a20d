import type { RankedPassage } from './rank-passages.js';

/**
 * How sure the retrieval is that the quoted passages answer the question, 0..1: a logistic
 * blend of absolute evidence signals, fitted (L2-regularised logistic regression, 5-fold
 * cross-validated, also leaving out one question set at a time) on the development questions
 * only — eval/{handbook,demo}.dev.jsonl, the later blind dev sets eval/*.dev2.jsonl and
 * eval/*.dev3.jsonl, and the older eval/*.qa.jsonl sets, 542 questions — with "answerable" as
 * the positive class. Every signal is absolute (English word rarity, shares of the
 * question), so the same value means the same thing on any site. The test halves were never
 * used to fit or choose anything.
 */
export interface ConfidenceSignals {
  /** Best share of the question's rarity-weighted words in a cited passage (+ title, heading). */
  evidence: number;
  /** The same for the best sentence (answer-type bonus included), capped at 1.2. */
  sentenceEvidence: number;
  /** Rarity of the rarest question word no candidate page contains (0 when none), capped at 6.4. */
  missingRarity: number;
  /** The top passage's ranking score and its parts. */
  topScore: number;
  topSemantic: number;
  topCoverage: number;
}

const WEIGHTS = { evidence: 1.117, sentenceEvidence: 1.018, missingRarity: -0.489, topScore: 1.146, topSemantic: 0.416, topCoverage: 1.495 };
const INTERCEPT = -2.669;

export function answerConfidence(s: ConfidenceSignals): number {
  const z =
    INTERCEPT +
    WEIGHTS.evidence * s.evidence +
    WEIGHTS.sentenceEvidence * Math.min(s.sentenceEvidence, 1.2) +
    WEIGHTS.missingRarity * (Math.min(s.missingRarity, 6.4) / 6.4) +
    WEIGHTS.topScore * s.topScore +
    WEIGHTS.topSemantic * s.topSemantic +
    WEIGHTS.topCoverage * s.topCoverage;
  return 1 / (1 + Math.exp(-z));
}

export function signalsOf(chosen: RankedPassage[], top: RankedPassage | undefined, missingRarity: number): ConfidenceSignals {
  return {
    evidence: Math.max(0, ...chosen.map((r) => r.evidence)),
    sentenceEvidence: Math.max(0, ...chosen.map((r) => r.features.sentence)),
    missingRarity,
    topScore: top?.score ?? 0,
    topSemantic: top?.features.semantic ?? 0,
    topCoverage: top?.features.coverage ?? 0,
  };
}
