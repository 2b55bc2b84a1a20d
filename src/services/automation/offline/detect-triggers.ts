import { parseSchedule, type ScheduleMatch } from '../schedule.js';
import { clauseAt, type PreparedPrompt } from '../text.js';
import { guardedMatches, type Detection } from './detection.js';
import { coordinatedActiveEvents, namedPairEvents, nominalEvents, objectRelativeEvents, participleAdjectiveEvents, pronounEvents, reducedRelativeEvents } from './event-clauses.js';
import { CREATE_VERB_BEFORE, type Pattern } from './event-guards.js';
import { TRIGGER_PATTERNS, UNSUPPORTED_TRIGGER_PATTERNS } from './trigger-patterns.js';
import { ADJ, BLOG_N, BLOG_WORD, PAGE_N } from './vocabulary.js';

/**
 * Finds the events the prompt starts from: runs the trigger tables and the grammar readers,
 * then drops hits that are really consequences ("…, it should get the label x") or are shadowed
 * by an unsupported event, and adds the schedule. Action detection asks for the same result
 * (a label "it gets" after an event is an action), so it is cached per prepared prompt.
 */

/** A page noun, and every blog noun (removed first: "blog post" holds "post"). */
const PAGE_WORD = new RegExp(`\\b${PAGE_N}\\b`);
const BLOG_WORDS = new RegExp(`\\b${BLOG_N}\\b`, 'g');

