import type { Schedule, Weekday } from './refs.js';
import { COUNT, parseCount } from './text.js';

/**
 * Schedule phrases → our Schedule shape (fact sheet §5a): DAILY, WEEKLY or MONTHLY whenever
 * they can express it ("every Monday at 9", "each week", "on the first of the month",
 * "last day of the month"), CRON only for the rest (quarterly, yearly, "first Monday of the
 * month", every N minutes). Works on the lower-case masked prompt from text.ts.
 */

export interface ScheduleMatch {
  /** Null when a schedule was asked for ("run it on a schedule") but not described. */
  schedule: Schedule | null;
  /** Where the schedule phrase starts, for clause attribution. */
  index: number;
}

const DAY_NAMES: Array<[RegExp, Weekday]> = [
  [/^mon/, 'MON'],
  [/^tue/, 'TUE'],
  [/^wed/, 'WED'],
  [/^thu/, 'THU'],
  [/^fri/, 'FRI'],
  [/^sat/, 'SAT'],
  [/^sun/, 'SUN'],
];
const DAY = '(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|mon|tues|tue|wed|thurs|thur|thu|fri|sat|sun)';
const ORDER: Weekday[] = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'];

function weekday(word: string): Weekday | undefined {
  return DAY_NAMES.find(([re]) => re.test(word))?.[1];
}

/**
 * A weekday as Quartz numbers it in the day-of-week field (1 = Sunday … 7 = Saturday): the
 * documented form before `L` ("6L", the last Friday) and `#` ("2#1", the first Monday).
 */
const QUARTZ_DAY: Record<Weekday, number> = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };

