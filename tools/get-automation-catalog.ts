import { z } from 'zod';
import { catalogEntry, catalogSummary, paredDownSchemas } from '../src/services/automation/catalog.js';
import { similarTypes } from '../src/services/automation/type-suggestions.js';
import { defineTool } from './define-tool.js';

export const getAutomationCatalog = defineTool({
  name: 'get_automation_catalog',
  title: 'Confluence automation components and their schemas',
  description:
    'Automation components draft_automation_rule may use (manualConfig ones are left to a person); `types` gives only ' +
    'those, with their config JSON Schemas, to write the rule JSON.',
  access: 'read',
  toolset: 'automation',
  writes: false,
  input: z.object({
    types: z.array(z.string().trim().min(1).max(100)).max(20).optional().describe('Component types whose config schemas you want'),
  }),
  output: z.object({
    components: z.array(z.object({ type: z.string(), kind: z.enum(['trigger', 'condition', 'action', 'branch']), description: z.string(), manualConfig: z.boolean().optional() })),
    schemas: z.record(z.string(), z.unknown()),
    unknownTypes: z
      .array(z.object({ type: z.string(), didYouMean: z.array(z.string()) }))
      .describe('Asked-for types not in the catalog, with the likely meant ones (ask again with those)'),
    ruleShape: z.string(),
  }),
  async handler(args) {
    // A misspelt type is not a failed call: the known types' schemas still come back, and each
    // unknown one with the types it most likely meant (page_published → PagePublishedTrigger).
    const inCatalog = (type: string) => catalogEntry(type) !== undefined && catalogEntry(type)!.governance !== 'excluded';
    const types = args.types ?? [];
    const unknownTypes = types.filter((type) => !inCatalog(type)).map((type) => ({ type, didYouMean: similarTypes(type) }));
    const known = types.filter(inCatalog);
    // With types, the agent already chose: answer with those components only, not the whole list again.
    const chosen = new Set(known);
    return {
      structured: {
        components: types.length > 0 ? catalogSummary().filter((c) => chosen.has(c.type)) : catalogSummary(),
        schemas: known.length ? paredDownSchemas(known) : {},
        unknownTypes,
        ruleShape:
          '{"title": string, "trigger": {"type": <trigger type>, "config": {…}}, "components": [{"type": <type>, "config": {…}}, …]} — ' +
          'branches carry "components" inline; IfElseCondition has config.blocks[{matchType, conditions, components}] and config.else.components. ' +
          'Refer to pages as {"pageTitle", "spaceKey"?}, spaces as {"spaceKey"} or {"spaceName"}, users as {"displayName"} or {"email"}.',
      },
    };
  },
});
