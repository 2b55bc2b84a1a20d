import { splitSentences } from '../answers/passages.js';
import { contentTerms } from '../../text/terms.js';
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
      if (!clash || parallelSubjects(a.sentence, b.sentence)) continue;
      candidates.push({
        shared: shared.length / union,
        key: [a.pageId, b.pageId].sort().join('|') + clash,
        conflict: conflictBetween(a, b, clash),
      });
    }
  }
  // For each pair of pages and unit, keep the pair of sentences closest in subject.
  candidates.sort((x, y) => y.shared - x.shared);
  return firstPerKey(candidates);
}

/**
 * A unit both sentences state where no value of one agrees with a value of the other: the
 * clash, named by its unit. Equal values agree; so does an amount inside the other's limit
 * ("6 hours" and "up to 240 hours"), or two limits of opposite directions that overlap.
 */
function clashingFact(allA: Fact[], allB: Fact[], onlyAmounts = false): string | undefined {
  const counted = (f: Fact) => !f.approximate && (!onlyAmounts || AMOUNTS.has(f.kind));
  const a = allA.filter(counted);
  const b = allB.filter(counted);
  for (const fa of a) {
    const same = b.filter((fb) => fb.kind === fa.kind && fb.unit === fa.unit);
    if (same.length === 0) continue;
    const ours = a.filter((f) => f.kind === fa.kind && f.unit === fa.unit);
    if (ours.every((x) => same.every((y) => !agree(x, y)))) return fa.kind === 'quantity' ? fa.unit : fa.kind;
  }
  return undefined;
}

/** Kinds of fact compared beyond the cited passages: amounts. Two pages naming different contacts or links often mean different things. */
const AMOUNTS = new Set<Fact['kind']>(['quantity', 'money', 'percent']);

function agree(x: Fact, y: Fact): boolean {
  if (x.value === y.value && x.bound === y.bound) return true;
  if (x.bound === y.bound) return false;
  const [vx, vy] = [Number(x.value), Number(y.value)];
  if (!Number.isFinite(vx) || !Number.isFinite(vy)) return x.value === y.value;
  const within = (limit: Fact, value: number, limitValue: number) => (limit.bound === 'max' ? value <= limitValue : value >= limitValue);
  if (x.bound && y.bound) return x.bound === 'max' ? vy <= vx : vx <= vy; // a min below a max: a range
  return x.bound ? within(x, vy, vx) : within(y, vx, vy);
}

/**
 * The same sentence with one subject word swapped ("… 104 advanced sick leave hours" / "… 56
 * advanced annual leave hours", "Employee VPN access…" / "Contractor VPN access…"), or amounts of
 * differently qualified units ("annual leave hours" / "sick leave hours"): parallel statements
 * about different subjects, not two pages disagreeing.
 */
export function parallelSubjects(a: string, b: string): boolean {
  if (differentlyQualified(extractFacts(a), extractFacts(b))) return true;
  const x = subjectList(a);
  const y = subjectList(b);
  if (x.length !== y.length || x.length < 2) return false;
  let swapped = 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) swapped++;
  return swapped === 1;
}

/** "4 annual leave hours" against "104 sick leave hours": amounts of different things, so the sentences are about different subjects. */
function differentlyQualified(a: Fact[], b: Fact[]): boolean {
  const base = (unit: string) => unit.slice(unit.lastIndexOf(' ') + 1);
  const qualified = (facts: Fact[]) => facts.filter((f) => f.kind === 'quantity' && f.unit.includes(' '));
  const ours = qualified(a);
  return qualified(b).some((fb) => ours.some((fa) => base(fa.unit) === base(fb.unit) && fa.unit !== fb.unit));
}

/** Content words in order, numbers out, units kept ("annual leave hours" / "sick leave hours" differ there). */
function subjectList(sentence: string): string[] {
  return [...new Set(contentTerms(sentence.replace(URL_OR_EMAIL, ' ')))].filter((term) => !/\d/.test(term));
}

const URL_OR_EMAIL = /\bhttps?:\/\/\S+|\b[\w.%+-]+@[\w.-]+\.[a-z]{2,}\b/gi;

/** A passage an answer drew on: cited, or another passage of a page read for the same question. */
export interface AnswerPassage {
  pageId: string;
  text: string;
  /** Quoted in the answer; otherwise only read for it. */
  cited: boolean;
  /** For cited passages: the sentence the answer rests on (index into splitSentences(text)). */
  bestSentence?: number;
}

interface AnswerSentence extends FactSentence {
  /** In a cited passage. */
  cited: boolean;
  /** On a page with a cited passage. */
  onCitedPage: boolean;
  /** The sentence a cited passage's answer rests on. */
  best: boolean;
}

/** Fact-bearing sentences compared per page outside the cited passages (as flag_stale's digest), and sentences read to find them: a huge page costs little. */
const MAX_READ_SENTENCES_PER_PAGE = 60;
const MAX_SCANNED_SENTENCES_PER_PAGE = 2_000;
/** The overlap flag_stale asks of two sentences anywhere on the site: the same subject whatever was asked. */
const STRICT_SHARED = 3;
const STRICT_JACCARD = 0.3;
/** A question stem that prefixes a subject word counts ("expir" / "expiri", "valid" / "validity"). */
const MIN_PREFIX = 5;

