import type { PreparedPrompt } from './text.js';
import { EMAIL_RE, looksLikeSpaceKey, quoteOf, toLabel } from './text.js';

/**
 * Finds the entities a prompt names and writes them as resolvable objects (fact sheet §3):
 * spaces, pages, users, groups, plus plain values (labels, compared text). Used by the
 * offline generator only; it never invents ids, URLs or secrets.
 */

export type SpaceMention =
  | { kind: 'ref'; ref: { spaceKey: string } | { spaceName: string }; index: number; end: number; preposition: string }
  | { kind: 'context'; index: number; end: number; preposition: string };

const CONTEXT_SPACE_WORDS = new Set([
  'this',
  'that',
  'same',
  'the same',
  'current',
  'our',
  'my',
  'your',
  'their',
  'its',
  'own',
  'team',
  "team's",
  'new',
  'newly created',
  'created',
  'that new',
  'the new',
  'personal',
  'each',
  'every',
  'any',
  'a',
  'the',
  'a new',
]);

const SPACE_PREP = '(in|into|to|from|within|across|inside|of|for|under|on)';
/** Words that can't be part of a space name: "of the pages in the Legal space" names "Legal". */
const NOT_NAME_WORD = '(?:in|into|to|from|within|across|inside|of|for|under|on|the|a|an|pages?|posts?|and|or|every|each|all|any)';

