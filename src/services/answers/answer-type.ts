/**
 * The kind of answer a question asks for ("how long" → a duration, "what time" → a clock
 * time), so the extractive answer prefers sentences that contain one. A classic QA cue: it
 * only reorders sentences already drawn from the cited passages.
 */
const NUMBER_WORD = '(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty)';
const DURATION = new RegExp(`\\b(?:\\d+(?:\\.\\d+)?|${NUMBER_WORD})(?:\\s*[-–]\\s*\\d+)?\\s*(?:(?:working|business|calendar)\\s+)?(?:minutes?|hours?|days?|weeks?|months?|years?)\\b`, 'i');
const CLOCK = /\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}\s?(?:am|pm)\b|\bnoon\b|\bmidnight\b/i;
const DATE = /\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+\d{1,2}|(?:mon|tues|wednes|thurs|fri|satur|sun)day|q[1-4])\b/i;
const MONEY = /[€$£]\s?\d|\b\d[\d,.]*\s?(?:eur|usd|gbp|euros?|dollars?)\b/i;
const NUMBER = new RegExp(`\\b\\d+(?:[.,]\\d+)?\\b|\\b${NUMBER_WORD}\\b`, 'i');
const PLACE_OR_LINK = /\bhttps?:\/\/|\b(?:floor|room|building|desk|portal|channel|located|address|street|avenue|suite|#[a-z][\w-]+)\b/i;
/** A street address: a house number before a capitalised name ("450 Golden Gate", "1800 F Street"). */
const ADDRESS = /\b\d{2,5}\s+(?:[A-Z][a-z]*\.?\s?){1,3}\b/;
const CONTACT = /@[a-z0-9.-]+\.[a-z]{2,}|\b(?:team|manager|owner|lead|desk|partner|contact)\b/i;

export type AnswerType = 'duration' | 'clock' | 'date' | 'money' | 'number' | 'place' | 'contact';

const PATTERNS: Record<AnswerType, RegExp> = { duration: DURATION, clock: CLOCK, date: DATE, money: MONEY, number: NUMBER, place: PLACE_OR_LINK, contact: CONTACT };

export function expectedAnswerType(question: string): AnswerType | undefined {
  const q = question.toLowerCase();
  // "How much notice / lead time / paid parental leave" asks for a duration, not an amount of money.
  if (/\bhow (long|soon|quickly|fast|early)\b|\bhow many (days|weeks|months|hours|years|minutes)\b|\bfor how long\b|\bhow far (ah\w*|in advance)\b|\bhow often\b|\bhow much (?:[\w-]+ ){0,3}?(?:time|notice|warning|leave|vacation|holiday|pto|fmla)\b|\blead time\b|\bnotice period\b/.test(q)) return 'duration';
  if (/\bwhat time\b|\bcut-?off time\b|\buntil what time\b|\bwhich time\b|\bwhat hours?\b|\bby when\b.*\b(today|day)\b/.test(q)) return 'clock';
  if (/\bhow much\b|\bcost\b|\bprice\b|\bbudget\b|\bspend\b|\ballowance\b|\breimburse|\b(?:dollar|contract) (?:value|amount|size|threshold)\b|\bwhat (?:value|amount|threshold)\b/.test(q)) return 'money';
  if (/\bwhen\b|\bwhat date\b|\bwhich day\b|\bwhat day\b|\bdeadline\b/.test(q)) return 'date';
  if (/\bhow many\b|\bminimum\b|\bmaximum\b|\bshortest\b|\blongest\b|\bat least\b|\blimit\b|\bnumber of\b|\b(?:above|over|below|under) what\b|\bhow (?:big|large|small)\b|\b(?:biggest|largest|smallest)\b/.test(q)) return 'number';
  if (/\bwhere\b|\bwhich (url|link|site|portal|channel)\b/.test(q)) return 'place';
  if (/\bwho\b|\bwhom\b|\bcontact\b/.test(q)) return 'contact';
  return undefined;
}

export function containsAnswerType(sentence: string, type: AnswerType): boolean {
  if (type === 'date') return DATE.test(sentence) || CLOCK.test(sentence) || DURATION.test(sentence);
  if (type === 'clock') return CLOCK.test(sentence);
  if (type === 'place') return PLACE_OR_LINK.test(sentence) || ADDRESS.test(sentence);
  return PATTERNS[type].test(sentence);
}
