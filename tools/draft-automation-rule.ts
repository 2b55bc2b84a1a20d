import { z } from 'zod';
import { RuleArg } from '../src/services/review/review-schemas.js';
import { draftAutomationRule } from '../src/services/automation/automation-drafts.js';
import { WRITE_IT_YOURSELF } from '../src/services/automation/checks.js';
import { defineTool } from './define-tool.js';

export const draftAutomationRuleTool = defineTool({
  name: 'draft_automation_rule',
  title: 'Draft a Confluence automation rule for review',
  description:
    'Turns a plain-language request ("when a page is published, if the title contains Decision, move it under the Decisions ' +
    'page") into a DRAFT Confluence automation rule: one trigger, conditions, actions, branches, with spaces, pages and ' +
    'users resolved in the spaces you may draft against. Nothing is created or enabled: a reviewer approves it first. ' +
    'Pass `rule` (simplified rule JSON, see get_automation_catalog) to supply the rule yourself. Problems (no trigger, ' +
    'unsupported steps, fields left for a person) are reported, and a usable rule is still drafted for the reviewer to finish.',
  access: 'draft',
  toolset: 'automation',
  writes: true,
  hints: { idempotentHint: true, destructiveHint: false, openWorldHint: false },
  input: z.object({
    prompt: z.string().trim().min(1).max(2000).describe('What the rule should do, in plain words'),
    spaceKey: z.string().trim().min(1).max(255).optional().describe('Space scope (the rule runs in this space); omit for a global rule'),
    rule: RuleArg.optional().describe('Simplified rule JSON you wrote yourself: {title, trigger:{type,config}, components:[…]}'),
  }),
  output: z.object({
    draftId: z.number().int().nullable().describe('Null when nothing usable was produced'),
    status: z.literal('pending').nullable(),
    duplicate: z.boolean(),
    rule: z.record(z.string(), z.unknown()).nullable(),
    problems: z.array(
      z.object({
        kind: z.enum(['no_trigger', 'multiple_triggers', 'unsupported', 'excluded_component', 'invalid_structure', 'unresolved', 'not_included']),
        message: z.string(),
        component: z.string().optional(),
      }),
    ),
    manualConfig: z.array(z.string()).describe('Component types left for a person to configure'),
    unresolved: z.array(
      z.object({ path: z.string(), kind: z.string(), reason: z.string(), message: z.string(), candidates: z.array(z.object({ id: z.string(), label: z.string() })).optional() }),
    ),
    generator: z.enum(['sampling', 'agent', 'offline']),
    preview: z.string(),
    message: z.string(),
  }),
  async handler(args, { gate, services, sample }) {
    const { result, draft, duplicate } = await draftAutomationRule(gate, services, { ...args, sample });
    const message = draft
      ? `Draft ${draft.id} waits for a reviewer. Nothing was created in Confluence; when approved the rule is exported disabled.${
          result.manualConfig.length || result.unresolved.length ? ' Some fields are left for the reviewer to complete.' : ''
        }`
      : noDraftMessage(result.problems.map((p) => p.message));
    return {
      structured: {
        draftId: draft?.id ?? null,
        status: draft ? ('pending' as const) : null,
        duplicate,
        rule: (result.rule as Record<string, unknown> | null) ?? null,
        problems: result.problems,
        manualConfig: [...new Set(result.manualConfig.map((m) => m.type))],
        unresolved: result.unresolved.map(({ path, kind, reason, message: text, candidates }) => ({ path, kind, reason, message: text, ...(candidates ? { candidates } : {}) })),
        generator: result.generator,
        preview: result.preview,
        message,
      },
    };
  },
});

/** Every no-draft answer ends with the way out: the catalog, then `rule`, with one example. */
function noDraftMessage(problems: string[]): string {
  return `No draft was created: ${problems.join(' ') || 'the request did not produce a usable rule.'} ${WRITE_IT_YOURSELF}`;
}
