import { findUsers, roleSmartValue, type PageMention, type SpaceMention, type UserValue } from '../entities.js';
import type { ScheduleMatch } from '../schedule.js';
import { clauseAt, COUNT, parseCount, quoteIn, unitToDays, type PreparedPrompt } from '../text.js';
import { namedCopySource } from './action-patterns.js';
import type { AnalysisContext, Detection } from './detection.js';
import { findAge, findFilterLabels, findTitleFilters } from './page-filters.js';

/**
 * Decides whether the rule repeats its steps over a set (tasks, smart-value lists, CQL results,
 * pages) and with which criteria. It runs before the conditions, because a page branch takes the
 * filters ("older than 90 days", "labelled x") as its own criteria and the conditions pass then
 * leaves them alone.
 */

export interface BranchPlan {
  type: string;
  index: number;
  config: Record<string, unknown>;
}

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

interface BranchInputs {
  triggers: Detection[];
  schedule: ScheduleMatch | null;
  actions: Detection[];
  spaces: SpaceMention[];
  pages: PageMention[];
  hasPageContext: boolean;
}

export function planBranch(p: PreparedPrompt, context: AnalysisContext, inputs: BranchInputs): BranchPlan | null {
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

  // A copy of one named page ("copy Templates into it") reaches that page, not each page of a set.
  const pageActions = actions.filter((a) => PAGE_ACTIONS.has(a.type) && !(a.type === 'CopyPageAction' && namedCopySource(p, a.index)));
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