function runPatterns(p: PreparedPrompt, table: Record<string, Pattern[]>): Detection[] {
  const out: Detection[] = [];
  for (const [type, patterns] of Object.entries(table)) {
    for (const { re, guard } of patterns) {
      for (const m of guardedMatches(p.lower, re, guard ? (m) => guard(p, m) : undefined)) {
        out.push({ type, index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
      }
    }
  }
  return out;
}

/** Keep the first hit per type; drop a hit that sits inside a longer hit of another type. */
function dedupe(hits: Detection[]): Detection[] {
  const sorted = [...hits].sort((a, b) => a.index - b.index || b.end - a.end);
  const out: Detection[] = [];
  for (const h of sorted) {
    if (out.some((o) => o.type === h.type)) continue;
    out.push(h);
  }
  return out;
}

export function detectTriggers(p: PreparedPrompt): { triggers: Detection[]; schedule: ScheduleMatch | null } {
  const scheduleFirst = parseSchedule(p.lower, p.original);
  let hits = [...runPatterns(p, TRIGGER_PATTERNS), ...pronounEvents(p), ...nominalEvents(p), ...coordinatedActiveEvents(p), ...namedPairEvents(p), ...(scheduleFirst ? [] : [...reducedRelativeEvents(p), ...objectRelativeEvents(p), ...participleAdjectiveEvents(p)])];
  // "…, it gets the label X" after another event, or "should get the label X", is a consequence (an action), not a trigger.
  // "When a page is published, if it's labelled legal …": a label state after another event is a condition.
  hits = hits.filter(
    (h) =>
      !(
        h.type === 'LabelAddedTrigger' &&
        /^(?:if\s+)?(?:it|they|the\s+page|the\s+post)(?:'s|'re|\s+is|\s+are|\s+has\s+been|\s+isn't|\s+is\s+not)\s+(?:labell?ed|tagged)\b/.test(p.lower.slice(h.index)) &&
        (/^if\s/.test(p.lower.slice(h.index)) || /\bif\s+$/.test(p.lower.slice(Math.max(0, h.index - 4), h.index))) &&
        hits.some((o) => o.type !== 'LabelAddedTrigger' && o.index < h.index)
      ),
  );
  hits = hits.filter(
    (h) =>
      !(
        h.type === 'LabelAddedTrigger' &&
        ((/\b(?:it|they|the\s+page|the\s+post)\s+(?:should\s+|will\s+|automatically\s+|then\s+|must\s+)?$/.test(p.lower.slice(Math.max(0, h.index - 25), h.index)) &&
          hits.some((o) => o.type !== 'LabelAddedTrigger' && o.index < h.index)) ||
          /\b(?:should|will|must|automatically|always|then)\s+(?:also\s+|automatically\s+)?(?:be\s+)?$/.test(p.lower.slice(Math.max(0, h.index - 30), h.index)) ||
          /\b(?:should|will|must|automatically|always)\s+(?:also\s+|automatically\s+)?(?:be\s+)?(?:get|gets|receive|given|labell?ed|tagged)\b/.test(p.lower.slice(h.index, h.end)))
      ),
  );
  const unsupported = runPatterns(p, UNSUPPORTED_TRIGGER_PATTERNS);
  // Whiteboard: one specific trigger wins over the catch-all.
  const wb = unsupported.filter((u) => u.type.startsWith('Whiteboard'));
  const wbSpecific = wb.filter((u) => u.type !== 'WhiteboardCreatedTrigger' || !/^whiteboards?$/.test(p.lower.slice(u.index, u.end)));
  const keptUnsupported = unsupported.filter((u) => !u.type.startsWith('Whiteboard') || wbSpecific.length === 0 || wbSpecific.includes(u));
  const trimmedWb = keptUnsupported.filter((u) => !(u.type === 'WhiteboardCreatedTrigger' && keptUnsupported.some((o) => o.type.startsWith('Whiteboard') && o.type !== u.type)));
  // A comment on a blog post is the blog trigger, not the page one.
  hits = hits.map((h) => (h.type === 'PageCommentedTrigger' && BLOG_WORD.test(p.clauses[h.clause]?.text ?? '') ? { ...h, type: 'BlogCommentedTrigger' } : h));
  // "someone publishes a new blog post": the page reading of the same words yields to the blog one.
  hits = hits.filter((h) => {
    const blogTwin = h.type.startsWith('Page') ? h.type.replace(/^Page/, 'Blog') : null;
    const words = p.lower.slice(h.index, h.end);
    const namesPage = PAGE_WORD.test(words.replace(BLOG_WORDS, ' '));
    return !(blogTwin && !namesPage && hits.some((o) => o.type === blogTwin && o.index < h.end && h.index < o.end));
  });
  // "Could we publish a blog post …?": a polite instruction to us, not an event.
  hits = hits.filter((h) => !(/^(?:we|you|i)\s/.test(p.lower.slice(h.index, h.end)) && /\b(?:could|can|would|shall|should|will|please|let'?s)\s+$/.test(p.lower.slice(Math.max(0, h.index - 12), h.index))));
  // "is archived" inside a label/status hit is not a separate event; comment-on-blog dedupe, etc.
  const all = [...hits, ...trimmedWb];
  // A catalog hit fully inside an unsupported hit (e.g. "issue is moved" vs page moved) yields to it.
  const filtered = all.filter(
    (h) => !trimmedWb.some((u) => u !== h && !h.type.startsWith('Whiteboard') && u.index <= h.index && u.end >= h.end && u.type !== h.type && !TRIGGER_PATTERNS[u.type]),
  );
  // Status "is marked as verified" is a status change, not an edit.
  const statusHit = filtered.find((h) => h.type === 'PageStatusChangedTrigger');
  const final = filtered.filter((h) => !(statusHit && h.type === 'PageEditedTrigger' && h.clause === statusHit.clause && /\bstatus\b/.test(p.clauses[h.clause].text)));
  const schedule = parseSchedule(p.lower, p.original);
  // "Tag new pages in HR …": new pages as the object of an instruction still means "when a page is published".
  if (!schedule && final.length === 0) {
    const m = new RegExp(`\\b(?<!\\bthe\\s)(?:new|newly\\s+(?:created|published))\\s+${ADJ}(${PAGE_N}|${BLOG_N})\\b(?!'s)`).exec(p.lower);
    if (m && !CREATE_VERB_BEFORE.test(p.lower.slice(Math.max(0, m.index - 25), m.index)) && !/\b(?:list|digest|summary|report|overview)\s+of\s+(?:all\s+)?(?:the\s+)?$/.test(p.lower.slice(Math.max(0, m.index - 25), m.index))) {
      final.push({ type: BLOG_WORD.test(m[1]) ? 'BlogPublishedTrigger' : 'PagePublishedTrigger', index: m.index, end: m.index + m[0].length, clause: clauseAt(p, m.index) });
    }
  }
  const triggers = dedupe(final);
  if (schedule) {
    triggers.push({ type: 'ScheduledTrigger', index: schedule.index, end: schedule.index + 1, clause: clauseAt(p, schedule.index) });
  }
  // Both a page and a blog hit for "a page or blog post is labelled": one label trigger covers both.
  return { triggers: dedupe(triggers).sort((a, b) => a.index - b.index), schedule };
}

// ----- components -----

const triggerCache = new WeakMap<PreparedPrompt, ReturnType<typeof detectTriggers>>();
export function detectTriggersCached(p: PreparedPrompt) {
  if (!triggerCache.has(p)) triggerCache.set(p, detectTriggers(p));
  return triggerCache.get(p)!;
}
