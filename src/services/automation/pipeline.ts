import { InvalidInputError } from '../../errors.js';
import { catalogEntry } from './catalog.js';
import { checkSelection, MESSAGES, type CheckedSelection } from './checks.js';
import { assertDisabled, toExportJson, type ExportEnvelope } from './export-mapper.js';
import { GenerationFailedError, type GeneratorKind, type RuleGenerator } from './generator.js';
import { normalizeRule } from './normalize.js';
import { createOfflineGenerator } from './offline-generator.js';
import { renderPreview } from './preview.js';
import {
  primaryErrorKind,
  type InternalNote,
  type ManualConfigEntry,
  type MissingInput,
  type Problem,
  type RequestErrorKind,
} from './problems.js';
import { constrainRuleCql } from './cql-scope.js';
import { resolveRule, type ResolvedRef, type RuleResolver, type UnresolvedRef } from './resolution.js';
import { componentTypes, parseRuleLeniently, walkComponents, type RuleComponent, type SimplifiedRule } from './rule-schema.js';
import { repairSpans } from './span-repair.js';
import { checkStructure } from './structure.js';

/**
 * The drafting pipeline behind `draft_automation_rule`: select → check → generate →
 * normalize → structure → resolve → map → preview. Pure apart from the injected resolver
 * and model; storing the draft is the caller's job (when `usable`). The same checks and
 * mapping run for all three generators:
 *  - `rule` given → agent-supplied (the calling agent wrote the simplified JSON);
 *  - a sampling RuleGenerator → the client's model;
 *  - otherwise (or if sampling fails twice) → the deterministic offline generator.
 */

export const PROMPT_MAX = 2000;

export interface DraftRuleInput {
  prompt: string;
  /** Space scope; absent = global scope. */
  spaceKey?: string;
  /** Simplified rule JSON written by the calling agent (§4). */
  rule?: unknown;
  /** Selector + generator for the model paths; 'offline' or absent = offline. Ignored when `rule` is given. */
  generator?: RuleGenerator | 'offline';
  resolver: RuleResolver;
  /** Passed to the export mapper when known. */
  cloudId?: string;
  spaceId?: string;
}

export interface DraftRuleResult {
  /** True when there is something worth queueing as a draft (a rule with at least one action, nothing unsupported). */
  usable: boolean;
  rule: SimplifiedRule | null;
  problems: Problem[];
  /** The most important request-level problem kind, for the tool answer and the evaluation. */
  errorKind: RequestErrorKind | null;
  manualConfig: ManualConfigEntry[];
  missingInputs: MissingInput[];
  unresolved: UnresolvedRef[];
  resolved: ResolvedRef[];
  generator: GeneratorKind;
  preview: string;
  exportJson: ExportEnvelope | null;
  /** Internal diagnostics (model retries, fallbacks); not user errors. */
  notes: InternalNote[];
}

export async function draftRule(input: DraftRuleInput): Promise<DraftRuleResult> {
  const prompt = typeof input.prompt === 'string' ? input.prompt.trim() : '';
  if (prompt.length < 1 || prompt.length > PROMPT_MAX) {
    throw new InvalidInputError(`prompt must be 1–${PROMPT_MAX} characters (got ${prompt.length}).`);
  }
  const spaceKey = input.spaceKey?.trim() || undefined;
  const base = { prompt, spaceKey, resolver: input.resolver, cloudId: input.cloudId, spaceId: input.spaceId };

  if (input.rule !== undefined && input.rule !== null) return draftFromAgentRule(base, input.rule);

  const generator = input.generator && input.generator !== 'offline' ? input.generator : createOfflineGenerator();
  try {
    return await draftWithGenerator(base, generator, []);
  } catch (error) {
    if (!(error instanceof GenerationFailedError) || generator.kind === 'offline') throw error;
    const notes: InternalNote[] = [...error.notes, { kind: 'fallback', message: `Sampling failed (${error.message}); used the offline generator.` }];
    return draftWithGenerator(base, createOfflineGenerator(), notes);
  }
}

