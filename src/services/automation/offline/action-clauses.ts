import type { PreparedPrompt } from '../text.js';
import { ACTION_PATTERNS } from './action-patterns.js';
import type { Detection } from './detection.js';
import { NON_IMPERATIVE_ACTIONS } from './duty-actions.js';
import { runComponentPatterns } from './instructions.js';
import { EXCLUDED_PATTERNS, quotedUrlDetections, UNSUPPORTED_COMPONENT_PATTERNS } from './outside-catalog.js';

/**
 * Reads the rule's steps: runs the step tables, then settles overlaps in a fixed order (an
 * action inside a trigger phrase is the event, an off-site copy is a web request, "move to the
 * archive" is an archive, a notify verb becomes the channel its clause names, steps quoted as a
 * message's content are no steps). Hands on the actions plus the unsupported and excluded names,
 * which the conditions, branch and if/else passes place around.
 */

/** Resolves the generic "notify/remind" verb to a channel: Slack or Teams if named in its clause, else email. */
function resolveNotify(p: PreparedPrompt, hits: Detection[]): Detection[] {
  const out: Detection[] = [];
  for (const h of hits) {
    if (h.type !== 'Notify') {
      out.push(h);
      continue;
    }
    const clause = p.clauses[h.clause].text;
    if (/\bslack\b/.test(clause) || /\bteams\b/.test(clause)) continue;
    if (/\bcomment\b/.test(p.lower.slice(h.index, p.clauses[h.clause].end)) && /\b(?:in|with|via|through|by)\s+(?:a\s+)?comment\b/.test(clause)) continue;
    out.push({ ...h, type: 'SendEmailAction' });
  }
  return out;
}

/** What a comment, email or message says: "with a reminder to add an owner and labels", "asking them to archive it". */
const CONTENT_MARKER = /\b(?:with\s+(?:a|an|the)\s+(?:[\w-]+\s+)?(?:reminder|note|message|request|text|question|nudge|prompt)|reminding|asking|telling|saying|that\s+says|which\s+says|to\s+remind|to\s+ask|to\s+tell)\b/g;
const MESSAGE_LIKE = new Set(['AddCommentAction', 'SendEmailAction', 'SendSlackMessageAction', 'SendTeamsMessageAction', 'LogAction']);

/**
 * Steps named inside the text of a message are its content, not the rule's steps; and a
 * "message" written to the log is the log step, not an email.
 */
function dropContentActions(p: PreparedPrompt, actions: Detection[]): Detection[] {
  const contentSpans: Array<[number, number]> = [];
  for (const a of actions) {
    if (!MESSAGE_LIKE.has(a.type)) continue;
    const clause = p.clauses[a.clause];
    CONTENT_MARKER.lastIndex = 0;
    const tail = p.lower.slice(a.index, clause.end);
    const m = CONTENT_MARKER.exec(tail);
    if (m) contentSpans.push([a.index + m.index, clause.end]);
  }
  const logs = actions.filter((a) => a.type === 'LogAction');
  return actions.filter((a) => {
    if (!MESSAGE_LIKE.has(a.type) && contentSpans.some(([s, e]) => a.index >= s && a.index < e)) return false;
    // "write a heartbeat message to the audit log": one log step.
    if (a.type === 'SendEmailAction' && /\bmessage/.test(p.lower.slice(a.index, a.end)) && logs.some((l) => l.clause === a.clause)) return false;
    return true;
  });
}

/**
 * A step the request rules out: "don't email anyone, just log it", "No emails or Slack, just the
 * log", "without notifying anyone". The negation sits right before the step's words (a list of
 * channels after one "no" counts), within its clause.
 */
const REFUSED_BEFORE = /\b(?:don'?t|do\s+not|doesn'?t|does\s+not|never|no\s+need\s+to|without|no)\s+(?:[a-z]+\s+(?:to|in|on|via|into)\s+)?(?:(?:any|an?|the)\s+)?(?:[\w-]+\s*(?:,|or|nor|and)\s+)*$/;

function refusedStep(p: PreparedPrompt, a: Detection): boolean {
  const clause = p.clauses[a.clause];
  return REFUSED_BEFORE.test(p.lower.slice(Math.max(clause.start, a.index - 40), a.index));
}

