import { preparePrompt, type PreparedPrompt } from '../text.js';

/**
 * Prepares the prompt for every later pass: talk about the rule itself ("create a rule
 * that…") is blanked out, and the rule's steps written in third person ("a button that moves the
 * page") are rewritten to base form so the imperative patterns see them. Both keep every position
 * the same, so detections still point into the masked text the generator reads.
 */

const THIRD_PERSON: Record<string, string> = {
  moves: 'move',
  archives: 'archive',
  deletes: 'delete',
  copies: 'copy',
  adds: 'add',
  removes: 'remove',
  sends: 'send',
  emails: 'email',
  notifies: 'notify',
  posts: 'post',
  creates: 'create',
  publishes: 'publish',
  labels: 'label',
  tags: 'tag',
  changes: 'change',
  sets: 'set',
  assigns: 'assign',
  restricts: 'restrict',
  grants: 'grant',
  logs: 'log',
  reminds: 'remind',
  alerts: 'alert',
  pings: 'ping',
  marks: 'mark',
  files: 'file',
  puts: 'put',
  trashes: 'trash',
  comments: 'comment',
  messages: 'message',
  updates: 'update',
  transfers: 'transfer',
  duplicates: 'duplicate',
  locks: 'lock',
};

/**
 * "a button that moves the page", "a rule which archives pages", "then it emails the owner":
 * the rule's own steps in third person. Rewritten to base form, padded to the same length so
 * positions still line up with the masked text.
 */
function baseForms(lower: string): string {
  const toBase = (verb: string) => {
    const base = THIRD_PERSON[verb];
    return base ? base + ' '.repeat(verb.length - base.length) : verb;
  };
  const first = lower.replace(/(?<=\b(?:that|which|then|it|button|rule|automation|and\s+then|also)\s+(?:automatically\s+|also\s+|just\s+)?)([a-z]+)\b/g, toBase);
  // The same subject's next steps: "clicking it sets the status … and adds a comment".
  return first.replace(STEP_THEN_AND, (all: string) => all.replace(/(?<=\band\s+(?:also\s+|then\s+)?)([a-z]+)\b/g, toBase));
}

/** A rewritten step and the rest of its clause, where "and <verb>s" continues the same subject. */
const STEP_THEN_AND = new RegExp(`(?<=\\b(?:that|which|then|it|button|rule|automation)\\s+(?:automatically\\s+|also\\s+|just\\s+)?)(?:${[...new Set(Object.values(THIRD_PERSON))].join('|')})\\s*\\b[^,;.!?:]*`, 'g');

/** The prepared prompt every pass reads: meta phrases blanked, third-person steps in base form, positions unchanged. */
export function prepareForAnalysis(prompt: string): PreparedPrompt {
  const p = preparePrompt(prompt);
  // Meta phrases ("create a rule that…") say nothing about components; blank them out.
  const meta = /\b(?:please\s+)?(?:create|make|set\s+up|build|write|draft|add|give\s+me|i\s+want|i\s+need|i'd\s+like|we\s+need|we\s+want|can\s+you\s+(?:create|make|set\s+up|build))\s+(?:me\s+)?(?:an?\s+)?(?:new\s+)?(?:confluence\s+)?(?:automation\s+)?(?:rule|automation|workflow)(?:\s+(?:that|which|to|for|so\s+that|where|in\s+which))?\b|\b(?:automation\s+)?rule\s+(?:that|which|to)\b/g;
  const blank = (s: string) => s.replace(meta, (m) => ' '.repeat(m.length));
  const prepared: PreparedPrompt = { ...p, lower: blank(p.lower), masked: p.masked.replace(meta, (m) => ' '.repeat(m.length)) };
  prepared.lower = blank(baseForms(p.lower));
  return prepared;
}
