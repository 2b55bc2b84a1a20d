import type { ManualConfigEntry, MissingInput } from './problems.js';
import type { Schedule } from './refs.js';
import { refKindOf } from './refs.js';
import type { UnresolvedRef } from './resolution.js';
import { ifElseConfig, IF_ELSE, type RuleComponent, type SimplifiedRule } from './rule-schema.js';

/**
 * Step 5: a readable preview for the reviewer: numbered steps, with unresolved references,
 * manual-config steps and missing inputs marked on the step they belong to.
 */

export interface PreviewState {
  manualConfig: ManualConfigEntry[];
  unresolved: UnresolvedRef[];
  missingInputs: MissingInput[];
}

const q = (s: unknown) => `"${String(s)}"`;

function refText(value: unknown): string {
  if (value === undefined || value === null) return '(not set)';
  const kind = refKindOf(value);
  const v = value as Record<string, string>;
  switch (kind) {
    case 'smart':
      return v.smartValue;
    case 'page':
      return `${q(v.pageTitle)}${v.spaceKey ? ` in ${v.spaceKey}` : v.spaceName ? ` in ${q(v.spaceName)}` : ''}`;
    case 'space':
      return v.spaceKey ? `space ${v.spaceKey}` : `space ${q(v.spaceName)}`;
    case 'user':
      return v.displayName ?? v.email;
    case 'group':
      return `group ${q(v.groupName)}`;
    default:
      return JSON.stringify(value);
  }
}

const list = (values: unknown, map: (v: unknown) => string = refText) => (Array.isArray(values) && values.length ? values.map(map).join(', ') : '(none)');
const labelsText = (labels: unknown) => list(labels, (l) => q(l));

const DAY_NAMES: Record<string, string> = { MON: 'Monday', TUE: 'Tuesday', WED: 'Wednesday', THU: 'Thursday', FRI: 'Friday', SAT: 'Saturday', SUN: 'Sunday' };

export function describeSchedule(s: Partial<Schedule> | undefined): string {
  if (!s || !s.frequency) return 'On a schedule (to be set)';
  const at = s.time ? ` at ${s.time}` : '';
  const tz = s.timeZone ? ` (${s.timeZone})` : '';
  const every = s.every && s.every > 1 ? s.every : 1;
  switch (s.frequency) {
    case 'HOURLY':
      return `Every ${every > 1 ? `${every} hours` : 'hour'}${tz}`;
    case 'DAILY':
      return `Every ${every > 1 ? `${every} days` : 'day'}${at}${tz}`;
    case 'WEEKLY': {
      const days = s.daysOfWeek ?? [];
      const weekdays = days.length === 5 && ['MON', 'TUE', 'WED', 'THU', 'FRI'].every((d) => days.includes(d as never));
      const dayText = weekdays ? 'weekday' : days.map((d) => DAY_NAMES[d]).join(', ');
      if (every > 1) return `Every ${every} weeks${dayText ? ` on ${dayText}` : ''}${at}${tz}`;
      return `Every ${dayText || 'week'}${at}${tz}`;
    }
    case 'MONTHLY': {
      const day = s.dayOfMonth === 'LAST' ? 'the last day' : s.dayOfMonth ? `day ${s.dayOfMonth}` : undefined;
      return `${day ? `On ${day} of every` : 'Every'} ${every > 1 ? `${every} months` : 'month'}${at}${tz}`;
    }
    case 'CRON':
      return `On the cron schedule ${s.cron ?? '(to be set)'}${tz}`;
  }
}

const OPS: Record<string, string> = {
  EQUALS: 'equals',
  NOT_EQUALS: 'does not equal',
  CONTAINS: 'contains',
  NOT_CONTAINS: 'does not contain',
  STARTS_WITH: 'starts with',
  ENDS_WITH: 'ends with',
  REGEX_MATCHES: 'matches',
  REGEX_NOT_MATCHES: 'does not match',
  GREATER_THAN: 'is greater than',
  LESS_THAN: 'is less than',
  IS_EMPTY: 'is empty',
  IS_NOT_EMPTY: 'is not empty',
};

