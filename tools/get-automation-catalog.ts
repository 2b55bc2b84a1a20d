import { z } from 'zod';
import { catalogEntry, catalogSummary, paredDownSchemas } from '../src/services/automation/catalog.js';
import { InvalidInputError } from '../src/errors.js';
import { defineTool } from './define-tool.js';

export const getAutomationCatalog = defineTool({
  name: 'get_automation_catalog',
  title: 'Confluence automation components and their schemas',
  description:
    'The automation components draft_automation_rule may use (manualConfig ones are left for a person); pass `types` ' +
    'for their config JSON Schemas, to write the simplified rule JSON yourself.',
  access: 'read',
  toolset: 'automation',
  writes: false,
  input: z.object({
    types: z.array(z.string().trim().min(1).max(100)).max(20).optional().describe('Component types whose config schemas you want'),
  }),
  output: z.object({
    components: z.array(z.object({ type: z.string(), kind: z.enum(['trigger', 'condition', 'action', 'branch']), description: z.string(), manualConfig: z.boolean().optional() })),
    schemas: z.record(z.string(), z.unknown()),
    ruleShape: z.string(),
  }),
  async handler(args) {
    const unknown = (args.types ?? []).filter((type) => catalogEntry(type) === undefined || catalogEntry(type)!.governance === 'excluded');
    if (unknown.length > 0) throw new InvalidInputError(`Not in the catalog: ${unknown.join(', ')}. Call without types to list what exists.`);
    return {
      structured: {
        components: catalogSummary(),
        schemas: args.types?.length ? paredDownSchemas(args.types) : {},
        ruleShape:
          '{"title": string, "trigger": {"type": <trigger type>, "config": {…}}, "components": [{"type": <type>, "config": {…}}, …]} — ' +
          'branches carry "components" inline; IfElseCondition has config.blocks[{matchType, conditions, components}] and config.else.components. ' +
          'Refer to pages as {"pageTitle", "spaceKey"?}, spaces as {"spaceKey"} or {"spaceName"}, users as {"displayName"} or {"email"}.',
      },
    };
  },
});
