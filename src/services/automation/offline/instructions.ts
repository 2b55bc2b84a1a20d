import { clauseAt, type PreparedPrompt } from '../text.js';
import { guardedMatches, type Detection } from './detection.js';
import { POLITE_YOU } from './vocabulary.js';

/**
 * Whether a verb is the user's instruction or someone else's act ("move it" vs "when someone
 * moves it"), and the runner that turns a step table into detections. Every step table guards on
 * this, so the check is shared rather than repeated per table.
 */

const SUBJECT_BEFORE =
  /\b(?:someone|somebody|anyone|anybody|users?|people|i|we|they|he|she|authors?|editors?|members?|readers?|reviewers?|contributors?|colleagues?|teammates?|person|customers?|team|admins?|owners?)(?:\s+(?:else|ever|first|just|also|actually|then))?\s+$/;

/** A base-form verb at `index` is an instruction, not someone else's action ("when someone adds a label"). */
export function imperative(p: PreparedPrompt, index: number): boolean {
  // A capitalised word inside a sentence is part of a name ("into the Company Archive space"), not a verb.
  const said = p.masked.slice(0, index).trimEnd();
  if (said !== '' && /^\p{Lu}\p{Ll}/u.test(p.masked.slice(index, index + 2)) && !/[.!?:;,"'«»()\-–—]$/.test(said)) return false;
  const before = p.lower.slice(Math.max(0, index - 30), index);
  if (/\b(?:the|a|an|this|its|their|each|every|any|no|his|her|our|my)\s+$/.test(before)) return false;
  if (/\byou\s+$/.test(before)) return POLITE_YOU.test(before.replace(/you\s+$/, ''));
  // "Could we publish …?", "can we archive …": a polite instruction, not something we do.
  if (/\bwe\s+$/.test(before) && /\b(?:could|can|would|shall|should|will|please)\s+we\s+$/.test(before)) return true;
  return !SUBJECT_BEFORE.test(before);
}

export interface ComponentPattern {
  type: string;
  re: RegExp;
  guard?: (p: PreparedPrompt, m: RegExpMatchArray) => boolean;
}

export const imp = (p: PreparedPrompt, m: RegExpMatchArray) => imperative(p, m.index!);
/** A base-form instruction, not a participle ("published"): participles are events, handled by triggers. */
export const notInEvent = (p: PreparedPrompt, m: RegExpMatchArray) => imperative(p, m.index!) && !/(?:ed|en)$/.test(m[0].split(/\s+/)[0]);

export function runComponentPatterns(p: PreparedPrompt, patterns: ComponentPattern[]): Detection[] {
  const out: Detection[] = [];
  for (const { type, re, guard } of patterns) {
    for (const m of guardedMatches(p.lower, re, guard ? (m) => guard(p, m) : undefined)) {
      out.push({ type, index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
    }
  }
  return out;
}