export function describeTrigger(trigger: SimplifiedRule['trigger']): string {
  if (!trigger) return '⚠ No trigger yet: choose when this rule should run (an event or a schedule)';
  const c = trigger.config as Record<string, unknown>;
  switch (trigger.type) {
    case 'PagePublishedTrigger':
      return 'When a page is published';
    case 'BlogPublishedTrigger':
      return 'When a blog post is published';
    case 'PageEditedTrigger':
      return 'When a page is edited';
    case 'BlogEditedTrigger':
      return 'When a blog post is edited';
    case 'PageCommentedTrigger':
      return 'When someone comments on a page';
    case 'BlogCommentedTrigger':
      return 'When someone comments on a blog post';
    case 'LabelAddedTrigger':
      return Array.isArray(c.labels) && c.labels.length
        ? `When a page or blog post gets the label ${(c.labels as string[]).map(q).join(' or ')}`
        : 'When a label is added to a page or blog post';
    case 'PageArchivedTrigger':
      return 'When a page is archived';
    case 'PageCopiedTrigger':
      return 'When a copy of a page is published';
    case 'PageDeletedTrigger':
      return 'When a page is moved to the trash';
    case 'PageMovedTrigger':
      return 'When a page is moved';
    case 'PageStatusChangedTrigger':
      return c.toStatus ? `When a page's status changes to ${q(c.toStatus)}` : "When a page's status changes";
    case 'SpaceCreatedTrigger':
      return 'When a space is created';
    case 'UserMentionedTrigger':
      return Array.isArray(c.users) && c.users.length ? `When ${list(c.users)} is mentioned` : 'When someone is mentioned';
    case 'ScheduledTrigger':
      return describeSchedule(c.schedule as Schedule | undefined);
    case 'ManualTrigger':
      return c.buttonLabel ? `When someone clicks the ${q(c.buttonLabel)} button on a page` : "When someone clicks the rule's smart button on a page";
    case 'IncomingWebhookTrigger':
      return "When the rule's incoming webhook is called";
    case 'GuardAlertTrigger':
      return 'When Atlassian Guard raises a security alert';
    default:
      return `When ${trigger.type}`;
  }
}

export function describeComponent(node: RuleComponent): string {
  const c = node.config as Record<string, any>;
  switch (node.type) {
    case 'CompareCondition':
      return `If ${c.valueToCompare ?? '(value)'} ${OPS[c.comparisonOperator] ?? c.comparisonOperator}${c.valueToCompareAgainst !== undefined ? ` ${q(c.valueToCompareAgainst)}` : ''}`;
    case 'CqlCondition':
      return `If the item matches CQL: ${c.cql ?? '(to be set)'}`;
    case 'UserCondition':
      return `If the person who triggered it is ${[...(c.users ?? []), ...(c.groups ?? [])].map(refText).join(' or ') || '(to be set)'}`;
    case 'AddCommentAction':
      return `Add a comment: ${c.comment ? q(c.comment) : '(text to be written)'}`;
    case 'PublishPageAction':
      return `Publish a new page ${c.title ? q(c.title) : '(title to be set)'} in ${refText(c.space)}${c.parentPage ? ` under ${refText(c.parentPage)}` : ''}${c.template ? ` from the template ${q(c.template)}` : ''}`;
    case 'PublishBlogPostAction':
      return `Publish a new blog post ${c.title ? q(c.title) : '(title to be set)'} in ${refText(c.space)}`;
    case 'CopyPageAction': {
      const d = c.destination ?? {};
      const target = [d.parentPage ? `under ${refText(d.parentPage)}` : '', d.space ? `in ${refText(d.space)}` : ''].filter(Boolean).join(' ') || '(destination to be set)';
      return `Copy ${c.sourcePage ? refText(c.sourcePage) : 'the page'} ${target}${c.title ? ` as ${q(c.title)}` : ''}`;
    }
    case 'MovePageAction': {
      const d = c.pageDestination ?? {};
      return d.parentPage ? `Move the page under ${refText(d.parentPage)}` : d.space ? `Move the page to the top of ${refText(d.space)}` : 'Move the page (destination to be set)';
    }
    case 'ArchivePageAction':
      return 'Archive the page';
    case 'DeletePageAction':
      return 'Delete the page (move it to the trash)';
    case 'AddLabelAction':
      return `Add the label ${labelsText(c.labels)}`;
    case 'RemoveLabelAction':
      return `Remove the label ${labelsText(c.labels)}`;
    case 'ChangePageOwnerAction':
      return `Make ${refText(c.newOwner)} the page owner`;
    case 'ChangePageStatusAction':
      return `Set the page status to ${c.status ? q(c.status) : '(status to be set)'}`;
    case 'RestrictPageAction':
      return 'Restrict the page';
    case 'GrantSpacePermissionAction':
      return 'Grant space permissions';
    case 'SendEmailAction':
      return `Send an email to ${list(c.to)}${c.subject ? `: ${q(c.subject)}` : ''}`;
    case 'SendSlackMessageAction':
      return `Post to Slack${c.channel ? ` ${c.channel}` : ''}: ${c.message ? q(c.message) : '(message to be written)'}`;
    case 'SendTeamsMessageAction':
      return `Post to Microsoft Teams: ${c.message ? q(c.message) : '(message to be written)'}`;
    case 'SendWebRequestAction':
      return 'Send a web request';
    case 'LogAction':
      return `Write to the audit log: ${c.message ? q(c.message) : '(message to be written)'}`;
    case 'CreateVariableAction':
      return `Store {{${c.name ?? 'name'}}} = ${c.value ? q(c.value) : '(value)'}`;
    case 'ForEachPageBranch':
      return `For each page${criteriaText(c.criteria ?? {})}:`;
    case 'ForEachTaskBranch': {
      const k = c.criteria ?? {};
      const bits = [k.status === 'INCOMPLETE' ? 'incomplete' : k.status === 'COMPLETE' ? 'completed' : '', k.overdue ? 'overdue' : ''].filter(Boolean).join(', ');
      const due = k.dueWithinDays !== undefined ? ` due within ${k.dueWithinDays} days` : '';
      return `For each ${bits ? `${bits} ` : ''}task${due}${k.assignee ? ` assigned to ${refText(k.assignee)}` : ''}:`;
    }
    case 'ForEachCqlBranch':
      return `For each result of CQL ${c.cql ? q(c.cql) : '(query to be set)'}:`;
    case 'ForEachSmartValueBranch':
      return `For each ${c.variableName ?? 'item'} in ${c.smartValue ?? '(list)'}:`;
    default:
      return node.type;
  }
}

