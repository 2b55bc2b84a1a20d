import { clauseAt, isNegatedBefore, STATUS_WORDS } from '../text.js';
import { active, eventClauseGuard, eventGuard, inEventClause, newThingGuard, passive, type Pattern } from './event-guards.js';
import { ADJ, ADV, BE, BLOG_N, COORD, GAP, MOD, MODAL_WORDS, OPEN_OBJECT, OPEN_SUBJ, PAGE_N, SUBJ } from './vocabulary.js';

/** A modal right before the verb: "should get a comment", "must receive a reply". */
const DUTY_BEFORE = /\b(?:should|must|ought\s+to|has\s+to|have\s+to|needs?\s+to|shall)\s+(?:also\s+|always\s+|automatically\s+)?$/;

/**
 * Tables of event wordings per trigger type: the catalog triggers, then the triggers the
 * catalog does not support (whiteboards, Jira, sprints…). Unsupported hits are kept so they can
 * shadow a catalog hit inside them ("an issue is moved" is no page move) and be reported.
 */

export const TRIGGER_PATTERNS: Record<string, Pattern[]> = {
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
    // "should get a comment" is a duty (an action), not the event.
    { re: /\b(?:gets|get|receives?|received|got)\s+(?:a\s+|any\s+|its\s+first\s+)*(?:new\s+)?(?:footer\s+|inline\s+)?(?:comment|comments|reply|replies)\b/g, guard: (p, m) => eventClauseGuard(p, m) && !DUTY_BEFORE.test(p.lower.slice(Math.max(0, m.index! - 30), m.index!)) },
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
    // "Our monitoring system will call this rule's webhook": the rule's own webhook is where it starts.
    { re: /\b(?:calls?|hits?|pings?|posts?\s+to|triggers?|invokes?|sends?\s+(?:a\s+request|data|an?\s+event)\s+to)\s+(?:this|the|our)\s+(?:rule|automation)(?:'s)?\s+(?:incoming\s+)?web\s*-?hook\b/g },
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

export const UNSUPPORTED_TRIGGER_PATTERNS: Record<string, Pattern[]> = {
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
  FolderCreatedTrigger: [{ re: /\bfolders?\b/g, guard: (p, m) => eventClauseGuard(p, m) && !/\b(?:like|as)\s+(?:a|an|our|the)\s+(?:[\w-]+\s+)?$/.test(p.lower.slice(Math.max(0, m.index! - 25), m.index!)) }],
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
