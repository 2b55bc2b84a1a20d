import { clauseAt, type PreparedPrompt } from '../text.js';
import type { Detection } from './detection.js';
import { inEventClause } from './event-guards.js';
import { imp, type ComponentPattern } from './instructions.js';

/**
 * Steps the rule asks for that the catalog cannot build (whiteboards, Jira issues, PDF export,
 * AI) and steps this tool will not draft (web requests to off-site services). They are detected so
 * the pipeline can say so and so they shadow catalog hits on the same words ("create a whiteboard"
 * is no page).
 */

const OFFSITE_SERVICES =
  '(?:salesforce|hubspot|notion|google\\s+(?:drive|docs|sheets)|dropbox|sharepoint|onedrive|box\\.com|github|gitlab|bitbucket|zendesk|servicenow|pagerduty|opsgenie|trello|asana|monday\\.com|airtable|zapier|make\\.com|n8n|datadog|splunk|s3|an?\\s+s3\\s+bucket|ifttt)';

/** Social networks and chat apps outside Atlassian: no catalog step reaches them, but they are a separate step, not a web request to draft. */
const SOCIAL_AND_CHAT =
  '(?:linkedin|twitter|x\\.com|facebook|instagram|mastodon|bluesky|reddit|whatsapp|telegram|discord|wechat|viber|mattermost|webex|zoom|google\\s+chat|rocket\\.chat|imessage)';

export const UNSUPPORTED_COMPONENT_PATTERNS: ComponentPattern[] = [
  { type: 'CreateWhiteboardAction', re: /\b(?:create|make|add|start|draw|generate|open)\s+(?:a\s+|an\s+|the\s+|new\s+)*(?:[\w-]+\s+)?whiteboards?\b/g, guard: imp },
  { type: 'UpdateDatabaseAction', re: /\bdatabases?\b/g, guard: (p, m) => !inEventClause(p, m.index!) },
  // "the parent page we use like a folder" compares a page to a folder; it asks for no folder.
  { type: 'FolderAction', re: /\bfolders?\b/g, guard: (p, m) => !inEventClause(p, m.index!) && !FOLDER_SIMILE.test(p.lower.slice(Math.max(0, m.index! - 25), m.index!)) },
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
  // Paper, however it is sent: printing or faxing.
  { type: 'PrintPageAction', re: /\bprint(?:s|ed|ing)?\s+(?:it|them|the\s+page|pages?|a\s+copy|copies|out)\b|\bprinters?\b|\bfax(?:es|ed|ing)?\b/g },
  {
    type: 'EditPageContentAction',
    re: /\b(?:fix|correct|repair|clean\s+up|tidy\s+up)\s+(?:any\s+|all\s+|the\s+|its\s+)?(?:spelling|typos?|grammar|formatting|broken\s+links)\b|\bspell-?check\b|\b(?:edit|change|update|replace|rewrite)\s+(?:the\s+)?(?:page\s+)?(?:body|text|content|wording)\b(?!\s+(?:of\s+the\s+)?(?:comment|email|message))/g,
    guard: imp,
  },
  // "share it on LinkedIn", "forward it to the company WhatsApp chat", "tweet it".
  {
    type: 'SocialPostAction',
    re: new RegExp(`\\b(?:send|post|push|forward|share|publish|cross-?post|announce|message|drop|put|copy|mirror)\\b(?:(?![,;.]).){0,40}?\\b(?:to|into|in|on|via|through|with)\\s+(?:our\\s+|the\\s+|a\\s+|an\\s+|my\\s+)?(?:[\\w-]+\\s+)?${SOCIAL_AND_CHAT}\\b|\\btweet\\s+(?:it|them|the\\s+(?:page|post|link|title))\\b`, 'g'),
    guard: imp,
  },
  {
    type: 'AiAction',
    re: /\b(?:summari[sz]e|translate|rewrite|paraphrase|proofread)\b|\bwith\s+ai\b|\buse\s+ai\b|\batlassian\s+intelligence\b|\brovo\b|\bai[- ](?:generated|summary)\b/g,
    guard: imp,
  },
];