function criteriaText(k: Record<string, any>): string {
  const bits: string[] = [];
  if (Array.isArray(k.spaces) && k.spaces.length) bits.push(`in ${list(k.spaces)}`);
  if (k.parentPage) bits.push(`directly under ${refText(k.parentPage)}`);
  if (k.ancestorPage) bits.push(`anywhere under ${refText(k.ancestorPage)}`);
  if (k.author) bits.push(`created by ${refText(k.author)}`);
  if (Array.isArray(k.labels) && k.labels.length) bits.push(`labelled ${labelsText(k.labels)}`);
  if (k.titleContains) bits.push(`whose title contains ${q(k.titleContains)}`);
  if (k.lastUpdatedMoreThanDaysAgo) bits.push(`not updated in ${k.lastUpdatedMoreThanDaysAgo} days`);
  if (k.createdMoreThanDaysAgo) bits.push(`created more than ${k.createdMoreThanDaysAgo} days ago`);
  return bits.length ? ` ${bits.join(', ')}` : '';
}

function marks(path: string, state: PreviewState): string {
  const out: string[] = [];
  const manual = state.manualConfig.find((m) => m.path === path);
  if (manual) out.push(`⚠ needs manual configuration${/Safety:/.test(manual.reason) ? ` (${manual.reason.slice(manual.reason.indexOf('Safety:'))})` : ''}`);
  for (const u of state.unresolved.filter((u) => u.path.startsWith(`${path}.config`))) {
    out.push(u.reason === 'ambiguous' && u.candidates ? `(unresolved: ${u.message.replace(/; pick one in review\.$/, '')} — pick one: ${u.candidates.map((c) => c.label).join(', ')})` : `(unresolved: ${u.message})`);
  }
  const missing = state.missingInputs.filter((m) => m.path === path).map((m) => m.field);
  if (missing.length) out.push(`(to fill in: ${missing.join(', ')})`);
  return out.length ? ` ${out.join(' ')}` : '';
}

/** A step a person will configure: say what it is, not its (empty) settings. */
function manualDescription(node: RuleComponent): string {
  const names: Record<string, string> = {
    SendEmailAction: 'Send an email (recipients and text to be chosen by the reviewer)',
    ForEachPageBranch: 'For each page (which pages to be chosen by the reviewer):',
    ForEachCqlBranch: 'For each CQL result (query to be chosen by the reviewer):',
  };
  return names[node.type] ?? describeComponent(node);
}

export function renderPreview(rule: SimplifiedRule, state: PreviewState): string {
  const lines: string[] = [`Rule: ${rule.title} (draft, created disabled)`];
  lines.push(`1. ${describeTrigger(rule.trigger)}${rule.trigger ? marks('trigger', state) : ''}`);
  const emit = (nodes: RuleComponent[], basePath: string, prefix: string, start: number, indent: string) => {
    let n = start;
    nodes.forEach((node, i) => {
      const path = `${basePath}[${i}]`;
      const number = `${prefix}${n}`;
      if (node.type === IF_ELSE) {
        const cfg = ifElseConfig(node);
        lines.push(`${indent}${number}${prefix ? '' : '.'} If/else:`);
        let sub = 1;
        cfg.blocks.forEach((b, bi) => {
          lines.push(`${indent}   ${bi === 0 ? 'If' : 'Else if'} ${b.matchType === 'ANY' ? 'any' : 'all'} of:`);
          b.conditions.forEach((c, ci) => lines.push(`${indent}   ${number}.${sub++} ${describeComponent(c).replace(/^If /, '')}${marks(`${path}.config.blocks[${bi}].conditions[${ci}]`, state)}`));
          lines.push(`${indent}   then:`);
          sub = emit(b.components, `${path}.config.blocks[${bi}].components`, `${number}.`, sub, `${indent}   `);
        });
        if (cfg.else) {
          lines.push(`${indent}   Otherwise:`);
          sub = emit(cfg.else.components, `${path}.config.else.components`, `${number}.`, sub, `${indent}   `);
        }
      } else {
        const manual = state.manualConfig.some((m) => m.path === path);
        const text = manual && Object.keys(node.config).length === 0 ? manualDescription(node) : describeComponent(node);
        lines.push(`${indent}${number}${prefix ? '' : '.'} ${text}${marks(path, state)}`);
        if (node.components?.length) emit(node.components, `${path}.components`, `${number}.`, 1, `${indent}   `);
      }
      n++;
    });
    return n;
  };
  emit(rule.components, 'components', '', 2, '');
  if (rule.components.length === 0) lines.push('2. ⚠ No steps yet: say what the rule should do');
  return lines.join('\n');
}
