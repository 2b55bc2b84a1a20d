/**
 * Prompt text handling for the offline generator. Quoted values and message payloads
 * ("saying …") are masked before any keyword matching, so words inside a comment text or a
 * title ("please archive this") never select components. Masks keep their length-stable
 * placeholders (`«q0»`, `«p0»`), so positions in the masked text line up with clauses.
 */

export interface Clause {
  start: number;
  end: number;
  /** Lower-case masked text of the clause. */
  text: string;
}

export interface PreparedPrompt {
  /** Whitespace-collapsed prompt with straight quotes. */
  original: string;
  /** `original` with quoted values and payloads replaced by placeholders (case kept). */
  masked: string;
  /** Lower-case `masked`. */
  lower: string;
  quotes: string[];
  payloads: string[];
  /** URLs found outside quotes (masked as «uN»). */
  urls: string[];
  clauses: Clause[];
}

const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g;

export function normalizePrompt(prompt: string): string {
  return prompt
    .replace(CONTROL, ' ')
    .replace(/[\u2018\u2019\u201a\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033\u00ab\u00bb]/g, '"')
    .replace(/[\u2013\u2014]/g, ' - ')
    // A line break ends a clause ("Trigger: page published⏎Action: add label x"); list markers go.
    .replace(/([^.!?:;,\s])[ \t]*\n\s*/g, '$1. ')
    .replace(/[ \t]*\n\s*/g, ' ')
    .replace(/(^|[.:;]\s+)(?:\d{1,2}[.)]|[-*•])\s+/g, '$1')
    // Arrow shorthand: "page published -> add label" reads as "…, then add label".
    .replace(/\s*(?:->|=>|→)\s*/g, ', then ')
    // A wish is a duty: "it would be nice if every new post got a comment" → "every new post should get a comment".
    .replace(/\b(?:it\s+would|it'd|it\s+will|it'll)\s+be\s+(?:really\s+|so\s+)?(?:nice|great|good|helpful|ideal|handy|useful|cool|awesome|brilliant)\s+if\s+([^.;!?]*?)\b(got|gets|get|received|receives|were|was)\s+/gi, (_all, subject: string, verb: string) => `${subject}should ${/^(?:were|was)$/i.test(verb) ? 'be' : 'get'} `)
    // A wished-for thing is the step: "I'd like a comment on it saying …" → "add a comment on it …",
    // "I'd like a "Team charter" page published in every new space" → "publish a "Team charter" page in …".
    .replace(/\b(?:i'?d|i\s+would|we'?d|we\s+would)\s+(?:really\s+)?like\s+(a|an)\s+(comment|reply|note)\b/gi, 'add $1 $2')
    .replace(/\b(?:i'?d|i\s+would|we'?d|we\s+would)\s+(?:really\s+)?like\s+(a|an|the)\s+([^,.;!?]{1,60}?)\s+(published|created|posted)\b/gi, (_all, det: string, thing: string, done: string) => `${{ published: 'publish', created: 'create', posted: 'post' }[done.toLowerCase()] ?? 'publish'} ${det} ${thing}`)
    // Shorthand for "with" / "without": "tag it w/ needs-reread".
    .replace(/(?<=^|\s)w\/o(?=\s)/gi, 'without')
    .replace(/(?<=^|\s)w\/(?=\s)/gi, 'with')
    .replace(/\s+/g, ' ')
    .trim()
    // Quoted values are the writer's own text (a label, a title, a message) and are never repaired.
    .replace(/"[^"]*"|`[^`]*`|(?<=^|[\s(:,=])'[^']*'(?=$|[\s.,;:!?)])|\b[A-Za-z]{4,}\b/g, (token) => (/^["'`]/.test(token) ? token : repairTypo(token)));
}

/**
 * The words the offline reading keys on. A prompt word one dropped inner letter or one swapped pair
 * away from one of them ("publishd", "coments", "staus") is read as that word, so a slip of the
 * keyboard does not lose the event or the step. Substitutions ("paged" stays "paged") and drops of
 * the first or last letter ("move" is no "moved", "mail" no "email") are real words, never repaired.
 */
const KEYWORDS = [
  'published', 'publishes', 'publish', 'created', 'creates', 'edited', 'edits', 'updated', 'updates', 'changed', 'modified',
  'commented', 'comments', 'comment', 'labelled', 'labeled', 'labels', 'label', 'status', 'moved', 'copied', 'archived', 'archive',
  'deleted', 'delete', 'receives', 'received', 'receive', 'whenever', 'mentioned', 'scheduled', 'every', 'weekday', 'weekdays', 'monday', 'tuesday', 'wednesday',
  'thursday', 'friday', 'saturday', 'sunday', 'notify', 'email', 'restrict', 'restricted', 'owner', 'pages',
];
/** Real words and names that are one drop away from a keyword and must stay as written ("Emil" is no "email"). */
const REAL_WORDS = ['stats', 'crated', 'coped', 'edist', 'emil', 'paes'];
const TYPO_REPAIRS = new Map<string, string>();
for (const word of KEYWORDS) {
  for (let i = 0; i < word.length - 1; i += 1) {
    const dropped = word.slice(0, i) + word.slice(i + 1);
    if (i > 0 && !TYPO_REPAIRS.has(dropped)) TYPO_REPAIRS.set(dropped, word);
    if (word[i] !== word[i + 1]) {
      const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      if (!TYPO_REPAIRS.has(swapped)) TYPO_REPAIRS.set(swapped, word);
    }
  }
}
for (const word of [...KEYWORDS, ...REAL_WORDS]) TYPO_REPAIRS.delete(word);

