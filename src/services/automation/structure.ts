import { catalogEntry } from './catalog.js';
import type { Problem } from './problems.js';
import { ifElseConfig, IF_ELSE, walkComponents, type RuleComponent, type SimplifiedRule } from './rule-schema.js';

/**
 * Structural rules S1–S6 (fact sheet §1) on a simplified rule. S1's trigger count is
 * checked on the selection (checks.ts) and by the lenient parser; here a missing trigger is
 * not repeated. Each violation is an `invalid_structure` problem with a message a reviewer
 * can act on.
 */

export const MAX_COMPONENTS = 65;

export function checkStructure(rule: SimplifiedRule): Problem[] {
  const problems: Problem[] = [];
  const add = (message: string, component?: string) => problems.push({ kind: 'invalid_structure', message, ...(component ? { component } : {}) });

  // S2: at least one action, and each path ends with an action.
  const all = walkComponents(rule.components);
  if (!all.some((w) => catalogEntry(w.node.type)?.kind === 'action')) {
    add('The rule has no action: say what it should do (for example "move the page" or "add a label").');
  } else {
    const last = rule.components[rule.components.length - 1];
    if (last && catalogEntry(last.type)?.kind === 'condition' && last.type !== IF_ELSE) {
      add(`The rule ends with a condition (${last.type}); a rule's last step must be an action.`, last.type);
    }
  }

  rule.components.forEach((node, i) => checkNode(node, `step ${i + 1}`, false, add));

  // S6: at most 65 components, trigger not counted, every if/else condition counted.
  if (all.length > MAX_COMPONENTS) add(`The rule has ${all.length} components; Confluence allows at most ${MAX_COMPONENTS} (the trigger is not counted).`);
  return problems;
}

function checkNode(node: RuleComponent, where: string, inBranch: boolean, add: (m: string, c?: string) => void) {
  const kind = catalogEntry(node.type)?.kind;
  if (kind === 'branch') {
    // S4: branches don't nest.
    if (inBranch) add(`${where}: a branch can't be inside another branch (${node.type}); split it into a separate rule.`, node.type);
    const children = node.components ?? [];
    if (children.length === 0) add(`${where}: the branch ${node.type} has no steps inside it.`, node.type);
    else if (catalogEntry(children[children.length - 1].type)?.kind === 'condition') {
      add(`${where}: the branch ${node.type} ends with a condition; its last step must be an action.`, node.type);
    }
    children.forEach((c, j) => checkNode(c, `${where}.${j + 1}`, true, add));
    return;
  }
  if (node.components && node.components.length > 0) {
    add(`${where}: only branches can hold steps; the ${node.type} children were ignored.`, node.type);
  }
  if (node.type === IF_ELSE) {
    // S5: no if/else inside a branch.
    if (inBranch) add(`${where}: if/else isn't allowed inside a branch; use plain conditions in the branch or a separate rule.`, IF_ELSE);
    const cfg = ifElseConfig(node);
    cfg.blocks.forEach((b, i) => b.components.forEach((c, j) => checkNode(c, `${where} (if ${i + 1}).${j + 1}`, inBranch, add)));
    cfg.else?.components.forEach((c, j) => checkNode(c, `${where} (else).${j + 1}`, inBranch, add));
  }
}
