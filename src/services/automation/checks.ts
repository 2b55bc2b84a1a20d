import { catalogEntry } from './catalog.js';
import type { Problem } from './problems.js';
import { normalizePrompt } from './text.js';
import { unsupportedMessage, unsupportedThing } from './unsupported.js';

/**
 * Step 2: checks on the two selection lists, the same for every generator (fact sheet §6).
 * Turns names into user-facing problems, removes what can't be generated, and lists what a
 * person must configure. Also decides the safety rules (see detectSafetyConcerns).
 */

export const MESSAGES = {
  no_trigger: 'Say when it should run: an event (for example "when a page is published") or a schedule (for example "every Monday at 9").',
  excluded_component: "Outgoing web requests can't be generated; build that step yourself in the rule editor.",
  manual: 'Needs manual configuration: a reviewer fills this step in.',
} as const;

export interface SelectionLists {
  triggers: string[];
  components: string[];
}

export type SafetyConcern = 'mass_deletion' | 'open_permissions' | 'offsite_content';

export interface SafetyFinding {
  concern: SafetyConcern;
  /** Component types forced to manual configuration because of it. */
  forceManual: string[];
  reason: string;
}

export interface CheckedSelection {
  /** The single usable trigger, or null (none, several, or only unsupported ones). */
  trigger: string | null;
  /** Catalog triggers the request named (for the multiple_triggers message). */
  triggers: string[];
  /** Catalog non-trigger components to generate, without excluded ones, in order, unique. */
  components: string[];
  /** Types that must stay unconfigured, with why. */
  manual: Map<string, string>;
  problems: Problem[];
  /** True when the request can't be drafted at all (something outside the catalog). */
  blocked: boolean;
  safety: SafetyFinding[];
}

const unique = (xs: string[]) => [...new Set(xs)];

const uiNames = (types: string[]) => types.map((t) => `"${catalogEntry(t)?.uiName ?? t}"`).join(', ');

/** Where an agent goes when its request could not be drafted as worded (the tool answer ends with it, once). */
export const WRITE_IT_YOURSELF =
  'You can write the rule yourself: call get_automation_catalog (with `types` for the schemas you need), then call ' +
  'draft_automation_rule again with `rule`, e.g. {"title": "Tag published pages", "trigger": {"type": "PagePublishedTrigger", ' +
  '"config": {}}, "components": [{"type": "AddLabelAction", "config": {"labels": ["published"]}}]}.';

function multipleTriggersMessage(types: string[]): string {
  return `A rule has exactly one trigger, and this request names ${types.length} events: ${uiNames(types)}. Ask for one rule per event (split the request in two), or write the one rule you mean with the \`rule\` argument.`;
}

function noTriggerMessage(components: string[]): string {
  const actions = components.filter((c) => catalogEntry(c)?.kind === 'action');
  const found = actions.length ? `I found what to do (${uiNames(actions)}) but not when. ` : '';
  return `${found}${MESSAGES.no_trigger}`;
}

