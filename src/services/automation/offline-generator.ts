import { catalogEntry, PAGE_CONTEXT_TRIGGERS } from './catalog.js';
import { findGroups, findLabels, findUsers, roleSmartValue, valueAfter, type SpaceMention, type UserValue } from './entities.js';
import type { GenerationRequest, GenerationResult, RuleGenerator } from './generator.js';
import { analyzePrompt, type Detection, type OfflineAnalysis } from './offline-analysis.js';
import type { Problem } from './problems.js';
import { IF_ELSE, type RuleComponent, type SimplifiedRule } from './rule-schema.js';
import { selectComponentsOffline, selectTriggersOffline } from './selection.js';
import { capitalize, clauseAt, quoteIn, quoteOf, statusName, STATUS_WORDS, unmask, type PreparedPrompt } from './text.js';

/**
 * Step 3 without a model: builds the simplified rule from the prompt and the checked
 * selections. Fills configs from the wording (quoted values, "title contains Decision",
 * labels, schedules, "in the X space", "under the Decisions page", people and emails),
 * orders steps (conditions before the actions they gate, branch children inline) and only
 * ever emits the selected components. Never invents ids, URLs or secrets; anything it can't
 * fill is left empty and shows up as a missing input.
 */

export function createOfflineGenerator(): RuleGenerator {
  return {
    kind: 'offline',
    async selectTriggers(prompt, context) {
      return selectTriggersOffline(prompt, context);
    },
    async selectComponents(prompt, context) {
      return selectComponentsOffline(prompt, context);
    },
    async generate(request) {
      return generateOffline(request);
    },
  };
}

interface Segment {
  start: number;
  end: number;
}

interface Ctx {
  a: OfflineAnalysis;
  p: PreparedPrompt;
  req: GenerationRequest;
  hasPageContext: boolean;
  isBlog: boolean;
  inTaskBranch: boolean;
  scheduled: boolean;
}

const MESSAGE_TYPES = new Set(['SendEmailAction', 'SendSlackMessageAction', 'SendTeamsMessageAction', 'LogAction']);

