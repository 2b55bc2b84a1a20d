import { contentTerms, tokenize } from '../../text/terms.js';

/**
 * Checkable facts in a sentence: numbers with their unit (durations, money, sizes, counts),
 * percentages, URLs, email addresses, versions and dates. Two sentences about the same
 * subject that state different facts of the same kind and unit are a conflict.
 */
export type FactKind = 'quantity' | 'money' | 'percent' | 'url' | 'email' | 'version' | 'date';

export interface Fact {
  kind: FactKind;
  /** For quantities: the normalised unit ("day", "character"); for others the kind. */
  unit: string;
  /** Normalised value, compared for equality. */
  value: string;
  raw: string;
  /** "about 110 people": an estimate, not a claim another page can contradict. */
  approximate?: boolean;
  /** "up to 240 hours", "within 30 days" (max), "at least 14 characters" (min): a limit, which an amount inside it does not contradict. */
  bound?: 'max' | 'min';
}

const MAX_BOUND = /\b(up to|at most|no more than|not more than|a maximum of|maximum of|maximum|max\.?|within|less than|fewer than|under|below)\s*$/i;
const MIN_BOUND = /\b(at least|no less than|not less than|a minimum of|minimum of|minimum|min\.?|more than|over|above|from)\s*$/i;
const APPROXIMATE = /\b(about|around|approximately|approx\.?|roughly|nearly|almost|some|circa|ca\.)\s*$|~\s*$/i;

const DURATION_UNITS: Record<string, string> = {
  minute: 'minute', minutes: 'minute', min: 'minute', mins: 'minute',
  hour: 'hour', hours: 'hour', hr: 'hour', hrs: 'hour',
  day: 'day', days: 'day',
  week: 'week', weeks: 'week',
  month: 'month', months: 'month',
  year: 'year', years: 'year',
};
/** Words between a number and its unit. Business and working days are a different unit from calendar days. */
const QUALIFIERS = new Set(['calendar', 'consecutive', 'full', 'more', 'additional', 'extra', 'paid', 'unpaid']);
const DISTINCT_QUALIFIERS = new Set(['business', 'working', 'school']);
const MONTHS = 'january|february|march|april|may|june|july|august|september|october|november|december|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec';

const URL = /\bhttps?:\/\/[^\s<>()\]"'`]+/gi;
const EMAIL = /\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b/g;
const PERCENT = /(\d+(?:\.\d+)?)\s?(%|percent\b)/gi;
const MONEY = /(?:([$€£])\s?(\d[\d,]*(?:\.\d+)?)(\s?[kKmM]\b)?)|(?:\b(\d[\d,]*(?:\.\d+)?)\s?(EUR|USD|GBP|euros?|dollars?|pounds?)\b)/g;
const VERSION = /\b(?:version|v|release)\s?(\d+(?:\.\d+){0,3})\b|\b(\d+\.\d+\.\d+)\b/gi;
const ISO_DATE = /\b(\d{4})-(\d{2})-(\d{2})\b/g;
const NAMED_DATE = new RegExp(`\\b(\\d{1,2})\\s+(${MONTHS})\\.?\\s+(\\d{4})\\b|\\b(${MONTHS})\\.?\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})\\b`, 'gi');
const NUMBER_WORD = /\b(\d[\d,]*(?:\.\d+)?)(?:\s*(?:-|to|–)\s*(\d[\d,]*(?:\.\d+)?))?\s+([A-Za-z][A-Za-z-]*)(?:\s+([A-Za-z][A-Za-z-]*))?/g;

function num(text: string): string {
  return String(Number(text.replace(/,/g, '')));
}

/** Every fact pattern needs a digit, an `@` or an `http(s)://`; most sentences have none, and skip all eight regexes. */
const MAY_HOLD_FACT = /[\d@]|https?:\/\//i;