/** "at 9", "9am", "9:30 pm", "17:30", "noon", "midnight" → "HH:mm". */
export function parseTime(lower: string): string | undefined {
  if (/\b(?:noon|midday)\b/.test(lower)) return '12:00';
  if (/\bmidnight\b/.test(lower)) return '00:00';
  const words = wordTime(lower);
  if (words) return words;
  const patterns = [
    /\b(\d{1,2})(?::(\d{2}))?\s*(a\.?m\.?|p\.?m\.?)(?![a-z])/,
    /\bat\s+(\d{1,2})(?::|\.|h)(\d{2})\b/,
    /\b(\d{1,2}):(\d{2})\b/,
    /\bat\s+(\d{1,2})\b(?!\s*(?:%|days?|weeks?|months?|years?|pages?|minutes?|hours?|items?|tasks?|times?|o'?clock\s+(?:days?)))(?!\.\d)(?!:\d)/,
  ];
  for (const re of patterns) {
    const m = re.exec(lower);
    if (!m) continue;
    let hour = Number(m[1]);
    const minute = m[2] ? Number(m[2]) : 0;
    const meridiem = m[3]?.replace(/\./g, '');
    if (meridiem === 'pm' && hour < 12) hour += 12;
    if (meridiem === 'am' && hour === 12) hour = 0;
    if (!meridiem && hour < 12 && /\b(?:in the (?:afternoon|evening)|at night|tonight)\b/.test(lower)) hour += 12;
    if (hour > 23 || minute > 59) continue;
    return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
  }
  return undefined;
}

const HOUR_WORDS = ['twelve', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven'];
const HOUR_WORD = `(${HOUR_WORDS.join('|')}|\\d{1,2})`;

/** Spoken times: "half past four", "quarter to nine", "at four o'clock" (afternoon/evening words add 12 hours). */
function wordTime(lower: string): string | undefined {
  const hourOf = (w: string) => (/^\d/.test(w) ? Number(w) : HOUR_WORDS.indexOf(w));
  let hour: number | undefined;
  let minute = 0;
  const past = new RegExp(`\\b(half|quarter|\\d{1,2}|ten|twenty|five)\\s+(past|to)\\s+${HOUR_WORD}\\b`).exec(lower);
  const oclock = new RegExp(`\\bat\\s+${HOUR_WORD}(?:\\s+o'?clock)?\\b(?=\\s*(?:o'?clock|in the|at night|a\\.?m|p\\.?m|$|[,;.]|\\s+(?:on|every|each|and|to|send|email|post|publish|add|archive|remind|create)\\b))`).exec(lower);
  const halfHour = past ? null : new RegExp(`\\b(?:at\\s+)?half\\s+${HOUR_WORD}\\b(?!\\s*(?:hours?|days?|weeks?|months?|years?|minutes?|of|an?)\\b)`).exec(lower);
  if (past) {
    const amount = { half: 30, quarter: 15, ten: 10, twenty: 20, five: 5 }[past[1]] ?? Number(past[1]);
    hour = hourOf(past[3]);
    minute = past[2] === 'past' ? amount : 60 - amount;
    if (past[2] === 'to') hour = (hour + 11) % 12;
  } else if (halfHour) {
    // British "half eight" is half past eight.
    hour = hourOf(halfHour[1]);
    minute = 30;
  } else if (oclock && !/^\d/.test(oclock[1])) {
    hour = hourOf(oclock[1]);
  }
  if (hour === undefined || hour < 0 || hour > 23 || minute > 59) return undefined;
  if (/\bp\.?m\b/.test(lower) || (hour < 12 && /\b(?:in the (?:afternoon|evening)|at night|tonight)\b/.test(lower))) hour = hour < 12 ? hour + 12 : hour;
  return `${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}`;
}

/** Every IANA zone the runtime knows, by its city ("berlin" → Europe/Berlin, "new york" → America/New_York). */
const CITY_ZONES: Map<string, string> = (() => {
  const out = new Map<string, string>();
  const zones = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];
  for (const zone of zones) {
    const city = zone.split('/').pop()!.replace(/_/g, ' ').toLowerCase();
    if (zone.includes('/') && !out.has(city)) out.set(city, zone);
  }
  return out;
})();

function cityZone(lower: string): string | undefined {
  for (const m of lower.matchAll(/\b([a-z]+(?:\s+[a-z]+)?)\s+time\b/g)) {
    const words = m[1].split(/\s+/);
    // "new york time" and "berlin time": the longest city name that is a zone wins.
    const hit = CITY_ZONES.get(words.join(' ')) ?? CITY_ZONES.get(words[words.length - 1]);
    if (hit) return hit;
  }
  return undefined;
}

const ZONES: Array<[RegExp, string]> = [
  [/\butc\b/, 'UTC'],
  [/\bgmt\b/, 'GMT'],
  // CET and CEST (the old pattern "cest?" matched "ces"/"cest" and missed "CET" itself).
  [/\bcet\b|\bcest\b/, 'CET'],
  [/\b(?:est|edt|eastern(?: time)?)\b/, 'America/New_York'],
  [/\b(?:pst|pdt|pacific(?: time)?)\b/, 'America/Los_Angeles'],
  [/\b(?:cst|cdt|central time)\b/, 'America/Chicago'],
  [/\bbst\b|\buk time\b|\blondon time\b/, 'Europe/London'],
  [/\bist\b|\bindia time\b/, 'Asia/Kolkata'],
  [/\baest\b|\bsydney time\b/, 'Australia/Sydney'],
];

export function parseTimeZone(original: string, lower: string): string | undefined {
  const iana = /\b((?:Africa|America|Asia|Australia|Europe|Pacific|Atlantic|Indian)\/[A-Za-z_]+(?:\/[A-Za-z_]+)?)\b/.exec(original);
  if (iana) return iana[1];
  return ZONES.find(([re]) => re.test(lower))?.[1] ?? cityZone(lower);
}

/** Quartz cron with a time; CRON schedules need one, so 09:00 stands in when none was given. */
const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];

function cron(time: string | undefined, dayOfMonth: string, month: string, dayOfWeek: string): string {
  const [h, m] = (time ?? '09:00').split(':').map(Number);
  return `0 ${m} ${h} ${dayOfMonth} ${month} ${dayOfWeek} *`;
}

/** "every time", "each time" and "any time" mean "whenever", not a schedule. */
const NOT_SCHEDULE = /\b(?:every|each|any)\s*time\b/g;

export function parseSchedule(lower: string, original = lower): ScheduleMatch | null {
  const text = lower
    .replace(NOT_SCHEDULE, (m) => ' '.repeat(m.length))
    // Hyphenated names ("weekly-report", "daily-standup") are labels or titles, not schedules.
    .replace(/\b(?:daily|weekly|monthly|quarterly|yearly|hourly|nightly|annual|annually)-[a-z][\w-]*/g, (m) => ' '.repeat(m.length));
  const time = parseTime(text);
  const timeZone = parseTimeZone(original, text);
  const base = (s: Schedule): Schedule => ({ ...s, ...(time && s.frequency !== 'CRON' && s.frequency !== 'HOURLY' ? { time } : {}), ...(timeZone ? { timeZone } : {}) });
  const found = (re: RegExp): RegExpExecArray | null => re.exec(text);

  // Adjectives such as "weekly report page" inside an event clause name a page, not a schedule.
  const adjectiveOnly = (m: RegExpExecArray): boolean => {
    // Only the bare adjectives ("weekly", "monthly") can name a page; "every month" can't.
    if (!/^(?:daily|weekly|monthly|quarterly|yearly|annually|hourly|nightly|fortnightly|bi-?weekly)$/.test(m[0])) return false;
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 40);
    const before = text.slice(Math.max(0, m.index - 60), m.index);
    if (!/^(?:\s+[\w-]+){0,2}\s+(?:pages?|blog posts?|posts?)\b/.test(after)) return false;
    // "to the Quarterly reports page" names an existing page; inside an event clause it describes the page.
    return /\bthe\s+$/.test(before) || /\b(?:when|whenever|once|after|if)\b[^,;.]*$/.test(before);
  };

  let m: RegExpExecArray | null;
  if ((m = found(/\bevery\s+(\d+|two|three|five|ten|fifteen|thirty)\s+minutes?\b/))) {
    const n = parseCount(m[1]) ?? 15;
    return { schedule: base({ frequency: 'CRON', cron: `0 0/${n} * * * ? *` }), index: m.index };
  }
  if ((m = found(/\b(?:quarterly|every\s+quarter|each\s+quarter|once\s+a\s+quarter|(?:start|beginning|end)\s+of\s+(?:each|every|the)\s+quarter)\b/)) && !adjectiveOnly(m)) {
    const last = /\bend\s+of\s+(?:each|every|the)\s+quarter\b/.test(text);
    return { schedule: base({ frequency: 'CRON', cron: last ? cron(time, 'L', '3/3', '?') : cron(time, '1', '1/3', '?') }), index: m.index };
  }
  // A date that comes back each year: "each 1st of January", "every March 15th", "on 1 July every year".
  const month = `(${MONTHS.join('|')}|${MONTHS.map((name) => name.slice(0, 3)).join('|')})`;
  const ordinal = '(\\d{1,2})(?:st|nd|rd|th)?';
  if ((m = found(new RegExp(`\\b(?:every|each|on\\s+the|on)\\s+(?:${ordinal}\\s+(?:of\\s+)?${month}|${month}\\s+(?:the\\s+)?${ordinal})\\b`)))) {
    const day = Number(m[1] ?? m[4]);
    const monthNumber = MONTHS.findIndex((name) => name.startsWith((m![2] ?? m![3]).slice(0, 3))) + 1;
    const yearly = /^(?:every|each)/.test(m[0]) || /\b(?:every|each)\s+year\b|\byearly\b|\bannually\b/.test(text);
    if (yearly && day >= 1 && day <= 31 && monthNumber > 0) {
      return { schedule: base({ frequency: 'CRON', cron: cron(time, String(day), String(monthNumber), '?') }), index: m.index };
    }
  }
  // Twice a year: on the dates given when they share a day ("on 1 January and 1 July"), else every six months ("every 6 months" itself stays MONTHLY every 6).
  if ((m = found(/\b(?:twice|two\s+times|2\s+times)\s+(?:a|per|each|every)\s+year\b|\bhalf-?yearly\b|\b(?:bi|semi)-?annually\b/)) && !adjectiveOnly(m)) {
    const dates = [...text.matchAll(new RegExp(`\\b${ordinal}\\s+(?:of\\s+)?${month}\\b|\\b${month}\\s+(?:the\\s+)?${ordinal}\\b`, 'g'))].map((d) => ({
      day: Number(d[1] ?? d[4]),
      month: MONTHS.findIndex((name) => name.startsWith((d[2] ?? d[3]).slice(0, 3))) + 1,
    }));
    const sameDay = dates.length >= 2 && dates.every((d) => d.day === dates[0].day && d.day >= 1 && d.day <= 31 && d.month > 0);
    return { schedule: base({ frequency: 'CRON', cron: sameDay ? cron(time, String(dates[0].day), [...new Set(dates.map((d) => d.month))].sort((a, b) => a - b).join(','), '?') : cron(time, '1', '1/6', '?') }), index: m.index };
  }
  if ((m = found(/\b(?:yearly|annually|every\s+year|each\s+year|once\s+a\s+year)\b/)) && !adjectiveOnly(m)) {
    return { schedule: base({ frequency: 'CRON', cron: cron(time, '1', '1', '?') }), index: m.index };
  }
  if ((m = found(new RegExp(`\\b(?:every|each|on\\s+the)\\s+(first|1st|second|2nd|third|3rd|fourth|4th|last)\\s+(${DAY})\\s+of\\s+(?:the|each|every)\\s+month\\b|\\b(?:every|each)\\s+month\\s+on\\s+the\\s+(first|1st|second|2nd|third|3rd|fourth|4th|last)\\s+(${DAY})\\b`)))) {
    // "each month on the last Friday" is "the last Friday of each month".
    if (!m[1]) [m[1], m[2]] = [m[3], m[4]];
    const nth = { first: '1', '1st': '1', second: '2', '2nd': '2', third: '3', '3rd': '3', fourth: '4', '4th': '4' }[m[1]];
    const day = QUARTZ_DAY[weekday(m[2])!];
    return { schedule: base({ frequency: 'CRON', cron: cron(time, '?', '*', nth ? `${day}#${nth}` : `${day}L`) }), index: m.index };
  }
  if ((m = found(/\b(?:hourly|every\s+hour|each\s+hour|once\s+an\s+hour|every\s+(\d+|two|three|four|six|eight|twelve)\s*(?:hours?|hrs?|h))\b/)) && !adjectiveOnly(m)) {
    const every = m[1] ? (parseCount(m[1]) ?? Number(m[1])) : undefined;
    return { schedule: base({ frequency: 'HOURLY', ...(every && every > 1 ? { every } : {}) }), index: m.index };
  }

  const monthly = found(
    new RegExp(
      `\\b(?:monthly|every\\s+month|each\\s+month|once\\s+a\\s+month|every\\s+(${COUNT.slice(1, -1)}|other)\\s+months?|(?:the\\s+)?(?:first|1st|last|\\d{1,2}(?:st|nd|rd|th))\\s+(?:day\\s+)?of\\s+(?:the|each|every|a)\\s+month|(?:end|start|beginning)\\s+of\\s+(?:the|each|every)\\s+month|month[- ]end)\\b`,
    ),
  );
  if (monthly && !adjectiveOnly(monthly)) {
    const everyWord = monthly[1];
    const every = everyWord === 'other' ? 2 : everyWord ? (parseCount(everyWord) ?? 1) : 1;
    let dayOfMonth: number | 'LAST' | undefined;
    if (/\b(?:last\s+(?:day\s+)?of\s+(?:the|each|every|a)\s+month|end\s+of\s+(?:the|each|every)\s+month|month[- ]end)\b/.test(text)) dayOfMonth = 'LAST';
    else if (/\b(?:first|1st)\s+(?:day\s+)?of\s+(?:the|each|every|a)\s+month|\b(?:start|beginning)\s+of\s+(?:the|each|every)\s+month\b/.test(text)) dayOfMonth = 1;
    else {
      const nth = /\b(?:on\s+(?:the\s+)?|the\s+)(\d{1,2})(?:st|nd|rd|th)?\b(?!\s*(?:days?|weeks?|months?|years?|:|am|pm))/.exec(text) ?? /\bon\s+day\s+(\d{1,2})\b/.exec(text);
      if (nth && Number(nth[1]) >= 1 && Number(nth[1]) <= 31) dayOfMonth = Number(nth[1]);
    }
    return {
      schedule: base({ frequency: 'MONTHLY', ...(every > 1 ? { every } : {}), ...(dayOfMonth !== undefined ? { dayOfMonth } : {}) }),
      index: monthly.index,
    };
  }

  const businessDays = found(/\b(?:(?:every|each|on)\s+(?:week\s*days?|working\s+days?|business\s+days?|work\s*days?)|week\s*days|monday\s+(?:to|through|thru|-)\s+friday|mon\s*-\s*fri)\b/);
  const weekend = found(/\b(?:every|each|on)\s+(?:the\s+)?weekends?\b/);
  // "Sunday nights at 11pm", "Friday mornings": a day with a part of the day recurs like "every Sunday".
  // "Mon, Wed and Fri at 8:15": a list of days with a clock time recurs without "every".
  const namedDay = found(
    new RegExp(
      `\\b(?:every|each|on|on\\s+every)\\s+((?:other|second|alternate)\\s+)?(${DAY})s?\\b|\\b(${DAY})s\\b|\\b(${DAY})\\s+(?:mornings?|afternoons?|evenings?|nights?)\\b|\\b(${DAY})(?=(?:\\s*(?:,|and|&|or)\\s*${DAY}\\b)+\\s*,?\\s+at\\s+\\d)`,
    ),
  );
  const weekly = found(/\b(?:weekly|every\s+week|each\s+week|once\s+a\s+week|every\s+(\d+|two|three|four|other)\s+weeks|fortnightly|bi-?weekly)\b/);
  const daily = found(/\b(?:daily|every\s*day|each\s+day|once\s+a\s+day|every\s+(?:morning|evening|night|afternoon)|each\s+(?:morning|evening|night)|nightly|every\s+(\d+|two|three|four|five|six|ten|fourteen)\s+days)\b/);

  if (businessDays || weekend || namedDay || (weekly && !adjectiveOnly(weekly))) {
    const anchor = [businessDays, weekend, namedDay, weekly].filter((x): x is RegExpExecArray => x !== null).sort((a, b) => a.index - b.index)[0];
    let days: Weekday[] = [];
    if (businessDays) days = ['MON', 'TUE', 'WED', 'THU', 'FRI'];
    else if (weekend) days = ['SAT', 'SUN'];
    else if (namedDay) {
      // Collect a run of day names: "every Monday, Wednesday and Friday".
      const from = namedDay.index;
      const run = new RegExp(`^[^,;.]*?(?:${DAY}s?(?:\\s*(?:,|and|&|or)\\s*)?)+`).exec(text.slice(from));
      const span = run ? run[0] : namedDay[0];
      for (const w of span.matchAll(new RegExp(`\\b(${DAY})s?\\b`, 'g'))) {
        const d = weekday(w[1]);
        if (d && !days.includes(d)) days.push(d);
      }
      days.sort((a, b) => ORDER.indexOf(a) - ORDER.indexOf(b));
    }
    let every = 1;
    if (namedDay?.[1] || /\bevery\s+other\s+week\b|fortnightly|bi-?weekly/.test(text)) every = 2;
    else if (weekly?.[1]) every = weekly[1] === 'other' ? 2 : (parseCount(weekly[1]) ?? 1);
    return {
      schedule: base({ frequency: 'WEEKLY', ...(every > 1 ? { every } : {}), ...(days.length ? { daysOfWeek: days } : {}) }),
      index: anchor.index,
    };
  }
  if (daily && !adjectiveOnly(daily)) {
    const every = daily[1] ? (parseCount(daily[1]) ?? 1) : 1;
    return { schedule: base({ frequency: 'DAILY', ...(every > 1 ? { every } : {}) }), index: daily.index };
  }
  // A bare time ("at 9am") with "run"/"schedule" wording still means daily.
  if (time && /\b(?:run|runs|schedule|scheduled)\b/.test(text) && /\bat\s+\d/.test(text)) {
    return { schedule: base({ frequency: 'DAILY' }), index: text.search(/\bat\s+\d/) };
  }
  if ((m = found(/\b(?:on\s+a\s+(?:regular\s+)?schedule|as\s+a\s+scheduled\s+(?:rule|job))\b/))) {
    return { schedule: null, index: m.index };
  }
  return null;
}
