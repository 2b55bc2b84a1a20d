import { z } from 'zod';
import type { Problem } from './problems.js';

/**
 * The simplified rule JSON (fact sheet §4): what every generator produces and what the
 * tool returns as `rule`. Component configs are plain objects here; their per-type shapes
 * live in the catalog and are checked in normalize.ts, so one bad config becomes a problem
 * on that step instead of a rejected rule.
 */

export interface RuleComponent {
  type: string;
  config: Record<string, unknown>;
  /** Branch children (branches only). */
  components?: RuleComponent[];
}

export interface RuleTrigger {
  type: string;
  config: Record<string, unknown>;
}

export interface SimplifiedRule {
  title: string;
  trigger: RuleTrigger | null;
  components: RuleComponent[];
}

export interface IfElseBlock {
  matchType: 'ALL' | 'ANY';
  conditions: RuleComponent[];
  components: RuleComponent[];
}

export interface IfElseConfig {
  blocks: IfElseBlock[];
  else?: { components: RuleComponent[] };
}

export const BRANCH_TYPES = ['ForEachPageBranch', 'ForEachTaskBranch', 'ForEachCqlBranch', 'ForEachSmartValueBranch'] as const;
export const IF_ELSE = 'IfElseCondition';

export const RuleComponentSchema: z.ZodType<RuleComponent> = z.lazy(() =>
  z.strictObject({
    type: z.string().min(1),
    config: z.record(z.string(), z.unknown()),
    components: z.array(RuleComponentSchema).optional(),
  }),
);

/** The §4 shape, strict. For output schemas and documentation; input goes through parseRuleLeniently. */
export const SimplifiedRuleSchema = z.strictObject({
  title: z.string(),
  trigger: z.strictObject({ type: z.string().min(1), config: z.record(z.string(), z.unknown()) }).nullable(),
  components: z.array(RuleComponentSchema),
});

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

export interface LenientParse {
  rule: SimplifiedRule;
  problems: Problem[];
  /** Every trigger type the input named, in order, when it named more than one. */
  triggerTypes: string[];
}

/**
 * Reads a rule from an agent or a model without throwing: missing parts become defaults,
 * broken parts are dropped with an `invalid_structure` problem naming where they were.
 * Accepts a JSON string, a bare trigger name, `children` for `components`, and an array
 * of triggers (reported as multiple_triggers by the checks, not here).
 */
export function parseRuleLeniently(input: unknown): LenientParse {
  const problems: Problem[] = [];
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      problems.push({ kind: 'invalid_structure', message: 'The rule is not valid JSON.' });
      return { rule: { title: 'Untitled rule', trigger: null, components: [] }, problems, triggerTypes: [] };
    }
  }
  if (!isRecord(value)) {
    problems.push({ kind: 'invalid_structure', message: 'The rule must be a JSON object with title, trigger and components.' });
    return { rule: { title: 'Untitled rule', trigger: null, components: [] }, problems, triggerTypes: [] };
  }

  const title = typeof value.title === 'string' && value.title.trim() !== '' ? value.title.trim() : 'Untitled rule';

  const rawTriggers: unknown[] = Array.isArray(value.trigger)
    ? value.trigger
    : value.trigger === undefined || value.trigger === null
      ? Array.isArray(value.triggers)
        ? value.triggers
        : []
      : [value.trigger];
  const triggers: RuleTrigger[] = [];
  rawTriggers.forEach((t, i) => {
    const parsed = readNode(t, `trigger${rawTriggers.length > 1 ? `[${i}]` : ''}`, problems, false);
    if (parsed) triggers.push({ type: parsed.type, config: parsed.config });
  });

  const rawComponents = value.components ?? value.children ?? [];
  const components: RuleComponent[] = [];
  if (!Array.isArray(rawComponents)) {
    problems.push({ kind: 'invalid_structure', message: '`components` must be a list of steps.' });
  } else {
    rawComponents.forEach((c, i) => {
      const node = readNode(c, `components[${i}]`, problems, true);
      if (node) components.push(node);
    });
  }

  return {
    rule: { title, trigger: triggers.length === 1 ? triggers[0] : null, components },
    problems,
    triggerTypes: triggers.map((t) => t.type),
  };
}

