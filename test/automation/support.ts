import { draftRule, type DraftRuleInput, type DraftRuleResult } from '../../src/services/automation/pipeline.js';
import { createStaticResolver, type StaticSite } from '../../src/services/automation/static-resolver.js';
import { componentTypes } from '../../src/services/automation/rule-schema.js';

/** A small site: "Decisions" exists in ENG and HR, so global scope finds it ambiguous. */
export const SITE: StaticSite = {
  spaces: [
    { key: 'ENG', name: 'Engineering' },
    { key: 'HR', name: 'Human Resources' },
    { key: 'ARCH', name: 'Archive' },
  ],
  pages: [
    { id: '101', title: 'Decisions', spaceKey: 'ENG' },
    { id: '102', title: 'Decisions', spaceKey: 'HR' },
    { id: '103', title: 'Meeting notes', spaceKey: 'ENG' },
    { id: '104', title: 'Policies', spaceKey: 'HR' },
  ],
  users: [
    { accountId: 'u-jane', displayName: 'Jane Doe', email: 'jane.doe@example.com' },
    { accountId: 'u-alex1', displayName: 'Alex Kim', email: 'alex.kim@example.com' },
    { accountId: 'u-alex2', displayName: 'Alex Kim', email: 'akim@example.com' },
  ],
  groups: [{ name: 'legal' }],
};

export const resolver = () => createStaticResolver(SITE);

export function draft(prompt: string, options: Partial<DraftRuleInput> = {}): Promise<DraftRuleResult> {
  return draftRule({ prompt, resolver: resolver(), ...options });
}

export const typesOf = (result: DraftRuleResult) => (result.rule ? componentTypes(result.rule) : []);
export const kindsOf = (result: DraftRuleResult) => result.problems.map((p) => p.kind);

type DraftedNode = NonNullable<DraftRuleResult['rule']>['components'][number];

/** The first node of `type` in the drafted rule, branch children included. */
export function nodeOf(result: DraftRuleResult, type: string): DraftedNode | undefined {
  const walk = (nodes: DraftedNode[]): DraftedNode | undefined => {
    for (const node of nodes) {
      if (node.type === type) return node;
      const inner = walk(node.components ?? []);
      if (inner) return inner;
    }
    return undefined;
  };
  return result.rule ? walk(result.rule.components) : undefined;
}

/** The config of the trigger or first node of `type`. */
export function configOf(result: DraftRuleResult, type: string): Record<string, unknown> | undefined {
  return result.rule?.trigger?.type === type ? result.rule.trigger.config : nodeOf(result, type)?.config;
}
