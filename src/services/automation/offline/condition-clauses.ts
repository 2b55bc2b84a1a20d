import { PAGE_CONTEXT_TRIGGERS } from '../catalog.js';
import { findLabels, valueAfter, type PageMention, type SpaceMention } from '../entities.js';
import { clauseAt, quoteIn, unmask, type PreparedPrompt } from '../text.js';
import type { AnalysisContext, Detection } from './detection.js';
import type { BranchPlan } from './branches.js';
import { findAge, findFilterLabels, findTitleFilters, operatorFor } from './page-filters.js';
import { findUserCondition } from './user-conditions.js';

/**
 * Turns filters in the wording into condition steps: title, parent page, space, content type,
 * comment text, smart-value comparisons, CQL for labels / age / body text, and who did it. Only
 * filters on the triggering page become conditions; a destination of a move or copy, or a set a
 * page branch already iterates, does not. Hands on the conditions for the if/else pass to anchor.
 */

const DESTINATION_ACTIONS = new Set(['MovePageAction', 'CopyPageAction', 'PublishPageAction']);

interface ConditionInputs {
  triggers: Detection[];
  actions: Detection[];
  spaces: SpaceMention[];
  pages: PageMention[];
  branch: BranchPlan | null;
  hasPageContext: boolean;
  /** The first trigger the catalog knows (or the schedule): its type decides which filters apply. */
  catalogTrigger: Detection | undefined;
  isBlogTrigger: boolean;
}

/** Conditions in the order they are read; none when a page branch took the filters as its criteria. */
export function findConditions(prepared: PreparedPrompt, context: AnalysisContext, inputs: ConditionInputs): Detection[] {
  const { triggers, actions, spaces, pages, branch, hasPageContext, catalogTrigger, isBlogTrigger } = inputs;
  // A schedule has no page in context, so its clause says nothing about a trigger page.
  const triggerClauses = new Set(triggers.filter((t) => t.type !== 'ScheduledTrigger').map((t) => t.clause));
  const triggerSpans = triggers.filter((t) => t.type !== 'ScheduledTrigger').map((t) => [t.index, t.end] as [number, number]);
  const actionClauses = new Set(actions.map((a) => a.clause));
  const conditionDetections: Detection[] = [];
  const inTriggerClause = (index: number) => triggerClauses.has(clauseAt(prepared, index));

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
      if (!hasPageContext || !inTriggerClause(m.index!) || /^(?:a|an|the|any|each|every|whatever|whichever|new|this|that|its|their|same|parent|child|my|our|your|some|one|current|triggering|original|whole|entire|relevant|whole)(?:\s|$)/i.test(value) || /\b(?:of|to|for|with|in|on|from|status|title|owner)\b/i.test(value)) continue;
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
  return conditionDetections;
}