function repairTypo(word: string): string {
  const repaired = TYPO_REPAIRS.get(word.toLowerCase());
  if (!repaired) return word;
  // Keep how the writer cased it: a capitalised word stays capitalised.
  return /^[A-Z]/.test(word) ? repaired[0].toUpperCase() + repaired.slice(1) : repaired;
}

function lowerSameLength(text: string): string {
  let out = '';
  for (const ch of text) {
    const lower = ch.toLowerCase();
    out += lower.length === ch.length ? lower : ch;
  }
  return out;
}

/** Words that open a message payload: what follows is text to send or post, not instructions. */
const PAYLOAD_OPENERS = [
  'saying',
  'that says',
  'which says',
  'that reads',
  'reading',
  'with the message',
  'with message',
  'with the text',
  'with text',
  'with the body',
  'with body',
  'with the subject',
  'with subject',
  'subject',
  'message:',
  'telling them to',
  'telling the author to',
  'asking them to',
  'asking the author to',
  'asking the owner to',
  'asking the assignee to',
  'asking people to',
  'asking readers to',
  'asking for',
  'reminding them to',
  'reminding the author to',
  'reminding the owner to',
  'reminding the assignee to',
  'reminding everyone to',
  'to remind them to',
];

/** Verbs that start a new step: a payload ends before "and <step>". */
const NEXT_STEP =
  '(?:notify|email|e-mail|send|add|move|archive|post|remove|delete|copy|label|tag|set|change|assign|publish|create|restrict|log|ping|message|alert|remind|tell|mark|comment|put|grant|lock|transfer|cc)\\b';

export function preparePrompt(prompt: string): PreparedPrompt {
  const original = normalizePrompt(prompt);
  const quotes: string[] = [];
  const payloads: string[] = [];
  // Quoted values: "…", `…`, and '…' when the quotes stand apart from words (so "page's" is not a quote).
  let masked = original.replace(/"([^"]{1,300})"|`([^`]{1,300})`|(?<=^|[\s(:,=])'([^']{1,300})'(?=$|[\s.,;:!?)])/g, (_m, a, b, c) => {
    quotes.push((a ?? b ?? c).trim());
    return `«q${quotes.length - 1}»`;
  });
  // URLs: their dots and path words ("/notify") are not prose.
  const urls: string[] = [];
  masked = masked.replace(/\bhttps?:\/\/[^\s"'<>«»]+[^\s"'<>«».,;:!?)]/gi, (url) => {
    urls.push(url);
    return `«u${urls.length - 1}»`;
  });
  // Payloads: from an opener to the end of the clause.
  const lowerForPayload = lowerSameLength(masked);
  const openers = PAYLOAD_OPENERS.map((o) => o.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
  const payloadRe = new RegExp(
    // A payload never opens with a connector: "with the page title in the subject and cc Dalia" carries no text.
    `\\b(?:${openers})\\s+(?!(?:and|or|then)\\b)((?:(?!\\bthen\\b)[^,;.!?«])+?)(?=\\s*(?:[,;.!?]|\\bthen\\b|\\band then\\b|\\botherwise\\b|\\band\\s+(?:also\\s+)?${NEXT_STEP}|$))`,
    'g',
  );
  const cuts: Array<{ start: number; end: number }> = [];
  for (const m of lowerForPayload.matchAll(payloadRe)) {
    const start = m.index + m[0].length - m[1].length;
    cuts.push({ start, end: start + m[1].length });
  }
  // "notify the author that the page will be archived": the that-clause is the message.
  for (const m of lowerForPayload.matchAll(
    /\b(?:notify|tell|remind|warn|alert|inform|email|message|let \w+ know)\b[^,;.]{0,40}?\bthat\s+((?:the|this|their|its|it|his|her|your)\b[^,;.!?«]+)/g,
  )) {
    const start = m.index + m[0].length - m[1].length;
    if (!cuts.some((c) => start < c.end && start + m[1].length > c.start)) cuts.push({ start, end: start + m[1].length });
  }
  cuts.sort((a, b) => b.start - a.start);
  for (const cut of cuts) {
    const text = masked.slice(cut.start, cut.end).trim();
    if (!text) continue;
    payloads.push(text);
  }
  // Replace from the end so earlier offsets stay valid; payload ids follow text order.
  payloads.reverse();
  let id = cuts.length;
  for (const cut of cuts) {
    id--;
    masked = `${masked.slice(0, cut.start)}«p${id}»${masked.slice(cut.end)}`;
  }
  const lower = lowerSameLength(masked);
  return { original, masked, lower, quotes, payloads, urls, clauses: splitClauses(lower) };
}