const FOLDER_SIMILE = /\b(?:like|as|kind\s+of|sort\s+of)\s+(?:a|an|our|the)\s+(?:[\w-]+\s+)?$/;

/** "this rule's webhook": the rule's incoming trigger, which outside systems call; not a request the rule sends. */
const RULES_OWN_WEBHOOK = /\b(?:this|the|our)\s+(?:rule|automation)(?:'s)?\s+(?:incoming\s+)?web\s*-?hook\b/;

export const EXCLUDED_PATTERNS: ComponentPattern[] = [
  { type: 'SendWebRequestAction', re: /\b(?:web\s*request|http\s+(?:request|call|post)|rest\s+(?:call|request)|api\s+(?:call|request)|(?:post|get|put|patch|delete)\s+request|outgoing\s+web\s*-?hook)\b|\b(?:send|make|fire|issue|do)\s+(?:a|an)\s+(?:get|post|put|patch|delete|head)\b(?=\s+(?:to|at|against|on)\b)/g, guard: (p, m) => !inEventClause(p, m.index!) || !/\b(?:receive|receives|get|gets)\b/.test(p.lower.slice(Math.max(0, m.index! - 15), m.index!)) },
  { type: 'SendWebRequestAction', re: /\b(?:call|invoke|hit|ping|notify|trigger|post\s+to|send\s+(?:it|them|the\s+page|a\s+request|data|the\s+data|the\s+details|the\s+content|a\s+payload)\s+to)\s+(?:an?\s+|our\s+|the\s+|their\s+|my\s+)?(?:external\s+|third[- ]party\s+|outside\s+|remote\s+|internal\s+|custom\s+|company\s+)?(?:(?!(?:page|pages|it|them|the|a|an)\b)[\w-]+\s+)?(?:api|endpoint|url|rest\s+api|http\s+endpoint|server|web\s*-?hook|web\s+service|service\s+endpoint)\b/g, guard: imp },
  {
    type: 'SendWebRequestAction',
    re: /\b(?:send|post|push|fire|call|trigger|hit)\b(?:(?![,;.]).){0,30}?\bweb\s*-?hook\b/g,
    guard: (p, m) => imp(p, m) && !/\b(?:slack|teams)\b/.test(p.clauses[clauseAt(p, m.index!)].text) && !/\bincoming\b/.test(m[0]) && !RULES_OWN_WEBHOOK.test(m[0]),
  },
  { type: 'SendWebRequestAction', re: /«u\d+»/g, guard: (p) => /\b(?:send|post|push|forward|call|ping|hit|sync|deliver|submit|notify|put|upload|invoke|trigger|request)\b/.test(p.lower) && !/\b(?:slack|teams)\b/.test(p.lower) },
  { type: 'SendWebRequestAction', re: /\b(?:send|post|push|forward|sync|export|upload|mirror|share|submit|deliver|replicate|copy)\b(?:(?![,;.]).){0,40}?\b(?:to|into|with|in)\s+(?:an?\s+|our\s+|the\s+|my\s+)?(?:external|third[- ]party|outside|remote)\s+(?:system|service|tool|server|api|app|application|site|website|endpoint|platform|crm|database)\b/g, guard: imp },
  { type: 'SendWebRequestAction', re: new RegExp(`\\b(?:send|post|push|forward|sync|export|upload|mirror|share|submit|create|open|add|notify|update|copy)\\b(?:(?![,;.]).){0,40}?\\b(?:to|into|with|in|on)\\s+(?:our\\s+|the\\s+|a\\s+)?${OFFSITE_SERVICES}\\b`, 'g'), guard: imp },
];

/** URLs inside quotes count too: "POST it to "https://…"". */
export function quotedUrlDetections(p: PreparedPrompt): Detection[] {
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
