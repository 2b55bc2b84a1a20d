import { catalogEntry, type CatalogEntry } from './catalog.js';
import type { InternalNote, ManualConfigEntry, MissingInput, Problem } from './problems.js';
import { ifElseConfig, IF_ELSE, type RuleComponent, type SimplifiedRule } from './rule-schema.js';

/**
 * Brings any generated or agent-written rule in line with the catalog, the same way for
 * every generator: unknown, excluded and unselected components are dropped; manual-config
 * components are emptied and listed; secret fields are blanked and listed; each config is
 * checked against its schema, a missing value becoming a missing input for the reviewer and
 * a wrong one an `invalid_structure` problem on that step.
 */

export interface NormalizeOptions {
  /** Types the generator was allowed to use (sampling / offline). Absent = any catalog type (agent). */
  allowed?: ReadonlySet<string>;
  /** Types to leave unconfigured, with the reason shown to the reviewer. */
  manual: ReadonlyMap<string, string>;
}

export interface NormalizeResult {
  rule: SimplifiedRule;
  problems: Problem[];
  manualConfig: ManualConfigEntry[];
  missingInputs: MissingInput[];
  notes: InternalNote[];
}

interface Ctx {
  options: NormalizeOptions;
  problems: Problem[];
  manualConfig: ManualConfigEntry[];
  missingInputs: MissingInput[];
  notes: InternalNote[];
}

export function normalizeRule(input: SimplifiedRule, options: NormalizeOptions): NormalizeResult {
  const ctx: Ctx = { options, problems: [], manualConfig: [], missingInputs: [], notes: [] };
  const rule: SimplifiedRule = structuredClone(input);

  if (rule.trigger) {
    const entry = catalogEntry(rule.trigger.type);
    if (!entry || (options.allowed && !options.allowed.has(entry.type))) {
      ctx.notes.push({ kind: 'invalid_trigger', message: `Dropped trigger "${rule.trigger.type}": not ${entry ? 'selected' : 'in the catalog'}.` });
      rule.trigger = null;
    } else if (entry.kind !== 'trigger') {
      ctx.problems.push({ kind: 'invalid_structure', message: `"${entry.type}" is not a trigger; it was removed from the trigger slot.`, component: entry.type });
      rule.trigger = null;
    } else {
      rule.trigger.config = checkConfig(entry, rule.trigger.config, 'trigger', ctx);
    }
  }
  rule.components = normalizeList(rule.components, 'components', ctx);
  return { rule, problems: ctx.problems, manualConfig: ctx.manualConfig, missingInputs: ctx.missingInputs, notes: ctx.notes };
}

function normalizeList(list: RuleComponent[], basePath: string, ctx: Ctx): RuleComponent[] {
  const out: RuleComponent[] = [];
  for (const node of list) {
    const path = `${basePath}[${out.length}]`;
    const entry = catalogEntry(node.type);
    if (!entry || entry.governance === 'excluded' || (ctx.options.allowed && !ctx.options.allowed.has(entry.type))) {
      ctx.notes.push({
        kind: 'invalid_component',
        message: `Dropped "${node.type}": ${!entry ? 'not in the catalog' : entry.governance === 'excluded' ? 'excluded from generation' : 'not among the selected components'}.`,
      });
      continue;
    }
    if (entry.kind === 'trigger') {
      ctx.problems.push({ kind: 'invalid_structure', message: `${path}: "${entry.type}" is a trigger and can't be a step; it was removed.`, component: entry.type });
      continue;
    }
    const next: RuleComponent = { type: node.type, config: node.config };
    if (node.type === IF_ELSE) {
      const cfg = ifElseConfig(node);
      next.config = {
        blocks: cfg.blocks.map((b, i) => ({
          matchType: b.matchType,
          conditions: normalizeList(b.conditions, `${path}.config.blocks[${i}].conditions`, ctx),
          components: normalizeList(b.components, `${path}.config.blocks[${i}].components`, ctx),
        })),
        ...(cfg.else ? { else: { components: normalizeList(cfg.else.components, `${path}.config.else.components`, ctx) } } : {}),
      };
      validateIfElse(next, path, ctx);
    } else {
      next.config = checkConfig(entry, node.config, path, ctx);
    }
    if (node.components !== undefined || entry.kind === 'branch') {
      next.components = normalizeList(node.components ?? [], `${path}.components`, ctx);
    }
    out.push(next);
  }
  return out;
}

function validateIfElse(node: RuleComponent, path: string, ctx: Ctx) {
  const cfg = ifElseConfig(node);
  if (cfg.blocks.length === 0) {
    ctx.problems.push({ kind: 'invalid_structure', message: `${path}: an if/else needs at least one "if" block with conditions.`, component: IF_ELSE });
  }
  cfg.blocks.forEach((b, i) => {
    if (b.conditions.length === 0) {
      ctx.problems.push({ kind: 'invalid_structure', message: `${path}: block ${i + 1} of the if/else has no conditions.`, component: IF_ELSE });
    }
    for (const c of b.conditions) {
      if (catalogEntry(c.type)?.kind !== 'condition' || c.type === IF_ELSE) {
        ctx.problems.push({ kind: 'invalid_structure', message: `${path}: block ${i + 1} lists "${c.type}" as a condition; only conditions belong there.`, component: c.type });
      }
    }
  });
}

/** Validates one config; returns what to keep. Manual → {}; secrets → "". */
function checkConfig(entry: CatalogEntry, config: Record<string, unknown>, path: string, ctx: Ctx): Record<string, unknown> {
  const manualReason = ctx.options.manual.get(entry.type) ?? (entry.governance === 'manual-config-required' ? 'Needs manual configuration: a reviewer fills this step in.' : undefined);
  if (manualReason !== undefined) {
    if (Object.keys(config).length > 0) ctx.notes.push({ kind: 'normalized', message: `${path}: config of ${entry.type} cleared; a reviewer configures it.` });
    ctx.manualConfig.push({ type: entry.type, path, reason: manualReason });
    return {};
  }
  const cleaned: Record<string, unknown> = { ...config };
  for (const field of entry.secretFields ?? []) {
    if (cleaned[field] !== '' && cleaned[field] !== undefined) ctx.notes.push({ kind: 'normalized', message: `${path}: ${field} cleared; secrets are never generated.` });
    cleaned[field] = '';
    ctx.missingInputs.push({ type: entry.type, path, field, reason: 'Secret: paste the incoming-webhook URL in the rule editor.' });
  }
  const parsed = entry.config.safeParse(cleaned);
  if (parsed.success) return cleaned;
  const seen = new Set<string>();
  for (const issue of parsed.error.issues) {
    const field = issue.path.map(String).join('.') || '(config)';
    if (seen.has(field)) continue;
    seen.add(field);
    const value = issue.path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k as string] : undefined), cleaned);
    const missing = value === undefined || value === '' || (Array.isArray(value) && value.length === 0) || (issue.code === 'invalid_union' && isEmptyish(value));
    if (missing) {
      ctx.missingInputs.push({ type: entry.type, path, field, reason: `Required: ${issue.message.replace(/^Invalid input: /, '')}` });
    } else {
      ctx.problems.push({ kind: 'invalid_structure', message: `${path} (${entry.uiName}): ${field}: ${issue.message}`, component: entry.type });
    }
  }
  return cleaned;
}

function isEmptyish(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (typeof value === 'object' && Object.keys(value as object).length === 0);
}
