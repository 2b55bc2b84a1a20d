import { catalogEntry } from './catalog.js';
import type { ManualConfigEntry, MissingInput } from './problems.js';
import type { RefKind } from './refs.js';
import { mapConfigRefs, type ResolvedRef, type UnresolvedRef } from './resolution.js';
import { ifElseConfig, IF_ELSE, walkComponents, type RuleComponent, type SimplifiedRule } from './rule-schema.js';

/**
 * Step 4b: the simplified rule → Automation's rule export/import JSON (fact sheet §8).
 *
 * NOTE: Confluence's real component `type` ids and `value` shapes are not public (§8). Until
 * they are harvested from exports on a Premium test site, nodes carry OUR type names
 * (`MovePageAction`, …) and our config as `value`, with resolved ids filled in. This JSON is
 * therefore right in shape (TRIGGER / CONDITION / CONDITION_BLOCK / ACTION / BRANCH nodes,
 * parentId / conditionParentId links, rule-level fields) but is meant for the `outbox`
 * target until the type table exists. The rule is always `DISABLED` (S14).
 */

export type ExportComponentKind = 'TRIGGER' | 'CONDITION' | 'CONDITION_BLOCK' | 'ACTION' | 'BRANCH';

export interface ExportNode {
  id: string;
  component: Exclude<ExportComponentKind, 'TRIGGER'>;
  parentId: string | null;
  conditionParentId: string | null;
  schemaVersion: 1;
  type: string;
  value: unknown;
  children: ExportNode[];
  conditions: ExportNode[];
}

export interface ExportTrigger {
  component: 'TRIGGER';
  schemaVersion: 1;
  type: string;
  value: unknown;
}

export interface ExportRule {
  name: string;
  description: string;
  /** Never ENABLED: a generated rule is created disabled and stays so until a person enables it. */
  state: 'DISABLED';
  trigger: ExportTrigger | null;
  components: ExportNode[];
  ruleScopeARIs: string[];
  labels: string[];
}

export interface ExportEnvelope {
  rule: ExportRule;
  connections: [];
}

export interface ExportOptions {
  resolved: ResolvedRef[];
  unresolved: UnresolvedRef[];
  /** Space scope key; absent = global. */
  spaceKey?: string;
  /** Filled in by the automation target when known; placeholders otherwise. */
  cloudId?: string;
  spaceId?: string;
  description?: string;
}

/** How a reference appears in `value`: ids when resolved, the reference plus a flag when not. */
function exportRef(kind: RefKind, ref: Record<string, unknown>, resolved?: ResolvedRef, unresolved?: UnresolvedRef): unknown {
  if (kind === 'smart') return ref;
  if (resolved) {
    switch (kind) {
      case 'page':
        return { pageId: resolved.id, pageTitle: resolved.label, spaceKey: resolved.spaceKey };
      case 'space':
        return { spaceKey: resolved.id, spaceName: resolved.label };
      case 'user':
        return { accountId: resolved.id, displayName: resolved.label };
      case 'group':
        return { groupId: resolved.id, groupName: resolved.label };
    }
  }
  return { ...ref, unresolved: unresolved?.reason ?? 'not_found' };
}

