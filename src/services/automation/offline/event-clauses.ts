import { clauseAt, isNegatedBefore, type PreparedPrompt } from '../text.js';
import { guardedMatches, type Detection } from './detection.js';
import { eventGuard } from './event-guards.js';
import { ADJ, ADV, AGE_AFTER, BE, BLOG_N, BLOG_WORD, COORD, DET, GAP, MOD, NAMED_PAIR_SUBJECT, NP_WORD, OPEN_SUBJ, PAGE_N, SUBJ } from './vocabulary.js';

/**
 * Events that no single table row can name because the grammar carries them: nominal events
 * ("on page deletion"), reduced relatives ("any page edited by John"), pronoun subjects ("once
 * it is archived"), one subject with two verbs, and the event as a relative clause on the object
 * ("anything Ana López publishes"). Each returns trigger detections for detectTriggers to merge.
 */

/** "on page deletion", "after every page move". */
const NOMINAL_EVENTS: Array<[RegExp, string]> = [
  [/^(?:deletion|delete|removal|trashing)$/, 'PageDeletedTrigger'],
  [/^(?:archival|archiving|archive)$/, 'PageArchivedTrigger'],
  [/^(?:move|moves|relocation)$/, 'PageMovedTrigger'],
  [/^(?:copy|copies|copying|duplication)$/, 'PageCopiedTrigger'],
  [/^(?:comment|comments)$/, 'PageCommentedTrigger'],
  [/^(?:status\s+change|status\s+changes)$/, 'PageStatusChangedTrigger'],
];