/**
 * Conflicts for an answer, independent of how the question is worded. The answer's subject is
 * the question's words (matched by stem or stem prefix) together with the subject words of the
 * sentences the cited passages rest on, so a paraphrase that shares no word with the pages still
 * finds the clash. Compared are sentences of different pages, at least one of them on a cited page:
 * - both in cited passages: the subject overlap findConflicts asks (2 shared words, Jaccard 0.2),
 *   one of the shared words about the answer;
 * - otherwise (one anywhere on a cited page, the other anywhere on a page read for this
 *   question): the overlap flag_stale asks site-wide (3 shared words, Jaccard 0.3), two of the
 *   shared words about the answer.
 * The facts must clash (same kind and unit, no value in common; beyond the cited passages only
 * amounts: durations, counts, money, percentages), and the sentences must not be parallel
 * statements about different subjects. Sentences on pages that are read but not cited are
 * never compared with each other.
 */
export function findAnswerConflicts(passages: AnswerPassage[], questionStems: Set<string>): Conflict[] {
  const citedPages = new Set(passages.filter((p) => p.cited).map((p) => p.pageId));
  const sentences: AnswerSentence[] = [];
  const answerSubject = new Set<string>();
  const perPage = new Map<string, { facts: number; scanned: number }>();
  for (const passage of passages) {
    const count = perPage.get(passage.pageId) ?? { facts: 0, scanned: 0 };
    perPage.set(passage.pageId, count);
    splitSentences(passage.text).forEach((sentence, index) => {
      const best = passage.cited && passage.bestSentence === index;
      if (best) for (const term of subjectTerms(sentence)) answerSubject.add(term);
      if (!passage.cited && (count.facts >= MAX_READ_SENTENCES_PER_PAGE || count.scanned++ >= MAX_SCANNED_SENTENCES_PER_PAGE)) return;
      const facts = extractFacts(sentence);
      if (facts.length === 0) return;
      if (!passage.cited) count.facts++;
      const onCitedPage = citedPages.has(passage.pageId);
      sentences.push({ pageId: passage.pageId, sentence, facts, subject: subjectTerms(sentence), cited: passage.cited, onCitedPage, best });
    });
  }
  const question = [...questionStems].filter((stem) => !/\d/.test(stem));
  const aboutAnswer = (term: string) =>
    answerSubject.has(term) ||
    question.some((stem) => stem === term || (Math.min(stem.length, term.length) >= MIN_PREFIX && (stem.startsWith(term) || term.startsWith(stem))));

  const candidates: { rank: number; key: string; conflict: Conflict }[] = [];
  // Each sentence on a cited page (a few pages, capped per page) against the read ones, each pair once.
  sentences.forEach((a, i) => {
    if (!a.onCitedPage) return;
    sentences.forEach((b, j) => {
      if (a.pageId === b.pageId) return;
      // Pairs of two sentences on cited pages are met twice: keep the one with the cited sentence first.
      if (b.onCitedPage && (Number(b.cited) > Number(a.cited) || (b.cited === a.cited && j < i))) return;
      const shared = [...a.subject].filter((term) => b.subject.has(term));
      const jaccard = shared.length / new Set([...a.subject, ...b.subject]).size;
      const strict = shared.length >= STRICT_SHARED && jaccard >= STRICT_JACCARD;
      const about = shared.filter(aboutAnswer).length;
      const tier = a.cited && b.cited ? 2 : a.cited ? 1 : 0;
      const related =
        tier === 2 ? shared.length >= MIN_SHARED_TERMS && jaccard >= MIN_JACCARD && about >= 1 : strict && about >= 2;
      if (!related) return;
      const clash = clashingFact(a.facts, b.facts, tier < 2);
      if (!clash || parallelSubjects(a.sentence, b.sentence)) return;
      const [first, second] = tier === 2 && b.pageId < a.pageId ? [b, a] : [a, b];
      candidates.push({
        // Prefer what the reader sees: both cited, then one, then the answer's own sentence, then the closest subject.
        rank: tier * 2 + (a.best || b.best ? 1 : 0) + jaccard,
        key: [a.pageId, b.pageId].sort().join('|') + clash,
        conflict: conflictBetween(first, second, clash),
      });
    });
  });
  candidates.sort((x, y) => y.rank - x.rank);
  return firstPerKey(candidates);
}

/** Two statements that clash on `clash`, named by the subject words they share. */
function conflictBetween(a: { pageId: string; sentence: string }, b: { pageId: string; sentence: string }, clash: string): Conflict {
  return {
    subject: `${sharedWords(a.sentence, b.sentence).join(' ')} (${clash})`,
    statements: [
      { pageId: a.pageId, text: clip(a.sentence) },
      { pageId: b.pageId, text: clip(b.sentence) },
    ],
  };
}

/** The best-ranked conflict per pair of pages and clash (candidates come sorted best first). */
function firstPerKey(candidates: { key: string; conflict: Conflict }[]): Conflict[] {
  const seen = new Set<string>();
  return candidates.filter((c) => !seen.has(c.key) && seen.add(c.key)).map((c) => c.conflict);
}

function clip(sentence: string, max = 280): string {
  return sentence.length <= max ? sentence : `${sentence.slice(0, max - 1).trimEnd()}…`;
}
