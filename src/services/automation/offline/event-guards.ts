import { clauseAt, isNegatedBefore, type PreparedPrompt } from '../text.js';
import { ADJ, ADV, AGE_AFTER, BE, BLOG_N, COORD, DET, EVENT_MARKER, GAP, MOD, MODAL_WORDS, OPEN_SUBJ, PAGE_N, POLITE_YOU, REL_LABELS, SUBJ } from './vocabulary.js';

/**
 * Tests that tell an event from a description: the match must sit in an event clause (after
 * "when", "once", or in "pages that get … must …"), must not be negated or an age ("not updated
 * for 90 days"), and "new page" must not be the object of "create". Trigger tables and the step
 * tables that must not fire inside an event both use them, so they live in one place.
 */

export function passive(subject: string, participles: string): RegExp {
  return new RegExp(`\\b${subject}\\b${REL_LABELS}${GAP}\\b${BE}${MOD}${COORD}\\s+(${participles})\\b`, 'g');
}

export function active(verbs: string, object: string): RegExp {
  return new RegExp(`(?:\\b${SUBJ}|${OPEN_SUBJ})${ADV}\\s+(?:${verbs})\\s+${DET}${ADJ}${object}\\b`, 'gu');
}

export interface Pattern {
  re: RegExp;
  /** Extra check on the match; the last capture group (if any) is the participle. */
  guard?: (p: PreparedPrompt, m: RegExpMatchArray) => boolean;
}

export function inEventClause(p: PreparedPrompt, index: number): boolean {
  const clause = p.clauses[clauseAt(p, index)];
  return EVENT_MARKER.test(p.lower.slice(clause.start, index + 1)) || inDutyRelative(p, index);
}

/** "Pages that get labelled x must be moved …", "anything that gets copied should …": the relative clause on the subject is the event. */
const DUTY_SUBJECT = new RegExp(`^\\s*(?:(?:any|all|every|each|the|a|an|new|our)\\s+)*(?:[\\w«»-]+\\s+)?(?:${PAGE_N}|${BLOG_N}|anything|everything|ones?)\\s+(?:that|which)\\s+`);
const UNIVERSAL_RELATIVE = new RegExp(`\\b(?:any|every|each)\\s+(?:[\\w-]+\\s+)?(?:${PAGE_N}|${BLOG_N})\\s+(?:that|which)\\s+`, 'g');
const DUTY_AFTER = new RegExp(`\\b(?:${MODAL_WORDS})\\b`);

function inDutyRelative(p: PreparedPrompt, index: number): boolean {
  const clause = p.clauses[clauseAt(p, index)];
  const subject = DUTY_SUBJECT.exec(clause.text);
  // "strip it off any page that gets copied": a relative clause on "any page" after the step.
  for (const m of clause.text.matchAll(UNIVERSAL_RELATIVE)) {
    const start = clause.start + m.index;
    if (start <= index && start + m[0].length + 25 >= index) return true;
  }
  if (!subject || clause.start + subject[0].length > index + 40) return false;
  return DUTY_AFTER.test(p.lower.slice(Math.max(index, clause.start + subject[0].length), clause.end));
}

/** The participle of a passive match must not be negated, relative, or describe an age. */
export function eventGuard(p: PreparedPrompt, m: RegExpMatchArray): boolean {
  const last = m[m.length - 1];
  const at = last ? m.index! + m[0].length - last.length : m.index!;
  if (isNegatedBefore(p.lower, at)) return false;
  if (AGE_AFTER.test(p.lower.slice(m.index! + m[0].length))) return false;
  const beforeBe = p.lower.slice(m.index!, at);
  if (/\b(?:title|name|heading|status)\s+(?:(?:that|which)\s+)?(?:is|was|are|reads|says)\s+(?:\S+\s+){0,1}$/.test(beforeBe)) return false;
  if (/\b(?:that|which|who)\s+(?:\S+\s+){0,2}$/.test(beforeBe) && !inEventClause(p, m.index!)) return false;
  // "can you create a page" is a request, not an event.
  if (POLITE_YOU.test(p.lower.slice(Math.max(0, m.index! - 12), m.index!)) && /^you\b/.test(m[0])) return false;
  return true;
}

export const eventClauseGuard = (p: PreparedPrompt, m: RegExpMatchArray) => inEventClause(p, m.index!) && eventGuard(p, m);

export const CREATE_VERB_BEFORE = /\b(?:create|creates|publish|make|add|write|generate|start|set up|open|draft|post)\s+(?:a\s+|an\s+|the\s+)?$/;
export const newThingGuard = (p: PreparedPrompt, m: RegExpMatchArray) =>
  inEventClause(p, m.index!) &&
  !CREATE_VERB_BEFORE.test(p.lower.slice(Math.max(0, m.index! - 25), m.index!)) &&
  // "the new parent page's title" names a page that exists, not a new one.
  !(/\bthe\s+$/.test(p.lower.slice(Math.max(0, m.index! - 5), m.index!)) && /^(?:'s|\s+(?:title|id|url|name))\b/.test(p.lower.slice(m.index! + m[0].length)));
