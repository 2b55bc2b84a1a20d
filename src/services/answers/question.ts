import { isFunctionWord, stemToken, tokenize } from '../../text/terms.js';
import { type AnswerType, expectedAnswerType } from './answer-type.js';
import { sharedWordVectors } from './word-vectors.js';

/** A word of the question (or of the agent's searchTerms) and how much it says about the topic. */
export interface QuestionTerm {
  stem: string;
  /** Surface forms seen, and the word a likely slip was meant as (for word vectors, which know words, not stems). */
  tokens: string[];
  /**
   * How rare the word is in English at large (from the word vectors' frequency ranks): the
   * same for every question and site, so evidence built on it means the same everywhere.
   */
  rarity: number;
  /** Named by the agent in searchTerms rather than in the question. */
  fromAgent: boolean;
  /** Written capitalised mid-sentence (Munich, Datadog, PIV): a name, which only its own spelling matches. */
  name: boolean;
}

/** The question analysed once; every stage (search, ranking, evidence, composition, conflicts) reads this. */
export interface QuestionAnalysis {
  question: string;
  terms: QuestionTerm[];
  /** What the page search is given: the question and the agent's extra terms. */
  searchText: string;
  answerType: AnswerType | undefined;
  /** Stems of the question's own terms (conflict focus). */
  focus: Set<string>;
}

/**
 * Words that shape a question, not its topic: pages rarely contain them, so they must not count
 * as missing evidence. Words that say what kind of answer is wanted ("how long", "minimum")
 * are not here: they are kept, at a low weight (SHAPE_WORDS), and inform the answer type.
 */
const FILLER = new Set([
  'can', 'could', 'would', 'should', 'get', 'got', 'getting', 'need', 'needs', 'also', 'via', 'roughly', 'approximately',
  'exactly', 'actually', 'realistic', 'realistically', 'typically', 'usually', 'normally', 'generally', 'currently', 'ago',
  'supposed', 'happen', 'happens', 'mean', 'means', 'know', 'tell', 'find', 'anyone', 'anybody', 'somebody', 'someone',
  'thing', 'things', 'way', 'ways', 'kind', 'sort', 'please', 'okay', 'ok', 'really', 'still', 'just', 'even', 'else',
  'exist', 'exists', 'possible', 'able', 'want', 'wants', 'wanted', 'like', 'go', 'going', 'make', 'sure', 'afterwards',
  'onto', 'per', 'which', 'whom', 'whose', 'what', 'whats', 'hi', 'hey', 'hello', 'thanks', 'thank', 'wondering', 'wonder',
  'trying', 'try', 'guess', 'quick', 'question', 'basically', 'anyway', 'somehow', 'anything', 'something', 'everything',
  'stuff', 'us', 'im', 'ive', 'id', 'dont', 'doesnt', 'isnt', 'cant', 'wont', 'gonna', 'wanna', 'lol', 'pls', 'plz', 'u',
  'say', 'says', 'said', 'let', 'lets', 'much', 'many', 'often', 'does', 'did', 'do', 'is', 'are', 'was', 'were', 'will',
  'tbh', 'btw', 'etc', 'yes', 'no', 'maybe', 'might', 'must', 'shall', 'may', 'ever', 'one',
  // What contractions leave behind ("I've", "we'll", "they're").
  've', 'll', 're',
]);
/** Kept, but they describe the answer more than the topic. */
const SHAPE_WORDS = new Set(['long', 'longest', 'shortest', 'earliest', 'latest', 'least', 'most', 'maximum', 'minimum', 'max', 'min', 'allowed', 'time', 'soon']);
const SHAPE_FACTOR = 0.3;
const AGENT_FACTOR = 0.6;
const MAX_TERMS = 24;

/**
 * Rarity from a Zipf rank: ln(1 + rank / 200). "the" → 0, "office" ≈ 1.5, "counseling" ≈ 3.8;
 * a word outside the 100k vocabulary (a product name, an acronym, a typo) gets the top value.
 */
export function rarityOf(token: string, rank: (word: string) => number | undefined): number {
  // Numbers and letter-digit mixes ("2am", "v2", "13th") are specifics, rarely a page's wording.
  if (/\d/.test(token)) return 2.5;
  const r = rank(token);
  return Math.log(1 + (r ?? 120_000) / 200);
}

/** Days and months are written capitalised but name a time, not a topic a page must mention ("It's Saturday night"). */
const CALENDAR_WORDS = /^(?:mon|tues|wednes|thurs|fri|satur|sun)day$|^(?:january|february|march|april|may|june|july|august|september|october|november|december)$/i;

/** Lower-cased words written with a capital anywhere but at the start of a sentence. */
export function capitalisedWords(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.normalize('NFKC').matchAll(/[\p{L}\p{N}]+/gu)) {
    const word = match[0];
    if (!/^\p{Lu}/u.test(word) || CALENDAR_WORDS.test(word)) continue;
    const before = text.slice(0, match.index).trimEnd();
    const sentenceStart = before === '' || /[.!?:;"'(\-–—]$/.test(before);
    if (!sentenceStart || /^\p{Lu}{2,}$/u.test(word) || /\p{Ll}\p{Lu}/u.test(word)) names.add(word.toLowerCase());
  }
  return names;
}

/** Total rarity of the question's own words (the agent's searchTerms are alternatives, not part of it). */
export function ownRarity(question: QuestionAnalysis): number {
  return question.terms.filter((t) => !t.fromAgent).reduce((sum, t) => sum + t.rarity, 0);
}

export function analyzeQuestion(question: string, searchTerms: string[] = []): QuestionAnalysis {
  const vectors = sharedWordVectors();
  const names = capitalisedWords(question);
  const rank = (word: string) => vectors.rank(word);
  const byStem = new Map<string, QuestionTerm>();
  const corrections: string[] = [];
  const add = (text: string, fromAgent: boolean) => {
    for (const token of tokenize(text)) {
      // A likely slip ("mesage") is as rare as the word it is one edit from, and that word is
      // searched for and matched too — beside the written form, which may be a name ("okta").
      const corrected = fromAgent ? undefined : vectors.correction(token);
      if (corrected) corrections.push(corrected);
      if (isFunctionWord(token) || FILLER.has(token) || (token.length < 2 && !/\d/.test(token))) continue;
      const stem = stemToken(token);
      const rarity = rarityOf(corrected ?? token, rank) * (SHAPE_WORDS.has(token) ? SHAPE_FACTOR : 1) * (fromAgent ? AGENT_FACTOR : 1);
      const forms = corrected ? [token, corrected] : [token];
      const known = byStem.get(stem);
      if (known) {
        for (const form of forms) if (!known.tokens.includes(form)) known.tokens.push(form);
        if (known.fromAgent && !fromAgent) Object.assign(known, { fromAgent: false, rarity: Math.max(known.rarity, rarity) });
        continue;
      }
      if (byStem.size >= MAX_TERMS) return;
      byStem.set(stem, { stem, tokens: forms, rarity, fromAgent, name: !fromAgent && names.has(token) });
    }
  };
  add(question, false);
  for (const term of searchTerms) add(term, true);
  const terms = [...byStem.values()];
  const extra = [...searchTerms.map((t) => t.trim()).filter((t) => t !== ''), ...corrections];
  return {
    question,
    terms,
    searchText: extra.length > 0 ? `${question} ${extra.join(' ')}` : question,
    answerType: expectedAnswerType(question),
    focus: new Set(terms.filter((t) => !t.fromAgent).map((t) => t.stem)),
  };
}
