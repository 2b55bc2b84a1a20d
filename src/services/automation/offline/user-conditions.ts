import { findGroups, findUsers } from '../entities.js';
import { clauseAt, EMAIL_RE, type PreparedPrompt } from '../text.js';
import type { Detection } from './detection.js';
import { OBJECT_RELATIVE_RE } from './event-clauses.js';
import { NAMED_PAIR_SUBJECT, NP_WORD } from './vocabulary.js';

/**
 * Who did it: "only for users in the Legal group", "if the author is Jane Doe", "when Ana
 * López publishes …". Becomes a UserCondition; kept apart from the other filters because it
 * reads names and groups through the entity finders rather than matching fixed words.
 */

export function findUserCondition(p: PreparedPrompt, inBranch: boolean): Detection | null {
  const patterns = [
    /\b(?:only\s+)?(?:for|by|from|if|when)\s+(?:users?|people|members|someone|anyone|somebody|editors?|authors?|a\s+member|employees|staff)\s+(?:who\s+(?:are|is)\s+)?(?:in|of|from)\s+(?:the\s+)?(«q\d+»|[\w-]+)\s+(?:group|team)\b/g,
    /\b(?:by|from)\s+(?:a\s+)?(?:member|members)\s+of\s+(?:the\s+)?(«q\d+»|[\w-]+)(?:\s+(?:group|team))?\b/g,
    /\bif\s+(?:the\s+)?(?:author|editor|user|person|publisher|commenter|initiator|actor|creator)\s+(?:is\s+)?(?:in|a\s+member\s+of|part\s+of|belongs\s+to)\s+(?:the\s+)?(«q\d+»|[\w-]+)(?:\s+group)?\b/g,
  ];
  for (const re of patterns) {
    const m = re.exec(p.lower);
    if (m) {
      const name = m[1].startsWith('«') ? (p.quotes[Number(/\d+/.exec(m[1])![0])] ?? m[1]) : p.masked.slice(m.index + m[0].indexOf(m[1]), m.index + m[0].indexOf(m[1]) + m[1].length);
      return { type: 'UserCondition', index: m.index, end: m.index + m[0].length, clause: clauseAt(p, m.index), config: { groups: [{ groupName: name }] } };
    }
  }
  const who = /\b(?:if|only\s+if|only\s+when|when)\s+(?:the\s+)?(?:author|editor|user|person|publisher|commenter|initiator|actor|creator)\s+is\s+/.exec(p.lower) ??
    /\bonly\s+(?:for|when)\s+(?=[A-Z]|\S+@)/i.exec(p.masked) ??
    (!inBranch ? /\b(?:created|published|edited|updated|written|made|posted|changed)\s+by\s+(?!(?:the|a|an|someone|anyone|members?|me)\b)/.exec(p.lower) : null);
  if (who) {
    const users = findUsers(p, who.index, Math.min(p.masked.length, who.index + who[0].length + 60));
    const groups = findGroups(p, who.index, Math.min(p.masked.length, who.index + who[0].length + 40));
    if (users.length) return { type: 'UserCondition', index: who.index, end: who.index + who[0].length, clause: clauseAt(p, who.index), config: { users: [users[0].value] } };
    if (groups.length) return { type: 'UserCondition', index: who.index, end: who.index + who[0].length, clause: clauseAt(p, who.index), config: { groups: [{ groupName: groups[0].groupName }] } };
  }
  return subjectCondition(p);
}

// "adds a comment", "leaves a reply", "labels a page": these verbs name the event's subject too.
const ACTOR_VERB = '(?:publish|creat|edit|updat|chang|modif|comment|mov|cop[yi]|archiv|delet|restor|writ|post|add|leav|label|tag|flip|switch|mention|repl)\\w*';
const ACTOR_RE = new RegExp(`\\b(?:when|whenever|once|if|after|as soon as|each time|every time)\\s+(${NP_WORD}(?:\\s+${NP_WORD}){0,4}?)\\s+${ACTOR_VERB}\\b`, 'u');

/** "When Ana López publishes …", "when someone in the contractors group edits …": the named subject is a user condition. */
function subjectCondition(p: PreparedPrompt): Detection | null {
  const pair = NAMED_PAIR_SUBJECT.exec(p.masked);
  if (pair) {
    return { type: 'UserCondition', index: pair.index, end: pair.index + pair[0].length, clause: clauseAt(p, pair.index), config: { users: [{ displayName: pair[1] }, { displayName: pair[2] }] } };
  }
  const m = ACTOR_RE.exec(p.lower) ?? new RegExp(OBJECT_RELATIVE_RE.source, 'u').exec(p.lower);
  if (!m) return null;
  const start = m.index + m[0].indexOf(m[1]);
  const end = start + m[1].length;
  const at = { type: 'UserCondition', index: m.index, end: m.index + m[0].length, clause: clauseAt(p, m.index) };
  const subject = p.masked.slice(start, end).trim();
  const email = subject.match(EMAIL_RE)?.[0];
  if (email) return { ...at, config: { users: [{ email }] } };
  if (/^\p{Lu}(?:\p{Ll}|['-]\p{Lu}?|\p{Lu}(?=\p{Ll}))+(?:\s+\p{Lu}(?:\p{Ll}|['-]\p{Lu}?|\p{Lu}(?=\p{Ll}))+){1,2}$/u.test(subject)) return { ...at, config: { users: [{ displayName: subject }] } };
  const groups = findGroups(p, start, end);
  if (groups.length) return { ...at, config: { groups: [{ groupName: groups[0].groupName }] } };
  return null;
}