export function generateOffline(req: GenerationRequest): GenerationResult {
  const a = analyzePrompt(req.prompt, req.spaceKey ? { spaceKey: req.spaceKey } : {});
  const p = a.prepared;
  const keep = new Set(req.components);
  const problems: Problem[] = [];
  const branchDet = a.components.find((d) => keep.has(d.type) && catalogEntry(d.type)?.kind === 'branch');
  const ctx: Ctx = {
    a,
    p,
    req,
    hasPageContext: req.trigger !== null && PAGE_CONTEXT_TRIGGERS.has(req.trigger),
    isBlog: req.trigger?.startsWith('Blog') ?? false,
    inTaskBranch: branchDet?.type === 'ForEachTaskBranch',
    scheduled: req.trigger === 'ScheduledTrigger' || req.trigger === 'IncomingWebhookTrigger',
  };

  const trigger = req.trigger ? { type: req.trigger, config: triggerConfig(req.trigger, ctx) } : null;

  // One node per step. Several patterns can hit the same words ("notify … by email"): a repeat
  // of a type merges into the earlier node unless another step or an "otherwise" lies between.
  const allActionDets = a.components.filter((d) => keep.has(d.type) && catalogEntry(d.type)?.kind === 'action');
  const actionDets: Detection[] = [];
  for (const d of allActionDets) {
    const earlier = [...actionDets].reverse().find((x) => x.type === d.type);
    const between = earlier ? allActionDets.some((o) => o.type !== d.type && o.index > earlier.index && o.index < d.index) : true;
    const acrossElse = earlier && a.ifElse ? earlier.index < a.ifElse.elseIndex && d.index >= a.ifElse.elseIndex : false;
    if (earlier && !between && !acrossElse && clauseAt(p, earlier.index) === clauseAt(p, d.index)) continue;
    actionDets.push(d);
  }
  const boundaries = [...new Set([...actionDets.map((d) => d.index), ...(a.ifElse ? [a.ifElse.elseIndex] : [])])].sort((x, y) => x - y);
  const segmentOf = (d: Detection): Segment => {
    const prev = boundaries.filter((b) => b < d.index).pop();
    const clause = p.clauses[clauseAt(p, d.index)];
    const start = Math.max(clause.start, prev !== undefined ? Math.min(d.index, prev + 1) : 0);
    const next = boundaries.find((b) => b > d.index);
    // A dot inside a token (an email, a domain) does not end the sentence.
    const sentenceEnd = p.lower.slice(d.index).search(/[;!?]|\.(?![\w])/);
    const end = Math.min(next ?? p.lower.length, sentenceEnd === -1 ? p.lower.length : d.index + sentenceEnd);
    return { start, end };
  };
  // "log it. No emails, just the log": a step restated with nothing new is one step.
  const actions = actionDets
    .map((d) => ({ d, node: { type: d.type, config: actionConfig(d, segmentOf(d), ctx) } as RuleComponent }))
    .filter((x, i, all) => i === 0 || JSON.stringify(all[i - 1].node) !== JSON.stringify(x.node));
  const conditions = a.components
    .filter((d) => keep.has(d.type) && catalogEntry(d.type)?.kind === 'condition' && d.type !== IF_ELSE)
    .map((d) => ({ d, node: { type: d.type, config: d.config ?? {} } as RuleComponent }));
  // Title comparisons repeated by the wording ("title contains X … with X in the title") collapse.
  const uniqueConditions = conditions.filter((c, i) => conditions.findIndex((o) => JSON.stringify(o.node) === JSON.stringify(c.node)) === i);

  let ifElse = keep.has(IF_ELSE) ? a.ifElse : null;
  if (ifElse && branchDet) {
    const dropped = actions.filter((x) => x.d.index >= ifElse!.elseIndex).map((x) => catalogEntry(x.d.type)!.uiName);
    problems.push({
      kind: 'invalid_structure',
      message: `If/else isn't allowed inside a branch, so the "otherwise" part${dropped.length ? ` (${dropped.join(', ')})` : ''} was left out; add it as a second rule.`,
      component: IF_ELSE,
    });
    for (const x of actions.filter((x) => x.d.index >= ifElse!.elseIndex)) actions.splice(actions.indexOf(x), 1);
    ifElse = null;
  }

  type Item = { index: number; node: RuleComponent };
  const top: Item[] = [];
  let topConditions = uniqueConditions;
  let looseActions = actions;

  if (ifElse) {
    const { ifIndex, elseIndex } = ifElse;
    const inIf = (i: number) => i >= ifIndex && i < elseIndex;
    const blockConditions = uniqueConditions.filter((c) => inIf(c.d.index));
    topConditions = uniqueConditions.filter((c) => !inIf(c.d.index));
    const blockActions = actions.filter((x) => inIf(x.d.index));
    const elseActions = actions.filter((x) => x.d.index >= elseIndex);
    looseActions = actions.filter((x) => x.d.index < ifIndex);
    top.push({
      index: ifIndex,
      node: {
        type: IF_ELSE,
        config: {
          blocks: [{ matchType: 'ALL', conditions: blockConditions.map((c) => c.node), components: blockActions.map((x) => x.node) }],
          ...(elseActions.length ? { else: { components: elseActions.map((x) => x.node) } } : {}),
        },
      },
    });
  }

  if (branchDet) {
    const inside = looseActions.filter((x) => perItem(x.d, branchDet, segmentOf(x.d), ctx));
    const children = inside.length ? inside : looseActions;
    looseActions = looseActions.filter((x) => !children.includes(x));
    const index = Math.min(branchDet.index, ...children.map((x) => x.d.index));
    top.push({ index, node: { type: branchDet.type, config: branchDet.config ?? {}, components: children.map((x) => x.node) } });
  }
  top.push(...looseActions.map((x) => ({ index: x.d.index, node: x.node })));
  top.sort((x, y) => x.index - y.index);

  problems.push(...uncollectedLists(a, actions.map((x) => x.d)), ...unexpressibleAge(a, branchDet));

  const rule: SimplifiedRule = {
    title: ruleTitle(req, actions.map((x) => x.d.type)),
    trigger,
    components: [...topConditions.sort((x, y) => x.d.index - y.d.index).map((c) => c.node), ...top.map((t) => t.node)],
  };
  return { rule, problems };
}

function perItem(d: Detection, branch: Detection, seg: Segment, ctx: Ctx): boolean {
  if (branch.type === 'ForEachSmartValueBranch') return true;
  const text = ctx.p.lower.slice(seg.start, seg.end);
  const refersToItem = /\b(?:each|every|it|its|them|their|they|owner|owners|author|authors|creator|assignee|assignees|the page|that page|the task)\b/.test(text);
  if (branch.type === 'ForEachTaskBranch') return d.type === 'SendEmailAction' || d.type === 'AddCommentAction' || refersToItem;
  if (!MESSAGE_TYPES.has(d.type)) return true;
  return refersToItem && !/\b(?:summary|digest|list|report|overview)\b/.test(text);
}

function ruleTitle(req: GenerationRequest, actions: string[]): string {
  const t = req.trigger ? catalogEntry(req.trigger)!.uiName : 'No trigger yet';
  const what = [...new Set(actions.map((a) => catalogEntry(a)!.uiName.toLowerCase()))];
  const title = `${t}: ${what.length ? what.join(', ') : 'no action yet'}`;
  return title.length > 120 ? `${title.slice(0, 117)}...` : title;
}