interface Base {
  prompt: string;
  spaceKey?: string;
  resolver: RuleResolver;
  cloudId?: string;
  spaceId?: string;
}

async function draftWithGenerator(base: Base, generator: RuleGenerator, notes: InternalNote[]): Promise<DraftRuleResult> {
  const context = base.spaceKey ? { spaceKey: base.spaceKey } : {};
  // Two independent selection steps.
  const [triggers, components] = await Promise.all([generator.selectTriggers(base.prompt, context), generator.selectComponents(base.prompt, context)]);
  notes.push(...(generator.drainNotes?.() ?? []));
  const checked = checkSelection({ triggers, components }, base.prompt);
  if (checked.blocked) return noDraft(generator.kind, checked.problems, notes);
  if (!checked.components.some((c) => catalogEntry(c)?.kind === 'action')) {
    const problems = [...checked.problems];
    if (!problems.some((p) => p.kind === 'excluded_component')) {
      problems.push({ kind: 'invalid_structure', message: 'Say what the rule should do: it needs at least one action (for example "add a label" or "move the page").' });
    }
    return noDraft(generator.kind, problems, notes);
  }

  const generated = await generator.generate({
    prompt: base.prompt,
    spaceKey: base.spaceKey,
    trigger: checked.trigger,
    components: checked.components,
    manualConfig: [...checked.manual.keys()],
  });
  notes.push(...(generated.notes ?? []), ...(generator.drainNotes?.() ?? []));
  const parsed = parseRuleLeniently(generated.rule);
  const rule = parsed.rule;
  // The checked trigger is authoritative: a generator can't add, drop or swap it.
  if (checked.trigger === null) rule.trigger = null;
  else if (rule.trigger?.type !== checked.trigger) {
    if (rule.trigger) notes.push({ kind: 'invalid_trigger', message: `Generator wrote trigger "${rule.trigger.type}"; replaced with the selected "${checked.trigger}".` });
    rule.trigger = { type: checked.trigger, config: {} };
  }
  const allowed = new Set([...(checked.trigger ? [checked.trigger] : []), ...checked.components]);
  return finish(base, generator.kind, rule, checked, [...checked.problems, ...parsed.problems, ...(generated.problems ?? [])], notes, allowed);
}

async function draftFromAgentRule(base: Base, raw: unknown): Promise<DraftRuleResult> {
  const parsed = parseRuleLeniently(raw);
  const checked = checkSelection({ triggers: parsed.triggerTypes, components: componentTypes(parsed.rule) }, base.prompt);
  if (checked.blocked) return noDraft('agent', [...checked.problems, ...parsed.problems], []);
  if (checked.trigger === null) parsed.rule.trigger = null;
  return finish(base, 'agent', parsed.rule, checked, [...checked.problems, ...parsed.problems], [], undefined);
}

const BULK_VERBS: Record<string, [string, string]> = {
  DeletePageAction: ['deletes', 'delete'],
  ArchivePageAction: ['archives', 'archive'],
  MovePageAction: ['moves', 'move'],
};

/** Page-branch criteria that pick some pages rather than all of a space. */
const NARROWING_CRITERIA = ['lastUpdatedMoreThanDaysAgo', 'createdMoreThanDaysAgo', 'labels', 'titleContains', 'parentPage', 'ancestorPage', 'author'];

function narrowsPages(branch: RuleComponent): boolean {
  if (branch.type !== 'ForEachPageBranch') return false;
  const criteria = (branch.config as { criteria?: Record<string, unknown> }).criteria ?? {};
  return NARROWING_CRITERIA.some((key) => {
    const value = criteria[key];
    return value !== undefined && value !== null && value !== '' && !(Array.isArray(value) && value.length === 0);
  });
}

