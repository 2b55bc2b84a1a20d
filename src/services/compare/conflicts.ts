import { splitSentences } from '../answers/passages.js';
import { type Fact, extractFacts, sharedWords, subjectTerms } from './facts.js';

export interface Statement {
  pageId: string;
  text: string;
}

export interface Conflict {
  subject: string;
  statements: Statement[];
}

interface FactSentence {
  pageId: string;
  sentence: string;
  facts: Fact[];
  subject: Set<string>;
}

const MIN_SHARED_TERMS = 2;
const MIN_JACCARD = 0.2;

/**
 * Finds statements from different pages that speak about the same subject (they share
 * enough subject words) but state different facts of the same kind and unit: 30 days against
 * 90 days, one URL against another, version 3.2 against 4.0. Used by answer_with_sources on
 * its top passages and by flag_stale on pages with similar titles.
 *
 */
export interface ConflictOptions {
  /** Only sentences sharing a word with this set (the question). */
  focus?: Set<string>;
  /** Subject words two sentences must share (default 2). */
  minShared?: number;
  /** Subject overlap, shared / union (default 0.2). */
  minJaccard?: number;
}

export function findConflicts(texts: Statement[], focusOrOptions?: Set<string> | ConflictOptions): Conflict[] {
  const options: ConflictOptions = focusOrOptions instanceof Set ? { focus: focusOrOptions } : (focusOrOptions ?? {});
  const focus = options.focus;
  const minShared = options.minShared ?? MIN_SHARED_TERMS;
  const minJaccard = options.minJaccard ?? MIN_JACCARD;
  const sentences: FactSentence[] = [];
  for (const { pageId, text } of texts) {
    for (const sentence of splitSentences(text)) {
      const facts = extractFacts(sentence);
      if (facts.length === 0) continue;
      const subject = subjectTerms(sentence);
      if (focus && focus.size > 0 && ![...subject].some((term) => focus.has(term))) continue;
      sentences.push({ pageId, sentence, facts, subject });
    }
  }

  const candidates: { shared: number; key: string; conflict: Conflict }[] = [];
  for (let i = 0; i < sentences.length; i++) {
    for (let j = i + 1; j < sentences.length; j++) {
      const a = sentences[i];
      const b = sentences[j];
      if (a.pageId === b.pageId) continue;
      const shared = [...a.subject].filter((term) => b.subject.has(term));
      const union = new Set([...a.subject, ...b.subject]).size;
      if (shared.length < minShared || shared.length / union < minJaccard) continue;
      const clash = clashingFact(a.facts, b.facts);
      if (!clash) continue;
      candidates.push({
        shared: shared.length / union,
        key: [a.pageId, b.pageId].sort().join('|') + clash,
        conflict: {
          subject: `${sharedWords(a.sentence, b.sentence).join(' ')} (${clash})`,
          statements: [
            { pageId: a.pageId, text: clip(a.sentence) },
            { pageId: b.pageId, text: clip(b.sentence) },
          ],
        },
      });
    }
  }
  // For each pair of pages and unit, keep the pair of sentences closest in subject.
  candidates.sort((x, y) => y.shared - x.shared);
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(c.key) && seen.add(c.key)).map((c) => c.conflict);
}

/** A unit both sentences state, with no value in common: the clash, named by its unit. */
function clashingFact(allA: Fact[], allB: Fact[]): string | undefined {
  const a = allA.filter((f) => !f.approximate);
  const b = allB.filter((f) => !f.approximate);
  for (const fa of a) {
    const same = b.filter((fb) => fb.kind === fa.kind && fb.unit === fa.unit);
    if (same.length === 0) continue;
    const aValues = new Set(a.filter((f) => f.kind === fa.kind && f.unit === fa.unit).map((f) => f.value));
    if (same.every((fb) => !aValues.has(fb.value))) return fa.kind === 'quantity' ? fa.unit : fa.kind;
  }
  return undefined;
}

function clip(sentence: string, max = 280): string {
  return sentence.length <= max ? sentence : `${sentence.slice(0, max - 1).trimEnd()}…`;
}
