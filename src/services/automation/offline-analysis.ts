import { PAGE_CONTEXT_TRIGGERS } from './catalog.js';
import {
  findGroups,
  findLabels,
  findPageMentions,
  findSpaceMentions,
  findUsers,
  roleSmartValue,
  valueAfter,
  type PageMention,
  type SpaceMention,
  type UserValue,
} from './entities.js';
import { parseSchedule, type ScheduleMatch } from './schedule.js';
import {
  COUNT,
  EMAIL_RE,
  clauseAt,
  isNegatedBefore,
  parseCount,
  preparePrompt,
  quoteIn,
  unmask,
  STATUS_WORDS,
  toLabel,
  unitToDays,
  type PreparedPrompt,
} from './text.js';

/**
 * The deterministic reading of a prompt behind the offline selector and generator: which
 * triggers and components it asks for, where in the text, and the condition / branch
 * settings the wording implies. General keyword, synonym and grammar patterns only (passive
 * "is published" = an event, bare "publish a page" = an action), never case strings.
 */

export interface Detection {
  type: string;
  index: number;
  end: number;
  clause: number;
  /** Conditions and branches: the config the wording implies. */
  config?: Record<string, unknown>;
}

export interface AnalysisContext {
  /** Space scope; absent = global scope. */
  spaceKey?: string;
}

export interface OfflineAnalysis {
  prepared: PreparedPrompt;
  context: AnalysisContext;
  triggers: Detection[];
  schedule: ScheduleMatch | null;
  /** Conditions, actions, branches, plus unsupported and excluded names, in text order. */
  components: Detection[];
  spaces: SpaceMention[];
  pages: PageMention[];
  /** Where an if/else splits the prompt, when it has one. */
  ifElse: { ifIndex: number; elseIndex: number } | null;
}

// ----- shared regex fragments -----

const BE =
  "(?:is|are|am|was|were|gets|get|got|gotten|has been|have been|had been|been|becomes|become|is being|are being|'s|'re|will be|has just been|have just been|just got|just gets|gets finally|is finally)";
const PAGE_N = '(?<![#@/-])(?:pages?|docs?|documents?|articles?|wiki\\s+pages?|child\\s+pages?|sub-?pages?|(?<=meeting\\s)notes)';
const BLOG_N = '(?:blog\\s*-?\\s*posts?|blogposts?|blogs?|news\\s+posts?|announcements?)';
const GAP =
  "(?:(?![,;.!?]|\\b(?:and then|then|status|labels?|tags?|comments?|owner|restrictions?|permissions?|when|if|whenever|each time|every time|any time|once|after|as soon as|whiteboards?|database|folders?|tasks?|issues?|tickets?|attachments?)\\b).){0,45}?";
const MOD = '(?:\\s+(?:first|newly|initially|just|finally|also|then|actually|successfully))?';
const COORD = '(?:\\s+[a-z]+,?\\s+(?:or|and|and\\/or))?';
const SUBJ =
  '(?:someone|somebody|anyone|anybody|a user|any user|users|a person|people|an author|authors|a teammate|teammates|a colleague|colleagues|a member|members|team members|an editor|editors|a contributor|contributors|a reviewer|reviewers|a reader|readers|a customer|customers|an admin|admins|i|we|you|they|he|she|the (?:[a-z]+ )?team|[a-z]+ (?:from|in|on) (?:the )?[a-z]+ team)';
/**
 * Any noun phrase as the subject of an event verb right after an event word: a name ("Ana
 * López"), an email, "someone in the contractors group", "the copy". Its words are no verb
 * of being and no conjunction, so a passive event or a second clause is never read as one.
 */
const NP_WORD = "(?!(?:is|are|am|was|were|be|been|being|gets?|got|has|have|had|becomes?|and|or|then|it|they|this|that|which|who|when|if|pages?|posts?|blogs?|documents?)(?![\\p{L}\\d_'@.-]))[^\\s,;!?«»]+";
const OPEN_SUBJ = `(?<=\\b(?:when|whenever|once|if|after|as soon as|each time|every time|any ?time)\\s+)${NP_WORD}(?:\\s+${NP_WORD}){0,4}?`;
const ADV = '(?:\\s+(?:else|ever|first|just|also|actually|then|newly))?';
const DET = '(?:(?:a|an|the|any|new|some|their|his|her|my|our|your|its|one|another|one of the|one of our|brand new|fresh)\\s+)*';
const ADJ =
  '(?:(?!(?:to|on|in|of|for|from|under|with|into|label|labels|tag|tags|comment|comments|restrictions?|permissions?|a|an|the|that|which|and|or|whiteboards?|spaces?)\\b)[a-z«»\\d-]+\\s+){0,2}?';
// Whole words only: "over" must not match "overdue-review".
const AGE_AFTER = /^\s+(?:\d|for \d|(?:more than|over|at least|before|since|within|in the (?:last|past)|ago|long ago|a (?:year|month|week)|for (?:over|more|a|the last)|less than|recently|last (?:week|month|year))(?![\w-]))/;
const EVENT_MARKER = /\b(?:when|whenever|once|after|as soon as|each time|every time|any ?time|if|on|upon|for every|for each|for any|for all|every new|each new)\b/;
const POLITE_YOU = /\b(?:can|could|would|will|please|should)\s+$/;

/** A relative clause naming labels between the subject and its verb: "a page that has the approved label is updated". */
const REL_LABELS = "(?:\\s+(?:(?:that|which)\\s+)?(?:has|have|carries|carry)\\s+(?:both\\s+|either\\s+)?(?:the\\s+|a\\s+|an\\s+)?[\\w«»-]+(?:\\s*(?:,|and|or|&)\\s*(?:the\\s+)?[\\w«»-]+)*\\s+(?:labels?|tags?)(?:\\s+and)?)?";

/** Any one-word object that is no other kind of thing: "publishes a runbook", "edits a how-to". */
/** The modal opening of an action stated as a duty: "should", "must", "have to". */
const MODAL_WORDS = 'should|must|need\\s+to|needs\\s+to|have\\s+to|has\\s+to|ought\\s+to|shall';

const OPEN_OBJECT =
  "(?!(?:blog|blogs|post|posts|space|spaces|whiteboards?|databases?|folders?|tasks?|issues?|tickets?|comments?|labels?|tags?|status|title|owner|permissions?|restrictions?|versions?|attachments?|files?|jira|sprints?|it|them|this|that)\\b)[a-z][a-z-]+";

function passive(subject: string, participles: string): RegExp {
  return new RegExp(`\\b${subject}\\b${REL_LABELS}${GAP}\\b${BE}${MOD}${COORD}\\s+(${participles})\\b`, 'g');
}

function active(verbs: string, object: string): RegExp {
  return new RegExp(`(?:\\b${SUBJ}|${OPEN_SUBJ})${ADV}\\s+(?:${verbs})\\s+${DET}${ADJ}${object}\\b`, 'gu');
}

interface Pattern {
  re: RegExp;
  /** Extra check on the match; the last capture group (if any) is the participle. */
  guard?: (p: PreparedPrompt, m: RegExpMatchArray) => boolean;
}