// ----- trigger configs -----

function triggerConfig(type: string, ctx: Ctx): Record<string, unknown> {
  const { a, p } = ctx;
  const det = a.triggers.find((t) => t.type === type);
  const clause = det ? p.clauses[det.clause] : undefined;
  switch (type) {
    case 'ScheduledTrigger':
      return a.schedule?.schedule ? { schedule: a.schedule.schedule } : {};
    case 'LabelAddedTrigger': {
      if (!clause) return {};
      const labels = findLabels(p, clause.start, clause.end);
      return labels.length ? { labels } : {};
    }
    case 'PageStatusChangedTrigger': {
      if (!clause) return {};
      const text = p.lower.slice(clause.start, clause.end);
      const m = new RegExp(`\\b(?:to|as|becomes|is|(?:marked|set))\\s+(?:«q(\\d+)»|(${STATUS_WORDS}))\\b`).exec(text);
      if (!m) return {};
      const value = m[1] !== undefined ? p.quotes[Number(m[1])] : m[2];
      return value ? { toStatus: statusName(value) } : {};
    }
    case 'UserMentionedTrigger': {
      if (!clause) return {};
      const text = p.lower.slice(clause.start, clause.end);
      if (/\b(?:i'm|i am|me|my|i)\b/.test(text)) return { users: [{ smartValue: '{{rule.actor}}' }] };
      const users = findUsers(p, clause.start, clause.end).map((u) => u.value);
      return users.length ? { users } : {};
    }
    case 'ManualTrigger': {
      const m = /\bbutton\b/.exec(p.lower);
      if (!m) return {};
      const label =
        quoteIn(p, Math.max(0, m.index - 12), m.index + 30) ??
        /\bbutton\s+(?:called|named|labell?ed|saying)\s+([\w ]+?)(?=[,.;]|\s+(?:that|which|to|on)\b|$)/.exec(p.masked.slice(m.index))?.[1] ??
        // "Put a Start retro button on pages": the capitalised words right before "button" are its label.
        /\b(?:a|an|the)\s+(\p{Lu}[\p{L}\d'-]*(?:\s+[\p{L}\d'-]+){0,3}?)\s+button\b/u.exec(p.masked.slice(Math.max(0, m.index - 40), m.index + 6))?.[1];
      return label ? { buttonLabel: label.trim() } : {};
    }
    default:
      return {};
  }
}

// ----- action configs -----

function spaceFor(seg: Segment, ctx: Ctx, targetOnly = false): Record<string, unknown> | undefined {
  // "to the top level of the X space" targets X as much as "to the X space" does.
  const rootOf = (s: SpaceMention) => s.preposition === 'of' && /\b(?:top[\s-]+level|root|top)\s+$/.test(ctx.a.prepared.lower.slice(Math.max(0, s.index - 12), s.index));
  const mention = ctx.a.spaces.find((s) => s.index >= seg.start && s.index < seg.end && (!targetOnly || /^(?:to|into|in|on|inside|within)$/.test(s.preposition) || rootOf(s)));
  if (mention?.kind === 'ref') return mention.ref;
  if (mention?.kind === 'context') return contextSpace(ctx);
  return undefined;
}

/** "this space", "in it", or a target nobody named (fact sheet §4 guidance 6). */
function contextSpace(ctx: Ctx): Record<string, unknown> | undefined {
  if (ctx.req.trigger === 'SpaceCreatedTrigger') return { smartValue: '{{space.key}}' };
  if (ctx.req.spaceKey) return { spaceKey: ctx.req.spaceKey };
  if (ctx.hasPageContext) return { smartValue: '{{space.key}}' };
  return undefined;
}

function pageFor(seg: Segment, ctx: Ctx, prepositions: RegExp): Record<string, unknown> | undefined {
  return ctx.a.pages.find((m) => m.index >= seg.start && m.index < seg.end && prepositions.test(m.preposition))?.ref;
}

/** Quoted or "saying …" text in the segment. */
function textIn(seg: Segment, ctx: Ctx, after?: RegExp, from = seg.start): string | undefined {
  const { p } = ctx;
  let start = Math.max(seg.start, from);
  if (after) {
    const m = after.exec(p.lower.slice(seg.start, seg.end));
    if (m) start = seg.start + m.index;
  }
  const payloadMatch = /«p(\d+)»/.exec(p.masked.slice(start, seg.end));
  if (payloadMatch) {
    const payload = p.payloads[Number(payloadMatch[1])];
    const opener = p.lower.slice(Math.max(0, start + payloadMatch.index - 30), start + payloadMatch.index);
    const body = unmask(p, payload ?? '');
    if (/\b(?:asking|telling|reminding|remind)\b[^«]*\bto\s*$/.test(opener)) return `Please ${body.replace(/[.!]+$/, '')}.`;
    if (/\basking\s+for\s*$/.test(opener)) return `Requesting ${body.replace(/[.!]+$/, '')}.`;
    return body;
  }
  return quoteIn(p, start, seg.end) ?? undefined;
}

function recipients(seg: Segment, ctx: Ctx): UserValue[] | Array<Record<string, unknown>> {
  const { p } = ctx;
  const out: Array<Record<string, unknown>> = [];
  const text = p.lower.slice(seg.start, seg.end).replace(/«[pq]\d+»/g, ' ');
  for (const u of findUsers(p, seg.start, seg.end)) {
    if ('smartValue' in u.value) continue;
    out.push(u.value);
  }
  for (const g of findGroups(p, seg.start, seg.end)) out.push({ groupName: g.groupName });
  const roles = [
    [/\b(?:author|creator|writer)s?\b/, '{{page.author}}'],
    [/\bowners?\b(?!ship)/, '{{page.owner}}'],
    [/\bcommenter\b|\bwhoever\s+commented\b/, '{{comment.author}}'],
    [/\bassignees?\b/, '{{task.assignee}}'],
    [/\bspace\s+(?:creator|owner|admins?|administrators?)\b/, '{{space.creator}}'],
    [/\bwhoever\s+(?:edited|published|updated|changed|moved|triggered|clicked)\b|\b(?:editor|publisher|initiator)\b/, '{{initiator}}'],
    [/\b(?:me|myself)\b/, '{{rule.actor}}'],
  ] as const;
  for (const [re, value] of roles) {
    if (re.test(text) && !(value === '{{page.owner}}' && /\bspace\s+owner/.test(text)) && !(value === '{{page.author}}' && /\bspace\s+creator/.test(text))) {
      if (!out.some((o) => o.smartValue === value)) out.push({ smartValue: value });
    }
  }
  if (out.length === 0 && ctx.inTaskBranch) out.push({ smartValue: '{{task.assignee}}' });
  return out;
}

function itemTitle(ctx: Ctx): string {
  if (ctx.inTaskBranch) return '{{task.page.title}}';
  return ctx.isBlog ? '{{content.title}}' : '{{page.title}}';
}

function defaultSubject(ctx: Ctx): string {
  if (ctx.inTaskBranch) return 'Reminder: a task assigned to you is due';
  const t = ctx.req.trigger ? catalogEntry(ctx.req.trigger)?.uiName : undefined;
  if (ctx.hasPageContext && t) return `${t}: ${itemTitle(ctx)}`;
  if (ctx.req.components.some((c) => catalogEntry(c)?.kind === 'branch')) return `Rule update: {{page.title}}`;
  return t ? `${t} rule ran` : 'Automation notice';
}

/** "include the comment", "with the page title": what the request asks a message to carry, as smart values. */
const INCLUDES: Array<[RegExp, string]> = [
  [/^(?:whole\s+|full\s+|original\s+|new\s+|actual\s+|entire\s+|exact\s+|latest\s+)?comment(?:'s)?(?:\s+(?:text|body))?\b(?!\s+author)/, '{{comment.body}}'],
  [/^(?:new\s+)?parent(?:\s+page)?(?:'s)?\s+(?:title|name)\b/, '{{page.parent.title}}'],
  [/^(?:page(?:'s)?\s+)?title\b/, '{{page.title}}'],
  [/^(?:page(?:'s)?\s+)?(?:link|url)\b/, '{{page.url}}'],
];
// "post the comment itself to #x", "forward the comment": the message carries what the verb sends.
const INCLUDE_VERB = /\b(?:includ(?:e|ing)|quot(?:e|ing)|with|contain(?:ing)?|paste|add(?:ing)?|put(?:ting)?|post(?:ing)?|send(?:ing)?|forward(?:ing)?|shar(?:e|ing)|relay(?:ing)?|log(?:ging)?|record(?:ing)?)\s+(?:in\s+)?(?:the\s+|its\s+|a\s+)?/g;

/** "with the subject Page retired": the words after the subject phrase, up to a connector (payload-masked text included). */
function unquotedSubject(p: PreparedPrompt, seg: Segment, clause: number): string | null {
  const clauseEnd = Math.max(seg.end, p.clauses[clause].end);
  const at = /\b(?:with|using)\s+(?:a\s+|the\s+)?subject(?:\s+line)?(?:\s+(?:of|saying|reading))?\s+(?!(?:line|and|or|that|which|containing|with)\b)/.exec(p.lower.slice(seg.start, clauseEnd));
  if (!at) return null;
  const from = seg.start + at.index + at[0].length;
  const payload = /^\s*(«p\d+»)/.exec(p.masked.slice(from));
  return payload ? unmask(p, payload[1]).trim().replace(/^line\s+(?:of\s+)?/i, '') : valueAfter(p, from, 6);
}

function withIncluded(body: string, segment: string): string {
  const wanted: string[] = [];
  for (const m of segment.matchAll(INCLUDE_VERB)) {
    const after = segment.slice(m.index! + m[0].length);
    for (const [re, value] of INCLUDES) if (re.test(after) && !wanted.includes(value) && !body.includes(value)) wanted.push(value);
  }
  return wanted.length ? `${body}\n\n${wanted.join('\n')}` : body;
}

/** A chat message nobody worded: the page and its link when there is one, else what ran. */
function chatFallback(ctx: Ctx): string {
  return ctx.hasPageContext || ctx.req.components.includes('ForEachPageBranch') ? `${itemTitle(ctx)}: {{page.url}}` : defaultSubject(ctx);
}

function defaultBody(ctx: Ctx): string {
  if (ctx.inTaskBranch) return 'Task "{{task}}" on {{task.page.title}} is due {{task.dueDate}}.';
  if (ctx.hasPageContext || ctx.req.components.includes('ForEachPageBranch')) return `${itemTitle(ctx)}: {{page.url}}`;
  return 'This automation rule ran on {{now}}.';
}

const DATED = /\b(?:today'?s|the\s+current|the\s+day'?s|the)\s+date\b|\bdated\b/;
const NOW_DATE = '{{now.format("yyyy-MM-dd")}}';

/** Names the copy takes: "titled 'X'", "call the copy 'X'", "name it 'X'". */
const COPY_NAMED = /\b(?:as|titled|called|named|(?:call|name|title|rename)\s+(?:the\s+(?:copy|new\s+page|duplicate)|it))\s+«q(\d+)»/;
/** "… followed by the page title", "plus the page's title": the quoted part is a prefix of the page title. */
const THEN_PAGE_TITLE = /^\s*(?:,\s*)?(?:followed\s+by|plus|then|and\s+then|with)\s+(?:the\s+)?(?:original\s+|source\s+)?(?:page(?:'s)?\s+)?(?:title|name)\b/;

/** "call the copy 'Candidate: ' followed by the page title" → `Candidate: {{page.title}}`. */
function statedCopyTitle(p: PreparedPrompt, text: string): string | null {
  const m = COPY_NAMED.exec(text);
  if (!m) return null;
  const quoted = p.quotes[Number(m[1])];
  if (quoted === undefined) return null;
  const rest = text.slice(m.index + m[0].length);
  if (!THEN_PAGE_TITLE.test(rest)) return quoted;
  return `${quoted.trimEnd()} {{page.title}}`;
}

/** "name the copy after the page title plus today's date" → the title as smart values, not the default. */
function copyTitleFromPage(text: string): string | null {
  if (!/\b(?:name|call|title|rename)\s+(?:the\s+copy|it|the\s+new\s+page)\s+(?:after|as|with|from|using)\s+(?:the\s+)?(?:page|original|source)(?:'s)?\s+(?:page\s+)?title\b/.test(text)) return null;
  return DATED.test(text) ? `{{page.title}} ${NOW_DATE}` : '{{page.title}}';
}

/** The title a created page gets; "with today's date in the title" adds the date the request asks for. */
function titleFor(d: Detection, seg: Segment, ctx: Ctx, noun: 'page' | 'blog'): string {
  const base = baseTitleFor(d, seg, ctx, noun);
  const wantsDate = DATED.test(ctx.p.lower.slice(seg.start, seg.end));
  if (!wantsDate || base.includes('{{now')) return base;
  // Dated but unnamed ("a new page from the Retrospective template, with today's date in the title"): name it after the template.
  const template = /\b(?:from|using|with|based\s+on)\s+(?:the\s+|a\s+|our\s+)?([\w -]+?)\s+template\b/.exec(ctx.p.masked.slice(seg.start, seg.end))?.[1];
  return `${base || template || (noun === 'page' ? 'Page' : 'Blog post')} ${NOW_DATE}`;
}

function baseTitleFor(d: Detection, seg: Segment, ctx: Ctx, noun: 'page' | 'blog'): string {
  const { p } = ctx;
  const named = /\b(?:called|titled|named|with\s+the\s+title|title)\s+/.exec(p.lower.slice(seg.start, seg.end));
  const quoted = named ? quoteIn(p, seg.start + named.index, seg.end) : quoteIn(p, seg.start, seg.end);
  if (quoted) return quoted;
  if (named) {
    // "called Year in review" keeps its "in"; "called Notes in the HR space" ends before the place.
    const rest = p.masked.slice(seg.start + named.index + named[0].length, seg.end).split(/[,;.]|\s+(?:under|from|using|with|and|then)\s+|\s+(?:in|into)\s+(?=(?:the|this|that|our|their|a|an|its)\s|(?:it|them|there|here)\b|[A-Z][A-Z0-9]+\b)/)[0].trim();
    if (rest) return rest;
  }
  // "create a weekly status page" → "Weekly status", dated when the rule repeats.
  const m = new RegExp(`\\b(?:a|an|one|new)\\s+(?:new\\s+)?((?:[\\w'-]+\\s+){1,4}?)${noun === 'page' ? '(?:page|subpage|child\\s+page)' : 'blog(?:\\s*-?\\s*post)?'}\\b`).exec(p.lower.slice(d.index, seg.end));
  const words = m?.[1]?.trim();
  if (words && !/^(?:new|child|sub)$/.test(words)) {
    const start = d.index + m!.index + m![0].indexOf(m![1]);
    const original = p.masked.slice(start, start + words.length);
    const base = capitalize(original);
    return ctx.scheduled ? `${base} ${NOW_DATE}` : base;
  }
  return '';
}

/** Where a message step's own words start: its sending verb ("post 'X' to Slack"), else the detection. */
function messageStart(d: Detection, seg: Segment, ctx: Ctx): number {
  const before = ctx.p.lower.slice(seg.start, d.index);
  const verbs = [...before.matchAll(/\b(?:post|send|message|notify|ping|write|share|tell|alert|remind|e-?mail|log|record)\b/g)];
  return verbs.length ? seg.start + verbs[verbs.length - 1].index! : d.index;
}

function actionConfig(d: Detection, seg: Segment, ctx: Ctx): Record<string, unknown> {
  const { p, req } = ctx;
  const text = p.lower.slice(seg.start, seg.end);
  switch (d.type) {
    case 'MovePageAction': {
      const parentPage = pageFor(seg, ctx, /^(?:under|beneath|below|into|to|inside|in|as a child of|child of)$/);
      if (parentPage) return { pageDestination: { parentPage } };
      const space = spaceFor(seg, ctx, true);
      return space ? { pageDestination: { space } } : {};
    }
    case 'CopyPageAction': {
      const parentPage = pageFor(seg, ctx, /^(?:under|beneath|below|into|to|inside|in|as a child of|child of)$/);
      const space = spaceFor(seg, ctx, true);
      const title = statedCopyTitle(p, text) ?? copyTitleFromPage(text);
      // "copy Templates into it": the named page is the source, not the page the rule runs on.
      const sourcePage = pageFor(seg, ctx, /^copy$/);
      return {
        ...(sourcePage ? { sourcePage } : {}),
        destination: { ...(space && !(parentPage && 'spaceKey' in parentPage) ? { space } : {}), ...(parentPage ? { parentPage } : {}) },
        ...(title ? { title } : {}),
      };
    }
    case 'PublishPageAction':
    case 'PublishBlogPostAction': {
      const space = spaceFor(seg, ctx) ?? contextSpace(ctx);
      const title = titleFor(d, seg, ctx, d.type === 'PublishPageAction' ? 'page' : 'blog');
      const template = /\b(?:from|using|with|based\s+on)\s+(?:the\s+|a\s+|our\s+)?(«q\d+»|[\w -]+?)\s+template\b/.exec(text);
      const parentPage = d.type === 'PublishPageAction' ? pageFor(seg, ctx, /^(?:under|beneath|below|as a child of|child of|inside)$/) : undefined;
      const templateName = template ? (template[1].startsWith('«') ? unmask(p, template[1]) : capitalize(template[1].trim())) : undefined;
      return {
        ...(space ? { space } : {}),
        ...(parentPage ? { parentPage } : {}),
        title,
        ...(templateName ? { template: templateName } : {}),
      };
    }
    case 'AddLabelAction':
    case 'RemoveLabelAction': {
      // Labels after the verb are the step's own; the words before it may be the pages' filter
      // ("pages labelled triage … add the label triage-expired"). Only a label named before the
      // verb and none after it ("The approved label: strip it off …") is read from the whole step.
      const own = findLabels(p, d.index, seg.end);
      return { labels: own.length > 0 ? own : findLabels(p, seg.start, seg.end) };
    }
    case 'AddCommentAction':
      // "comment on it with the new parent page's title": what the comment carries, as smart values.
      return { comment: textIn(seg, ctx, /\bcomment|\breply/, d.index) ?? withIncluded('', p.lower.slice(seg.start, seg.end)).trim() };
    case 'ChangePageOwnerAction': {
      const after = /\b(?:to|make)\s+/.exec(text);
      const from = after ? seg.start + after.index : seg.start;
      const user = findUsers(p, from, seg.end)[0]?.value;
      if (user) return { newOwner: user };
      const role = roleSmartValue(p.lower.slice(from, seg.end).replace(/\bowner(?:ship)?\b/g, ''));
      return role ? { newOwner: { smartValue: role } } : {};
    }
    case 'ChangePageStatusAction': {
      const after = p.lower.slice(d.index, seg.end);
      const quoted = /\b(?:to|as)\s+«q(\d+)»/.exec(after);
      // "set status Verified": the status right after the word, with or without "to".
      const known = new RegExp(`\\b(?:to|as|status)\\s+(${STATUS_WORDS})\\b`).exec(after);
      // An unlisted status is written capitalised to the end of its clause: "should be Rough draft".
      const named = /\b(?:to|as|be|become)\s+(\p{Lu}[\p{L}\d-]*(?:\s+[\p{L}\d-]+){0,2}?)\s*(?=$|[,;.!?]|\s+(?:and|then|when|if|once|after)\b)/u.exec(p.masked.slice(d.index, seg.end));
      // "put it in Rough draft status": the status named before the word "status".
      const before = /\b(?:in|into|to)\s+(?:the\s+)?(«q\d+»|\p{Lu}[\p{L}\d-]*(?:\s+[\p{L}\d-]+){0,2}?)\s+status\b/u.exec(p.masked.slice(d.index, seg.end));
      const value = quoted ? p.quotes[Number(quoted[1])] : (known?.[1] ?? quoteIn(p, d.index, seg.end) ?? named?.[1] ?? (before ? (quoteOf(p, before[1]) ?? before[1]) : undefined));
      return value ? { status: statusName(value) } : {};
    }
    case 'SendEmailAction': {
      // "… and cc Dalia Haddad": the people after "cc" are copied, not addressed.
      const ccAt = /\b(?:cc|cc'ing|copy\s+in|copying\s+in)\s+/.exec(text);
      const ccStart = ccAt ? seg.start + ccAt.index : seg.end;
      const to = recipients({ start: seg.start, end: ccStart }, ctx);
      const cc = ccAt ? recipients({ start: ccStart, end: seg.end }, ctx) : [];
      const quotedSubject = /\bsubject\b/.test(text) ? quoteIn(p, seg.start + text.search(/\bsubject\b/), seg.end) : null;
      const subjectQuote = quotedSubject ?? unquotedSubject(p, seg, clauseAt(p, d.index));
      const body = textIn(seg, ctx, undefined, messageStart(d, seg, ctx));
      return {
        to,
        ...(cc.length ? { cc } : {}),
        subject: subjectQuote ?? defaultSubject(ctx),
        body: withIncluded(body && body !== subjectQuote ? body : defaultBody(ctx), p.lower.slice(seg.start, seg.end)),
      };
    }
    case 'SendSlackMessageAction': {
      const channel = /#[\w-]+/.exec(p.masked.slice(seg.start, Math.max(seg.end, p.clauses[clauseAt(p, d.index)].end)))?.[0] ??
        /\b(?:the\s+)?([\w-]+)\s+(?:slack\s+)?channel\b/.exec(p.lower.slice(seg.start, seg.end))?.[1];
      const message = textIn(seg, ctx, undefined, messageStart(d, seg, ctx)) ?? withIncluded(chatFallback(ctx), p.lower.slice(seg.start, seg.end));
      return { webhookUrl: '', ...(channel && !/^(?:a|the|slack|our)$/.test(channel) ? { channel: channel.startsWith('#') ? channel : `#${channel}` } : {}), message };
    }
    case 'SendTeamsMessageAction': {
      const stated = textIn(seg, ctx, undefined, messageStart(d, seg, ctx));
      // "post to Teams with the title Page moved, and put the new parent page's title in the message body".
      // "… titled 'New from People'": the title, so not the message too.
      const statedTitle = /\b(?:with\s+(?:the\s+|a\s+)?(?:title|heading)(?:\s+of)?|(?:en)?titled|headed|headlined)\s+/.exec(p.lower.slice(seg.start, seg.end));
      const title = statedTitle ? (quoteIn(p, seg.start + statedTitle.index, seg.end) ?? valueAfter(p, seg.start + statedTitle.index + statedTitle[0].length, 6)) : null;
      // "titled 'Archived' saying '…'": the words after "saying" are the message.
      const said = stated === title ? textIn(seg, ctx, /\b(?:saying|that\s+says|reading|with\s+the\s+(?:text|message))\b/) : undefined;
      const message = stated && stated !== title ? stated : said && said !== title ? said : withIncluded(chatFallback(ctx), p.lower.slice(seg.start, seg.end));
      return { webhookUrl: '', title: title ?? defaultSubject(ctx), message };
    }
    case 'LogAction': {
      // "write heartbeat to the audit log": the words between the verb and the log are the entry.
      const entry = /\b(?:write|log|record|add|put)\s+(?!(?:a|an|it|this|that|something|the\s+(?:page|title|event|result|change|name))\b)((?:(?!\b(?:to|in|into|on)\b)[^,;.!?«»])+?)\s+(?:to|in|into|on)\s+(?:the\s+|a\s+)?(?:audit\s+|rule\s+)?log\b/.exec(p.masked.slice(seg.start, seg.end));
      // "…, log review": a bare entry to the end of the step.
      const bare = /(?:^|[,;:]\s*|\b(?:then|and)\s+)log\s+(?!(?:a|an|it|this|that|the|something|each|every|which|how|what)\b)([^,;.!?«»]+?)\s*$/.exec(p.masked.slice(seg.start, seg.end).trim());
      // "write a heartbeat message to the log": the word before message/entry is what it says.
      const kind = /\b(?:write|log|record|add|put|post)\s+(?:a|an)\s+((?:(?!\b(?:to|in|into|on)\b)[^,;.!?«»\s]+\s+){1,3}?)(?:message|entry|note|line|record)\s+(?:to|in|into|on)\s+(?:the\s+|a\s+)?(?:audit\s+|rule\s+)?log\b/.exec(p.masked.slice(seg.start, seg.end));
      return { message: textIn(seg, ctx, undefined, messageStart(d, seg, ctx)) ?? entry?.[1].trim() ?? kind?.[1].trim() ?? bare?.[1] ?? withIncluded(ctx.hasPageContext || req.components.includes('ForEachPageBranch') ? `Rule ran for ${itemTitle(ctx)}` : 'Rule ran at {{now}}', p.lower.slice(seg.start, seg.end)) };
    }
    case 'CreateVariableAction': {
      const name = /\bvariable\s+(?:called|named)\s+(«q\d+»|[A-Za-z]\w*)/.exec(p.masked.slice(seg.start, seg.end));
      const smart = /\{\{[^{}]+\}\}/.exec(p.masked.slice(seg.start, seg.end))?.[0];
      // "store its title in a variable": the page field the request names.
      const field = /\b(?:store|save|keep|put|hold|set|copy)\s+(?:its|the(?:\s+page'?s?)?|the\s+page)\s+(title|url|link)\b/.exec(text)?.[1];
      const stated = field ? (field === 'title' ? itemTitle(ctx) : '{{page.url}}') : undefined;
      const value = stated ?? smart ?? textIn(seg, ctx) ?? '';
      return { name: name ? unmask(p, name[1]).replace(/\W/g, '') : '', value };
    }
    default:
      // Archive, delete, restrict, grant: no config (or manual).
      return {};
  }
}

const MESSAGE_STEPS = new Set(['SendEmailAction', 'SendSlackMessageAction', 'SendTeamsMessageAction']);

/**
 * "email the space owner a list of pages not updated in 180 days": a message can't gather pages
 * by itself, so the list is not in the draft. Said to the reviewer, never dropped silently.
 */
function uncollectedLists(a: OfflineAnalysis, actions: Detection[]): Problem[] {
  const out: Problem[] = [];
  for (const d of actions) {
    if (!MESSAGE_STEPS.has(d.type)) continue;
    const clause = a.prepared.clauses[d.clause];
    const m = /\b(?:a|the|an)?\s*(?:list|digest|summary|report|overview|roundup|count|number)\s+of\s+(?:all\s+)?(?:the\s+)?(?:[\w-]+\s+){0,2}?(?:pages|blog\s*posts|posts|documents|docs|tasks)\b(?:\s+(?!(?:to|on|via|through|in\s+(?:slack|teams)|every|each|at)\b)[^\s,;.]+)*/.exec(a.prepared.lower.slice(clause.start, clause.end));
    if (!m) continue;
    const said = unmask(a.prepared, a.prepared.masked.slice(clause.start + m.index, clause.start + m.index + m[0].length)).trim();
    out.push({
      kind: 'not_included',
      message: `Not included in the draft: "${said}". A message step can't collect pages by itself, so the drafted message does not list them; a reviewer adds the list (for example with a branch over those pages) or accepts the shorter message.`,
      component: d.type,
    });
  }
  return out;
}

/** "not viewed in a year": page branches pick by last update or creation, never by views; the reviewer is told. */
function unexpressibleAge(a: OfflineAnalysis, branch: Detection | undefined): Problem[] {
  const m = /\b(?:not|n't|never)\s+(?:been\s+)?(?:viewed|looked\s+at|read|visited|opened|seen)\b[^,;.]*/.exec(a.prepared.lower);
  if (!m) return [];
  const said = unmask(a.prepared, a.prepared.masked.slice(m.index, m.index + m[0].length)).trim();
  return [
    {
      kind: 'not_included',
      message: `Not included in the draft: "${said}". Automation can pick pages by when they were last updated or created, not by views${branch ? '; the draft uses "last updated", so check that is what you want' : ''}.`,
      ...(branch ? { component: branch.type } : {}),
    },
  ];
}

