import { clauseAt, isNegatedBefore, STATUS_WORDS, type PreparedPrompt } from '../text.js';
import { inEventClause } from './event-guards.js';
import { detectTriggersCached } from './detect-triggers.js';
import { imp, notInEvent, type ComponentPattern } from './instructions.js';

/**
 * The catalog steps as imperative wordings ("move it under", "add the label", "notify the
 * owner"), each with the guard that keeps a look-alike from counting ("remove the label" is no
 * page delete, "put it to Ready" sets a status). Kept apart from the code that runs them so a new
 * synonym is a one-line change to a table.
 */

const OBJ =
  '(?:it|them|this|that|these|those|the\\s+(?:current|same|triggering|original|whole)\\s+page|the\\s+page|this\\s+page|that\\s+page|the\\s+pages|those\\s+pages|these\\s+pages|such\\s+pages|the\\s+post|the\\s+blog\\s*post|the\\s+blog|each\\s+(?:page|one)|every\\s+page|all\\s+of\\s+them|all|any|pages|page|the\\s+document|the\\s+doc|its|their|the\\s+copy|the\\s+new\\s+page|old|stale|outdated|inactive|obsolete|unused|abandoned|child|sub-?pages|children|\\d)';

/** A status right after a placement word: "put it to Ready for review" sets a status, it moves nothing. */
const STATUS_AFTER = new RegExp(`^\\s+(?:the\\s+)?(?:status\\s+)?(?:${STATUS_WORDS}|«q\\d+»\\s+status)\\b`);

/** "strip it off", "remove it from any page": the pronoun stands for a label named first as the topic. */
const TOPIC_LABEL_REMOVAL = /\b(?:strip|take|pull|peel|rip|remove|drop|clear)\s+(?:it|them)\s+(?:back\s+)?(?:off|from)\b/g;
/** "The approved label: …", "That wip tag — …": a label is the topic of the sentence before the step. */
function topicLabelBefore(p: PreparedPrompt, index: number): boolean {
  const sentence = p.lower.slice(0, index).replace(/^.*[.!?]\s/s, '');
  return /^\s*(?:the|that|this|our|a|an)?\s*(?:«q\d+»|[\w-]+)\s+(?:label|tag)s?\s*[:,-]/.test(sentence);
}

/** A copy whose object is a page named by its title (capitalised or quoted), not the rule's page: "copy Templates into it". */
const NAMED_COPY = /\b(?:copy|duplicate|clone)\s+(?:the\s+|our\s+)?(«q\d+»|[a-z][\w-]*(?:\s+[a-z][\w&-]*){0,3}?)\s+(?:into|to|under|inside|in)\s+(?:it|them|there|the\s+(?:new\s+)?space|each|every|that\s+space|this\s+space|«q\d+»|[a-z])/g;

/** Whether the copy at `index` names its source page, so it copies that one page rather than each page of a set. */
export function namedCopySource(p: PreparedPrompt, index: number): boolean {
  const m = new RegExp(`^${NAMED_COPY.source.replace(/^\\b/, '')}`).exec(p.lower.slice(index));
  if (!m) return false;
  const object = index + m[0].indexOf(m[1], m[0].search(/\s/));
  return /^(?:«|\p{Lu})/u.test(p.masked.slice(object)) && !new RegExp(`^(?:${OBJ})\\b`).test(m[1]);
}