async function finish(
  base: Base,
  kind: GeneratorKind,
  rule: SimplifiedRule,
  checked: CheckedSelection,
  problems: Problem[],
  notes: InternalNote[],
  allowed: Set<string> | undefined,
): Promise<DraftRuleResult> {
  const manual = new Map(checked.manual);
  // Safety: deleting, archiving or moving pages from a branch acts in bulk (issue 12). A branch
  // that does not narrow the pages by what the request said (age, labels, title, parent,
  // author) is left for the reviewer with its step: "delete every page of HR" drafts nothing a
  // person has not chosen. A narrowing branch keeps the stated pages for the reviewer to check
  // ("archive pages labelled done not changed in 30 days" is an ordinary clean-up), and a delete
  // stays manual even then, so no bulk delete is approved without a person confirming it.
  for (const w of walkComponents(rule.components)) {
    const verb = BULK_VERBS[w.node.type];
    if (!verb || !w.inBranch) continue;
    const narrowed = narrowsPages(w.inBranch);
    if (!narrowed) {
      const reason = `${MESSAGES.manual} Safety: this ${verb[0]} pages in bulk, so which pages and whether to ${verb[1]} them is left to the reviewer.`;
      manual.set(w.node.type, reason);
      manual.set(w.inBranch.type, reason);
    } else if (w.node.type === 'DeletePageAction') {
      manual.set(w.node.type, `${MESSAGES.manual} Safety: this deletes pages in bulk; the branch holds the pages the request named, and a reviewer confirms the delete.`);
    }
  }
  // CQL in the rule may only reach the draftable spaces (the rule's own space when space-scoped).
  const scope = base.spaceKey ? [base.spaceKey] : ((await base.resolver.draftableSpaces?.().catch(() => [])) ?? []);
  for (const [type, reason] of constrainRuleCql(rule, scope).manual) if (!manual.has(type)) manual.set(type, reason);
  const normalized = normalizeRule(rule, { allowed, manual });
  const structure = checkStructure(normalized.rule);
  // The offline reading may cut a name short or let it run on; the site decides (longest span that resolves).
  if (kind === 'offline') await repairSpans(normalized.rule, base.prompt, base.resolver);
  const resolution = await resolveRule(normalized.rule, { resolver: base.resolver, spaceKey: base.spaceKey });
  const allProblems = dedupeProblems([...problems, ...normalized.problems, ...structure, ...resolution.problems]);
  const usable = walkComponents(normalized.rule.components).some((w) => catalogEntry(w.node.type)?.kind === 'action');
  const exportJson = toExportJson(normalized.rule, {
    resolved: resolution.resolved,
    unresolved: resolution.unresolved,
    spaceKey: base.spaceKey,
    cloudId: base.cloudId,
    spaceId: base.spaceId,
    description: `Drafted from: ${base.prompt.slice(0, 500)}`,
  });
  assertDisabled(exportJson);
  const state = { manualConfig: normalized.manualConfig, unresolved: resolution.unresolved, missingInputs: normalized.missingInputs };
  let preview = renderPreview(normalized.rule, state);
  const requestProblems = allProblems.filter((p) => p.kind !== 'unresolved' && p.kind !== 'invalid_structure');
  if (requestProblems.length) preview += `\n\nNotes:\n${requestProblems.map((p) => `- ${p.message}`).join('\n')}`;
  if (!usable) preview = `Nothing drafted: the rule has no action.\n\n${preview}`;
  return {
    usable,
    rule: normalized.rule,
    problems: allProblems,
    errorKind: primaryErrorKind(allProblems),
    manualConfig: normalized.manualConfig,
    missingInputs: normalized.missingInputs,
    unresolved: resolution.unresolved,
    resolved: resolution.resolved,
    generator: kind,
    preview,
    exportJson: usable ? exportJson : null,
    notes: [...notes, ...normalized.notes],
  };
}

function noDraft(kind: GeneratorKind, problems: Problem[], notes: InternalNote[]): DraftRuleResult {
  const all = dedupeProblems(problems);
  return {
    usable: false,
    rule: null,
    problems: all,
    errorKind: primaryErrorKind(all),
    manualConfig: [],
    missingInputs: [],
    unresolved: [],
    resolved: [],
    generator: kind,
    preview: `Nothing drafted.\n${all.map((p) => `- ${p.message}`).join('\n')}`,
    exportJson: null,
    notes,
  };
}

function dedupeProblems(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.kind}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
