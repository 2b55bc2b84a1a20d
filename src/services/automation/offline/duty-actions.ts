import { clauseAt, isNegatedBefore, STATUS_WORDS, type PreparedPrompt } from '../text.js';
import { inEventClause } from './event-guards.js';
import { imp, type ComponentPattern } from './instructions.js';
import { MODAL_WORDS } from './vocabulary.js';

/**
 * Steps stated as duties rather than commands ("should be moved under", "the label has to
 * come off", "needs a comment"). No imperative verb starts them, so most rows guard against
 * negation ("should not be moved") instead of checking for an instruction as the command table does.
 */

/**
 * Actions stated without an imperative: a modal or need ("should be moved under", "has to sit
 * under", "a copy should go under", "needs a comment", "must be archived"). They are actions
 * like their imperative forms; the generator fills them the same way.
 */
const MODAL = '(?:should|must|needs?\\s+to|has\\s+to|have\\s+to|ought\\s+to|is\\s+to|are\\s+to|shall|will\\s+need\\s+to|is\\s+supposed\\s+to|are\\s+supposed\\s+to)\\s+(?:also\\s+|always\\s+|automatically\\s+|then\\s+)?';
/** "a copy (of every page that gets labelled x) should go under …": the copy is what moves, so it is a copy step. */
const COPY_SUBJECT_BEFORE = /(?:^|[.;!?,:]\s*|\b(?:then|and|so)\s+)(?:a|the|one|an?\s+extra)\s+cop(?:y|ies)(?:\s+of\s+[^,;.!?]{1,80}?)?\s+$/;
const notNegated = (p: PreparedPrompt, m: RegExpMatchArray) => !isNegatedBefore(p.lower, m.index!) && !/\b(?:not|never|n't)\s+$/.test(p.lower.slice(Math.max(0, m.index! - 8), m.index!));
const MODAL_PLACE = new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)?(?:moved|filed|refiled|put|placed|relocated|nested|re-?parented|go|sit|live|end\\s+up|land|belong|stay)\\s+(?:[\\w«»'-]+\\s+){0,2}?(?:under|below|beneath|into|inside|in|to|as\\s+a\\s+child)\\b(?!\\s+(?:the\\s+)?(?:trash|bin|archive)\\b(?!\\s+(?:space|page)))`, 'g');
/**
 * "has to stay in step with the wiki" is an idiom, not a place: the softer place verbs (stay, sit,
 * live, land, belong) count only when a name, a quoted title or "the …" follows.
 */
function placeNamed(p: PreparedPrompt, m: RegExpMatchArray): boolean {
  if (!/\b(?:stay|sit|live|land|belong)\b/.test(m[0])) return true;
  return /^\s*(?:the\s+|our\s+)?(?:«|\p{Lu})/u.test(p.masked.slice(m.index! + m[0].length));
}

export const NON_IMPERATIVE_ACTIONS: ComponentPattern[] = [
  { type: 'MovePageAction', re: MODAL_PLACE, guard: (p, m) => notNegated(p, m) && placeNamed(p, m) && !COPY_SUBJECT_BEFORE.test(p.lower.slice(Math.max(0, m.index! - 100), m.index!)) },
  { type: 'CopyPageAction', re: MODAL_PLACE, guard: (p, m) => notNegated(p, m) && placeNamed(p, m) && COPY_SUBJECT_BEFORE.test(p.lower.slice(Math.max(0, m.index! - 100), m.index!)) },
  { type: 'CopyPageAction', re: new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)?(?:copied|duplicated|cloned)\\b`, 'g'), guard: notNegated },
  { type: 'AddCommentAction', re: /\b(?:needs?|requires?|(?:should|must|ought\s+to|has\s+to|have\s+to)\s+(?:get|have|receive))\s+(?:a|an|one)\s+(?:new\s+|short\s+)?comment\b/g, guard: notNegated },
  { type: 'AddCommentAction', re: new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)commented\\s+on\\b`, 'g'), guard: notNegated },
  { type: 'ArchivePageAction', re: new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)(?:archived|moved\\s+to\\s+(?:the\\s+)?archive)\\b(?!\\s+(?:space|page))`, 'g'), guard: notNegated },
  { type: 'DeletePageAction', re: new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)(?:deleted|removed|trashed|purged)\\b`, 'g'), guard: notNegated },
  // "the draft label has to come off", "that tag should be taken off".
  { type: 'RemoveLabelAction', re: new RegExp(`\\b(?:label|tag)s?\\s+${MODAL}(?:come|be\\s+taken|be\\s+removed|be\\s+stripped|get\\s+taken|go)\\s*(?:off|away)?\\b`, 'g'), guard: notNegated },
  { type: 'RestrictPageAction', re: new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)(?:restricted|locked(?:\\s+down)?)\\b`, 'g'), guard: notNegated },
  { type: 'ChangePageStatusAction', re: new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)?(?:marked|set|flagged)\\s+(?:as\\s+|to\\s+)?(?:${STATUS_WORDS}|«q\\d+»)`, 'g'), guard: notNegated },
  { type: 'Notify', re: new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)(?:notified|alerted|informed|told|pinged|reminded|messaged|warned)\\b`, 'g'), guard: notNegated },
  {
    type: 'AddLabelAction',
    re: new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)(?:labell?ed|tagged)\\b|\\b${MODAL}(?:get|receive|be\\s+given|have)\\s+(?:the\\s+|a\\s+|an\\s+)?(?:«q\\d+»\\s+|[\\w-]+\\s+)?(?:label|tag)\\b`, 'g'),
    guard: notNegated,
  },
  // "new pages go under X": a plain present placement in the main clause states where pages belong.
  { type: 'MovePageAction', re: /\b(?:go|goes|belong|belongs|live|lives|sit|sits)\s+(?:straight\s+|directly\s+)?(?:under|below|beneath|inside)\b/g, guard: (p, m) => notNegated(p, m) && !inEventClause(p, m.index!) && !new RegExp(`\\b(?:${MODAL_WORDS}|will|can|may)\\s+(?:\\w+\\s+)?$`).test(p.lower.slice(Math.max(0, m.index! - 20), m.index!)) },
  // "the copy needs the label x", "it wants a tag".
  { type: 'AddLabelAction', re: /\b(?:needs|need|wants|requires|deserves)\s+(?:the|a|an)\s+(?:«q\d+»\s+|[\w-]+\s+)?(?:label|tag)\b/g, guard: notNegated },
  // "ownership of new pages is to be handed over to X", "the owner should be changed to Y".
  {
    type: 'ChangePageOwnerAction',
    re: new RegExp(`\\bowner(?:ship)?\\b(?:(?![,;]|\\.(?:\\s|$)).){0,60}?\\b${MODAL}(?:be\\s+|get\\s+)?(?:handed|transferred|passed|given|assigned|reassigned|moved|changed|set|switched)(?:\\s+over)?\\s+to\\b`, 'g'),
    guard: notNegated,
  },
  // A polite question in the passive: "could the copy's status be set to Rough draft?", "can its status be changed to Done?".
  { type: 'ChangePageStatusAction', re: /\b(?:could|can|would|will)\s+(?:you\s+(?:please\s+)?(?:have\s+|get\s+|make\s+sure\s+)?)?(?:the\s+|its\s+|their\s+)?(?:[\w'-]+\s+){0,2}?status\s+(?:please\s+)?(?:be|get)\s+(?:set|changed|updated|switched|moved|flipped|turned)\s+(?:to|into)\b/g, guard: notNegated },
  // "its status should be Rough draft", "the status must become Done".
  { type: 'ChangePageStatusAction', re: new RegExp(`\\bstatus\\s+${MODAL}(?:be|become|read|say|change\\s+to|be\\s+set\\s+to|be\\s+changed\\s+to)\\s+(?=\\S)`, 'g'), guard: notNegated },
  // A second duty after "and": "the copy must get the label x and be moved under Y".
  { type: 'MovePageAction', re: /\band\s+(?:then\s+)?(?:be|get)\s+(?:moved|filed|placed|put|nested|relocated)\s+(?:under|below|beneath|into|inside)\b/g, guard: (p, m) => notNegated(p, m) && new RegExp(`\\b(?:${MODAL_WORDS})\\b`).test(p.lower.slice(p.clauses[clauseAt(p, m.index!)].start, m.index!)) },
  { type: 'LogAction', re: /(?:^|[,;:]\s*|\b(?:then|and)\s+)log\s+(?!(?:in|on|out|off|into|onto)\b)[a-z«]/g, guard: imp },
  // "put a copy under X" is a copy, whatever verb places it.
  { type: 'CopyPageAction', re: /\b(?:put|place|file|drop|save|make|create|keep)\s+(?:a|an|one)\s+(?:extra\s+)?copy\b/g, guard: imp },
];