export function checkSelection(lists: SelectionLists, prompt: string): CheckedSelection {
  const problems: Problem[] = [];
  const manual = new Map<string, string>();
  const triggers: string[] = [];
  const components: string[] = [];
  let blocked = false;
  let unsupportedTrigger = false;
  const unsupportedSteps: string[] = [];

  const classify = (name: string, listedAs: 'trigger' | 'component') => {
    const entry = catalogEntry(name);
    if (!entry) {
      // A known unsupported step is held back until we know whether the rest can stand alone.
      if (listedAs === 'component' && unsupportedThing(name)?.separable) {
        if (!unsupportedSteps.includes(name)) unsupportedSteps.push(name);
        return;
      }
      blocked = true;
      if (listedAs === 'trigger' || unsupportedThing(name)?.kind === 'trigger') unsupportedTrigger = true;
      if (!problems.some((p) => p.kind === 'unsupported' && p.component === name)) {
        problems.push({ kind: 'unsupported', message: unsupportedMessage(name), component: name });
      }
      return;
    }
    // Lenient on which list a catalog name arrived in.
    if (entry.kind === 'trigger') triggers.push(name);
    else if (entry.governance === 'excluded') {
      if (!problems.some((p) => p.kind === 'excluded_component' && p.component === name)) {
        problems.push({ kind: 'excluded_component', message: MESSAGES.excluded_component, component: name });
      }
    } else {
      components.push(name);
      if (entry.governance === 'manual-config-required') manual.set(name, MESSAGES.manual);
    }
  };
  for (const t of lists.triggers) classify(t, 'trigger');
  for (const c of lists.components) classify(c, 'component');

  // Partial intent: with a supported action to draft, an unsupported step is left out and named
  // for the reviewer ("I could not include …"); alone, it makes the request unsupported.
  const partial = !blocked && components.some((c) => catalogEntry(c)?.kind === 'action');
  for (const name of unsupportedSteps) {
    if (partial) problems.push({ kind: 'not_included', message: `Not included in the draft: ${unsupportedMessage(name)} The rest of the request was drafted.`, component: name });
    else {
      blocked = true;
      problems.push({ kind: 'unsupported', message: unsupportedMessage(name), component: name });
    }
  }

  // Seed design rule S1: a rule has exactly one trigger. A request with none or several can't be
  // drafted as asked (a triggerless draft can't be approved into a working rule), so it is blocked
  // with what was found and the two ways on: one rule per event, or the agent writes the rule.
  const uniqueTriggers = unique(triggers);
  let trigger: string | null = null;
  if (uniqueTriggers.length === 1) trigger = uniqueTriggers[0];
  else if (uniqueTriggers.length > 1) {
    blocked = true;
    problems.push({ kind: 'multiple_triggers', message: multipleTriggersMessage(uniqueTriggers) });
  } else if (!unsupportedTrigger) {
    blocked = true;
    problems.push({ kind: 'no_trigger', message: noTriggerMessage(unique(components)) });
  }

  const safety = detectSafetyConcerns(prompt);
  for (const finding of safety) {
    for (const type of finding.forceManual) {
      if (components.includes(type)) manual.set(type, `${MESSAGES.manual} ${finding.reason}`);
    }
  }
  return { trigger, triggers: uniqueTriggers, components: unique(components), manual, problems, blocked, safety };
}

/**
 * Safety rules (issue: mass deletion, grants to everyone, content sent off-site). Decision:
 *  - Off-site through HTTP (web requests, webhooks, third-party services) is REFUSED: that
 *    needs SendWebRequestAction, which is excluded, so the step never reaches generation.
 *  - Mass deletion is FORCED MANUAL: DeletePageAction is manual already, so a person confirms
 *    every delete; the branch that picks the pages is emptied too unless it narrows them by what
 *    the request said (age, labels, title, parent, author: see pipeline.ts), so a person either
 *    checks the stated pages or chooses them.
 *  - Grants or un-restricting for everyone / anonymous / public are FORCED MANUAL: the grant
 *    and restrict actions are manual already, and the reason is recorded for the reviewer.
 *  - Email to outside addresses (customers, personal mail, "external") is FORCED MANUAL:
 *    SendEmailAction keeps an empty config so a person picks the recipients.
 * Every draft is still DISABLED and reviewed; these make the risky part impossible to
 * approve without a person writing it.
 */