const USES_REPLY = /\b(?:log|post|send|email|record|write|add|put|comment|save|store|forward|share)\s+(?:\w+\s+){0,2}?(?:the|its|their)\s+(?:response|answer|reply|result|results|status\s+code|output)\b/;

/** A detection that is the URL itself (bare or quoted), not the words asking for the request. */
function isUrlToken(p: PreparedPrompt, d: Detection): boolean {
  return /^«[uq]\d+»$/.test(p.lower.slice(d.index, d.end));
}

/** The overlap rules below run in this order; a later one sees what the earlier ones left. */
export function detectActions(prepared: PreparedPrompt, triggers: Detection[]): { actions: Detection[]; unsupported: Detection[]; excluded: Detection[] } {
  // Actions, excluded and unsupported components.
  let actions = resolveNotify(prepared, [...runComponentPatterns(prepared, ACTION_PATTERNS), ...runComponentPatterns(prepared, NON_IMPERATIVE_ACTIONS)]);
  const unsupported = runComponentPatterns(prepared, UNSUPPORTED_COMPONENT_PATTERNS);
  const excluded = [...runComponentPatterns(prepared, EXCLUDED_PATTERNS), ...quotedUrlDetections(prepared)];
  // An action inside a trigger phrase is the event ("when someone adds a comment").
  actions = actions.filter((a) => !triggers.some((t) => a.index >= t.index && a.index < t.end && t.type !== 'ScheduledTrigger'));
  // Copying or moving into an off-site service is the web request, not a page action.
  actions = actions.filter((a) => !excluded.some((x) => a.index >= x.index && a.index < x.end && a.type !== 'SendEmailAction'));
  // Notifications that belong to Slack/Teams are not emails; "email" inside an off-site phrase neither.
  if (actions.some((a) => a.type === 'SendSlackMessageAction' || a.type === 'SendTeamsMessageAction')) {
    actions = actions.filter((a) => a.type !== 'SendEmailAction' || /\be-?mail\b/.test(prepared.lower.slice(a.index, a.end)));
  }
  // Unsupported actions shadow catalog hits on the same words ("create a whiteboard", "log a ticket").
  actions = actions.filter((a) => !unsupported.some((u) => a.index >= u.index && a.index < u.end && !(u.type === 'SmartLinkAction')));
  // "archive the space" is not a page archive.
  actions = actions.filter((a) => !(a.type === 'ArchivePageAction' || a.type === 'DeletePageAction') || !unsupported.some((u) => u.type === 'CreateSpaceAction' && u.index === a.index));
  // "move to archive" won over move; "remove label" over delete.
  actions = actions.filter((a) => !(a.type === 'MovePageAction' && actions.some((o) => (o.type === 'ArchivePageAction' || o.type === 'DeletePageAction') && o.index === a.index)));
  actions = actions.filter((a) => !(a.type === 'DeletePageAction' && actions.some((o) => o.type === 'RemoveLabelAction' && o.index === a.index)));
  actions = actions.filter((a) => !(a.type === 'GrantSpacePermissionAction' && actions.some((o) => (o.type === 'RestrictPageAction' || o.type === 'AddLabelAction') && Math.abs(o.index - a.index) < 3)));
  actions = actions.filter((a) => !(a.type === 'ChangePageOwnerAction' && actions.some((o) => o.type === 'AddLabelAction' && o.index === a.index)));
  // A label action's "label" word is not a status/owner/etc.
  actions = actions.filter((a) => !(a.type === 'AddLabelAction' && actions.some((o) => o.type === 'RemoveLabelAction' && o.index <= a.index && o.end >= a.end)));

  actions = dropContentActions(prepared, actions);
  actions = actions.filter((a) => !refusedStep(prepared, a));
  // A web request to an endpoint spelled out ("… and make an HTTP request to https://…") is what the request is
  // for: a draft of the other steps alone would pass for the whole rule, so none is drafted. A request to a service
  // named only in words ("POST it to our external API") leaves the rest to draft.
  if (excluded.some((x) => isUrlToken(prepared, x) && excluded.some((y) => y !== x && !isUrlToken(prepared, y) && y.clause === x.clause && y.index < x.index))) actions = [];
  // A step that uses the request's reply ("… and log the answer", "post the response to Slack") cannot run without it.
  if (excluded.some((x) => USES_REPLY.test(prepared.lower.slice(x.end)))) actions = [];
  return { actions, unsupported, excluded };
}