export function nominalEvents(p: PreparedPrompt): Detection[] {
  const out: Detection[] = [];
  // "upon creation of a space", "after the deletion of a page".
  const ofRe = /\b(?:on|upon|after|at)\s+(?:the\s+)?(creation|publication|publishing|deletion|removal|archival|archiving|move|copying|edit|update|modification)\s+of\s+(?:a|an|any|the|every|each|new)\s+(?:new\s+)?(page|space|blog\s*post|document)\b/g;
  const OF_EVENTS: Record<string, [string, string, string]> = {
    creation: ['PagePublishedTrigger', 'SpaceCreatedTrigger', 'BlogPublishedTrigger'],
    publication: ['PagePublishedTrigger', 'SpaceCreatedTrigger', 'BlogPublishedTrigger'],
    publishing: ['PagePublishedTrigger', 'SpaceCreatedTrigger', 'BlogPublishedTrigger'],
    deletion: ['PageDeletedTrigger', '', ''],
    removal: ['PageDeletedTrigger', '', ''],
    archival: ['PageArchivedTrigger', '', ''],
    archiving: ['PageArchivedTrigger', '', ''],
    move: ['PageMovedTrigger', '', ''],
    copying: ['PageCopiedTrigger', '', ''],
    edit: ['PageEditedTrigger', '', 'BlogEditedTrigger'],
    update: ['PageEditedTrigger', '', 'BlogEditedTrigger'],
    modification: ['PageEditedTrigger', '', 'BlogEditedTrigger'],
  };
  for (const m of p.lower.matchAll(ofRe)) {
    const row = OF_EVENTS[m[1]];
    const type = m[2] === 'space' ? row[1] : /blog/.test(m[2]) ? row[2] : row[0];
    if (type) out.push({ type, index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
  }
  // Terse: "page published, then add label" / "new blog post: notify me" / "trigger: page edited" / "new space created -> …".
  const terse = new RegExp(`^\\s*(?:(?:trigger|event|when|on)\\s*:\\s*)?(?:a\\s+|new\\s+|any\\s+)?(${PAGE_N}|${BLOG_N}|spaces?)\\s+(published|created|edited|updated|moved|archived|copied|deleted|commented(?:\\s+on)?|labell?ed|set\\s+up)\\b`).exec(p.lower);
  if (terse) {
    const at = { index: terse.index, end: terse.index + terse[0].length, clause: 0 };
    const row = PRONOUN_EVENTS.find(([part]) => part.test(terse[2]));
    if (/^spaces?$/.test(terse[1])) {
      if (/^(?:created|set\s+up)$/.test(terse[2])) out.push({ type: 'SpaceCreatedTrigger', ...at });
    } else if (row) out.push({ type: BLOG_WORD.test(terse[1]) ? row[2] : row[1], ...at });
    // "blog published or edited -> …": a second event right after the first.
    const more = new RegExp(`^\\s*(?:,|or|and|\\/)\\s*(published|created|edited|updated|moved|archived|copied|deleted|commented(?:\\s+on)?)\\b`).exec(p.lower.slice(terse.index + terse[0].length));
    const second = more ? PRONOUN_EVENTS.find(([part]) => part.test(more[1])) : undefined;
    if (second && !/^spaces?$/.test(terse[1])) out.push({ type: BLOG_WORD.test(terse[1]) ? second[2] : second[1], ...at, end: at.end + more![0].length });
  }
  // Terse nouns: "blog comment -> Slack …", "new comment: email me", "label confidential added -> …".
  const terseNoun = new RegExp(`^\\s*(?:(?:trigger|event|when|on)\\s*:\\s*)?(?:a\\s+|new\\s+|any\\s+)?(?:(${PAGE_N}|${BLOG_N})\\s+)?(?:new\\s+)?comments?(?=\\s*(?:,|:|$))|^\\s*(?:(?:trigger|event|when|on)\\s*:\\s*)?(?:the\\s+)?labels?\\s+(?:«q\\d+»|[\\w-]+)\\s+(?:is\\s+|gets\\s+)?(?:added|applied)\\b`).exec(p.lower);
  if (terseNoun && !terse) {
    const at = { index: terseNoun.index, end: terseNoun.index + terseNoun[0].length, clause: 0 };
    if (/\blabels?\s/.test(terseNoun[0])) out.push({ type: 'LabelAddedTrigger', ...at });
    else out.push({ type: terseNoun[1] && BLOG_WORD.test(terseNoun[1]) ? 'BlogCommentedTrigger' : 'PageCommentedTrigger', ...at });
  }
  // Lists of events: "is created, updated or deleted".
  const list = new RegExp(
    // Two are a list too ("anything that gets published or commented on"); a word that is no event is skipped.
    `\\b(${PAGE_N}|${BLOG_N}|it|they|anything|everything)\\b${GAP}\\b${BE}\\s+((?:[a-z]+(?:\\s+on)?\\s*,\\s*)*[a-z]+(?:\\s+on)?\\s*,?\\s*(?:or|and|and\\/or)\\s+[a-z]+(?:\\s+on)?)\\b`,
    'g',
  );
  for (const m of guardedMatches(p.lower, list, (m) => eventGuard(p, m))) {
    const blog = BLOG_WORD.test(m[1]);
    for (const word of m[2].split(/\s*,\s*|\s+(?:or|and|and\/or)\s+/)) {
      const row = PRONOUN_EVENTS.find(([part]) => part.test(word.trim()));
      if (row) out.push({ type: blog ? row[2] : row[1], index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
    }
  }
  const re = /\b(?:on|upon|after|for|at)\s+(?:every\s+|each\s+|any\s+|a\s+)?(?:page|blog\s*post)\s+(deletion|delete|removal|trashing|archival|archiving|archive|move|moves|relocation|copy|copies|copying|duplication|comment|comments|status\s+changes?)\b/g;
  for (const m of p.lower.matchAll(re)) {
    const row = NOMINAL_EVENTS.find(([w]) => w.test(m[1]));
    if (row) out.push({ type: row[1], index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
  }
  return out;
}

/**
 * Reduced relative clauses name the event without a verb phrase: "any page edited by John",
 * "every page published in TPL". Only without a schedule (then they describe a page set).
 */
export function reducedRelativeEvents(p: PreparedPrompt): Detection[] {
  const out: Detection[] = [];
  const re = new RegExp(
    `\\b(?:any|every|each|a|all|new|newly)\\s+(?:[a-z-]+\\s+)?(${PAGE_N}|${BLOG_N})\\s+(?:that\\s+(?:is|are|gets|get)\\s+)?(edited|updated|modified|changed|published|created|moved|archived|copied|deleted|trashed|commented\\s+on)\\s+(?=by\\b|in\\b|under\\b|to\\b|into\\b|within\\b|on\\b|from\\b)`,
    'g',
  );
  for (const m of p.lower.matchAll(re)) {
    if (!eventGuard(p, m)) continue;
    const blog = BLOG_WORD.test(m[1]);
    const row = PRONOUN_EVENTS.find(([part]) => part.test(m[2].replace(/\s+on$/, ' on')));
    if (!row) continue;
    out.push({ type: blog ? row[2] : row[1], index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
  }
  return out;
}

/**
 * The participle before the noun names the event: "set the status of every copied page",
 * "comment on each newly published blog post". Only without a schedule (then it describes a page set).
 */
export function participleAdjectiveEvents(p: PreparedPrompt): Detection[] {
  const out: Detection[] = [];
  const re = new RegExp(`\\b(?:any|every|each|all)\\s+(?:newly\\s+|freshly\\s+|just\\s+|brand\\s+)?(new|published|created|edited|updated|changed|modified|copied|duplicated|cloned|moved|archived|commented)\\s+(${PAGE_N}|${BLOG_N})\\b`, 'g');
  for (const m of p.lower.matchAll(re)) {
    // "any new page" is one just published.
    const row = PRONOUN_EVENTS.find(([part]) => part.test(m[1] === 'new' ? 'published' : m[1]));
    if (!row) continue;
    out.push({ type: BLOG_WORD.test(m[2]) ? row[2] : row[1], index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
  }
  return out;
}

/**
 * "when they are published", "as soon as it is moved": a pronoun subject. The event is read
 * from the participle; page or blog from what the prompt talks about.
 */
const PRONOUN_EVENTS: Array<[RegExp, string, string]> = [
  [/^(?:published|created|posted|made live|added|launched)$/, 'PagePublishedTrigger', 'BlogPublishedTrigger'],
  [/^(?:edited|updated|changed|modified|revised|saved)$/, 'PageEditedTrigger', 'BlogEditedTrigger'],
  [/^(?:commented on|commented)$/, 'PageCommentedTrigger', 'BlogCommentedTrigger'],
  [/^(?:labell?ed|tagged)$/, 'LabelAddedTrigger', 'LabelAddedTrigger'],
  [/^archived$/, 'PageArchivedTrigger', 'PageArchivedTrigger'],
  [/^(?:copied|duplicated|cloned)$/, 'PageCopiedTrigger', 'PageCopiedTrigger'],
  [/^(?:deleted|trashed|removed)$/, 'PageDeletedTrigger', 'PageDeletedTrigger'],
  [/^(?:moved|relocated)$/, 'PageMovedTrigger', 'PageMovedTrigger'],
];

export function pronounEvents(p: PreparedPrompt): Detection[] {
  const out: Detection[] = [];
  const re = new RegExp(
    `\\b(?:when|whenever|once|after|as soon as|each time|every time|any ?time|if)\\s+(?:it|they|one|this|that|these|those)(?:'s|'re|\\s+${BE})${MOD}${COORD}\\s+(published|created|posted|made live|added|launched|edited|updated|changed|modified|revised|saved|commented on|commented|labell?ed|tagged|archived|copied|duplicated|cloned|deleted|trashed|removed|moved|relocated)\\b`,
    'g',
  );
  const withoutBlogs = p.lower.replace(new RegExp(`\\b${BLOG_N}\\b`, 'g'), ' ');
  const aboutBlogs = new RegExp(`\\b${BLOG_N}\\b`).test(p.lower) && !new RegExp(`\\b${PAGE_N}\\b`).test(withoutBlogs);
  for (const m of p.lower.matchAll(re)) {
    if (!eventGuard(p, m)) continue;
    const row = PRONOUN_EVENTS.find(([part]) => part.test(m[1]));
    if (!row) continue;
    out.push({ type: aboutBlogs ? row[2] : row[1], index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
  }
  return out;
}

const ACTIVE_EVENTS: Array<[RegExp, string, string]> = [
  [/^(?:publish|create|write|add|post|make)/, 'PagePublishedTrigger', 'BlogPublishedTrigger'],
  [/^(?:edit|updat|chang|modif|revis|amend|rewrit)/, 'PageEditedTrigger', 'BlogEditedTrigger'],
  [/^(?:comment|repl)/, 'PageCommentedTrigger', 'BlogCommentedTrigger'],
  [/^(?:label|tag)/, 'LabelAddedTrigger', 'LabelAddedTrigger'],
  [/^archiv/, 'PageArchivedTrigger', 'PageArchivedTrigger'],
  [/^(?:cop|duplicat|clon)/, 'PageCopiedTrigger', 'PageCopiedTrigger'],
  [/^(?:delet|trash|remov)/, 'PageDeletedTrigger', 'PageDeletedTrigger'],
  [/^(?:mov|relocat)/, 'PageMovedTrigger', 'PageMovedTrigger'],
];

/** One subject, two verbs: "someone edits or comments on a page" names two events. */
export function coordinatedActiveEvents(p: PreparedPrompt): Detection[] {
  const out: Detection[] = [];
  const re = new RegExp(`(?:\\b${SUBJ}|${OPEN_SUBJ})${ADV}\\s+([a-z]+)(?:\\s+on)?\\s*,?\\s+(?:or|and|and\\/or)\\s+([a-z]+)(?:\\s+on)?\\s+${DET}${ADJ}(${PAGE_N}|${BLOG_N})\\b`, 'gu');
  for (const m of guardedMatches(p.lower, re, (m) => eventGuard(p, m))) {
    const blog = BLOG_WORD.test(m[3]);
    const rows = [m[1], m[2]].map((verb) => ACTIVE_EVENTS.find(([stem]) => stem.test(verb)));
    if (rows.some((r) => !r)) continue;
    for (const row of rows) out.push({ type: blog ? row![2] : row![1], index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
  }
  // The object between the verbs: "Ana publishes a blog post or edits one", "someone creates a page and later edits it".
  const between = new RegExp(`(?:\\b${SUBJ}|${OPEN_SUBJ})${ADV}\\s+([a-z]+)\\s+${DET}${ADJ}(${PAGE_N}|${BLOG_N})\\s*,?\\s+(?:or|and|and\\/or)\\s+(?:later\\s+|then\\s+|also\\s+)?([a-z]+)(?:\\s+on)?\\s+(?:one|it|them|that|one\\s+of\\s+them)\\b`, 'gu');
  for (const m of guardedMatches(p.lower, between, (m) => eventGuard(p, m))) {
    const blog = BLOG_WORD.test(m[2]);
    const rows = [m[1], m[3]].map((verb) => ACTIVE_EVENTS.find(([stem]) => stem.test(verb)));
    if (rows.some((r) => !r) || rows[0] === rows[1]) continue;
    for (const row of rows) out.push({ type: blog ? row![2] : row![1], index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
  }
  return out;
}

/** Two people as one subject: "If Jun Watanabe or Priya Shah publish a blog post" (read on the case-kept text). */
export function namedPairEvents(p: PreparedPrompt): Detection[] {
  const m = NAMED_PAIR_SUBJECT.exec(p.masked);
  if (!m) return [];
  const row = ACTIVE_EVENTS.find(([stem]) => stem.test(m[3].toLowerCase()));
  if (!row) return [];
  return [{ type: BLOG_WORD.test(m[4].toLowerCase()) ? row[2] : row[1], index: m.index, end: m.index + m[0].length, clause: clauseAt(p, m.index) }];
}

/** The event as a relative clause on the object: "anything Ana López publishes", "every page the sales team edits". */
const OBJECT_RELATIVE_HEAD = `\\b(?:anything|everything|whatever|any\\s+(?:page|doc|document|blog\\s*post)|every\\s+(?:page|blog\\s*post)|each\\s+(?:page|blog\\s*post)|all\\s+(?:pages|blog\\s*posts)|(?:the\\s+)?(?:pages|blog\\s*posts))\\s+(?:that\\s+)?(?!(?:in|on|of|from|under|with|within|not|never|older|newer|last|more|less)\\b)`;
const OBJECT_RELATIVE_VERB = '(publish(?:es|ed)?|creates?|created|writes?|wrote|posts?|posted|edits?|edited|updates?|updated|changes?|changed|comments?\\s+on|commented\\s+on|copies|copied|moves|moved)';
export const OBJECT_RELATIVE_RE = new RegExp(`${OBJECT_RELATIVE_HEAD}(${NP_WORD}(?:\\s+${NP_WORD}){0,4}?)\\s+${OBJECT_RELATIVE_VERB}(?:\\s*,?\\s+(?:or|and|and\\/or)\\s+${OBJECT_RELATIVE_VERB})?\\b`, 'gu');

export function objectRelativeEvents(p: PreparedPrompt): Detection[] {
  const out: Detection[] = [];
  // Under a schedule the phrase describes the pages to visit, not an event.
  const isEvent = (m: RegExpExecArray) => !isNegatedBefore(p.lower, m.index!) && !AGE_AFTER.test(p.lower.slice(m.index! + m[0].length));
  for (const m of guardedMatches(p.lower, OBJECT_RELATIVE_RE, isEvent)) {
    // "everything Jane publishes or edits" names two events.
    for (const verb of [m[2], m[3]].filter(Boolean)) {
      const row = ACTIVE_EVENTS.find(([stem]) => stem.test(verb));
      if (row) out.push({ type: BLOG_WORD.test(m[0]) ? row[2] : row[1], index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
    }
  }
  return out;
}