export function detectSafetyConcerns(prompt: string): SafetyFinding[] {
  const normalized = normalizePrompt(prompt);
  const text = normalized.toLowerCase();
  const findings: SafetyFinding[] = [];
  const massDelete =
    /\b(?:delete|trash|purge|wipe|erase|clear\s+out|clean\s+out|get\s+rid\s+of|bin|destroy|remove(?!\s+(?:the\s+|a\s+|any\s+|all\s+)?(?:[\w«»"'-]+\s+)?(?:labels?|tags?|restrictions?|permissions?|comments?|users?|access)))\b(?:(?!\b(?:labels?|tags?|restrictions?|permissions?)\b)[^.;]){0,40}?\b(?:all|every|each|any|entire|whole|everything|older|old|stale|unused|inactive|outdated)\b[^.;]{0,40}?\b(?:pages?|content|docs?|documents?|blog\s*posts?|space|drafts?)\b/.test(text) ||
    /\b(?:delete|trash|remove|purge|wipe|erase|destroy)\s+(?:the\s+)?(?:whole|entire)\s+space\b/.test(text) ||
    /\b(?:mass|bulk)[- ](?:delet|remov|purg)/.test(text) ||
    /\b(?:delete|trash|purge|wipe|erase)\s+(?:all\s+)?(?:the\s+)?pages\b/.test(text) ||
    /\bwipe\b/.test(text);
  if (massDelete) {
    findings.push({
      concern: 'mass_deletion',
      // The branch that picks the pages is judged after generation (pipeline.ts): left for the
      // reviewer unless it narrows the pages by what the request said.
      forceManual: ['DeletePageAction'],
      reason: 'Safety: this deletes pages in bulk, so which pages and whether to delete them is left to the reviewer.',
    });
  }
  const everyone =
    /\b(?:everyone|everybody|anyone|anybody|anonymous(?:\s+users)?|all\s+users|all\s+logged[- ]in\s+users|the\s+public|public(?:ly)?|guests?|unlicensed\s+users|external\s+users|the\s+whole\s+(?:company|site|internet|world)|confluence-users|all\s+employees|all\s+staff)\b/;
  const grantish = /\b(?:grant|give|permissions?|access|admin|unrestrict|remove\s+(?:all\s+)?restrictions|open\s+(?:it\s+|the\s+page\s+)?(?:up\s+)?to|make\s+(?:it|the\s+page|them)\s+(?:public|visible)|visible\s+to|editable\s+by|can\s+(?:edit|view|see))\b/;
  const sentences = text.split(/[.;!?]/);
  if (sentences.some((s) => everyone.test(s) && grantish.test(s))) {
    findings.push({
      concern: 'open_permissions',
      forceManual: ['GrantSpacePermissionAction', 'RestrictPageAction'],
      reason: 'Safety: the request opens access to everyone or anonymous users; a reviewer must choose exact users or groups.',
    });
  }
  const emailish = /\be-?mail|\bmail\b|\bsend\b|\bforward\b|\bnotify\b/;
  // Whole words only: "customer-success" or "sales-and-partnerships" name groups, not outsiders.
  const outside =
    /(?<![\w-])(?:external|outside\s+(?:the\s+)?(?:company|organi[sz]ation|org|confluence|site)|customers?|clients?|partners?|vendors?|suppliers?|personal\s+(?:e-?mail|address|account)|my\s+(?:gmail|personal)|non-employees?)(?![\w-])|@(?:gmail|googlemail|yahoo|hotmail|outlook|live|icloud|me|aol|proton(?:mail)?|gmx|mail)\.(?:com|net|me|de|co\.uk)\b/;
  // A capitalised word inside a sentence names a page, space or team ("move it under Customer
  // escalations", "the Sales & Partnerships space"), not the people an email goes to.
  const namesBlanked = normalized
    .replace(/(?<=[\p{L}\d,&)'"»]\s+)\p{Lu}[\p{L}\d'-]*/gu, 'X')
    .toLowerCase()
    .split(/[.;!?]/);
  if (sentences.some((s, i) => emailish.test(s) && outside.test(namesBlanked[i] ?? s))) {
    findings.push({
      concern: 'offsite_content',
      forceManual: ['SendEmailAction'],
      reason: 'Safety: this sends content to people outside the site; a reviewer must choose the recipients.',
    });
  }
  return findings;
}