function readNode(raw: unknown, path: string, problems: Problem[], allowChildren: boolean): RuleComponent | null {
  if (typeof raw === 'string' && raw.trim() !== '') return { type: raw.trim(), config: {} };
  if (!isRecord(raw) || typeof raw.type !== 'string' || raw.type.trim() === '') {
    problems.push({ kind: 'invalid_structure', message: `${path}: a step needs a "type" naming a catalog component; it was dropped.` });
    return null;
  }
  const type = raw.type.trim();
  let config: Record<string, unknown> = {};
  if (isRecord(raw.config)) config = { ...raw.config };
  else if (raw.config !== undefined && raw.config !== null) {
    problems.push({ kind: 'invalid_structure', message: `${path} (${type}): "config" must be an object; it was reset to {}.`, component: type });
  }
  if (type === IF_ELSE) config = readIfElse(config, path, problems);

  const node: RuleComponent = { type, config };
  const rawChildren = raw.components ?? raw.children;
  if (rawChildren !== undefined) {
    if (!allowChildren || !Array.isArray(rawChildren)) {
      problems.push({ kind: 'invalid_structure', message: `${path} (${type}): child steps are only allowed on branches and were dropped.`, component: type });
    } else {
      node.components = [];
      rawChildren.forEach((c, i) => {
        const child = readNode(c, `${path}.components[${i}]`, problems, true);
        if (child) node.components!.push(child);
      });
    }
  }
  return node;
}

function readIfElse(config: Record<string, unknown>, path: string, problems: Problem[]): Record<string, unknown> {
  const blocks: IfElseBlock[] = [];
  const rawBlocks = Array.isArray(config.blocks) ? config.blocks : [];
  rawBlocks.forEach((b, i) => {
    if (!isRecord(b)) return;
    const at = `${path}.config.blocks[${i}]`;
    const list = (v: unknown, where: string): RuleComponent[] =>
      (Array.isArray(v) ? v : []).flatMap((c, j) => readNode(c, `${at}.${where}[${j}]`, problems, true) ?? []);
    blocks.push({
      matchType: b.matchType === 'ANY' ? 'ANY' : 'ALL',
      conditions: list(b.conditions, 'conditions'),
      components: list(b.components, 'components'),
    });
  });
  const out: Record<string, unknown> = { blocks };
  if (isRecord(config.else)) {
    const rawElse = Array.isArray(config.else.components) ? config.else.components : [];
    out.else = {
      components: rawElse.flatMap((c, j) => readNode(c, `${path}.config.else.components[${j}]`, problems, true) ?? []),
    };
  }
  return out;
}

/** Typed view of an IfElseCondition's config (after parseRuleLeniently it always has this shape). */
export function ifElseConfig(node: RuleComponent): IfElseConfig {
  const config = node.config as Partial<IfElseConfig>;
  return { blocks: Array.isArray(config.blocks) ? config.blocks : [], ...(config.else ? { else: config.else } : {}) };
}

export interface WalkedComponent {
  node: RuleComponent;
  path: string;
  /** The branch this component sits in, if any. */
  inBranch: RuleComponent | null;
  /** Set for conditions that are if/else block conditions. */
  role: 'component' | 'block-condition';
}

/** Depth-first, parent first; within an if/else: block conditions, block components, then else (fact sheet §4). */
export function walkComponents(components: RuleComponent[], basePath = 'components', inBranch: RuleComponent | null = null): WalkedComponent[] {
  const out: WalkedComponent[] = [];
  components.forEach((node, i) => {
    const path = `${basePath}[${i}]`;
    out.push({ node, path, inBranch, role: 'component' });
    if (node.type === IF_ELSE) {
      const cfg = ifElseConfig(node);
      cfg.blocks.forEach((block, b) => {
        block.conditions.forEach((c, j) => {
          out.push({ node: c, path: `${path}.config.blocks[${b}].conditions[${j}]`, inBranch, role: 'block-condition' });
        });
        out.push(...walkComponents(block.components, `${path}.config.blocks[${b}].components`, inBranch));
      });
      if (cfg.else) out.push(...walkComponents(cfg.else.components, `${path}.config.else.components`, inBranch));
    }
    if (node.components) out.push(...walkComponents(node.components, `${path}.components`, node));
  });
  return out;
}

/** Every component type in the rule, flattened (trigger excluded). */
export function componentTypes(rule: SimplifiedRule): string[] {
  return walkComponents(rule.components).map((w) => w.node.type);
}

export function cloneRule(rule: SimplifiedRule): SimplifiedRule {
  return structuredClone(rule);
}
