import { cqlSpaceClause } from '../../adapters/confluence/cql.js';
import type { RuleComponent, SimplifiedRule } from './rule-schema.js';
import { walkComponents } from './rule-schema.js';

/**
 * CQL inside a rule (ForEachCqlBranch.cql, CqlCondition.cql) is free text the rule engine runs
 * with the rule actor's rights, so on its own it could reach any space. Policy: every such query
 * is ANDed with the spaces the drafter may draft against (the rule's own space when it is
 * space-scoped), outside the query and built by the escaping CQL builder, so nothing inside it
 * can widen the scope. A query whose parentheses or quotes do not balance, or that carries its own
 * ORDER BY, could break out of the parentheses; it is emptied and left for a person instead.
 */
export const CQL_COMPONENTS = ['ForEachCqlBranch', 'CqlCondition'] as const;

export interface CqlScopeResult {
  /** Component types whose query could not be constrained, with why (forced to manual configuration). */
  manual: Map<string, string>;
}

export function constrainRuleCql(rule: SimplifiedRule, spaces: readonly string[]): CqlScopeResult {
  const manual = new Map<string, string>();
  for (const { node } of walkComponents(rule.components)) {
    if (!(CQL_COMPONENTS as readonly string[]).includes(node.type)) continue;
    const config = (node.config ?? {}) as Record<string, unknown>;
    const cql = typeof config.cql === 'string' ? config.cql.trim() : '';
    if (cql === '') continue;
    const clause = spaces.length === 0 ? '' : cqlSpaceClause(spaces);
    // Already constrained (a reviewer's edit of a drafted rule comes back through here).
    if (clause && cql.startsWith('(') && cql.endsWith(`) AND ${clause}`) && !cqlShapeProblem(cql.slice(1, -`) AND ${clause}`.length))) continue;
    const unsafe = spaces.length === 0 ? 'no space is open for drafting' : cqlShapeProblem(cql);
    if (unsafe) {
      manual.set(node.type, `Needs manual configuration: a reviewer writes this CQL query. Safety: ${unsafe}, so the query cannot be kept inside the draftable spaces.`);
      continue;
    }
    setCql(node, `(${cql}) AND ${clause}`);
  }
  return { manual };
}

function setCql(node: RuleComponent, cql: string): void {
  node.config = { ...((node.config ?? {}) as Record<string, unknown>), cql };
}

/** Why a query cannot be wrapped safely, or undefined: unbalanced parentheses or quotes, or ORDER BY. */
export function cqlShapeProblem(cql: string): string | undefined {
  let depth = 0;
  let quote: string | null = null;
  let outside = '';
  for (let i = 0; i < cql.length; i++) {
    const char = cql[i];
    if (quote) {
      if (char === '\\') i++;
      else if (char === quote) quote = null;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      outside += ' ';
      continue;
    }
    if (char === '(') depth++;
    if (char === ')' && --depth < 0) return 'its parentheses do not balance';
    outside += char;
  }
  if (quote) return 'it has an unterminated string';
  if (depth !== 0) return 'its parentheses do not balance';
  if (/\border\s+by\b/i.test(outside)) return 'it has its own ORDER BY';
  return undefined;
}