export function extractFacts(sentence: string): Fact[] {
  if (!MAY_HOLD_FACT.test(sentence)) return [];
  const facts: Fact[] = [];
  let masked = sentence;
  const take = (regex: RegExp, build: (m: RegExpExecArray) => Fact | undefined) => {
    for (const match of sentence.matchAll(regex)) {
      const fact = build(match as RegExpExecArray);
      if (fact) {
        facts.push(fact);
        masked = masked.replace(match[0], ' '.repeat(match[0].length));
      }
    }
  };
  take(URL, (m) => {
    const url = m[0].replace(/[.,;:!?]+$/, '');
    return { kind: 'url', unit: 'url', value: url.toLowerCase().replace(/\/$/, ''), raw: url };
  });
  take(EMAIL, (m) => ({ kind: 'email', unit: 'email', value: m[0].toLowerCase(), raw: m[0] }));
  take(ISO_DATE, (m) => ({ kind: 'date', unit: 'date', value: `${m[1]}-${m[2]}-${m[3]}`, raw: m[0] }));
  take(NAMED_DATE, (m) => {
    const date = new Date(`${m[2] ?? m[4]} ${m[1] ?? m[5]}, ${m[3] ?? m[6]} UTC`);
    return Number.isNaN(date.getTime()) ? undefined : { kind: 'date', unit: 'date', value: date.toISOString().slice(0, 10), raw: m[0] };
  });
  const rest = () => masked;
  for (const match of rest().matchAll(PERCENT)) {
    facts.push({ kind: 'percent', unit: 'percent', value: num(match[1]), raw: match[0] });
    masked = masked.replace(match[0], ' '.repeat(match[0].length));
  }
  for (const match of rest().matchAll(MONEY)) {
    const currency = (match[1] ?? match[5] ?? '').toLowerCase().replace(/s$/, '');
    const amount = match[2] ?? match[4];
    const scale = match[3]?.trim().toLowerCase() === 'k' ? 1e3 : match[3]?.trim().toLowerCase() === 'm' ? 1e6 : 1;
    const unit = { $: 'usd', dollar: 'usd', usd: 'usd', '€': 'eur', euro: 'eur', eur: 'eur', '£': 'gbp', pound: 'gbp', gbp: 'gbp' }[currency] ?? currency;
    const before = rest().slice(Math.max(0, (match.index ?? 0) - 24), match.index ?? 0);
    const bound = MAX_BOUND.test(before) ? 'max' : MIN_BOUND.test(before) ? 'min' : undefined;
    facts.push({ kind: 'money', unit, value: String(Number(amount.replace(/,/g, '')) * scale), raw: match[0], ...(bound ? { bound } : {}) });
    masked = masked.replace(match[0], ' '.repeat(match[0].length));
  }
  for (const match of rest().matchAll(VERSION)) {
    facts.push({ kind: 'version', unit: 'version', value: match[1] ?? match[2], raw: match[0] });
    masked = masked.replace(match[0], ' '.repeat(match[0].length));
  }
  for (const match of rest().matchAll(NUMBER_WORD)) {
    let word = match[3].toLowerCase();
    let prefix = '';
    if (DISTINCT_QUALIFIERS.has(word) && match[4]) {
      prefix = `${word} `;
      word = match[4].toLowerCase();
    } else if (QUALIFIERS.has(word) && match[4]) {
      word = match[4].toLowerCase();
    }
    let raw = match[0].trim();
    // "104 advanced sick leave hours", "3 learning days": a time unit a few words on, qualified by the words between.
    const ahead = DURATION_UNITS[word] || prefix ? undefined : durationAhead(rest().slice((match.index ?? 0) + match[1].length));
    if (ahead) {
      prefix = ahead.qualifiers.length > 0 ? `${ahead.qualifiers.join(' ')} ` : '';
      word = ahead.unit;
      raw = sentence.slice(match.index ?? 0, (match.index ?? 0) + match[1].length + ahead.length);
    }
    const unit = prefix + (DURATION_UNITS[word] ?? singular(word));
    if (unit.length < 3 || /^(am|pm|and|or|the|of|to|in|on|at|for)$/.test(unit)) continue;
    const value = match[2] ? `${num(match[1])}-${num(match[2])}` : num(match[1]);
    const before = sentence.slice(Math.max(0, (match.index ?? 0) - 24), match.index ?? 0);
    const bound = MAX_BOUND.test(before) ? 'max' : MIN_BOUND.test(before) ? 'min' : undefined;
    facts.push({ kind: 'quantity', unit, value, raw, approximate: APPROXIMATE.test(before), ...(bound ? { bound } : {}) });
  }
  return facts;
}

/**
 * A time unit among the next four words, none of them a number or after punctuation, not the
 * first word: the unit, the words between (its qualifiers, minus the neutral ones) and the length up to it.
 */
function durationAhead(text: string): { unit: string; qualifiers: string[]; length: number } | undefined {
  const words = text.slice(0, 80).split(/(\s+)/);
  let raw = '';
  const between: string[] = [];
  for (const part of words) {
    raw += part;
    if (part.trim() === '') continue;
    const clean = part.replace(/[^A-Za-z-]+$/, '');
    const word = clean.toLowerCase();
    if (!/^[a-z][a-z-]*$/.test(word)) return undefined;
    if (between.length > 0 && DURATION_UNITS[word]) {
      return { unit: word, qualifiers: between.filter((w) => !QUALIFIERS.has(w)), length: raw.length - part.length + clean.length };
    }
    if (clean !== part || between.length >= 3) return undefined; // punctuation ends the phrase
    between.push(word);
  }
  return undefined;
}

function singular(word: string): string {
  if (word.endsWith('ies') && word.length > 4) return `${word.slice(0, -3)}y`;
  if (word.endsWith('ses') || word.endsWith('xes')) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && word.length > 3) return word.slice(0, -1);
  return word;
}

/** Words that relate a fact to time or order rather than name a subject. */
const RELATIONAL = new Set(contentTerms('within after before every each next last first least until over under about around approximately up maximum minimum'));

/** The sentence's subject words: content terms without the facts themselves (numbers, units, URLs). */
export function subjectTerms(sentence: string): Set<string> {
  let withoutFacts = sentence.replace(URL, ' ').replace(EMAIL, ' ');
  for (const fact of extractFacts(withoutFacts)) withoutFacts = withoutFacts.replace(fact.raw, ' ');
  return new Set(contentTerms(withoutFacts).filter((term) => !/\d/.test(term) && !RELATIONAL.has(term)));
}

/** Readable words shared by two sentences, in the first one's order, for naming a subject. */
export function sharedWords(a: string, b: string, limit = 5): string[] {
  const bTerms = new Set(contentTerms(b));
  const out: string[] = [];
  for (const word of tokenize(a)) {
    if (/\d/.test(word) || out.includes(word)) continue;
    const [term] = contentTerms(word);
    if (term && bTerms.has(term)) out.push(word);
    if (out.length >= limit) break;
  }
  return out;
}