function inEventClause(p: PreparedPrompt, index: number): boolean {
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
function eventGuard(p: PreparedPrompt, m: RegExpMatchArray): boolean {
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

const eventClauseGuard = (p: PreparedPrompt, m: RegExpMatchArray) => inEventClause(p, m.index!) && eventGuard(p, m);

const CREATE_VERB_BEFORE = /\b(?:create|creates|publish|make|add|write|generate|start|set up|open|draft|post)\s+(?:a\s+|an\s+|the\s+)?$/;
const newThingGuard = (p: PreparedPrompt, m: RegExpMatchArray) =>
  inEventClause(p, m.index!) &&
  !CREATE_VERB_BEFORE.test(p.lower.slice(Math.max(0, m.index! - 25), m.index!)) &&
  // "the new parent page's title" names a page that exists, not a new one.
  !(/\bthe\s+$/.test(p.lower.slice(Math.max(0, m.index! - 5), m.index!)) && /^(?:'s|\s+(?:title|id|url|name))\b/.test(p.lower.slice(m.index! + m[0].length)));

const TRIGGER_PATTERNS: Record<string, Pattern[]> = {
  PagePublishedTrigger: [
    { re: passive(PAGE_N, 'published|created|added|posted|made live|written|set up|launched|made public|first published'), guard: eventGuard },
    // "every time something is published here": an unnamed thing published is a page.
    { re: passive('(?:something|anything|content|stuff)', 'published|created|posted|made live'), guard: eventClauseGuard },
    { re: new RegExp(`\\b${PAGE_N}\\b${GAP}\\b(?:goes|go|went|is going|gets pushed)\\s+live\\b`, 'g'), guard: eventGuard },
    { re: new RegExp(`\\b${PAGE_N}\\b${GAP}\\b(?:shows|show|turns|turn|pops|pop)\\s+up\\b|\\b${PAGE_N}\\b${GAP}\\b(?:appears|appear|lands|land|comes\\s+in|come\\s+in)\\b`, 'g'), guard: eventClauseGuard },
    { re: active('publish(?:es|ed)?|create[sd]?|adds?|added|posts?|posted|writes?|wrote|makes?|made|starts?|started|launch(?:es|ed)?', PAGE_N), guard: eventGuard },
    { re: active('publish(?:es|ed)?', OPEN_OBJECT), guard: eventGuard },
    { re: /\b(?:on|upon|after|for|at)\s+(?:every\s+|each\s+|any\s+)?(?:new\s+)?(?:page|document)\s+(?:creation|publication|publish(?:ing)?|create)\b/g },
    { re: new RegExp(`\\bnewly[- ](?:published|created|added)\\s+${ADJ}${PAGE_N}\\b`, 'g') },
    { re: new RegExp(`^\\s*(?:all\\s+|any\\s+)?(?:published|created)\\s+${PAGE_N}(?=\\s+(?:${MODAL_WORDS})\\b)`, 'g') },
    { re: new RegExp(`\\bnew\\s+${ADJ}${PAGE_N}\\b`, 'g'), guard: newThingGuard },
    { re: new RegExp(`\\b${PAGE_N}\\s+(?:published|created)\\b(?!\\s+by\\b)`, 'g'), guard: eventClauseGuard },
  ],
  // Whatever someone publishes is a page ("publishes a runbook"); blog posts and non-page things have their own words.
  BlogPublishedTrigger: [
    { re: passive(BLOG_N, 'published|created|added|posted|made live|written|launched|first published'), guard: eventGuard },
    { re: new RegExp(`\\b${BLOG_N}\\b${GAP}\\b(?:goes|go|went|is going)\\s+live\\b`, 'g'), guard: eventGuard },
    { re: active('publish(?:es|ed)?|create[sd]?|adds?|added|posts?|posted|writes?|wrote|makes?|made', BLOG_N), guard: eventGuard },
    { re: new RegExp(`\\bnew(?:ly)?\\s+${ADJ}${BLOG_N}\\b`, 'g'), guard: newThingGuard },
    { re: /\b(?:on|upon|after)\s+(?:every\s+|each\s+|any\s+)?(?:new\s+)?blog\s+(?:creation|publication|publish(?:ing)?)\b/g },
  ],
  PageEditedTrigger: [
    { re: passive(PAGE_N, 'edited|updated|changed|modified|revised|saved|amended|rewritten|touched|altered'), guard: eventGuard },
    { re: passive('(?:something|anything|content)', 'edited|updated|modified|revised'), guard: eventClauseGuard },
    { re: active('edit(?:s|ed)?|update[sd]?|change[sd]?|modif(?:y|ies|ied)|revise[sd]?|amends?|rewrites?|touch(?:es)?|alters?', PAGE_N), guard: eventGuard },
    { re: active('edit(?:s|ed)?|revise[sd]?', OPEN_OBJECT), guard: eventGuard },
    { re: new RegExp(`\\b${PAGE_N}\\s+(?:changes|change|is changing)\\b`, 'g'), guard: eventClauseGuard },
    { re: /\b(?:on|upon|after|for)\s+(?:every\s+|each\s+|any\s+)?page\s+(?:edits?|updates?|changes?|modifications?|revisions?)\b/g },
    { re: new RegExp(`\\b(?:edits?|updates?|changes?)\\s+(?:are|is|get|gets)\\s+(?:made|published|saved)\\s+(?:to|on)\\s+(?:a\\s+|the\\s+|any\\s+)?${PAGE_N}\\b`, 'g') },
    { re: /\bnew\s+version\s+of\s+(?:a|the|any)\s+page\b/g, guard: eventClauseGuard },
  ],
  BlogEditedTrigger: [
    { re: passive(BLOG_N, 'edited|updated|changed|modified|revised|amended'), guard: eventGuard },
    { re: active('edit(?:s|ed)?|update[sd]?|change[sd]?|modif(?:y|ies|ied)|revise[sd]?', BLOG_N), guard: eventGuard },
  ],
  PageCommentedTrigger: [
    {
      re: new RegExp(
        `(?:\\b${SUBJ}|${OPEN_SUBJ})${ADV}\\s+(?:comments?|commented|replies|replied|leaves?\\s+(?:a\\s+)?(?:new\\s+)?comment|adds?\\s+(?:a\\s+)?(?:new\\s+)?(?:footer\\s+|inline\\s+)?comment|posts?\\s+(?:a\\s+)?(?:new\\s+)?comment|writes?\\s+(?:a\\s+)?comment)\\b`,
        'g',
      ),
      guard: eventGuard,
    },
    { re: new RegExp(`\\b${BE}${MOD}${COORD}\\s+(commented)(?:\\s+on)?\\b`, 'g'), guard: eventGuard },
    { re: /\b(?:gets|get|receives?|received|got)\s+(?:a\s+|any\s+|its\s+first\s+)*(?:new\s+)?(?:footer\s+|inline\s+)?(?:comment|comments|reply|replies)\b/g, guard: eventClauseGuard },
    { re: /\bnew\s+(?:footer\s+|inline\s+)?comments?\b/g, guard: newThingGuard },
    { re: /\bcomments?\s+(?:is|are|gets|get|was|were|has been)\s+(?:added|posted|left|made|written|created)\b/g, guard: eventGuard },
    { re: /\bon\s+(?:every\s+|each\s+|any\s+)?(?:new\s+)?comment\b/g },
  ],
  LabelAddedTrigger: [
    {
      re: passive(`(?:${PAGE_N}|${BLOG_N}|content|something|it|one)`, 'labell?ed|tagged|given\\s+(?:the\\s+|a\\s+|an\\s+)?(?:«q\\d+»\\s+)?(?:label|tag)'),
      guard: (p, m) => eventGuard(p, m) && inEventClause(p, m.index!),
    },
    { re: new RegExp(`\\b(?:label|tag)s?\\b(?:(?![,;.]).){0,30}?\\b${BE}\\s+(?:added|applied|put|attached|set)\\b`, 'g'), guard: eventClauseGuard },
    {
      re: new RegExp(
        `(?:\\b${SUBJ}|${OPEN_SUBJ})${ADV}\\s+(?:adds?|added|applies|applied|puts?|attaches)\\s+(?:the\\s+|a\\s+|an\\s+)?(?:«q\\d+»\\s+|[\\w-]+\\s+)?(?:label|tag)s?\\b`,
        'gu',
      ),
      guard: eventGuard,
    },
    { re: new RegExp(`(?:\\b${SUBJ}|${OPEN_SUBJ})${ADV}\\s+(?:labels|labelled|labeled|tags|tagged)\\s+(?:a|the|any|it|one)\\b`, 'gu'), guard: eventGuard },
    { re: /\b(?:gets|get|receives|received|is given|got)\s+(?:the\s+|a\s+|an\s+)?(?:«q\d+»\s+|[\w-]+\s+)?(?:label|tag)\b/g, guard: eventClauseGuard },
    { re: /\bon\s+(?:label|tag)\s+(?:added|add|change)\b/g },
    // "as soon as the label goes on", "once the tag is on".
    { re: /\b(?:label|tag)s?\s+(?:goes|go|is|are|gets\s+put|get\s+put|lands|land)\s+on\b(?!\s+(?:the|a|an|it|this|that|its)\b)/g, guard: eventClauseGuard },
    // Terse: "sev1 label added to a page -> …", "'urgent' tag applied: …".
    { re: /^\s*(?:the\s+|a\s+)?(?:«q\d+»|[\w-]+)\s+(?:label|tag)\s+(?:added|applied|put\s+on|attached)\b/g, guard: (p, m) => !isNegatedBefore(p.lower, m.index!) },
  ],
  PageArchivedTrigger: [
    { re: passive(`(?:${PAGE_N}|it)`, 'archived'), guard: (p, m) => eventGuard(p, m) && inEventClause(p, m.index!) },
    { re: active('archives?|archived', PAGE_N), guard: eventGuard },
  ],
  PageCopiedTrigger: [
    { re: passive(PAGE_N, 'copied|duplicated|cloned'), guard: eventGuard },
    { re: active('cop(?:y|ies|ied)|duplicates?|duplicated|clones?|cloned', PAGE_N), guard: eventGuard },
    { re: /\bcopy\s+of\s+(?:a|the|any)\s+page\s+(?:is|gets)\s+(?:made|published|created)\b/g },
    { re: new RegExp(`\\b(?:the|a|any)\\s+(?:new\\s+)?(?:page\\s+)?(?:copy|duplicate|clone)\\s+${BE}\\s+(?:published|created|made|saved|ready)\\b`, 'g'), guard: eventClauseGuard },
  ],
  PageDeletedTrigger: [
    { re: passive(PAGE_N, 'deleted|trashed|removed|moved to (?:the )?(?:trash|bin)|binned|purged'), guard: eventGuard },
    { re: active('deletes?|deleted|trash(?:es|ed)?|removes?|removed', PAGE_N), guard: eventGuard },
  ],
  PageMovedTrigger: [
    {
      re: passive(PAGE_N, 'moved|relocated|re-?parented|reorgani[sz]ed'),
      guard: (p, m) => eventGuard(p, m) && !/^\s+to\s+(?:the\s+)?(?:trash|bin)\b/.test(p.lower.slice(m.index! + m[0].length)),
    },
    { re: active('moves?|moved|relocates?|relocated', PAGE_N), guard: eventGuard },
    { re: /\bpage\s+(?:gets|is given|receives|has)\s+a\s+new\s+parent\b/g },
  ],
  PageStatusChangedTrigger: [
    {
      re: /\bstatus\b(?:(?![,;.]).){0,30}?\b(?:changes|changed|is changed|is set|gets set|is updated|updates|becomes|goes|moves|switches|is marked|turns|gets changed)\b/g,
      guard: eventClauseGuard,
    },
    { re: new RegExp(`\\b${BE}\\s+(?:marked|set|moved|changed)\\s+(?:as\\s+|to\\s+)?(?:${STATUS_WORDS}|«q\\d+»)`, 'g'), guard: eventClauseGuard },
    { re: new RegExp(`\\b${PAGE_N}\\b${GAP}\\b${BE}\\s+(verified)\\b`, 'g'), guard: eventClauseGuard },
    // Someone else's act on the status: "once a reviewer flips the status to Verified".
    { re: new RegExp(`(?:\\b${SUBJ}|${OPEN_SUBJ})${ADV}\\s+(?:changes|changed|sets|set|flips|flipped|switches|switched|moves|moved|updates|updated|puts|bumps|bumped)\\s+(?:the|its|a|their|his|her|the\\s+page's|a\\s+page's)\\s+status\\b`, 'gu'), guard: eventGuard },
  ],
  SpaceCreatedTrigger: [
    { re: passive('spaces?', 'created|added|set up|made|opened|provisioned'), guard: eventGuard },
    { re: active('creates?|created|sets? up|adds?|added|makes?|made|opens?|opened', 'spaces?'), guard: eventGuard },
    { re: /\bnew\s+(?:[a-z]+\s+)?spaces?\b/g, guard: newThingGuard },
    { re: /\b(?:on|upon|after)\s+space\s+creation\b/g },
  ],
  UserMentionedTrigger: [
    { re: new RegExp(`(?:\\b${BE}|\\bam|'m|\\bi'm)\\s+(?:@-?)?mentioned\\b`, 'g'), guard: eventGuard },
    { re: new RegExp(`\\b${SUBJ}${ADV}\\s+(?:@-?)?mentions\\b`, 'g'), guard: eventGuard },
    { re: /\b(?:@-?mentions?|mentions?)\s+(?:of|for)\s+(?:me|a user|someone|users|my name)\b/g, guard: eventClauseGuard },
    { re: /\b(?:gets|get|receive|receives)\s+(?:an?\s+)?@-?mention/g, guard: eventClauseGuard },
  ],
  ManualTrigger: [
    { re: /\b(?:smart\s+)?button\b/g },
    // "so they don't have to click through": a click that is spared or follows a link is no button.
    { re: /\bclick(?:s|ed|ing)?\b(?!\s+(?:through|on\s+(?:the\s+|a\s+)?link|the\s+link|a\s+link))/g, guard: (p, m) => !isNegatedBefore(p.lower, m.index!) && !/\b(?:nobody|no one|no-one|noone)\b[^,;.]*$/.test(p.lower.slice(Math.max(0, m.index! - 30), m.index!)) },
    { re: /\bmanual(?:ly)?\b(?!\s+config)/g },
    { re: /\bon[- ]demand\b/g },
    { re: /\bby\s+hand\b/g },
    { re: /\bwhen\s+(?:i|we|someone|a user|users)\s+(?:press|presses|hit|hits|run|runs|trigger|triggers)\s+(?:it|the rule)\b/g },
  ],
  IncomingWebhookTrigger: [
    // "through our incoming webhook URL" on a Slack or Teams step is where the message goes, not the trigger.
    { re: /\bincoming\s+web\s*-?hooks?\b(?!\s+(?:url|address|link)s?\b)/g, guard: (p, m) => !/\b(?:slack|teams)\b/.test(p.clauses[clauseAt(p, m.index!)].text) || inEventClause(p, m.index!) && !/\b(?:through|via|using|with|to)\s+(?:our\s+|the\s+|an?\s+|its\s+)?$/.test(p.lower.slice(Math.max(0, m.index! - 20), m.index!)) },
    { re: /\bweb\s*-?hook\b(?:(?![,;.]).){0,25}?\b(?:is\s+|gets\s+)?(?:called|received|hit|triggered|fires|fired|invoked|arrives|comes in|pinged)\b/g },
    { re: /\b(?:receive|receives|get|gets)\s+(?:a\s+|an\s+)?(?:web\s*-?hook|http\s+request|api\s+call|post\s+request|request\s+from)\b/g, guard: eventClauseGuard },
    {
      re: /\b(?:triggered|called|invoked|started|kicked off|fired)\s+(?:by|via|from|through)\s+(?:a\s+|an\s+|our\s+|the\s+)?(?:web\s*-?hook|api|http|external\s+(?:system|tool|service)|ci\b|jenkins|github|pipeline|script|deploy)/g,
    },
    {
      re: /\bwhen(?:ever)?\s+(?:our|an|the|a)\s+(?:(?!(?:page|pages|blog|space|user|person|reviewer|owner)\b)[\w-]+\s+)?(?:system|service|tool|ci|pipeline|jenkins|script|app|server|deploy(?:ment)?|build|release pipeline)\b(?:(?![,;.]).){0,30}?\b(?:calls|pings|notifies|sends|posts|hits|triggers|finishes|completes|succeeds|fails)\b/g,
    },
  ],
  GuardAlertTrigger: [
    { re: /\b(?:atlassian\s+)?guard\b(?:(?![,;.]).){0,25}?\balerts?\b/g },
    { re: /\bsecurity\s+alerts?\b/g },
    { re: /\balerts?\s+(?:from|by|raised\s+by|in)\s+(?:atlassian\s+)?guard\b/g },
    { re: /\bguard\s+(?:detects|raises|flags)\b/g },
  ],
};

/** "on page deletion", "after every page move". */
const NOMINAL_EVENTS: Array<[RegExp, string]> = [
  [/^(?:deletion|delete|removal|trashing)$/, 'PageDeletedTrigger'],
  [/^(?:archival|archiving|archive)$/, 'PageArchivedTrigger'],
  [/^(?:move|moves|relocation)$/, 'PageMovedTrigger'],
  [/^(?:copy|copies|copying|duplication)$/, 'PageCopiedTrigger'],
  [/^(?:comment|comments)$/, 'PageCommentedTrigger'],
  [/^(?:status\s+change|status\s+changes)$/, 'PageStatusChangedTrigger'],
];

function nominalEvents(p: PreparedPrompt): Detection[] {
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
  // Terse: "page published, then add label" / "new blog post: notify me".
  const terse = new RegExp(`^\\s*(?:a\\s+|new\\s+|any\\s+)?(${PAGE_N}|${BLOG_N})\\s+(published|created|edited|updated|moved|archived|copied|deleted|commented(?:\\s+on)?|labell?ed)\\b`).exec(p.lower);
  if (terse) {
    const row = PRONOUN_EVENTS.find(([part]) => part.test(terse[2]));
    if (row) out.push({ type: BLOG_WORD.test(terse[1]) ? row[2] : row[1], index: terse.index, end: terse.index + terse[0].length, clause: 0 });
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
function reducedRelativeEvents(p: PreparedPrompt): Detection[] {
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

const UNSUPPORTED_TRIGGER_PATTERNS: Record<string, Pattern[]> = {
  WhiteboardCommentedTrigger: [
    {
      re: new RegExp(`\\bwhiteboards?\\b(?:(?![,.;]).){0,30}?\\b(?:${BE}\\s+commented|gets?\\s+(?:a\\s+|new\\s+)*comments?)|\\bcomment(?:s|ed)?\\s+on\\s+(?:a|the|any)\\s+whiteboard`, 'g'),
      guard: eventClauseGuard,
    },
  ],
  WhiteboardEditedTrigger: [{ re: passive('whiteboards?', 'edited|updated|changed|modified'), guard: eventGuard }],
  WhiteboardCreatedTrigger: [
    { re: passive('whiteboards?', 'created|added|published|made|started'), guard: eventGuard },
    { re: active('creates?|created|adds?|makes?|starts?|draws?', 'whiteboards?'), guard: eventGuard },
    { re: /\bnew\s+whiteboards?\b/g, guard: newThingGuard },
    { re: /\bwhiteboards?\b/g, guard: eventClauseGuard },
  ],
  DatabaseEntryChangedTrigger: [{ re: /\bdatabases?\b/g, guard: eventClauseGuard }],
  FolderCreatedTrigger: [{ re: /\bfolders?\b/g, guard: eventClauseGuard }],
  LoomVideoTrigger: [{ re: /\bloom\b/g, guard: eventClauseGuard }],
  JiraIssueCreatedTrigger: [
    {
      re: new RegExp(`\\b(?:jira\\s+)?(?:issues?|tickets?|bugs?|stor(?:y|ies)|epics?|incidents?)\\b(?:(?![,;.]).){0,30}?\\b${BE}\\s+(?:created|opened|raised|filed|logged|reported|added)\\b`, 'g'),
      guard: eventGuard,
    },
    { re: /\b(?:new|creates?\s+(?:a|an))\s+(?:jira\s+)(?:issues?|tickets?|bugs?|stor(?:y|ies)|epics?)\b/g, guard: eventClauseGuard },
    { re: /\bnew\s+(?:issues?|tickets?|bugs?)\s+(?:in|from)\s+jira\b/g, guard: eventClauseGuard },
  ],
  JiraIssueTransitionedTrigger: [
    {
      re: new RegExp(
        `\\b(?:jira\\s+)?(?:issues?|tickets?|bugs?|stor(?:y|ies)|epics?|incidents?)\\b(?:(?![,;.]).){0,30}?\\b(?:${BE}\\s+)?(?:transitioned|moved|resolved|closed|done|completed|reopened|moves to|goes to|transitions)\\b`,
        'g',
      ),
      // "the label incident must be moved": a label's value is no Jira item.
      guard: (p, m) => eventClauseGuard(p, m) && !/\b(?:label|tag|labell?ed|tagged)\s+$/.test(p.lower.slice(Math.max(0, m.index! - 12), m.index!)),
    },
  ],
  JiraIssueUpdatedTrigger: [
    {
      re: new RegExp(`\\b(?:jira\\s+)(?:issues?|tickets?|bugs?|stor(?:y|ies)|epics?)\\b(?:(?![,;.]).){0,30}?\\b${BE}\\s+(?:updated|edited|changed|assigned|commented)\\b`, 'g'),
      guard: eventGuard,
    },
  ],
  SprintStartedTrigger: [
    { re: /\bsprints?\b(?:(?![,;.]).){0,20}?\b(?:starts?|started|begins?|began|is started|opens?|kicks? off)\b/g },
    { re: /\b(?:start|beginning)\s+of\s+(?:each|every|the|a|our)\s+sprint\b/g },
    { re: /\bnew\s+sprint\b/g, guard: eventClauseGuard },
  ],
  SprintCompletedTrigger: [
    { re: /\bsprints?\b(?:(?![,;.]).){0,20}?\b(?:ends?|ended|completes?|completed|closes?|closed|finish(?:es|ed)?|is over)\b/g },
    { re: /\bend\s+of\s+(?:each|every|the|a|our)\s+sprint\b/g },
  ],
  VersionReleasedTrigger: [{ re: new RegExp(`\\b(?:jira\\s+)?(?:versions?|fix\\s+versions?|releases?)\\b(?:(?![,;.]).){0,20}?\\b(?:${BE}\\s+)?(?:released|shipped)\\b`, 'g'), guard: eventClauseGuard }],
  JsmRequestTrigger: [{ re: /\b(?:jsm|service\s*desk|service\s+management|customer\s+requests?|service\s+requests?|portal\s+requests?)\b/g, guard: eventClauseGuard }],
  LabelRemovedTrigger: [
    { re: new RegExp(`\\b(?:label|tag)s?\\b(?:(?![,;.]).){0,25}?\\b${BE}\\s+(?:removed|deleted|taken off|cleared)\\b`, 'g'), guard: eventClauseGuard },
    { re: new RegExp(`\\b${SUBJ}${ADV}\\s+removes?\\s+(?:a|the|an)\\s+(?:«q\\d+»\\s+)?(?:label|tag)`, 'g'), guard: eventGuard },
  ],
  PageViewedTrigger: [
    { re: passive(`(?:${PAGE_N}|${BLOG_N})`, 'viewed|visited|opened|read|seen'), guard: eventClauseGuard },
    { re: active('views?|visits?|opens?|reads?', `(?:${PAGE_N}|${BLOG_N})`), guard: eventGuard },
  ],
  PageLikedTrigger: [
    { re: new RegExp(`\\b${BE}\\s+liked\\b`, 'g'), guard: eventClauseGuard },
    { re: new RegExp(`\\b${SUBJ}${ADV}\\s+likes\\b`, 'g'), guard: eventGuard },
  ],
  AttachmentAddedTrigger: [
    { re: new RegExp(`\\b(?:attachments?|files?|images?|pdfs?)\\b(?:(?![,;.]).){0,25}?\\b${BE}\\s+(?:added|uploaded|attached)\\b`, 'g'), guard: eventClauseGuard },
    { re: new RegExp(`\\b${SUBJ}${ADV}\\s+(?:uploads|attaches|uploaded|attached)\\b`, 'g'), guard: eventGuard },
  ],
  TaskCompletedTrigger: [
    { re: new RegExp(`\\b(?:tasks?|action\\s+items?|to-?dos?)\\b(?:(?![,;.]).){0,25}?\\b${BE}\\s+(?:completed|checked|ticked|done|marked|assigned|created|finished)\\b`, 'g'), guard: eventClauseGuard },
    { re: new RegExp(`\\b${SUBJ}${ADV}\\s+(?:completes|checks off|ticks off|finishes)\\s+(?:a|the|any)\\s+task`, 'g'), guard: eventGuard },
  ],
  UserAddedTrigger: [
    { re: /\b(?:user|someone|person|member|employee|hire|people)\b(?:(?![,;.]).){0,20}?\b(?:joins|joined|is added to|gets added to|are added to|signs up|is invited|starts)\b/g, guard: eventClauseGuard },
    { re: /\bnew\s+(?:users?|employees?|hires?|joiners?|members?|starters?)\b(?!\s+(?:creates?|publish|edits?|updates?|comments?|adds?|writes?|posts?|moves?|copies|archives?|deletes?|labels?|tags?)\w*\b)/g, guard: eventClauseGuard },
  ],
};

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

function pronounEvents(p: PreparedPrompt): Detection[] {
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
function coordinatedActiveEvents(p: PreparedPrompt): Detection[] {
  const out: Detection[] = [];
  const re = new RegExp(`(?:\\b${SUBJ}|${OPEN_SUBJ})${ADV}\\s+([a-z]+)(?:\\s+on)?\\s*,?\\s+(?:or|and|and\\/or)\\s+([a-z]+)(?:\\s+on)?\\s+${DET}${ADJ}(${PAGE_N}|${BLOG_N})\\b`, 'gu');
  for (const m of guardedMatches(p.lower, re, (m) => eventGuard(p, m))) {
    const blog = BLOG_WORD.test(m[3]);
    const rows = [m[1], m[2]].map((verb) => ACTIVE_EVENTS.find(([stem]) => stem.test(verb)));
    if (rows.some((r) => !r)) continue;
    for (const row of rows) out.push({ type: blog ? row![2] : row![1], index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
  }
  return out;
}

/** The event as a relative clause on the object: "anything Ana López publishes", "every page the sales team edits". */
const OBJECT_RELATIVE_HEAD = `\\b(?:anything|everything|whatever|any\\s+(?:page|doc|document|blog\\s*post)|every\\s+(?:page|blog\\s*post)|each\\s+(?:page|blog\\s*post)|all\\s+(?:pages|blog\\s*posts)|(?:the\\s+)?(?:pages|blog\\s*posts))\\s+(?:that\\s+)?(?!(?:in|on|of|from|under|with|within|not|never|older|newer|last|more|less)\\b)`;
const OBJECT_RELATIVE_VERB = '(publish(?:es|ed)?|creates?|created|writes?|wrote|posts?|posted|edits?|edited|updates?|updated|changes?|changed|comments?\\s+on|commented\\s+on|copies|copied|moves|moved)';
const OBJECT_RELATIVE_RE = new RegExp(`${OBJECT_RELATIVE_HEAD}(${NP_WORD}(?:\\s+${NP_WORD}){0,4}?)\\s+${OBJECT_RELATIVE_VERB}(?:\\s*,?\\s+(?:or|and|and\\/or)\\s+${OBJECT_RELATIVE_VERB})?\\b`, 'gu');

function objectRelativeEvents(p: PreparedPrompt): Detection[] {
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

/** All matches that pass the guard; after a rejected match the search resumes one character later, so a shorter valid match inside it is still found. */
function guardedMatches(text: string, source: RegExp, guard?: (m: RegExpExecArray) => boolean): RegExpExecArray[] {
  // Keep the source's other flags: without "u", "\\p{L}" in a name pattern is no letter class, and a name that
  // starts like a stop word ("Ortiz", "Haddad") would read as that word.
  const re = new RegExp(source.source, source.flags.includes('g') ? source.flags : `${source.flags}g`);
  const out: RegExpExecArray[] = [];
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) {
    if (!guard || guard(m)) {
      out.push(m);
      re.lastIndex = m.index + Math.max(1, m[0].length);
    } else re.lastIndex = m.index + 1;
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

// ----- triggers -----

const BLOG_WORD = new RegExp(`\\b${BLOG_N}\\b`);

export function detectTriggers(p: PreparedPrompt): { triggers: Detection[]; schedule: ScheduleMatch | null } {
  const scheduleFirst = parseSchedule(p.lower, p.original);
  let hits = [...runPatterns(p, TRIGGER_PATTERNS), ...pronounEvents(p), ...nominalEvents(p), ...coordinatedActiveEvents(p), ...(scheduleFirst ? [] : [...reducedRelativeEvents(p), ...objectRelativeEvents(p)])];
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
function detectTriggersCached(p: PreparedPrompt) {
  if (!triggerCache.has(p)) triggerCache.set(p, detectTriggers(p));
  return triggerCache.get(p)!;
}

const SUBJECT_BEFORE =
  /\b(?:someone|somebody|anyone|anybody|users?|people|i|we|they|he|she|authors?|editors?|members?|readers?|reviewers?|contributors?|colleagues?|teammates?|person|customers?|team|admins?|owners?)(?:\s+(?:else|ever|first|just|also|actually|then))?\s+$/;

/** A base-form verb at `index` is an instruction, not someone else's action ("when someone adds a label"). */
function imperative(p: PreparedPrompt, index: number): boolean {
  // A capitalised word inside a sentence is part of a name ("into the Company Archive space"), not a verb.
  const said = p.masked.slice(0, index).trimEnd();
  if (said !== '' && /^\p{Lu}\p{Ll}/u.test(p.masked.slice(index, index + 2)) && !/[.!?:;,"'«»()\-–—]$/.test(said)) return false;
  const before = p.lower.slice(Math.max(0, index - 30), index);
  if (/\b(?:the|a|an|this|its|their|each|every|any|no|his|her|our|my)\s+$/.test(before)) return false;
  if (/\byou\s+$/.test(before)) return POLITE_YOU.test(before.replace(/you\s+$/, ''));
  return !SUBJECT_BEFORE.test(before);
}

const OBJ =
  '(?:it|them|this|that|these|those|the\\s+(?:current|same|triggering|original|whole)\\s+page|the\\s+page|this\\s+page|that\\s+page|the\\s+pages|those\\s+pages|these\\s+pages|such\\s+pages|the\\s+post|the\\s+blog\\s*post|the\\s+blog|each\\s+(?:page|one)|every\\s+page|all\\s+of\\s+them|all|any|pages|page|the\\s+document|the\\s+doc|its|their|the\\s+copy|the\\s+new\\s+page|old|stale|outdated|inactive|obsolete|unused|abandoned|child|sub-?pages|children|\\d)';

interface ComponentPattern {
  type: string;
  re: RegExp;
  guard?: (p: PreparedPrompt, m: RegExpMatchArray) => boolean;
}

const imp = (p: PreparedPrompt, m: RegExpMatchArray) => imperative(p, m.index!);
/** A base-form instruction, not a participle ("published"): participles are events, handled by triggers. */
const notInEvent = (p: PreparedPrompt, m: RegExpMatchArray) => imperative(p, m.index!) && !/(?:ed|en)$/.test(m[0].split(/\s+/)[0]);

/** A status right after a placement word: "put it to Ready for review" sets a status, it moves nothing. */
const STATUS_AFTER = new RegExp(`^\\s+(?:the\\s+)?(?:status\\s+)?(?:${STATUS_WORDS}|«q\\d+»\\s+status)\\b`);

/** "strip it off", "remove it from any page": the pronoun stands for a label named first as the topic. */
const TOPIC_LABEL_REMOVAL = /\b(?:strip|take|pull|peel|rip|remove|drop|clear)\s+(?:it|them)\s+(?:back\s+)?(?:off|from)\b/g;
/** "The approved label: …", "That wip tag — …": a label is the topic of the sentence before the step. */
function topicLabelBefore(p: PreparedPrompt, index: number): boolean {
  const sentence = p.lower.slice(0, index).replace(/^.*[.!?]\s/s, '');
  return /^\s*(?:the|that|this|our|a|an)?\s*(?:«q\d+»|[\w-]+)\s+(?:label|tag)s?\s*[:,-]/.test(sentence);
}

const ACTION_PATTERNS: ComponentPattern[] = [
  // Moving to the archive or trash is archiving / deleting.
  { type: 'ArchivePageAction', re: new RegExp(`\\b(?:move|send|put|file)\\s+(?:${OBJ}\\s+)?(?:\\w+\\s+){0,3}?to\\s+(?:the\\s+)?archive\\b(?!\\s+(?:space|page)\\b)`, 'g'), guard: imp },
  { type: 'DeletePageAction', re: new RegExp(`\\b(?:move|send|put)\\s+(?:${OBJ}\\s+)?(?:\\w+\\s+){0,3}?(?:to|in|into)\\s+(?:the\\s+)?(?:trash|bin|recycle bin)\\b`, 'g'), guard: imp },
  {
    type: 'MovePageAction',
    re: new RegExp(`\\b(?:move|moving|file|refile|put|relocate|re-?parent|nest|place)\\s+(?:${OBJ}\\s+)?(?:[\\w«»'-]+\\s+){0,4}?(?:under|below|beneath|into|to|inside|in|as\\s+a\\s+child)\\b`, 'g'),
    guard: (p, m) => imp(p, m) && !/\b(?:trash|bin|archive)\b(?!\s+(?:space|page))/.test(p.lower.slice(m.index!, m.index! + m[0].length + 30)) && !/^(?:move|moving|file|refile|put|relocate|re-?parent|nest|place)\s+(?:a\s+|an\s+|the\s+)?(?:«q\d+»\s+)?(?:[\w-]+\s+)?(?:labels?|tags?)\b/.test(m[0])
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
    re: /\b(?:add|apply|attach|put|set|stick|assign|give)\b(?:(?![,;.]).){0,30}?\b(?:label|labels|tag|tags)\b/g,
    guard: (p, m) => imp(p, m) && !/^(?:add|apply|attach|put|set|stick|assign|give)\s+(?:the\s+)?(?:page|it)?\s*(?:to|under)\b/.test(m[0]) && !/\bremove|\bdelete/.test(m[0]),
  },
  { type: 'AddLabelAction', re: /\b(?:label|tag)\s+(?:it|them|each\s+one|(?:(?:all|any|every|each|the|new|those|these|such|this|that|its|their)\s+)*(?:[\w-]+\s+)?(?:pages?|posts?|blog\s*posts?|docs?|documents?|blogs?|children|child\s+pages))\b/g, guard: imp },
  { type: 'AddLabelAction', re: /\bmark\s+(?:it|them|the\s+page)\s+with\s+(?:the\s+|a\s+)?(?:label|tag)\b/g, guard: imp },
  {
    type: 'AddLabelAction',
    re: /\b(?:it|they|the\s+page|the\s+post)\s+(?:should\s+|will\s+|automatically\s+|then\s+|must\s+)?(?:gets?|receives?|is\s+given|be\s+given|be\s+labell?ed|be\s+tagged|gets?\s+labell?ed|gets?\s+tagged)\s+(?:with\s+)?(?:the\s+|a\s+|an\s+)?(?:«q\d+»\s+|[\w-]+\s+)?(?:label|tag)?/g,
    guard: (p, m) => /label|tag/.test(m[0]) && detectTriggersCached(p).triggers.some((t) => t.index < m.index! && t.type !== 'LabelAddedTrigger'),
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
  { type: 'AddCommentAction', re: /\bcomment\s+(?:on\s+(?:it|the\s+page|the\s+post|them|each|the\s+blog)|saying|with|that|asking|reminding|telling|«)/g, guard: imp },
  { type: 'AddCommentAction', re: /\breply\s+(?:to\s+(?:it|the\s+comment)\s+)?(?:with|saying)\b/g, guard: imp },
  { type: 'PublishPageAction', re: new RegExp(`\\b(?:create|publish|make|add|generate|write|start|set\\s+up|spin\\s+up|open|draft|produce|build)\\s+(?!(?:the|this|that|it|its|their|his|her)\\b)(?:a|an|one|new|some|fresh)?\\s*(?:new\\s+|fresh\\s+)?(?:(?!(?:to|on|of|for|in|into|under|with|from|at|the|label|labels|comment|comments|tag|tags|restriction|permission|that|which|who|rule|automation|copy|blog)\\b)[\\w'«»-]+\\s+){0,4}?(?:page|pages|child\\s+page|subpage)\\b(?!\\s+(?:is|are|gets|get|was)\\b)`, 'g'), guard: notInEvent },
  { type: 'PublishBlogPostAction', re: /\b(?:create|publish|write|post|make|draft|generate|add|start)\s+(?:a|an|the|one)?\s*(?:new\s+)?(?:(?!(?:to|on|of|for|in|into|under|with|from|at|the|label|comment|rule|automation)\b)[\w'«»-]+\s+){0,3}?blog(?:\s*-?\s*post)?s?\b(?!\s+(?:is|are|gets|get|was)\b)/g, guard: notInEvent },
  {
    type: 'ChangePageOwnerAction',
    re: /\b(?:change|set|update|transfer|reassign|assign|make|hand(?:\s+over)?|give|switch|move|pass)\b(?:(?![,;.]).){0,30}?\bowner(?:ship)?\b/g,
    guard: (p, m) => imp(p, m) && !/\b(?:email|notify|message|remind|tell|the owner of)\b/.test(m[0]) && !/\bowners?\s+of\b/.test(p.lower.slice(m.index!, m.index! + m[0].length + 4)),
  },
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
  { type: 'LogAction', re: /\blog\s+(?:it|that|this|a\s+message|an?\s+entry|something|the\s+(?:page|title|event|result|change|name)|«|which|each|every|how|what)\b/g, guard: imp },
  { type: 'LogAction', re: /\baudit\s+log\b/g },
  { type: 'LogAction', re: /\blog\s+(?:a|an|the|its|their)\s+[\w-]+/g, guard: (p, m) => imp(p, m) && !/\b(?:audit|rule|the|a|to|in)\s+$/.test(p.lower.slice(Math.max(0, m.index! - 8), m.index!)) },
  { type: 'CreateVariableAction', re: /\b(?:create|set|store|save|define|make|put)\b(?:(?![,;.]).){0,30}?\bvariable\b|\bvariable\s+(?:called|named)\b/g },
];

const UNSUPPORTED_COMPONENT_PATTERNS: ComponentPattern[] = [
  { type: 'CreateWhiteboardAction', re: /\b(?:create|make|add|start|draw|generate|open)\s+(?:a\s+|an\s+|the\s+|new\s+)*(?:[\w-]+\s+)?whiteboards?\b/g, guard: imp },
  { type: 'UpdateDatabaseAction', re: /\bdatabases?\b/g, guard: (p, m) => !inEventClause(p, m.index!) },
  { type: 'FolderAction', re: /\bfolders?\b/g, guard: (p, m) => !inEventClause(p, m.index!) },
  { type: 'LoomVideoAction', re: /\bloom\b/g, guard: (p, m) => !inEventClause(p, m.index!) },
  { type: 'SmartLinkAction', re: /\bsmart\s*-?links?\b|\bembed(?:s|ded|ding)?\b/g },
  { type: 'JqlCondition', re: /\bjql\b/g },
  {
    type: 'CreateJiraIssueAction',
    re: /\b(?:create|open|raise|file|log|make|add|submit)\s+(?:a\s+|an\s+|new\s+)*(?:[a-z]+\s+)?(?:jira\s+(?:issues?|tickets?|bugs?|stor(?:y|ies)|tasks?|epics?)|(?:issues?|tickets?|bugs?)\s+in\s+jira)\b|\b(?:create|open|raise|file)\s+(?:a\s+|an\s+)(?:new\s+)?(?:ticket|issue|bug)\b/g,
    guard: imp,
  },
  { type: 'TransitionIssueAction', re: /\b(?:transition|resolve|close|reopen|update|edit|assign|move)\s+(?:the\s+|a\s+|its\s+|linked\s+|related\s+)*(?:jira\s+)?(?:issues?|tickets?|epics?|stor(?:y|ies)|bugs?)\b/g, guard: imp },
  { type: 'AdvancedBranch', re: /\bbranch\s+with\s+conditions\b|\badvanced\s+branch/g },
  { type: 'CreateSpaceAction', re: /\b(?:create|make|set\s+up|add|archive|delete|remove|open|spin\s+up)\s+(?:a\s+|an\s+|the\s+|new\s+|whole\s+|entire\s+)*(?:[a-z]+\s+)?spaces?\b(?!\s+(?:permission|key|home|overview|admin|public|private|visible|accessible|available|open|read-?only)\b)(?!\s+up\b)/g, guard: (p, m) => imp(p, m) && !/\b(?:in|to|from)\s+(?:the\s+)?(?:[a-z]+\s+)?spaces?\b/.test(m[0]) && !/\bpermission/.test(m[0]) && !/\b(?:the|a|an|in|to|into|from|our|my|its|this|that)\s+$/.test(p.lower.slice(Math.max(0, m.index! - 8), m.index!)) },
  { type: 'ExportPageAction', re: /\bexport\b(?:(?![,;.]).){0,30}?\b(?:pdf|word|docx|html|markdown|csv)\b|\b(?:pdf|word)\s+export\b|\bexport\s+(?:it|the\s+page|them|pages)\b(?!\s+to\s+(?!pdf|word))/g },
  // "turn it into a PDF", "save the page as a Word file", "convert them to PDF".
  { type: 'ExportPageAction', re: /\b(?:turn|convert|save|render|make|download|generate)\b(?:(?![,;.]).){0,25}?\b(?:into|to|as)\s+(?:an?\s+)?(?:pdfs?|word(?:\s+(?:file|doc(?:ument)?))?|docx|html|markdown|csv)\b|\b(?:generate|make|create)\s+(?:an?\s+)?pdf\b/g },
  { type: 'SendSmsAction', re: /\b(?:sms|text\s+messages?)\b|\btext\s+(?:me|him|her|them|us|the\s+(?:owner|author|assignee|on-call))\b/g },
  { type: 'PrintPageAction', re: /\bprint(?:s|ed|ing)?\s+(?:it|them|the\s+page|pages?|a\s+copy|copies|out)\b|\bprinters?\b/g },
  {
    type: 'EditPageContentAction',
    re: /\b(?:fix|correct|repair|clean\s+up|tidy\s+up)\s+(?:any\s+|all\s+|the\s+|its\s+)?(?:spelling|typos?|grammar|formatting|broken\s+links)\b|\bspell-?check\b|\b(?:edit|change|update|replace|rewrite)\s+(?:the\s+)?(?:page\s+)?(?:body|text|content|wording)\b(?!\s+(?:of\s+the\s+)?(?:comment|email|message))/g,
    guard: imp,
  },
  {
    type: 'AiAction',
    re: /\b(?:summari[sz]e|translate|rewrite|paraphrase|proofread)\b|\bwith\s+ai\b|\buse\s+ai\b|\batlassian\s+intelligence\b|\brovo\b|\bai[- ](?:generated|summary)\b/g,
    guard: imp,
  },
];

const OFFSITE_SERVICES =
  '(?:salesforce|hubspot|notion|google\\s+(?:drive|docs|sheets|chat)|dropbox|sharepoint|onedrive|box\\.com|github|gitlab|bitbucket|zendesk|servicenow|pagerduty|opsgenie|discord|trello|asana|monday\\.com|airtable|zapier|make\\.com|n8n|datadog|splunk|s3|an?\\s+s3\\s+bucket|ifttt|telegram|whatsapp|twitter|linkedin|mattermost|webex|zoom)';

const EXCLUDED_PATTERNS: ComponentPattern[] = [
  { type: 'SendWebRequestAction', re: /\b(?:web\s*request|http\s+(?:request|call|post)|rest\s+(?:call|request)|api\s+(?:call|request)|(?:post|get|put)\s+request|outgoing\s+web\s*-?hook)\b/g, guard: (p, m) => !inEventClause(p, m.index!) || !/\b(?:receive|receives|get|gets)\b/.test(p.lower.slice(Math.max(0, m.index! - 15), m.index!)) },
  { type: 'SendWebRequestAction', re: /\b(?:call|invoke|hit|ping|notify|trigger|post\s+to|send\s+(?:it|them|the\s+page|a\s+request|data|the\s+data|the\s+details|the\s+content|a\s+payload)\s+to)\s+(?:an?\s+|our\s+|the\s+|their\s+|my\s+)?(?:external\s+|third[- ]party\s+|outside\s+|remote\s+|internal\s+|custom\s+|company\s+)?(?:(?!(?:page|pages|it|them|the|a|an)\b)[\w-]+\s+)?(?:api|endpoint|url|rest\s+api|http\s+endpoint|server|web\s*-?hook|web\s+service|service\s+endpoint)\b/g, guard: imp },
  {
    type: 'SendWebRequestAction',
    re: /\b(?:send|post|push|fire|call|trigger|hit)\b(?:(?![,;.]).){0,30}?\bweb\s*-?hook\b/g,
    guard: (p, m) => imp(p, m) && !/\b(?:slack|teams)\b/.test(p.clauses[clauseAt(p, m.index!)].text) && !/\bincoming\b/.test(m[0]),
  },
  { type: 'SendWebRequestAction', re: /«u\d+»/g, guard: (p) => /\b(?:send|post|push|forward|call|ping|hit|sync|deliver|submit|notify|put|upload|invoke|trigger|request)\b/.test(p.lower) && !/\b(?:slack|teams)\b/.test(p.lower) },
  { type: 'SendWebRequestAction', re: /\b(?:send|post|push|forward|sync|export|upload|mirror|share|submit|deliver|replicate|copy)\b(?:(?![,;.]).){0,40}?\b(?:to|into|with|in)\s+(?:an?\s+|our\s+|the\s+|my\s+)?(?:external|third[- ]party|outside|remote)\s+(?:system|service|tool|server|api|app|application|site|website|endpoint|platform|crm|database)\b/g, guard: imp },
  { type: 'SendWebRequestAction', re: new RegExp(`\\b(?:send|post|push|forward|sync|export|upload|mirror|share|submit|create|open|add|notify|update|copy)\\b(?:(?![,;.]).){0,40}?\\b(?:to|into|with|in|on)\\s+(?:our\\s+|the\\s+|a\\s+)?${OFFSITE_SERVICES}\\b`, 'g'), guard: imp },
];

/**
 * Actions stated without an imperative: a modal or need ("should be moved under", "has to sit
 * under", "a copy should go under", "needs a comment", "must be archived"). They are actions
 * like their imperative forms; the generator fills them the same way.
 */
const MODAL = '(?:should|must|needs?\\s+to|has\\s+to|have\\s+to|ought\\s+to|is\\s+to|are\\s+to|shall|will\\s+need\\s+to|is\\s+supposed\\s+to|are\\s+supposed\\s+to)\\s+(?:also\\s+|always\\s+|automatically\\s+|then\\s+)?';
const COPY_SUBJECT_BEFORE = /\b(?:a|the|one|an?\s+extra)\s+cop(?:y|ies)(?:\s+of\s+(?:it|them|the\s+page))?\s+$/;
const notNegated = (p: PreparedPrompt, m: RegExpMatchArray) => !isNegatedBefore(p.lower, m.index!) && !/\b(?:not|never|n't)\s+$/.test(p.lower.slice(Math.max(0, m.index! - 8), m.index!));
const MODAL_PLACE = new RegExp(`\\b${MODAL}(?:be\\s+|get\\s+)?(?:moved|filed|refiled|put|placed|relocated|nested|re-?parented|go|sit|live|end\\s+up|land|belong|stay)\\s+(?:[\\w«»'-]+\\s+){0,2}?(?:under|below|beneath|into|inside|in|to|as\\s+a\\s+child)\\b(?!\\s+(?:the\\s+)?(?:trash|bin|archive)\\b(?!\\s+(?:space|page)))`, 'g');
const NON_IMPERATIVE_ACTIONS: ComponentPattern[] = [
  { type: 'MovePageAction', re: MODAL_PLACE, guard: (p, m) => notNegated(p, m) && !COPY_SUBJECT_BEFORE.test(p.lower.slice(Math.max(0, m.index! - 30), m.index!)) },
  { type: 'CopyPageAction', re: MODAL_PLACE, guard: (p, m) => notNegated(p, m) && COPY_SUBJECT_BEFORE.test(p.lower.slice(Math.max(0, m.index! - 30), m.index!)) },
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
  // "its status should be Rough draft", "the status must become Done".
  { type: 'ChangePageStatusAction', re: new RegExp(`\\bstatus\\s+${MODAL}(?:be|become|read|say|change\\s+to|be\\s+set\\s+to|be\\s+changed\\s+to)\\s+(?=\\S)`, 'g'), guard: notNegated },
  // A second duty after "and": "the copy must get the label x and be moved under Y".
  { type: 'MovePageAction', re: /\band\s+(?:then\s+)?(?:be|get)\s+(?:moved|filed|placed|put|nested|relocated)\s+(?:under|below|beneath|into|inside)\b/g, guard: (p, m) => notNegated(p, m) && new RegExp(`\\b(?:${MODAL_WORDS})\\b`).test(p.lower.slice(p.clauses[clauseAt(p, m.index!)].start, m.index!)) },
  { type: 'LogAction', re: /(?:^|[,;:]\s*|\b(?:then|and)\s+)log\s+(?!(?:in|on|out|off|into|onto)\b)[a-z«]/g, guard: imp },
  // "put a copy under X" is a copy, whatever verb places it.
  { type: 'CopyPageAction', re: /\b(?:put|place|file|drop|save|make|create|keep)\s+(?:a|an|one)\s+(?:extra\s+)?copy\b/g, guard: imp },
];

function runComponentPatterns(p: PreparedPrompt, patterns: ComponentPattern[]): Detection[] {
  const out: Detection[] = [];
  for (const { type, re, guard } of patterns) {
    for (const m of guardedMatches(p.lower, re, guard ? (m) => guard(p, m) : undefined)) {
      out.push({ type, index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
    }
  }
  return out;
}

/** URLs inside quotes count too: "POST it to "https://…"". */
function quotedUrlDetections(p: PreparedPrompt): Detection[] {
  const out: Detection[] = [];
  for (const m of p.lower.matchAll(/«q(\d+)»/g)) {
    const q = p.quotes[Number(m[1])] ?? '';
    const before = p.lower.slice(Math.max(0, m.index! - 30), m.index!);
    if (/^https?:\/\//i.test(q) && /\b(?:to|at|url|endpoint|hit|call|post|send)\b/.test(before) && !/\b(?:slack|teams)\b/.test(p.lower)) {
      out.push({ type: 'SendWebRequestAction', index: m.index!, end: m.index! + m[0].length, clause: clauseAt(p, m.index!) });
    }
  }
  return out;
}

const DESTINATION_ACTIONS = new Set(['MovePageAction', 'CopyPageAction', 'PublishPageAction']);

const PAGE_ACTIONS = new Set([
  'MovePageAction',
  'CopyPageAction',
  'ArchivePageAction',
  'DeletePageAction',
  'AddLabelAction',
  'RemoveLabelAction',
  'AddCommentAction',
  'ChangePageOwnerAction',
  'ChangePageStatusAction',
  'RestrictPageAction',
]);

const MESSAGE_ACTIONS = new Set(['SendEmailAction', 'SendSlackMessageAction', 'SendTeamsMessageAction', 'LogAction']);

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
    if (a.type === 'SendEmailAction' && !/\be-?mail/.test(p.lower.slice(a.index, a.end)) && logs.some((l) => l.clause === a.clause)) return false;
    return true;
  });
}

// ----- conditions and branches -----

const AGE_RE = new RegExp(
  `(?:\\bolder\\s+than|(?:\\bnot|n't|\\bnever)\\s+(?:been\\s+)?(?:updated|edited|modified|touched|changed|viewed|looked\\s+at|reviewed)\\s+(?:in|for|since|within)(?:\\s+(?:over|more\\s+than|the\\s+(?:last|past)|at\\s+least))?|\\b(?:last\\s+)?(?:updated|edited|modified|changed|touched)\\s+(?:more\\s+than|over|at\\s+least)|\\bstale\\s+for(?:\\s+(?:over|more\\s+than))?|\\buntouched\\s+for(?:\\s+(?:over|more\\s+than))?|\\binactive\\s+for(?:\\s+(?:over|more\\s+than))?|\\bno\\s+(?:updates?|edits?|changes?|activity)\\s+(?:in|for)(?:\\s+(?:over|more\\s+than|the\\s+(?:last|past)))?|\\bcreated\\s+(?:more\\s+than|over|at\\s+least))\\s+${COUNT}\\s+(days?|weeks?|months?|years?)\\b|\\b(?:a|one)\\s+(year|month|week)\\s+old\\b|\\b${COUNT}[- ](days?|weeks?|months?|years?)[- ]old\\b`,
  'g',
);

interface AgeFilter {
  field: 'lastUpdatedMoreThanDaysAgo' | 'createdMoreThanDaysAgo';
  days: number;
  index: number;
}

function findAge(p: PreparedPrompt): AgeFilter | null {
  for (const m of p.lower.matchAll(AGE_RE)) {
    const count = m[1] ? parseCount(m[1]) : 1;
    const unit = m[2] ?? m[3] ?? m[5];
    const num = m[4] ? parseCount(m[4]) : count;
    if (num === null || !unit) continue;
    const created = /\bcreated\b/.test(m[0]);
    return { field: created ? 'createdMoreThanDaysAgo' : 'lastUpdatedMoreThanDaysAgo', days: unitToDays(num, unit), index: m.index! };
  }
  if (/\b(?:stale|outdated|out-of-date|out of date)\b/.test(p.lower)) return null;
  return null;
}

const LABEL_BEFORE_NOUN =
  /\b(has|have|having|with|carries|carrying|that\s+(?:has|have)|without|lacking|missing)\s+(?:both\s+|either\s+)?(?:the\s+|a\s+|an\s+)?((?:«q\d+»|[a-z0-9][\w-]*)(?:\s*(?:,|and|&|or)\s*(?:the\s+)?(?:«q\d+»|[a-z0-9][\w-]*))*)\s+(?:labels?|tags?)\b(?!\s+(?:«q\d+»|[a-z0-9][\w-]*\s*(?:$|[,;.]|\b(?:is|are|gets?|to|and|then)\b)))/g;
const NOT_A_LABEL_NAME = /^(?:the|a|an|same|new|following|right|any|no|some|that|this|its|their|one|two|both|either|page|space|whole|correct|wrong|old)$/;

function findFilterLabels(p: PreparedPrompt, excludeRanges: Array<[number, number]>): { labels: string[]; negated: string[]; index: number } | null {
  const labels: string[] = [];
  const negated: string[] = [];
  let index = -1;
  const re = /\b(?:(?:has|have|having|with|carries|carrying|bears|without|lacking|missing|not\s+labell?ed|that\s+(?:has|have))\s+(?:the\s+|a\s+|an\s+)?(?:«q\d+»\s+)?(?:label|tag)s?\b|\b(?:(?:isn't|aren't|wasn't|is\s+not|are\s+not|hasn't\s+been|has\s+not\s+been|not|never\s+been)\s+)?(?:labell?ed|tagged)\b)/g;
  for (const m of p.lower.matchAll(re)) {
    if (excludeRanges.some(([s, e]) => m.index! >= s && m.index! < e)) continue;
    // "a button labelled 'Request review'" names the button.
    if (/\bbutton\s*$/.test(p.lower.slice(Math.max(0, m.index! - 8), m.index!))) continue;
    const clause = p.clauses[clauseAt(p, m.index!)];
    const found = findLabels(p, Math.max(clause.start, m.index! - 20), clause.end);
    // "it isn't labelled frozen", "has not been tagged x": a negated state filters the label out.
    const neg = /^(?:without|lacking|missing|not|never|isn't|aren't|wasn't|is\s+not|are\s+not|hasn't|has\s+not)/.test(m[0]);
    for (const l of found) (neg ? negated : labels).includes(l) || (neg ? negated : labels).push(l);
    if (found.length && index === -1) index = m.index!;
  }
  // The label named before its noun: "has the approved label", "has both the contract and signed labels".
  for (const m of p.lower.matchAll(LABEL_BEFORE_NOUN)) {
    if (excludeRanges.some(([s, e]) => m.index! >= s && m.index! < e)) continue;
    const names = m[2].split(/\s*(?:,|\band\b|&|\bor\b)\s*(?:the\s+)?/).map((n) => n.trim()).filter((n) => n && !NOT_A_LABEL_NAME.test(n));
    if (!names.length) continue;
    const neg = /^(?:without|lacking|missing)/.test(m[1]);
    for (const n of names) {
      const label = toLabel(n.startsWith('«') ? unmask(p, n) : n);
      if (label && !(neg ? negated : labels).includes(label)) (neg ? negated : labels).push(label);
    }
    if (index === -1) index = m.index!;
  }
  // A hyphenated label as the page's adjective: "if a customer-facing page is changed".
  for (const m of p.lower.matchAll(HYPHEN_LABEL_BEFORE_PAGE)) {
    const at = m.index! + m[0].indexOf(m[1]);
    if (excludeRanges.some(([s, e]) => at >= s && at < e) || COMMON_COMPOUND.test(m[1]) || labels.includes(m[1])) continue;
    labels.push(m[1]);
    if (index === -1) index = m.index!;
  }
  return labels.length || negated.length ? { labels, negated, index } : null;
}

const HYPHEN_LABEL_BEFORE_PAGE = new RegExp(`\\b(?:a|an|any|every|each)\\s+([a-z0-9]+(?:-[a-z0-9]+)+)\\s+(?:${PAGE_N}|${BLOG_N})\\b`, 'g');
/** Hyphenated words that describe any page rather than name a label. */
const COMMON_COMPOUND = /^(?:brand-new|top-level|high-level|low-level|well-known|so-called|up-to-date|out-of-date|long-running|read-only|one-off|sub-page|half-finished|half-done|work-in-progress|in-progress|non-[a-z]+|re-[a-z]+|self-[a-z]+|long-form|short-form|one-page|two-page|multi-[a-z]+|full-page|single-page)$/;

const TITLE_OPS: Array<[RegExp, string]> = [
  [/doesn't\s+contain|does\s+not\s+contain|don't\s+contain|do\s+not\s+contain|not\s+containing|without/, 'NOT_CONTAINS'],
  [/starts?\s+with|begins?\s+with|starting\s+with|beginning\s+with|prefixed\s+(?:with|by)/, 'STARTS_WITH'],
  [/ends?\s+with|ending\s+(?:with|in)/, 'ENDS_WITH'],
  [/matches(?:\s+the)?\s+(?:regex|pattern|regular\s+expression)/, 'REGEX_MATCHES'],
  [/is\s+not|isn't|not\s+equal/, 'NOT_EQUALS'],
  [/contains?|includes?|has|containing|including|mentions?|with/, 'CONTAINS'],
  [/is|equals|=|exactly|titled|named|called/, 'EQUALS'],
];

function operatorFor(text: string): string {
  for (const [re, op] of TITLE_OPS) if (re.test(text)) return op;
  return 'CONTAINS';
}

interface TitleFilter {
  operator: string;
  value: string;
  index: number;
  end: number;
}

const EVENT_PARTICIPLE = /^(?:published|created|edited|updated|changed|modified|moved|copied|archived|deleted|labell?ed|tagged|commented|added|removed|renamed|set|empty|missing|blank)$/i;

function findTitleFilters(p: PreparedPrompt, skip: (index: number) => boolean): TitleFilter[] {
  const out: TitleFilter[] = [];
  const re =
    /\b(?:page\s+|its\s+|the\s+|page's\s+|whose\s+|with\s+a\s+|with\s+the\s+|their\s+|post's\s+|blog's\s+)?title\s+(?:of\s+(?:the|a|an|this|that|each|every|any)\s+(?:[\w-]+\s+){0,3}?(?:page|post|blog\s*post|document|doc)\s+)?(?:that\s+)?(doesn't\s+contain|does\s+not\s+contain|don't\s+contain|do\s+not\s+contain|contains?|includes?|has|starts?\s+with|begins?\s+with|ends?\s+with|is\s+not|isn't|is\s+exactly|is|equals|matches(?:\s+the)?\s+(?:regex|pattern|regular\s+expression)|=|containing|including|starting\s+with|beginning\s+with|ending\s+(?:with|in)|mentions?)\s*/g;
  for (const m of p.lower.matchAll(re)) {
    if (skip(m.index!)) continue;
    const value = valueAfter(p, m.index! + m[0].length);
    // "a title that is published" describes an event, it names no title text.
    if (value && /^is\b|^=$|^equals$/.test(m[1]) && EVENT_PARTICIPLE.test(value)) continue;
    if (value) out.push({ operator: operatorFor(m[1]), value, index: m.index!, end: m.index! + m[0].length });
  }
  for (const m of p.lower.matchAll(/\b(?:with|having|containing|has|have)\s+(«q\d+»|[\w-]+)\s+in\s+(?:the|its|their)\s+(?:page\s+)?title\b/g)) {
    if (skip(m.index!)) continue;
    const value = valueAfter(p, m.index! + m[0].indexOf(m[1]), 1);
    if (value) out.push({ operator: 'CONTAINS', value, index: m.index!, end: m.index! + m[0].length });
  }
  for (const m of p.lower.matchAll(/\b(titled|named|called)\s+/g)) {
    if (skip(m.index!)) continue;
    // "a button called 'Request review'", "a channel named ops" name that thing, not a page title.
    if (/\b(?:button|rule|automation|channel|group|team|label|tag|space|template|variable|user|person)\s+$/.test(p.lower.slice(Math.max(0, m.index! - 12), m.index!))) continue;
    const value = valueAfter(p, m.index! + m[0].length);
    if (value) out.push({ operator: 'EQUALS', value, index: m.index!, end: m.index! + m[0].length });
  }
  return out;
}

export interface BranchPlan {
  type: string;
  index: number;
  config: Record<string, unknown>;
}

function byIndex(a: { index: number }, b: { index: number }) {
  return a.index - b.index;
}

export function analyzePrompt(prompt: string, context: AnalysisContext = {}): OfflineAnalysis {
  const p = preparePrompt(prompt);
  // Meta phrases ("create a rule that…") say nothing about components; blank them out.
  const meta = /\b(?:please\s+)?(?:create|make|set\s+up|build|write|draft|add|give\s+me|i\s+want|i\s+need|i'd\s+like|we\s+need|we\s+want|can\s+you\s+(?:create|make|set\s+up|build))\s+(?:me\s+)?(?:an?\s+)?(?:new\s+)?(?:confluence\s+)?(?:automation\s+)?(?:rule|automation|workflow)(?:\s+(?:that|which|to|for|so\s+that|where|in\s+which))?\b|\b(?:automation\s+)?rule\s+(?:that|which|to)\b/g;
  const blank = (s: string) => s.replace(meta, (m) => ' '.repeat(m.length));
  const prepared: PreparedPrompt = { ...p, lower: blank(p.lower), masked: p.masked.replace(meta, (m) => ' '.repeat(m.length)) };
  prepared.lower = blank(baseForms(p.lower));

  const { triggers, schedule } = detectTriggers(prepared);
  const spaces = findSpaceMentions(prepared);
  const pages = findPageMentions(prepared, spaces);

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

  const catalogTrigger = triggers.find((t) => t.type in TRIGGER_PATTERNS || t.type === 'ScheduledTrigger');
  const hasPageContext = triggers.some((t) => PAGE_CONTEXT_TRIGGERS.has(t.type));
  const isBlogTrigger = catalogTrigger?.type.startsWith('Blog') ?? false;

  // ---- branch ----
  const branch = planBranch(prepared, context, { triggers, schedule, actions, spaces, pages, hasPageContext });
  const components: Detection[] = [];

  // ---- conditions ----
  // A schedule has no page in context, so its clause says nothing about a trigger page.
  const triggerClauses = new Set(triggers.filter((t) => t.type !== 'ScheduledTrigger').map((t) => t.clause));
  const triggerSpans = triggers.filter((t) => t.type !== 'ScheduledTrigger').map((t) => [t.index, t.end] as [number, number]);
  const actionClauses = new Set(actions.map((a) => a.clause));
  const conditionDetections: Detection[] = [];
  const inTriggerClause = (index: number) => triggerClauses.has(clauseAt(prepared, index));

  // If/else: "if …, do A; otherwise do B".
  const elseMatch = /\b(?:otherwise|else|if\s+not|or\s+else)\b/.exec(prepared.lower);
  let ifElse: OfflineAnalysis['ifElse'] = null;
  if (elseMatch) {
    const ifs = [...prepared.lower.slice(0, elseMatch.index).matchAll(/\b(?:if|only\s+if|unless)\b/g)];
    const ifAt = ifs.length ? ifs[ifs.length - 1].index! : -1;
    if (ifAt >= 0) ifElse = { ifIndex: ifAt, elseIndex: elseMatch.index };
    // "when … and its title starts with Q, do A, otherwise B": the first condition opens the block.
    else ifElse = { ifIndex: -1, elseIndex: elseMatch.index };
  }

  if (!branch || branch.type !== 'ForEachPageBranch') {
    const valueToCompare = isBlogTrigger ? '{{content.title}}' : '{{page.title}}';
    const labelTriggerSpan = triggers.filter((t) => t.type === 'LabelAddedTrigger').map((t) => [t.index, t.end] as [number, number]);
    const labelActionSpans = actions.filter((a) => a.type === 'AddLabelAction' || a.type === 'RemoveLabelAction').map((a) => [a.index, prepared.clauses[a.clause].end] as [number, number]);
    const createdTitles = actions.filter((a) => a.type === 'PublishPageAction' || a.type === 'PublishBlogPostAction' || a.type === 'CopyPageAction').map((a) => a.clause);

    // Title comparisons.
    for (const t of findTitleFilters(prepared, (i) => createdTitles.includes(clauseAt(prepared, i)) && !inTriggerClause(i))) {
      if (/\b(?:titled|named|called)\b/.test(prepared.lower.slice(t.index, t.end)) && !inTriggerClause(t.index)) continue;
      conditionDetections.push({ type: 'CompareCondition', index: t.index, end: t.end, clause: clauseAt(prepared, t.index), config: { valueToCompare, comparisonOperator: t.operator, valueToCompareAgainst: t.value } });
    }
    // The trigger's own page named: "someone edits the Onboarding page", "when the 'Pricing' page is updated".
    for (const m of prepared.masked.matchAll(
      /\b(?:edits?|updates?|changes?|modifies|comments?\s+on|publishes|moves|archives|copies|deletes|views|labels)\s+(?:the\s+)?(«q\d+»|[\w&'-]+(?:\s+[\w&'-]+){0,2}?)\s+page\b|\b(?:when|whenever|once|if|after)\s+the\s+(«q\d+»|[\w&'-]+(?:\s+[\w&'-]+){0,2}?)\s+page\s+(?:is|gets|was)\b/gi,
    )) {
      const raw = m[1] ?? m[2];
      const value = raw.startsWith('«') ? unmask(prepared, raw) : raw;
      if (!hasPageContext || !inTriggerClause(m.index!) || /^(?:a|an|the|any|each|every|new|this|that|its|their|same|parent|child|my|our|your|some|one|current|triggering|original|whole|entire|relevant|whole)(?:\s|$)/i.test(value) || /\b(?:of|to|for|with|in|on|from|status|title|owner)\b/i.test(value)) continue;
      conditionDetections.push({ type: 'CompareCondition', index: m.index!, end: m.index! + m[0].length, clause: clauseAt(prepared, m.index!), config: { valueToCompare: '{{page.title}}', comparisonOperator: 'EQUALS', valueToCompareAgainst: value } });
    }
    // Parent page in the trigger clause: "published under the Meeting notes page".
    if (hasPageContext) {
      for (const pg of pages) {
        if (!inTriggerClause(pg.index) || !/^(?:under|beneath|below|in|inside|child of|children of|as a child of)$/.test(pg.preposition)) continue;
        if (actionClauses.has(clauseAt(prepared, pg.index)) && !triggerSpans.some(([s, e]) => pg.index >= s - 5 && pg.index <= e + 40)) continue;
        // The destination of a move or copy ("put a copy under X", "should be moved under X") is no parent check.
        if (actions.some((a) => DESTINATION_ACTIONS.has(a.type) && a.index <= pg.index && pg.index - a.end <= 40 && !triggerSpans.some(([s, e]) => pg.index >= s && pg.index <= e))) continue;
        conditionDetections.push({ type: 'CompareCondition', index: pg.index, end: pg.end, clause: clauseAt(prepared, pg.index), config: { valueToCompare: '{{page.parent.title}}', comparisonOperator: 'EQUALS', valueToCompareAgainst: pg.ref.pageTitle } });
      }
      for (const m of prepared.lower.matchAll(/\bparent(?:\s+page)?(?:'s\s+title)?\s+(?:is|equals|named|called|titled)\s+/g)) {
        const value = valueAfter(prepared, m.index! + m[0].length);
        if (value) conditionDetections.push({ type: 'CompareCondition', index: m.index!, end: m.index! + m[0].length, clause: clauseAt(prepared, m.index!), config: { valueToCompare: '{{page.parent.title}}', comparisonOperator: 'EQUALS', valueToCompareAgainst: value } });
      }
    }
    // Space filter on an event rule: in global scope, or a space other than the rule's own.
    // A Guard alert or an incoming webhook has no page or space to compare ("alerts from Atlassian Guard").
    if (catalogTrigger && PAGE_CONTEXT_TRIGGERS.has(catalogTrigger.type) && catalogTrigger.type !== 'SpaceCreatedTrigger') {
      for (const s of spaces) {
        if (s.kind !== 'ref') continue;
        const clauseIdx = clauseAt(prepared, s.index);
        const movedInto = /^(?:to|into)$/.test(s.preposition) && triggers.some((t) => (t.type === 'PageMovedTrigger' || t.type === 'PageCopiedTrigger') && t.clause === clauseIdx);
        const rightAfterEvent = triggers.some((t) => t.type !== 'ScheduledTrigger' && s.index >= t.index && s.index <= t.end + 2);
        const filterish =
          (/^(?:in|within|from|inside|on|across)$/.test(s.preposition) || movedInto) &&
          (triggerClauses.has(clauseIdx) || /\bonly\b/.test(prepared.lower.slice(Math.max(0, s.index - 12), s.index))) &&
          !pages.some((pg) => pg.end <= s.index && s.index - pg.end <= 3) &&
          (movedInto || rightAfterEvent || !actions.some((a) => a.clause === clauseIdx && a.index < s.index && /^(?:Publish|Copy|Move|Grant)/.test(a.type)));
        if (!filterish) continue;
        const key = 'spaceKey' in s.ref ? s.ref.spaceKey : null;
        if (context.spaceKey && key === context.spaceKey) continue;
        conditionDetections.push({
          type: 'CompareCondition',
          index: s.index,
          end: s.end,
          clause: clauseIdx,
          config: key
            ? { valueToCompare: '{{space.key}}', comparisonOperator: 'EQUALS', valueToCompareAgainst: key }
            : { valueToCompare: '{{space.name}}', comparisonOperator: 'EQUALS', valueToCompareAgainst: (s.ref as { spaceName: string }).spaceName },
        });
      }
    }
    // Content type: "only blog posts".
    const typeOnly = /\bonly\s+(?:for\s+|on\s+)?(blog\s*posts?|blogs?|pages)\b|\bif\s+it(?:'s|\s+is)\s+a\s+(blog\s*post|page)\b|\bnot\s+(?:for\s+)?(blog\s*posts?)\b/.exec(prepared.lower);
    if (typeOnly && catalogTrigger && ['LabelAddedTrigger', 'UserMentionedTrigger', 'ManualTrigger'].includes(catalogTrigger.type)) {
      const word = typeOnly[1] ?? typeOnly[2] ?? '';
      const isBlog = /blog/.test(word) && !typeOnly[3];
      conditionDetections.push({ type: 'CompareCondition', index: typeOnly.index, end: typeOnly.index + typeOnly[0].length, clause: clauseAt(prepared, typeOnly.index), config: { valueToCompare: '{{content.type}}', comparisonOperator: 'EQUALS', valueToCompareAgainst: isBlog ? 'blogpost' : 'page' } });
    }
    // Comment text.
    for (const m of prepared.lower.matchAll(/\bcomment\s+(?:text\s+|body\s+)?(?:contains|includes|mentions|says|has)\s+/g)) {
      const value = valueAfter(prepared, m.index! + m[0].length);
      if (value) conditionDetections.push({ type: 'CompareCondition', index: m.index!, end: m.index! + m[0].length, clause: clauseAt(prepared, m.index!), config: { valueToCompare: '{{comment.body}}', comparisonOperator: 'CONTAINS', valueToCompareAgainst: value } });
    }
    // Explicit smart-value comparisons: "if {{page.labels}} contains x".
    for (const m of prepared.masked.matchAll(/(\{\{[^{}]+\}\})\s+(does not contain|doesn't contain|contains|equals|is not|is|starts with|ends with|is empty|is not empty)\s*/gi)) {
      const op = /empty/i.test(m[2]) ? (/not/i.test(m[2]) ? 'IS_NOT_EMPTY' : 'IS_EMPTY') : operatorFor(m[2].toLowerCase());
      const value = op.endsWith('EMPTY') ? undefined : valueAfter(prepared, m.index! + m[0].length);
      conditionDetections.push({ type: 'CompareCondition', index: m.index!, end: m.index! + m[0].length, clause: clauseAt(prepared, m.index!), config: { valueToCompare: m[1], comparisonOperator: op, ...(value ? { valueToCompareAgainst: value } : {}) } });
    }

    // CQL: labels (when the trigger is not the label trigger), age, body text, explicit CQL.
    if (catalogTrigger && catalogTrigger.type !== 'ScheduledTrigger' && !branch) {
      const cql: string[] = [];
      let at = -1;
      const labels = findFilterLabels(prepared, [...labelTriggerSpan, ...labelActionSpans]);
      // "Copy any page labelled x … as soon as the label is added": a label trigger that names no label of its
      // own takes the one named elsewhere, so that label is the event, not a filter on it.
      const bareLabelTrigger = triggers.some((t) => t.type === 'LabelAddedTrigger' && findLabels(prepared, t.index, prepared.clauses[t.clause].end).length === 0);
      if (labels) {
        for (const l of bareLabelTrigger ? [] : labels.labels) cql.push(`label = "${l}"`);
        for (const l of labels.negated) cql.push(`label != "${l}"`);
        at = labels.index;
      }
      const age = findAge(prepared);
      if (age) {
        cql.push(`${age.field === 'createdMoreThanDaysAgo' ? 'created' : 'lastmodified'} < now("-${age.days}d")`);
        if (at === -1) at = age.index;
      }
      const text = /\b(?:page|body|content|text)\s+(?:contains|includes|mentions)\s+/.exec(prepared.lower);
      if (text && !/\btitle\s*$/.test(prepared.lower.slice(0, text.index))) {
        const value = valueAfter(prepared, text.index + text[0].length);
        if (value) {
          cql.push(`text ~ "${value.replace(/"/g, '\\"')}"`);
          if (at === -1) at = text.index;
        }
      }
      const explicit = /\b(?:matches|matching|meets|satisfies)\s+(?:the\s+)?cql\b|\bcql\s+(?:condition|query|filter)?\s*(«q\d+»)/.exec(prepared.lower);
      if (explicit && !/\bfor\s+(?:each|every|all)\b/.test(prepared.lower)) {
        const q = quoteIn(prepared, explicit.index, explicit.index + explicit[0].length + 12);
        if (q) cql.push(q);
        if (at === -1) at = explicit.index;
      }
      if (cql.length) conditionDetections.push({ type: 'CqlCondition', index: at, end: at + 1, clause: clauseAt(prepared, at), config: { cql: cql.join(' AND ') } });
    }
  }

  // User condition: "only for users in the Legal group", "if the author is Jane Doe", "by members of X".
  if (catalogTrigger && catalogTrigger.type !== 'ScheduledTrigger') {
    const userCond = findUserCondition(prepared, branch !== null);
    if (userCond) conditionDetections.push(userCond);
  }

  components.push(...conditionDetections);
  if (ifElse && ifElse.ifIndex === -1) {
    const first = conditionDetections.filter((c) => c.index < ifElse!.elseIndex).sort(byIndex)[0];
    ifElse = first ? { ifIndex: first.index, elseIndex: ifElse.elseIndex } : null;
  }
  // "otherwise do nothing" is not an if/else: it needs a step on the other path.
  if (ifElse && !actions.some((a) => a.index > ifElse!.elseIndex)) ifElse = null;
  if (ifElse && conditionDetections.some((c) => c.index >= ifElse!.ifIndex && c.index < ifElse!.elseIndex)) {
    components.push({ type: 'IfElseCondition', index: ifElse.ifIndex, end: ifElse.elseIndex, clause: clauseAt(prepared, ifElse.ifIndex) });
  } else ifElse = null;

  if (branch) components.push({ type: branch.type, index: branch.index, end: branch.index + 1, clause: clauseAt(prepared, branch.index), config: branch.config });
  components.push(...actions, ...excluded, ...unsupported);
  return {
    prepared,
    context,
    triggers,
    schedule,
    components: components.sort(byIndex),
    spaces,
    pages,
    ifElse,
  };
}

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
  return lower.replace(
    /(?<=\b(?:that|which|then|it|button|rule|automation|and\s+then|also)\s+(?:automatically\s+|also\s+|just\s+)?)([a-z]+)\b/g,
    (verb: string) => {
      const base = THIRD_PERSON[verb];
      return base ? base + ' '.repeat(verb.length - base.length) : verb;
    },
  );
}

function findUserCondition(p: PreparedPrompt, inBranch: boolean): Detection | null {
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

interface BranchInputs {
  triggers: Detection[];
  schedule: ScheduleMatch | null;
  actions: Detection[];
  spaces: SpaceMention[];
  pages: PageMention[];
  hasPageContext: boolean;
}

function planBranch(p: PreparedPrompt, context: AnalysisContext, inputs: BranchInputs): BranchPlan | null {
  const { actions, spaces, pages, hasPageContext, triggers } = inputs;
  const lower = p.lower;
  const triggerSpans = triggers.filter((t) => t.type !== 'ScheduledTrigger').map((t) => [t.index, t.end] as [number, number]);
  const outsideTriggers = (i: number) => !triggerSpans.some(([s, e]) => i >= s && i < e);

  // Tasks.
  const task = /\b(?:tasks?|action\s+items?|to-?dos?|todos|checklist\s+items?)\b/.exec(lower);
  if (task && !/\bjira\s+tasks?\b/.test(lower) && outsideTriggers(task.index)) {
    const criteria: Record<string, unknown> = {};
    if (/\b(?:incomplete|open|unfinished|not\s+(?:done|complete|completed)|outstanding|pending|unchecked|uncompleted|overdue|past\s+due|due)\b/.test(lower)) criteria.status = 'INCOMPLETE';
    if (/\b(?:complete|completed|done|finished|checked)\s+(?:tasks?|action\s+items?)\b/.test(lower) && !criteria.status) criteria.status = 'COMPLETE';
    if (/\b(?:overdue|past\s+(?:their\s+)?due|late)\b/.test(lower)) criteria.overdue = true;
    const due = new RegExp(`\\bdue\\s+(?:in|within|over|during)(?:\\s+the\\s+(?:next|coming))?\\s+${COUNT}\\s+(days?|weeks?)\\b`).exec(lower);
    if (due) criteria.dueWithinDays = unitToDays(parseCount(due[1]) ?? 1, due[2]);
    else if (/\bdue\s+tomorrow\b/.test(lower)) criteria.dueWithinDays = 1;
    else if (/\bdue\s+today\b/.test(lower)) criteria.dueWithinDays = 0;
    else if (/\bdue\s+(?:this|within\s+a|in\s+a)\s+week\b/.test(lower)) criteria.dueWithinDays = 7;
    const assigned = /\bassigned\s+to\s+/.exec(lower);
    if (assigned) {
      const u = findUsers(p, assigned.index, assigned.index + 60)[0];
      if (u) criteria.assignee = u.value;
    }
    return { type: 'ForEachTaskBranch', index: task.index, config: { criteria } };
  }

  // Smart-value lists.
  const sv = /\bfor\s+(?:each|every)\s+(label|labels|mentioned\s+user|user\s+mentioned|item|element|entry|value|attachment|watcher)\b|\b(?:loop|iterate)\s+(?:over|through)\b/.exec(lower);
  if (sv) {
    const explicit = /\{\{[^{}]+\}\}/.exec(p.masked.slice(sv.index));
    const word = sv[1] ?? 'item';
    const smartValue = explicit?.[0] ?? (/label/.test(word) ? '{{page.labels}}' : /watcher/.test(word) ? '{{page.watchers}}' : /attachment/.test(word) ? '{{page.attachments}}' : '{{webhook.body.items}}');
    const variableName = /label/.test(word) ? 'label' : /user/.test(word) ? 'user' : /watcher/.test(word) ? 'watcher' : /attachment/.test(word) ? 'attachment' : 'item';
    return { type: 'ForEachSmartValueBranch', index: sv.index, config: { smartValue, variableName } };
  }

  // Explicit CQL iteration.
  const cqlLoop = /\b(?:for\s+(?:each|every|all)\s+(?:result|page|item|match)s?\s+(?:of|from|in|matching)\s+(?:the\s+|a\s+|this\s+)?cql|cql\s+(?:query|search)\s*(?:«q\d+»)?[^,;.]*?\b(?:for\s+each|results?|every|all))/.exec(lower) ??
    (/\bcql\b/.test(lower) && /\b(?:for\s+(?:each|every|all)|results?)\b/.test(lower) ? /\bcql\b/.exec(lower) : null);
  if (cqlLoop) {
    const q = quoteIn(p, Math.max(0, cqlLoop.index - 5), Math.min(p.lower.length, cqlLoop.index + cqlLoop[0].length + 60));
    return { type: 'ForEachCqlBranch', index: cqlLoop.index, config: { cql: q ?? '' } };
  }

  const pageActions = actions.filter((a) => PAGE_ACTIONS.has(a.type));
  // A digest / summary / list is one message about many pages, not one per page.
  const messages = actions.filter((a) => MESSAGE_ACTIONS.has(a.type) && !/\b(?:digest|summary|list|report|overview|roundup|recap|count|number)\b/.test(p.clauses[a.clause].text));
  const noPageContext = triggers.some((t) => t.type === 'ScheduledTrigger' || t.type === 'IncomingWebhookTrigger' || t.type === 'SpaceCreatedTrigger' || t.type === 'GuardAlertTrigger') && !hasPageContext;

  const explicit = /\bfor\s+(?:each|every|all)\s+(?:of\s+(?:the|its|their)\s+)?(?!new\b)(?:[a-z-]+\s+){0,2}?(?:page|pages|child(?:ren)?|sub-?pages?|descendants?)\b/.exec(lower);
  const pageSet = [
    ...lower.replace(/\b(?:every|each|any)\s*time\b/g, (m) => ' '.repeat(m.length)).matchAll(
      /\b(?:all|every|each|any)\s+(?:(?:of\s+)?(?:the|its|their|my|our)\s+)?(?!new\b)(?:[a-z-]+\s+){0,2}?(?:pages|page|child\s+pages|children|sub-?pages|descendants)\b|\b(?:stale|old|older|outdated|out-of-date|inactive|obsolete|abandoned|unused|untouched|orphaned|expired|old\s+draft)\s+(?:[a-z-]+\s+)?(?:pages|content|docs|documents)\b|\bpages\s+(?:that|which|not|older|created|last|labell?ed|tagged|with|in|under|whose|without|by|owned|written|having)\b|\b(?:its|the|their)\s+(?:child\s+pages|children|sub-?pages|descendants)\b|\bchild\s+pages\b|\bsub-?pages\b/g,
    ),
  ]
    .filter((m) => outsideTriggers(m.index!))
    // "a list of stale pages" is one digest, not a step per page.
    .filter((m) => !/\b(?:list|summary|digest|report|overview|count|number)\s+of\s+(?:all\s+)?(?:the\s+)?$/.test(lower.slice(Math.max(0, m.index! - 25), m.index!)));
  const age = findAge(p);
  const blogSet = /\b(?:all|every|each|any|stale|old|older|outdated)\s+(?:(?:of\s+)?(?:the|our)\s+)?(?:[a-z-]+\s+)?blog\s*posts\b|\bblog\s*posts\s+(?:that|which|older|not|created|labell?ed|tagged|with|in)\b/.exec(lower);

  // With a page in context, "pages labelled X" describes the trigger's page; only explicit sets iterate.
  const setPhrases = hasPageContext
    ? pageSet.filter((m) => /\b(?:all|every|each)\s+(?:(?:of\s+)?(?:the|its|their|my|our)\s+)?(?:other\s+)?(?:[a-z-]+\s+){0,2}?pages\b|child|children|sub-?pages|descendants/.test(m[0]))
    : pageSet;
  const wantsBranch =
    explicit !== null ||
    (setPhrases.length > 0 && (pageActions.length > 0 || messages.length > 0)) ||
    (noPageContext && (pageActions.length > 0 || (age !== null && messages.length > 0)));
  if (!wantsBranch && !(blogSet && noPageContext)) return null;

  const index = explicit?.index ?? setPhrases[0]?.index ?? age?.index ?? (pageActions[0] ?? messages[0])?.index ?? 0;

  // Blog posts are reached through CQL (page branches skip them).
  if (blogSet && !/\bpages?\b/.test(lower.replace(/\bblog\s*posts?\b/g, ''))) {
    const cql = ['type = blogpost'];
    if (age) cql.push(`${age.field === 'createdMoreThanDaysAgo' ? 'created' : 'lastmodified'} < now("-${age.days}d")`);
    const labels = findFilterLabels(p, actions.filter((a) => a.type === 'AddLabelAction' || a.type === 'RemoveLabelAction').map((a) => [a.index, p.clauses[a.clause].end] as [number, number]));
    if (labels) for (const l of labels.labels) cql.push(`label = "${l}"`);
    for (const s of spaces) if (s.kind === 'ref' && 'spaceKey' in s.ref && /^(?:in|within|from)$/.test(s.preposition)) cql.push(`space = "${s.ref.spaceKey}"`);
    return { type: 'ForEachCqlBranch', index: blogSet.index, config: { cql: cql.join(' AND ') } };
  }

  const criteria: Record<string, unknown> = {};
  const targetActions = actions.filter((a) => /^(?:Publish|Copy|Move|Grant)/.test(a.type));
  const isTarget = (index: number, preposition: string) =>
    /^(?:to|into)$/.test(preposition) || targetActions.some((a) => a.clause === clauseAt(p, index) && a.index < index);
  const spaceFilters = spaces.filter((s) => !isTarget(s.index, s.preposition) && !pages.some((pg) => pg.end <= s.index && s.index - pg.end <= 3));
  const refs = spaceFilters.flatMap((s) => (s.kind === 'ref' ? [s.ref] : context.spaceKey ? [{ spaceKey: context.spaceKey }] : []));
  if (refs.length) criteria.spaces = refs;
  if (age) criteria[age.field] = age.days;
  const labels = findFilterLabels(p, actions.filter((a) => a.type === 'AddLabelAction' || a.type === 'RemoveLabelAction').map((a) => [a.index, p.clauses[a.clause].end] as [number, number]));
  if (labels?.labels.length) criteria.labels = labels.labels;
  const title = findTitleFilters(p, (i) => targetActions.some((a) => a.clause === clauseAt(p, i)))[0];
  if (title && title.operator === 'CONTAINS') criteria.titleContains = title.value;
  // Parent / ancestor pages that are not a move or copy destination.
  const descendants = /\b(?:descendants?\s+of|anywhere\s+(?:under|below|beneath)|(?:in|under)\s+the\s+(?:page\s+)?tree\s+(?:of|under))\b/.exec(lower);
  for (const pg of pages) {
    if (isTarget(pg.index, pg.preposition) && !/^(?:of|children of|child of|descendants? of)$/.test(pg.preposition)) continue;
    if (!/^(?:under|beneath|below|of|in|inside|child of|children of|descendants? of)$/.test(pg.preposition)) continue;
    if (descendants && Math.abs(descendants.index - pg.index) < 30) criteria.ancestorPage = pg.ref;
    else criteria.parentPage = pg.ref;
    break;
  }
  if (!criteria.parentPage && !criteria.ancestorPage && hasPageContext && /\b(?:its|the|their)\s+(?:child\s+pages|children|sub-?pages)\b|\bchild\s+pages\b|\bsub-?pages\b/.test(lower)) {
    criteria.parentPage = { smartValue: '{{page.id}}' };
  }
  if (!criteria.ancestorPage && hasPageContext && /\b(?:its|the|their|all)\s+descendants\b/.test(lower)) criteria.ancestorPage = { smartValue: '{{page.id}}' };
  const author = /\b(?:created|written|authored|owned|published)\s+by\s+/.exec(lower);
  if (author) {
    const u = findUsers(p, author.index, author.index + author[0].length + 40)[0];
    const role = roleSmartValue(lower.slice(author.index + author[0].length, author.index + author[0].length + 12));
    if (u) criteria.author = u.value as UserValue;
    else if (role) criteria.author = { smartValue: role };
  }
  return { type: 'ForEachPageBranch', index, config: { criteria } };
}