/** "in the HR space", "to the Human Resources space", "in space ENG", "into HR". */
export function findSpaceMentions(prepared: PreparedPrompt): SpaceMention[] {
  // Names may contain "&" or "and" between their words ("Sales & Partnerships space").
  const out: SpaceMention[] = [];
  const masked = prepared.masked;
  const seen = (i: number) => out.some((m) => i >= m.index && i < m.end);
  const named = new RegExp(
    `\\b${SPACE_PREP}\\s+(?:the\\s+)?(«q\\d+»|(?!${NOT_NAME_WORD}\\b)[A-Za-z0-9~][\\w&'~.-]*(?:(?:\\s+(?:&|and))?\\s+(?!space\\b|${NOT_NAME_WORD}\\b)[A-Za-z0-9][\\w&'-]*){0,3}?)\\s+space\\b`,
    'gi',
  );
  for (const m of masked.matchAll(named)) {
    const raw = m[2];
    const quoted = quoteOf(prepared, raw);
    const value = quoted ?? raw;
    const lower = value.toLowerCase();
    if (quoted === null && (CONTEXT_SPACE_WORDS.has(lower) || /^(?:the|a|an)\s/.test(lower) || /'s$/.test(lower) && CONTEXT_SPACE_WORDS.has(lower.slice(0, -2)))) {
      out.push({ kind: 'context', index: m.index, end: m.index + m[0].length, preposition: m[1].toLowerCase() });
      continue;
    }
    out.push({ kind: 'ref', ref: spaceRefFor(value), index: m.index, end: m.index + m[0].length, preposition: m[1].toLowerCase() });
  }
  for (const m of masked.matchAll(/\b(?:(in|into|to|from|within|for)\s+)?(?:the\s+)?space\s+(?:key\s+|called\s+|named\s+)?(«q\d+»|[A-Z][A-Z0-9]{1,14}\b|~[\w.-]+)/g)) {
    if (seen(m.index)) continue;
    const value = quoteOf(prepared, m[2]) ?? m[2];
    out.push({ kind: 'ref', ref: spaceRefFor(value), index: m.index, end: m.index + m[0].length, preposition: (m[1] ?? 'in').toLowerCase() });
  }
  // A bare key after a preposition: "pages in HR", "copy it to ENG".
  for (const m of masked.matchAll(/\b(in|into|to|from|within)\s+([A-Z][A-Z0-9]{1,9})\b(?!\s+(?:page|group|team|label|channel|status)\b)(?![-'])/g)) {
    if (seen(m.index)) continue;
    if (['AM', 'PM', 'UTC', 'GMT', 'CET', 'EST', 'PST', 'CST', 'IST', 'BST', 'AEST', 'PDF', 'URL', 'API', 'CQL', 'JQL'].includes(m[2])) continue;
    out.push({ kind: 'ref', ref: { spaceKey: m[2] }, index: m.index, end: m.index + m[0].length, preposition: m[1].toLowerCase() });
  }
  // A capitalised name without the word "space": "publish a page in Platform Operations called …",
  // "pages in Research and Development". The longest run (joined by "and"/"&") is the name; it is
  // resolved against the site later, and an unknown name comes back to the reviewer as not found.
  const nameRun = /\b(in|into|to|from|within)\s+(?:the\s+)?((?:[A-Z][\w'-]*)(?:\s+(?:(?:and|&)\s+)?[A-Z][\w'-]*){0,4})(?!\s+(?:page|pages|group|team|label|channel|status|template)\b)(?![\w'-])/g;
  for (const m of masked.matchAll(nameRun)) {
    if (seen(m.index) || out.some((o) => m.index < o.end && m.index + m[0].length > o.index)) continue;
    const name = m[2];
    if (/^[A-Z][A-Z0-9]{1,9}$/.test(name) || NOT_A_SPACE_NAME.test(name)) continue;
    // "set the status of every copied page to Rough draft": a status value, not a space.
    if (/^(?:to|into)$/i.test(m[1]) && /\bstatus\b(?:(?![,;.!?]).)*$/.test(prepared.lower.slice(Math.max(0, m.index - 60), m.index))) continue;
    // A page title, not a space: "into Meeting notes" is handled by page mentions (placement words).
    out.push({ kind: 'ref', ref: { spaceName: name }, index: m.index, end: m.index + m[0].length, preposition: m[1].toLowerCase() });
  }
  // "in it", "in the new space", "in that space" → context.
  for (const m of prepared.lower.matchAll(/\b(in|into|to)\s+(?:it|the\s+new\s+space|that\s+space|this\s+space|the\s+space)\b/g)) {
    if (seen(m.index)) continue;
    if (/^(?:in|into|to)\s+it$/.test(m[0]) && !/\bspaces?\b/.test(prepared.lower)) continue;
    out.push({ kind: 'context', index: m.index, end: m.index + m[0].length, preposition: m[1] });
  }
  return out.sort((a, b) => a.index - b.index);
}

/** Capitalised words after "in"/"to" that name a tool, a time or a person's reading, not a space. */
const NOT_A_SPACE_NAME =
  /^(?:Slack|Microsoft|MS|Teams|Jira|Confluence|Google|Outlook|Gmail|English|French|German|Spanish|Markdown|PDF|Word|Excel|I|January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Q[1-4])\b/;

export function spaceRefFor(value: string): { spaceKey: string } | { spaceName: string } {
  const v = value.trim();
  return looksLikeSpaceKey(v) ? { spaceKey: v } : { spaceName: v };
}

export interface PageMention {
  ref: { pageTitle: string; spaceKey?: string; spaceName?: string };
  index: number;
  end: number;
  preposition: string;
}

const NOT_A_TITLE = new Set([
  'new',
  'same',
  'parent',
  'current',
  'this',
  'that',
  'home',
  'child',
  'trigger',
  'original',
  'source',
  'target',
  'destination',
  'each',
  'every',
  'a',
  'an',
  'its',
  'their',
  'his',
  'her',
  'any',
  'the',
  'my',
  'our',
  'one',
  'copied',
  'published',
  'edited',
  'archived',
  'moved',
  'created',
  'deleted',
  'relevant',
  'right',
  'correct',
  'appropriate',
  'whole',
  'entire',
  'overview',
  'space',
  'top',
  'top-level',
]);

/**
 * "under the Decisions page", "under 'Meeting notes'", "below Decisions", "child of the
 * Team page"; a following "in the X space" narrows the page to that space.
 */
export function findPageMentions(prepared: PreparedPrompt, spaces: SpaceMention[]): PageMention[] {
  const out: PageMention[] = [];
  const masked = prepared.masked;
  const push = (title: string, index: number, end: number, preposition: string) => {
    const t = title.trim();
    if (!t || NOT_A_TITLE.has(t.toLowerCase()) || out.some((m) => index < m.end && end > m.index)) return;
    out.push({ ref: { pageTitle: t }, index, end, preposition: preposition.toLowerCase() });
  };
  const prep = '(under|beneath|below|inside|into|in|to|of|from|called|named|titled|on)';
  // With the word "page" after the title (any case) or a quoted title.
  for (const m of masked.matchAll(
    new RegExp(`\\b${prep}\\s+(?:the\\s+)?(«q\\d+»|[\\w&'-]+(?:\\s+(?!page\\b)[\\w&'-]+){0,3}?)\\s+(?:parent\\s+)?page\\b(?!\\s+(?:title|tree|is|was|gets|changes))`, 'gi'),
  )) {
    const value = quoteOf(prepared, m[2]) ?? m[2];
    const lower = value.toLowerCase();
    if (/^(?:a|an|the|any|each|every|new|this|that|its|their|same|parent|child)\s/.test(lower) && quoteOf(prepared, m[2]) === null) continue;
    // A determiner right before "page" starts a new noun phrase: "someone in the contractors group publishes a page".
    if (quoteOf(prepared, m[2]) === null && /\s(?:a|an|the|any|each|every|this|that|its|their)$/.test(lower)) continue;
    push(value, m.index, m.index + m[0].length, m[1]);
  }
  // Quoted titles after a placement preposition.
  for (const m of masked.matchAll(/\b(under|beneath|below|inside|into|as a child of|child of|children of|descendants? of)\s+(?:the\s+)?(«q\d+»)/gi)) {
    push(quoteOf(prepared, m[2]) ?? '', m.index, m.index + m[0].length, m[1]);
  }
  // Capitalised titles without the word "page": "move it under Decisions".
  // Sentence-case titles ("Old projects") continue until a word that starts a new phrase.
  const TITLE_STOP =
    '(?:that|which|who|whose|and|or|to|in|into|on|with|from|for|when|whenever|if|then|until|till|unless|because|while|so|is|are|was|were|has|have|had|older|created|updated|edited|labell?ed|tagged|not|every|each|after|before|by|as|page|pages|space|it|its|so|but|once|unless|where|whose|at|than)';
  // "&" joins the words of one title ("Salary review & bands"); "and" does when a capitalised word follows ("Terms and Conditions").
  const cont = `(?:\\s+(?:&\\s+[\\w'-]+|and\\s+[A-Z0-9][\\w&'-]*|[A-Z0-9][\\w&'-]*|(?!${TITLE_STOP}\\b)[a-z][\\w&'-]*)){0,4}`;
  for (const m of masked.matchAll(new RegExp(`\\b(under|beneath|below|as a child of|child of|children of|descendants? of)\\s+(?:the\\s+)?([A-Z0-9][\\w&'-]*${cont})`, 'g'))) {
    // A trailing lower-case courtesy word ("… under Meeting notes pls") is no part of the title.
    let title = m[2].replace(/\s+(?:pls|plz|please|thanks|thx|ty|asap|too|also|now|automatically|as well)$/, '').replace(/\s+(?:of|and|&|for)$/i, '');
    if (looksLikeSpaceKey(title) && /\s+space\b/i.test(masked.slice(m.index + m[0].length, m.index + m[0].length + 7))) continue;
    title = title.replace(/\s+(?:Space|Page)$/, '');
    push(title, m.index, m.index + m[1].length + 1 + (m[0].length - m[1].length - 1), m[1]);
  }
  // The page a copy step names as its source: "copy Templates into it", "duplicate 'Onboarding kit' to the new space".
  for (const m of masked.matchAll(new RegExp(`\\b(?:copy|duplicate|clone)\\s+(?:the\\s+|our\\s+)?(«q\\d+»|[A-Z0-9][\\w&'-]*${cont})(?=\\s+(?:into|to|under|inside|in)\\b)`, 'g'))) {
    const at = m.index + m[0].indexOf(m[1], m[0].search(/\s/));
    push(quoteOf(prepared, m[1]) ?? m[1], at, at + m[1].length, 'copy');
  }
  // A space named right after the page narrows it: "under Decisions in the ENG space".
  for (const page of out) {
    const space = spaces.find((s) => s.kind === 'ref' && s.index >= page.end && s.index - page.end <= 3 && /^(?:in|from|within|inside|of|on)$/.test(s.preposition));
    if (space && space.kind === 'ref') Object.assign(page.ref, space.ref);
  }
  return out.sort((a, b) => a.index - b.index);
}

export type UserValue = { displayName: string } | { email: string } | { smartValue: string };

/** People named by role, as smart values (fact sheet §7). */
const ROLE_SMART_VALUES: Array<[RegExp, string]> = [
  [/\b(?:the\s+)?(?:page\s+|blog\s+|post\s+|original\s+)?(?:author|creator|writer)s?\b|\bwhoever\s+(?:wrote|created)\b|\bperson\s+who\s+(?:wrote|created)\b/, '{{page.author}}'],
  [/\b(?:the\s+)?(?:page\s+)?owners?\b(?!ship)/, '{{page.owner}}'],
  [/\b(?:the\s+)?commenter\b|\bwhoever\s+commented\b|\bperson\s+who\s+commented\b|\bcomment\s+author\b/, '{{comment.author}}'],
  [/\b(?:the\s+)?assignees?\b|\bassigned\s+(?:user|person)\b/, '{{task.assignee}}'],
  [/\bspace\s+(?:creator|owner|admins?|administrators?)\b/, '{{space.creator}}'],
  [/\bwhoever\s+(?:edited|published|updated|changed|moved|triggered|clicked|labell?ed|tagged)\b|\b(?:the\s+)?(?:editor|publisher|initiator)\b|\b(?:person|user)\s+who\s+(?:edited|published|updated|changed|moved|clicked|triggered)\b/, '{{initiator}}'],
  [/\b(?:me|myself)\b/, '{{rule.actor}}'],
];

export function roleSmartValue(lowerFragment: string): string | null {
  for (const [re, value] of ROLE_SMART_VALUES) if (re.test(lowerFragment)) return value;
  return null;
}

const NOT_A_NAME = new Set([
  'Slack',
  'Teams',
  'Microsoft',
  'Confluence',
  'Jira',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
  'Decisions',
  'The',
  'This',
  'It',
  'Them',
  'Everyone',
  'All',
  'Ready',
  'Verified',
  'In',
  'Rough',
  'Please',
]);

/** Emails, "Jane Doe" after a person-taking word, and role words, in text order. */
export function findUsers(prepared: PreparedPrompt, start = 0, end = prepared.masked.length): Array<{ value: UserValue; index: number }> {
  const out: Array<{ value: UserValue; index: number }> = [];
  const masked = prepared.masked.slice(start, end);
  for (const m of masked.matchAll(EMAIL_RE)) out.push({ value: { email: m[0] }, index: start + m.index });
  // Names in any script's letters ("Ana López"), not only ASCII.
  const nameRe =
    /\b(?:to|[Nn]otif(?:y|ies)|[Ee]-?mails?|cc|[Pp]ings?|[Tt]ells?|[Rr]eminds?|[Mm]essages?|[Aa]lerts?|[Ll]ets?|[Ii]nforms?|[Ss]end|[Mm]ake|by|from|for|is|assign(?:ed|s)?\s+to|owner\s+to|as|mentions?|when|if|only|and|or)\s+(?:@)?(\p{Lu}(?:\p{Ll}|['-]\p{Lu}?|\p{Lu}(?=\p{Ll}))+(?:\s+(?:\p{Lu}(?:\p{Ll}|['-]\p{Lu}?|\p{Lu}(?=\p{Ll}))+|\p{Lu}\.)){0,2})(?![\p{L}\d_@])(?!\s+(?:space|page|group|team|label|channel|status|template)\b)/gu;
  for (const m of masked.matchAll(nameRe)) {
    const name = m[1];
    const first = name.split(/\s+/)[0];
    if (NOT_A_NAME.has(first) || NOT_A_NAME.has(name)) continue;
    // A single capitalised word needs a person-taking verb right before it.
    if (!/\s/.test(name) && !/^(?:to|notif(?:y|ies)|e-?mails?|cc|pings?|tells?|reminds?|lets?|informs?|make|assign(?:ed|s)?\s+to|owner\s+to|by)\s/i.test(m[0])) continue;
    if (name.toUpperCase() === name) continue;
    const idx = start + m.index + m[0].length - name.length;
    if (out.some((o) => Math.abs(o.index - idx) < 2)) continue;
    out.push({ value: { displayName: name }, index: idx });
  }
  // The receiver named before a receiving verb: "Laura Schmidt should get an email", "Ana López must be told".
  for (const m of masked.matchAll(/(?:^\s*|[,;:]\s*|\bthen\s+)(\p{Lu}(?:\p{Ll}|['-]\p{Lu}?|\p{Lu}(?=\p{Ll}))+(?:\s+\p{Lu}(?:\p{Ll}|['-]\p{Lu}?|\p{Lu}(?=\p{Ll}))+){1,2})\s+(?:should|must|will|needs?\s+to|has\s+to|is\s+to)\s+(?:also\s+)?(?:get|receive|be\s+(?:e-?mailed|notified|told|pinged|messaged|sent|alerted|informed))\b/gu)) {
    const idx = start + m.index + m[0].indexOf(m[1]);
    if (NOT_A_NAME.has(m[1].split(/\s+/)[0]) || out.some((o) => Math.abs(o.index - idx) < 2)) continue;
    out.push({ value: { displayName: m[1] }, index: idx });
  }
  // "@mentions Chris": the verb, not a username.
  for (const m of masked.matchAll(/@(?!mention(?:s|ed|ing)?\b)([a-z][\w.-]+)/g)) {
    if (masked[m.index - 1] && /[\w.]/.test(masked[m.index - 1])) continue;
    out.push({ value: { displayName: m[1] }, index: start + m.index });
  }
  return out.sort((a, b) => a.index - b.index);
}

export interface GroupMention {
  groupName: string;
  index: number;
}

export function findGroups(prepared: PreparedPrompt, start = 0, end = prepared.masked.length): GroupMention[] {
  const out: GroupMention[] = [];
  const masked = prepared.masked.slice(start, end);
  const push = (name: string, index: number) => {
    const n = quoteOf(prepared, name) ?? name;
    if (!n || /^(?:a|the|user|users|this|that|each|any|same|right|whole|entire)$/i.test(n)) return;
    if (!out.some((g) => g.groupName === n)) out.push({ groupName: n, index: start + index });
  };
  for (const m of masked.matchAll(/\b(?:the\s+)?(«q\d+»|[\w-]+)\s+(?:user\s+)?group\b/gi)) push(m[1], m.index);
  // A hyphenated group named before a receiving verb: "support-leads must be emailed".
  for (const m of masked.matchAll(/(?:^\s*|[,;:]\s*|\bthen\s+)([a-z0-9]+(?:-[a-z0-9]+)+)\s+(?:should|must|will|needs?\s+to|has\s+to|is\s+to|are\s+to)\s+(?:also\s+)?(?:get|receive|be\s+(?:e-?mailed|notified|told|pinged|messaged|sent|alerted|informed))\b/g)) push(m[1], m.index + m[0].indexOf(m[1]));
  // A hyphenated lower-case name addressed by a messaging verb is a group ("email platform-ops",
  // "notify support-leads"): people are named with capitals or an address, pages after a preposition.
  for (const m of masked.matchAll(/\b(?:e-?mail|notify|ping|message|alert|tell|inform|remind|cc|let|send)\s+(?:the\s+)?([a-z0-9]+(?:-[a-z0-9]+)+)(?![\w@.-])/gi)) push(m[1], m.index + m[0].lastIndexOf(m[1]));
  // "someone from platform-ops", "anyone in support-leads": a member of a hyphenated group.
  for (const m of masked.matchAll(/\b(?:someone|somebody|anyone|anybody|people|members?|whoever\s+is)\s+(?:from|in|of)\s+(?:the\s+)?([a-z0-9]+(?:-[a-z0-9]+)+)(?![\w@.-])/gi)) push(m[1], m.index + m[0].lastIndexOf(m[1]));
  for (const m of masked.matchAll(/\bgroups?\s+(?:called\s+|named\s+)?(«q\d+»|[\w-]*[a-z0-9-][\w-]*)(?!\s+(?:members?|is|are))/gi)) {
    if (/^(?:called|named|of|that|which|and|or|is|are|members?|with|in|to|for|on|at|about|when|if|by|from|as|so|then|but)$/i.test(m[1])) continue;
    push(m[1], m.index);
  }
  for (const m of masked.matchAll(/\bmembers\s+of\s+(?:the\s+)?(«q\d+»|[\w-]+)(?:\s+(?:group|team))?/gi)) push(m[1], m.index);
  for (const m of masked.matchAll(/\b(?:the\s+)?(«q\d+»|[A-Za-z][\w-]*)\s+team\b(?!\s+(?:space|page|channel))/g)) {
    if (/^(?:the|a|my|our|your|their|whole|entire|same|each|every|that|this|to|and|or)$/i.test(m[1])) continue;
    push(m[1], m.index);
  }
  return out.sort((a, b) => a.index - b.index);
}

const VALUE_STOP = /^(?:and|or|then|to|under|in|into|on|with|from|for|so|but|if|when|it|is|are|was|were|gets|get|becomes|otherwise|else|also|should|must|ought|will|shall|needs|need|has|have|can|may)$/i;
/** A step verb ends a value, unless it is capitalised: "its parent is Archive" names the page. */
const VALUE_STOP_VERB = /^(?:move|add|archive|delete|copy|send|email|notify|post|comment|label|tag|set|change|assign|remove|publish|create)$/;

/**
 * The value right after a position: a quoted value, else words up to a connector or the
 * end of the clause ("contains Decision, move …" → "Decision").
 */
export function valueAfter(prepared: PreparedPrompt, index: number, maxWords = 4): string | null {
  const rest = prepared.masked.slice(index).replace(/^\s*(?:the\s+(?:word|words|text|phrase|string|term|prefix|suffix)\s+|word\s+|text\s+|phrase\s+)?/i, '');
  const q = /^\s*«q(\d+)»/.exec(rest);
  if (q) return prepared.quotes[Number(q[1])] ?? null;
  const words: string[] = [];
  for (const raw of rest.trim().split(/\s+/)) {
    const word = raw.replace(/[,;.!?:)]+$/, '');
    if (!word || VALUE_STOP.test(word) || VALUE_STOP_VERB.test(word) || /«/.test(word)) break;
    words.push(word);
    if (raw !== word || words.length >= maxWords) break;
  }
  return words.length ? words.join(' ') : null;
}

const STEP_VERB =
  /^(?:notify|email|e-mail|send|add|move|archive|post|remove|delete|copy|label|tag|set|change|assign|publish|create|restrict|log|ping|message|alert|remind|tell|mark|comment|put|grant|lock|transfer|cc|then|make|update|when|if|only|otherwise|else|but)$/i;

const EVENT_PARTICIPLE = /^(?:published|edited|updated|archived|moved|copied|deleted|trashed|created|commented|restored|renamed)$/i;

/** Label names after "label(s)"/"tag(s)" or before "label": quoted lists or single tokens. */
export function findLabels(prepared: PreparedPrompt, start: number, end: number): string[] {
  const fragment = prepared.masked.slice(start, end);
  const labels: string[] = [];
  const add = (token: string) => {
    // "Pages labelled obsolete: delete them": the colon closes the phrase, it is no part of the label.
    const value = quoteOf(prepared, token) ?? token.replace(/[:.]+$/, '');
    const label = toLabel(value);
    if (!label || /^(?:it|them|the|a|an|to|on|and|or|this|that|page|pages|post|with|as|of|from|label|labels|tag|tags|called|named|is|are|was|added|removed|applied|its|their|saying|then|when|if|for|in|each|every|otherwise|else|has|have|had|should|must|needs|need|ought|will|shall|goes|go|gets|get|comes|come|be|been|being)$/.test(label)) return;
    if (!labels.includes(label)) labels.push(label);
  };
  const token = '(«q\\d+»|#?[\\w][\\w.:-]*)';
  const listAfter = new RegExp(
    `\\b(?:(?:label|tag|mark)\\s+(?:the|this|that|each|every)\\s+(?:page|post|blog\\s*post|pages|posts)\\s+with|labels?|tags?|labell?ed|tagged|label\\s+(?:it|them)|tag\\s+(?:it|them))\\s+(?:(?:it|them|as|with|called|named|of|the|label|tag|either|both)\\s+){0,3}${token}((?:\\s*(?:,|and|or|&)\\s*(?:the\\s+)?(?:(?:label|tag)\\s+)?(?:«q\\d+»|#?[\\w][\\w.:-]*))*)`,
    'gi',
  );
  for (const m of fragment.matchAll(listAfter)) {
    add(m[1]);
    for (const more of m[2].matchAll(/(?:,|and|or|&)\s*(?:the\s+)?(?:(?:label|tag)\s+)?(«q\d+»|#?[\w][\w.:-]*)/gi)) {
      // "labelled urgent and send them…": a verb after "and" starts the next step.
      // "labelled urgent and archived": an event's participle is the next event, not a label.
      if (/^(?:and|or|the)$/i.test(more[1]) || STEP_VERB.test(more[1]) || EVENT_PARTICIPLE.test(more[1])) break;
      add(more[1]);
    }
  }
  if (labels.length === 0) {
    // "Jane Doe labels a page": "labels" is the verb there, and "Doe" no label.
    for (const m of fragment.matchAll(/(«q\d+»|#?[\w][\w.:-]*)\s+(?:and\s+(«q\d+»|#?[\w][\w.:-]*)\s+)?(?:labels?|tags?)\b(?!\s+(?:a|an|the|any|one|pages?)\b)/gi)) {
      add(m[1]);
      if (m[2]) add(m[2]);
    }
  }
  return labels;
}
