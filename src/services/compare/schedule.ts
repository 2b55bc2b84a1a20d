import { splitSentences } from '../../text/sentences.js';
import { stemToken, tokenize } from '../../text/terms.js';
import type { QuestionAnalysis } from '../answers/question.js';

/**
 * Schedules stated in text ("We release every Tuesday", "Payroll runs monthly", "twice a year"),
 * and the question words that ask for one ("cadence", "how frequently", "which weekday",
 * "weekly?"). Such a word names the kind of answer, not the topic: a page that states a
 * schedule for the topic answers it without containing the word, so it must not count as
 * missing evidence — or the page that says "We release every Tuesday" is reported as a gap.
 */
const DAY = '(?:mon|tues|wednes|thurs|fri|satur|sun)day';
const PERIOD = `(?:day|working day|business day|weekday|week|fortnight|month|quarter|year|morning|afternoon|evening|night|sprint|${DAY})`;
const RECURRENCE: RegExp[] = [
  new RegExp(`\\b(?:every|each)\\s+(?:other\\s+|second\\s+|third\\s+|\\d+(?:st|nd|rd|th)?\\s+)?(?:${PERIOD}s?|\\d+\\s+(?:minutes?|hours?|days?|weeks?|months?|years?))\\b`, 'i'),
  new RegExp(`\\b(?:on|by|until)\\s+${DAY}s\\b|^${DAY}s\\b`, 'i'),
  /\b(?:hourly|nightly|daily|weekly|bi-?weekly|fortnightly|monthly|bi-?monthly|quarterly|yearly|annually|semi-?annually)\b/i,
  /\b(?:once|twice|three times|four times|\d+\s*(?:x|times))\s+(?:a|an|per|each|every)\s+(?:day|week|month|quarter|year|sprint)\b/i,
  new RegExp(`\\b(?:first|second|third|fourth|last)\\s+${PERIOD}\\s+of\\s+(?:each|every|the)\\s+(?:week|month|quarter|year)\\b`, 'i'),
];
const WEEKDAY = new RegExp(`\\b${DAY}s?\\b`, 'i');

/** Question words asking how often or on which day; the second set is also answered by a weekday name. */
const FREQUENCY_WORDS = [
  'cadence', 'cadences', 'frequency', 'frequencies', 'frequent', 'frequently', 'often', 'regularly', 'recurring', 'recurrence',
  'recur', 'recurs', 'interval', 'intervals', 'rhythm', 'periodic', 'periodically', 'schedule', 'scheduled', 'schedules',
  'hourly', 'nightly', 'daily', 'weekly', 'biweekly', 'fortnightly', 'monthly', 'quarterly', 'yearly', 'annually',
];
const WEEKDAY_WORDS = ['weekday', 'weekdays'];
const FREQUENCY_STEMS = new Set(FREQUENCY_WORDS.map(stemToken));
const WEEKDAY_STEMS = new Set(WEEKDAY_WORDS.map(stemToken));

export function statesSchedule(sentence: string): boolean {
  return RECURRENCE.some((pattern) => pattern.test(sentence));
}

/**
 * The question as evidence is measured: words asking for a schedule are left out when a read
 * passage has a sentence that states one (a weekday name does for "which weekday") and names
 * the rest of the question's topic (one of its other words). Without such a sentence the
 * question is unchanged, so a site that never states the schedule still reports the gap.
 */
export function withoutAnsweredScheduleWords(question: QuestionAnalysis, passages: string[]): QuestionAnalysis {
  const asking = question.terms.filter((t) => !t.fromAgent && (FREQUENCY_STEMS.has(t.stem) || WEEKDAY_STEMS.has(t.stem)));
  const topic = question.terms.filter((t) => !t.fromAgent && !asking.includes(t));
  if (asking.length === 0 || topic.length === 0) return question;
  const answered = new Set<string>();
  for (const text of passages) {
    for (const sentence of splitSentences(text)) {
      const recurring = statesSchedule(sentence);
      if (!recurring && !WEEKDAY.test(sentence)) continue;
      const stems = new Set(tokenize(sentence).map(stemToken));
      if (!topic.some((t) => stems.has(t.stem) || (t.stem.length >= 5 && [...stems].some((s) => s.startsWith(t.stem))))) continue;
      for (const term of asking) if (recurring || WEEKDAY_STEMS.has(term.stem)) answered.add(term.stem);
    }
    if (answered.size === asking.length) break;
  }
  if (answered.size === 0) return question;
  return { ...question, terms: question.terms.filter((t) => !answered.has(t.stem)) };
}