export const ACTION_PATTERNS: ComponentPattern[] = [
  // Moving to the archive or trash is archiving / deleting.
  { type: 'ArchivePageAction', re: new RegExp(`\\b(?:move|send|put|file)\\s+(?:${OBJ}\\s+)?(?:\\w+\\s+){0,3}?to\\s+(?:the\\s+)?archive\\b(?!\\s+(?:space|page)\\b)`, 'g'), guard: imp },
  { type: 'DeletePageAction', re: new RegExp(`\\b(?:move|send|put)\\s+(?:${OBJ}\\s+)?(?:\\w+\\s+){0,3}?(?:to|in|into)\\s+(?:the\\s+)?(?:trash|bin|recycle bin)\\b`, 'g'), guard: imp },
  {
    type: 'MovePageAction',
    // The object may carry a relative clause: "move any new page whose title starts with TPL under Templates".
    re: new RegExp(`\\b(?:move|moving|file|refile|put|relocate|re-?parent|nest|place)\\s+(?:${OBJ}\\s+)?(?:[\\w«»'-]+\\s+){0,4}?(?:(?:whose|that|which)\\s+(?:[\\w«»'-]+\\s+){1,5}?)?(?:under|below|beneath|into|to|inside|in|as\\s+a\\s+child)\\b`, 'g'),
    guard: (p, m) => imp(p, m) && !/\b(?:to|into|in)\s+(?:the\s+)?(?:trash|bin|archive)\b(?!\s+(?:space|page))/.test(p.lower.slice(m.index!, m.index! + m[0].length + 30)) && !/^(?:move|moving|file|refile|put|relocate|re-?parent|nest|place)\s+(?:a\s+|an\s+|the\s+)?(?:«q\d+»\s+)?(?:[\w-]+\s+)?(?:labels?|tags?)\b/.test(m[0])
      && !/^(?:put|place|file)\s+(?:a|an|one)\s+(?:extra\s+)?copy\b/.test(m[0])
      && !STATUS_AFTER.test(p.lower.slice(m.index! + m[0].length)),
  },
  // The object may be a longer noun phrase (it can hold the trigger: "file newly published pages that have
  // standup in the title under X"); only the placement prepositions end it, so "in the title" does not.
  {
    type: 'MovePageAction',
    re: /\b(?:move|file|refile|relocate|re-?parent|nest)\s+(?:(?![,;.!?])[\w«»'-]+\s+){1,10}?(?:under|beneath|below|inside|into)\b/g,
    guard: (p, m) => imp(p, m) && /^\s*$/.test(p.lower.slice(0, m.index!).replace(/^.*[,;.!?]/s, '').replace(/\b(?:please|and|then|also|just)\b/g, '')) && !/\b(?:trash|bin|archive)\b(?!\s+(?:space|page))/.test(p.lower.slice(m.index!, m.index! + m[0].length + 30)),
  },
  { type: 'CopyPageAction', re: new RegExp(`\\b(?:copy|duplicate|clone|make\\s+a\\s+copy\\s+of)\\s+(?:${OBJ}|(?:the\\s+|a\\s+|our\\s+)?[\\w«»-]+\\s+(?:page|pages))\\b`, 'g'), guard: imp },
  // "copy Templates into it", "duplicate 'Onboarding kit' into the new space": a named page copied somewhere.
  { type: 'CopyPageAction', re: NAMED_COPY, guard: (p, m) => imp(p, m) && namedCopySource(p, m.index!) },
  {
    type: 'ArchivePageAction',
    re: new RegExp(`\\barchiv(?:e|ing)\\s+(?:${OBJ}|(?:the\\s+|all\\s+|any\\s+)?(?:[\\w«»-]+\\s+){0,2}?(?:pages?|docs?|documents?|content|ones))\\b`, 'g'),
    guard: (p, m) => imp(p, m) && !/\b(?:the|a|an|to|into|in|under|our|my|from|below|beneath)\s+$/.test(p.lower.slice(Math.max(0, m.index! - 10), m.index!)),
  },
  { type: 'ArchivePageAction', re: /\b(?:and|then|,)\s+archive\s*(?:$|[,.;])/g, guard: imp },
  {
    type: 'DeletePageAction',
    re: new RegExp(`\\b(?:delete|trash|remove|purge|erase|wipe|bin|discard|get rid of|clean out|clear out)\\s+(?:${OBJ}|(?:the\\s+|all\\s+|any\\s+|every\\s+)?(?:[\\w«»-]+\\s+){0,2}?(?:pages?|docs?|documents?|content|ones|drafts?))\\b(?!\\s+(?:labels?|tags?|restrictions?|permissions?|comments?|from\\s+(?:the\\s+)?(?:group|label))\\b)`, 'g'),
    guard: (p, m) => imp(p, m) && !/\b(?:labels?|tags?|restrictions?|permissions?|comments?|variables?|users?|owners?|access)\b/.test(m[0]) && !(new RegExp(`^${TOPIC_LABEL_REMOVAL.source}`).test(p.lower.slice(m.index!)) && topicLabelBefore(p, m.index!)),
  },
  {
    type: 'AddLabelAction',
    re: /\b(?:add|apply|attach|put|set|stick|slap|pop|whack|throw|assign|give)\b(?:(?![,;.]).){0,30}?\b(?:label|labels|tag|tags)\b/g,
    guard: (p, m) => imp(p, m) && !/^(?:add|apply|attach|put|set|stick|slap|pop|whack|throw|assign|give)\s+(?:the\s+)?(?:page|it)?\s*(?:to|under)\b/.test(m[0]) && !/\bremove|\bdelete/.test(m[0]),
  },
  { type: 'AddLabelAction', re: /\b(?:label|tag)\s+(?:it|them|each\s+one|(?:(?:all|any|every|each|the|new|those|these|such|this|that|its|their)\s+)*(?:[\w-]+\s+)?(?:pages?|posts?|blog\s*posts?|docs?|documents?|blogs?|children|child\s+pages))\b/g, guard: imp },
  { type: 'AddLabelAction', re: /\bmark\s+(?:it|them|the\s+page)\s+with\s+(?:the\s+|a\s+)?(?:label|tag)\b/g, guard: imp },
  {
    type: 'AddLabelAction',
    re: /\b(?:it|they|the\s+page|the\s+post)\s+(?:should\s+|will\s+|automatically\s+|then\s+|must\s+)?(?:gets?|receives?|is\s+given|be\s+given|be\s+labell?ed|be\s+tagged|gets?\s+labell?ed|gets?\s+tagged)\s+(?:with\s+)?(?:the\s+|a\s+|an\s+)?(?:«q\d+»\s+|[\w-]+\s+)?(?:label|tag)?/g,
    guard: (p, m) => /label|tag/.test(m[0]) && detectTriggersCached(p).triggers.some((t) => t.index < m.index! && t.type !== 'LabelAddedTrigger'),
  },
  // "pages published by X get the contractor label": the event's subject gets the label as the main verb.
  {
    type: 'AddLabelAction',
    re: /\b(?:get|gets|receive|receives)\s+(?:the\s+|a\s+|an\s+)?(?:«q\d+»\s+|[\w-]+\s+)?(?:label|tag)\b/g,
    guard: (p, m) =>
      !inEventClause(p, m.index!) &&
      !isNegatedBefore(p.lower, m.index!) &&
      !/\b(?:when|whenever|once|if|after|that|which|who)\b/.test(p.lower.slice(p.clauses[clauseAt(p, m.index!)].start, m.index!)) &&
      detectTriggersCached(p).triggers.some((t) => t.index < m.index! && t.clause === clauseAt(p, m.index!) && t.type !== 'LabelAddedTrigger'),
  },
  {
    type: 'AddLabelAction',
    re: /\b(?:should|will|must|automatically|always)\s+(?:also\s+|automatically\s+)?(?:get|receive|be\s+given|be\s+labell?ed|be\s+tagged|get\s+labell?ed|get\s+tagged)\b(?:\s+(?:with\s+)?(?:the\s+|a\s+|an\s+)?(?:«q\d+»\s+|[\w-]+\s+)?(?:label|tag))?/g,
    guard: (p, m) => /label|tag/.test(m[0] + p.lower.slice(m.index! + m[0].length, m.index! + m[0].length + 30)),
  },
  {
    type: 'RemoveLabelAction',
    // The gap holds no new clause: "delete them as soon as the label goes on" deletes pages.
    re: /\b(?:remove|delete|drop|strip|clear|take\s+off|detach)\b(?:(?![,;.]|\b(?:as soon as|when|whenever|once|after|if|because)\b).){0,30}?\b(?:label|labels|tag|tags)\b/g,
    guard: imp,
  },
  { type: 'RemoveLabelAction', re: /\buntag\b/g, guard: imp },
  // The label named first as the topic: "The stale label: strip it off …".
  { type: 'RemoveLabelAction', re: TOPIC_LABEL_REMOVAL, guard: (p, m) => imp(p, m) && topicLabelBefore(p, m.index!) },
  {
    type: 'AddCommentAction',
    re: /\b(?:add|post|leave|write|put|drop|insert|create|make)\s+(?!(?:the|this|that|their|its|his|her)\b)(?:a\s+|an\s+|one\s+|new\s+)?(?:[\w«»-]+\s+)?(?:footer\s+|inline\s+|page\s+)?comment\b/g,
    guard: imp,
  },
  // "comment: 'Please verify'": the verb, a colon and the text.
  { type: 'AddCommentAction', re: /\bcomment\s*(?::\s*«|(?:on\s+(?:it|the\s+page|the\s+post|them|each|the\s+blog)|saying|with|that|asking|reminding|telling|«))/g, guard: imp },
  { type: 'AddCommentAction', re: /\breply\s+(?:to\s+(?:it|the\s+comment)\s+)?(?:with|saying)\b|\breply\s*:\s*«/g, guard: imp },
  { type: 'PublishPageAction', re: new RegExp(`\\b(?:create|publish|make|add|generate|write|start|set\\s+up|spin\\s+up|open|draft|produce|build)\\s+(?!(?:the|this|that|it|its|their|his|her)\\b)(?:a|an|one|new|some|fresh)?\\s*(?:new\\s+|fresh\\s+)?(?:(?!(?:to|on|of|for|in|into|under|with|from|at|the|label|labels|comment|comments|tag|tags|restriction|permission|that|which|who|rule|automation|copy|blog)\\b)[\\w'«»-]+\\s+){0,4}?(?:page|pages|child\\s+page|subpage|wiki\\s+page|doc|docs|document|article)\\b(?!\\s+(?:is|are|gets|get|was)\\b)`, 'g'), guard: notInEvent },
  { type: 'PublishBlogPostAction', re: /\b(?:create|publish|write|post|make|draft|generate|add|start)\s+(?:a|an|the|one)?\s*(?:new\s+)?(?:(?!(?:to|on|of|for|in|into|under|with|from|at|the|label|comment|rule|automation)\b)[\w'«»-]+\s+){0,3}?blog(?:\s*-?\s*post)?s?\b(?!\s+(?:is|are|gets|get|was)\b)/g, guard: notInEvent },
  {
    type: 'ChangePageOwnerAction',
    re: /\b(?:change|set|update|transfer|reassign|assign|make|hand(?:\s+over)?|give|switch|move|pass)\b(?:(?![,;.]).){0,30}?\bowner(?:ship)?\b/g,
    guard: (p, m) => imp(p, m) && !/\b(?:email|notify|message|remind|tell|the owner of)\b/.test(m[0]) && !/\bowners?\s+of\b/.test(p.lower.slice(m.index!, m.index! + m[0].length + 4)),
  },
  // "make jo@example.com the owner of any page that …": the new owner sits between the verb and "owner".
  { type: 'ChangePageOwnerAction', re: /\b(?:make|appoint|name|set)\s+(?!(?:the|a|an|it|them|me|us|sure|certain)\b)(?:[^\s,;]+\s+){1,3}?(?:the\s+)?(?:new\s+)?(?:page\s+)?owner\b/g, guard: imp },
  { type: 'ChangePageOwnerAction', re: /\b(?:assign|hand)\s+(?:it|the\s+page|them|the\s+pages|this\s+page|each\s+page)\s+(?:over\s+)?to\b/g, guard: imp },
  { type: 'ChangePageOwnerAction', re: /\breassign\s+(?:it|the\s+page|them|pages|ownership)\b/g, guard: imp },
  {
    type: 'ChangePageStatusAction',
    re: /\b(?:set|change|update|mark|move|switch|flip|put)\b(?:(?![,;.]).){0,25}?\bstatus\b/g,
    guard: (p, m) => imp(p, m) && !/\bstatus\s+(?:changes|changed|is)\b/.test(p.lower.slice(m.index!, m.index! + m[0].length + 10)),
  },
  { type: 'ChangePageStatusAction', re: new RegExp(`\\b(?:put|move|switch|turn)\\s+(?:it|them|the\\s+page|this\\s+page|the\\s+pages)\\s+(?:to|into|in)\\s+(?:the\\s+)?(?:status\\s+)?(?:${STATUS_WORDS}|«q\\d+»\\s+status)\\b`, 'g'), guard: imp },
  { type: 'ChangePageStatusAction', re: new RegExp(`\\b(?:mark|set|flag)\\s+(?:it|them|the\\s+page|this\\s+page|the\\s+pages|each\\s+page|pages)\\s+(?:as\\s+|to\\s+)(?:${STATUS_WORDS}|«q\\d+»)`, 'g'), guard: imp },
  {
    type: 'RestrictPageAction',
    re: /\b(?:restrict|lock(?:\s+down)?|unrestrict|make\s+(?:it|the\s+page|them|this\s+page)\s+(?:private|public|visible|invisible|hidden|read-?only|view-?only|editable)|limit\s+(?:access|viewing|editing|who\s+can)|remove\s+(?:all\s+|the\s+|any\s+)?restrictions|hide\s+(?:it|the\s+page)|open\s+(?:it|the\s+page)\s+(?:up\s+)?to\s+everyone)\b/g,
    guard: imp,
  },
  { type: 'RestrictPageAction', re: /\bonly\s+(?:(?![,;.]).){1,40}?\s+(?:can|may|should\s+be\s+able\s+to)\s+(?:view|see|edit|read|access|change)\b/g },
  { type: 'RestrictPageAction', re: /\b(?:view|edit|page)\s+restrictions?\b/g, guard: imp },
  {
    type: 'GrantSpacePermissionAction',
    re: /\b(?:grant|give|add|assign|provide)\b(?:(?![,;.]).){0,40}?\b(?:permissions?|access|admin\s+rights|rights|admin|edit\s+rights)\b/g,
    guard: (p, m) =>
      imp(p, m) &&
      !/\b(?:labels?|tags?|comments?)\b/.test(m[0]) &&
      !(/\b(?:page|it)\b/.test(m[0]) && !/\bspace\b/.test(p.lower.slice(m.index!, m.index! + m[0].length + 25))),
  },
  // "New space created -> platform-ops get admin permission on it": the grantee as the subject of a plain "get".
  {
    type: 'GrantSpacePermissionAction',
    re: /\b(?:get|gets|receive|receives|is\s+given|are\s+given)\s+(?:the\s+|an?\s+)?(?:space\s+)?(?:admin(?:istrator)?|edit(?:ing)?|view(?:ing)?|read|write|full|owner)?\s*(?:permissions?|rights|access)\b/g,
    guard: (p, m) =>
      !inEventClause(p, m.index!) &&
      !isNegatedBefore(p.lower, m.index!) &&
      (/\bspaces?\b/.test(p.clauses[clauseAt(p, m.index!)].text) || detectTriggersCached(p).triggers.some((t) => t.type === 'SpaceCreatedTrigger' && t.index < m.index!)),
  },
  { type: 'GrantSpacePermissionAction', re: /\bspace\s+permissions?\b/g, guard: imp },
  {
    type: 'GrantSpacePermissionAction',
    re: /\b(?:make|set)\s+(?:the\s+|this\s+|that\s+|its\s+|the\s+new\s+)?space\s+(?:public|visible|accessible|open|available)\b|\bopen\s+(?:up\s+)?(?:the\s+|this\s+)?space\b/g,
    guard: imp,
  },
  { type: 'GrantSpacePermissionAction', re: /\badd\s+(?:(?![,;.]).){1,30}?\s+to\s+the\s+(?:new\s+)?space\b(?!\s+(?:home|overview))/g, guard: (p, m) => imp(p, m) && !/\b(?:page|label|comment|blog)\b/.test(m[0]) },
  { type: 'SendSlackMessageAction', re: /\bslack\b/g },
  { type: 'SendTeamsMessageAction', re: /\b(?:microsoft|ms)\s+teams\b|\b(?:in|on|to|via|through|into)\s+teams\b|\bteams\s+(?:channel|message|chat|webhook|notification|reminder|post|alert|ping|update)s?\b/g },
  { type: 'SendEmailAction', re: /\be-?mail(?:s|ed|ing)?\b(?!\s+address(?:es)?\s+(?:of|for))/g, guard: (p, m) => !/@/.test(p.lower.slice(m.index!, m.index! + m[0].length + 2)) },
  { type: 'SendEmailAction', re: /\bmail\s+(?:the|them|him|her|me|us|it|a)\b/g, guard: imp },
  {
    type: 'Notify',
    re: /\b(?:notify|remind|alert|inform|warn|ping|message|tell|let\s+(?:\w+\s+){1,3}know|send\s+(?:a\s+|an\s+)?(?:notification|reminder|message|note|digest|summary|alert|heads-?up))\b/g,
    guard: (p, m) => imp(p, m) && !/\bguard\b|\bsecurity\b/.test(p.lower.slice(Math.max(0, m.index! - 20), m.index!)),
  },
  // "send the team a weekly digest", "send Jane a reminder": the recipient sits between verb and message.
  {
    type: 'Notify',
    re: /\bsend\s+(?:(?!(?:a|an|the|it|them)\b)[\w@.'-]+\s+|the\s+[\w-]+\s+|them\s+){1,2}?(?:a|an)\s+(?:[\w-]+\s+)?(?:notification|reminder|message|note|digest|summary|alert|heads-?up|report|list|update|recap|nudge)\b/g,
    guard: imp,
  },
  { type: 'LogAction', re: /\b(?:log|record|write)\b(?:(?![,;.]).){0,20}?\b(?:audit\s+log|the\s+log|a\s+log|rule\s+log|log\s+message|to\s+the\s+log)\b/g, guard: imp },
  { type: 'LogAction', re: /\blog\s+(?:it|that|this|a\s+message|an?\s+entry|something|the\s+(?:page|title|event|result|change|name)|«|which|each|every|how|what)\b|\blog\s+\{\{/g, guard: imp },
  { type: 'LogAction', re: /\baudit\s+log\b/g },
  { type: 'LogAction', re: /\blog\s+(?:a|an|the|its|their)\s+[\w-]+/g, guard: (p, m) => imp(p, m) && !/\b(?:audit|rule|the|a|to|in)\s+$/.test(p.lower.slice(Math.max(0, m.index! - 8), m.index!)) },
  { type: 'CreateVariableAction', re: /\b(?:create|set|store|save|define|make|put)\b(?:(?![,;.]).){0,30}?\bvariable\b|\bvariable\s+(?:called|named)\b/g },
];