/** Clause boundaries: punctuation, "then", "and then", "otherwise", "else". */
export function splitClauses(lower: string): Clause[] {
  const clauses: Clause[] = [];
  // A dot inside a token (an email, a domain, "v1.2") does not end a sentence.
  const boundary = /[,;!?]|\.(?![\w])|\b(?:and then|then|otherwise|or else|else|but)\b/g;
  let start = 0;
  for (const m of lower.matchAll(boundary)) {
    const isWord = /^[a-z]/.test(m[0]);
    if (m.index > start) clauses.push({ start, end: m.index, text: lower.slice(start, m.index) });
    // A boundary word ("then", "otherwise") opens the next clause; punctuation belongs to none.
    start = isWord ? m.index : m.index + m[0].length;
  }
  if (start < lower.length) clauses.push({ start, end: lower.length, text: lower.slice(start) });
  return clauses.filter((c) => c.text.trim() !== '');
}

export function clauseAt(prepared: PreparedPrompt, index: number): number {
  const i = prepared.clauses.findIndex((c) => index >= c.start && index < c.end);
  return i === -1 ? prepared.clauses.length - 1 : i;
}

/** Replace placeholders in a masked fragment with the original quoted/payload text. */
export function unmask(prepared: PreparedPrompt, fragment: string): string {
  return fragment
    .replace(/«q(\d+)»/g, (_m, i) => prepared.quotes[Number(i)] ?? '')
    .replace(/«p(\d+)»/g, (_m, i) => prepared.payloads[Number(i)] ?? '')
    .replace(/«u(\d+)»/g, (_m, i) => prepared.urls[Number(i)] ?? '')
    .trim();
}

/** The quoted value at a placeholder, or null if the fragment is not exactly one placeholder. */
export function quoteOf(prepared: PreparedPrompt, token: string): string | null {
  const m = /^«q(\d+)»$/.exec(token.trim());
  return m ? (prepared.quotes[Number(m[1])] ?? null) : null;
}

export function payloadIn(prepared: PreparedPrompt, start: number, end: number): string | null {
  const m = /«p(\d+)»/.exec(prepared.masked.slice(start, end));
  return m ? (prepared.payloads[Number(m[1])] ?? null) : null;
}

/** First quoted value within [start, end) of the masked text. */
export function quoteIn(prepared: PreparedPrompt, start: number, end: number): string | null {
  const m = /«q(\d+)»/.exec(prepared.masked.slice(start, end));
  return m ? (prepared.quotes[Number(m[1])] ?? null) : null;
}

export function isNegatedBefore(lower: string, index: number): boolean {
  const before = lower.slice(Math.max(0, index - 24), index);
  return /\b(?:not|never|no longer|hasn't|haven't|hadn't|isn't|aren't|wasn't|weren't|doesn't|don't|didn't|without being|without)\b[^,;.]*$/.test(before);
}

/** Label names are lower-case with no spaces (fact sheet §3). */
export function toLabel(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^#/, '')
    .replace(/\s+/g, '-')
    .replace(/[^\p{L}\p{N}_.:-]/gu, '');
}

const STATUS_NAMES = ['rough draft', 'in progress', 'ready for review', 'verified'];

/** Canonical casing for Confluence's default content statuses; others keep the user's text. */
export function statusName(value: string): string {
  const v = value.trim().replace(/[.!]+$/, '');
  const known = STATUS_NAMES.find((s) => s === v.toLowerCase());
  if (known) return known.charAt(0).toUpperCase() + known.slice(1);
  return v.charAt(0).toUpperCase() + v.slice(1);
}

export const STATUS_WORDS = '(?:rough draft|in progress|ready for review|verified|draft|approved|outdated|obsolete|archived|done|complete|completed|published|in review|under review|needs review)';

export const EMAIL_RE = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;

/** A space key looks like "HR", "ENG2" or a personal "~alice". */
export function looksLikeSpaceKey(value: string): boolean {
  return /^[A-Z][A-Z0-9]{1,14}$/.test(value) || /^~[\w.-]+$/.test(value);
}

export function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

const NUMBER_WORDS: Record<string, number> = {
  a: 1,
  an: 1,
  one: 1,
  two: 2,
  three: 3,
  four: 4,
  five: 5,
  six: 6,
  seven: 7,
  eight: 8,
  nine: 9,
  ten: 10,
  eleven: 11,
  twelve: 12,
  fifteen: 15,
  twenty: 20,
  thirty: 30,
  sixty: 60,
  ninety: 90,
};

export function parseCount(word: string): number | null {
  if (/^\d+$/.test(word)) return Number(word);
  return NUMBER_WORDS[word.toLowerCase()] ?? null;
}

export const COUNT = '(\\d+|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|sixty|ninety)';

export function unitToDays(count: number, unit: string): number {
  const u = unit.toLowerCase();
  if (u.startsWith('day')) return count;
  if (u.startsWith('week')) return count * 7;
  if (u.startsWith('month')) return count * 30;
  if (u.startsWith('year')) return count * 365;
  return count;
}