export function toExportJson(rule: SimplifiedRule, options: ExportOptions): ExportEnvelope {
  const resolvedAt = new Map(options.resolved.map((r) => [r.path, r]));
  const unresolvedAt = new Map(options.unresolved.map((u) => [u.path, u]));
  const value = (config: Record<string, unknown>, path: string) =>
    mapConfigRefs(config, path, (p, ref, kind) => exportRef(kind, ref, resolvedAt.get(p), unresolvedAt.get(p)));

  let next = 0;
  const newId = () => String(++next);

  const mapNode = (node: RuleComponent, path: string, parentId: string | null): ExportNode => {
    const entry = catalogEntry(node.type);
    const id = newId();
    if (node.type === IF_ELSE) {
      const cfg = ifElseConfig(node);
      const container: ExportNode = { id, component: 'CONDITION', parentId, conditionParentId: null, schemaVersion: 1, type: IF_ELSE, value: null, children: [], conditions: [] };
      const blocks = [
        ...cfg.blocks.map((b, i) => ({ matchType: b.matchType, conditions: b.conditions, components: b.components, path: `${path}.config.blocks[${i}]`, isElse: false })),
        ...(cfg.else ? [{ matchType: 'ALL' as const, conditions: [], components: cfg.else.components, path: `${path}.config.else`, isElse: true }] : []),
      ];
      for (const b of blocks) {
        const blockId = newId();
        // An else is a block with no conditions (it always passes when reached).
        const block: ExportNode = {
          id: blockId,
          component: 'CONDITION_BLOCK',
          parentId: id,
          conditionParentId: null,
          schemaVersion: 1,
          type: `${IF_ELSE}Block`,
          value: { conditionMatchType: b.matchType, ...(b.isElse ? { else: true } : {}) },
          children: [],
          conditions: [],
        };
        block.conditions = b.conditions.map((c, j) => ({ ...mapNode(c, `${b.path}.conditions[${j}]`, null), conditionParentId: blockId }));
        block.children = b.components.map((c, j) => mapNode(c, `${b.path}.components[${j}]`, blockId));
        container.children.push(block);
      }
      return container;
    }
    const component: ExportNode['component'] = entry?.kind === 'branch' ? 'BRANCH' : entry?.kind === 'condition' ? 'CONDITION' : 'ACTION';
    return {
      id,
      component,
      parentId,
      conditionParentId: null,
      schemaVersion: 1,
      type: node.type,
      value: value(node.config, `${path}.config`),
      children: (node.components ?? []).map((c, j) => mapNode(c, `${path}.components[${j}]`, id)),
      conditions: [],
    };
  };

  const cloud = options.cloudId ?? '{cloudId}';
  const scopeAri = options.spaceKey
    ? `ari:cloud:confluence:${cloud}:space/${options.spaceId ?? `{spaceId:${options.spaceKey}}`}`
    : `ari:cloud:confluence::site/${cloud}`;

  return {
    rule: {
      name: rule.title,
      description: options.description ?? 'Drafted by confluence-steward; reviewed by a person before creation.',
      state: 'DISABLED',
      trigger: rule.trigger ? { component: 'TRIGGER', schemaVersion: 1, type: rule.trigger.type, value: value(rule.trigger.config, 'trigger.config') } : null,
      components: rule.components.map((c, i) => mapNode(c, `components[${i}]`, null)),
      ruleScopeARIs: [scopeAri],
      labels: [],
    },
    connections: [],
  };
}

/** Throws if anything would create an enabled rule. Call before handing JSON to a target. */
export function assertDisabled(envelope: ExportEnvelope): void {
  if ((envelope.rule as { state: string }).state !== 'DISABLED') throw new Error('Refusing to export an automation rule that is not DISABLED.');
}

export interface ExportReadiness {
  ready: boolean;
  blockers: string[];
}

/**
 * Why a draft can't be executed yet, for the approval step: the mapper refuses while any
 * manual-config component is unconfigured, a reference is unresolved, an input is missing,
 * or there is no trigger.
 */
export function exportReadiness(rule: SimplifiedRule, state: { manualConfig: ManualConfigEntry[]; unresolved: UnresolvedRef[]; missingInputs: MissingInput[] }): ExportReadiness {
  const blockers: string[] = [];
  if (!rule.trigger) blockers.push('No trigger.');
  if (!walkComponents(rule.components).some((w) => catalogEntry(w.node.type)?.kind === 'action')) blockers.push('No action.');
  for (const m of state.manualConfig) blockers.push(`${m.type} at ${m.path} needs manual configuration.`);
  for (const u of state.unresolved) blockers.push(`Unresolved ${u.kind} at ${u.path}: ${u.message}`);
  for (const i of state.missingInputs) blockers.push(`Missing ${i.field} for ${i.type} at ${i.path}.`);
  return { ready: blockers.length === 0, blockers };
}
